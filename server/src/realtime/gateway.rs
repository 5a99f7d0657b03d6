//! `GET /api/v1/ws`: one WebSocket connection per client, authenticated before the upgrade.
//!
//! Each connection runs a reader (this task: frames in, requests handled in order), a writer
//! (frames out of the bounded [`Outbox`]), and one follower task per subscribed channel. A
//! channel is delivered exactly once and in order: the follower attaches the channel's [`Feed`]
//! to the broker *before* reading the channel's head from storage, so nothing published in
//! between is missed. Live messages go from the broker's delivering task straight into the
//! outbox; the follower wakes only to read from storage what the feed could not queue itself
//! (the history after `since`, a missed broker message, a broker reconnect). All of a
//! connection's tasks end with it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use futures_util::{Sink, SinkExt as _, Stream, StreamExt as _};
use protocol::realtime::{
    close, Channel, ClientFrame, ErrorFrame, MessageBody, Reply, ServerFrame, SUBPROTOCOL, SUBPROTOCOL_MSGPACK,
};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};
use uuid::Uuid;

use super::broker::{Attachment, Subscriber};
use super::feed::Feed;
use super::outbox::{Next, Outbox};
use super::service::{from_stored, Realtime};
use crate::auth::AccessClaims;
use crate::error::ApiError;
use crate::extract::{bearer_token, ApiQuery, ClientAddr};
use crate::state::AppState;
use crate::store::StoredMessage;

/// Stored messages read per query when catching up.
const BACKFILL_PAGE: i64 = 500;
/// Malformed frames tolerated per connection before it is closed.
const MAX_MALFORMED: u32 = 100;
/// Longest request id echoed back.
const MAX_ID_LEN: usize = 128;
/// Most frames the writer hands the socket per flush. Whatever queued while the previous write
/// was going out leaves together in one system call, so a busy room costs fewer writes per
/// message the more it lags, and an idle one adds no delay.
const WRITE_BATCH: usize = 64;

#[derive(Debug, Deserialize)]
pub struct WsQuery {
    access_token: Option<String>,
}

/// Upgrades to a WebSocket after checking the access token (header or `access_token` query
/// parameter, for browsers that cannot set headers on a WebSocket).
pub async fn upgrade(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<WsQuery>,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    // A browser lets any page open a WebSocket to any host, with the user's cookies and stored
    // tokens out of reach but the page's script in control: only pages we serve or trust may.
    state.settings.origins.check(&headers)?;
    let token = bearer_token(&headers)?.or(query.access_token.as_deref()).ok_or_else(|| {
        ApiError::unauthorized("sign in first: send the access token as a bearer token or access_token")
    })?;
    let claims = state.authenticate(token)?;
    // A token outlives an account deleted after it was issued: no connection for it.
    if state.store.user_by_id(claims.user).await?.is_none_or(|user| user.deleted_at.is_some()) {
        return Err(ApiError::Unauthorized("invalid_token", "the account of this token no longer exists".to_owned()));
    }
    let ws = ws.map_err(|e| ApiError::BadRequest("websocket_required", e.to_string()))?;
    let realtime = Arc::clone(&state.realtime);
    if !realtime.allow_connect(address) {
        return Err(ApiError::RateLimited { retry_after_secs: 1 });
    }
    // An app that connects most often opens its person's recommendations next.
    state.cache.log().record(claims.user, cache::Op::Connect);
    crate::http::cached::prefetch_recommendations(&state, claims.user);
    let settings = &realtime.settings;
    let ws = ws
        .protocols([SUBPROTOCOL, SUBPROTOCOL_MSGPACK])
        .max_frame_size(settings.max_frame_bytes)
        .max_message_size(settings.max_frame_bytes)
        .read_buffer_size(settings.read_buffer_bytes);
    Ok(ws.on_upgrade(move |socket| {
        let codec = match socket.protocol().and_then(|p| p.to_str().ok()) {
            Some(SUBPROTOCOL_MSGPACK) => Codec::MsgPack,
            _ => Codec::Json,
        };
        let (sink, stream) = socket.split();
        realtime.shutdown.track_connection(connection(sink, stream, state, claims, codec))
    }))
}

/// Frame encoding negotiated by subprotocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Json,
    MsgPack,
}

impl Codec {
    pub fn encode(self, frame: &ServerFrame) -> Message {
        match self {
            Self::Json => Message::Text(serde_json::to_string(frame).unwrap_or_default().into()),
            Self::MsgPack => {
                // Human-readable mode keeps ids and times as the same strings JSON carries, so
                // one schema describes both encodings.
                let mut bytes = Vec::new();
                let mut serializer = rmp_serde::Serializer::new(&mut bytes).with_struct_map().with_human_readable();
                let _ = serde::Serialize::serialize(frame, &mut serializer);
                Message::Binary(bytes.into())
            }
        }
    }

    /// Parses a client frame; on failure answers the request id when one can be read, so the
    /// error frame can echo it.
    pub(crate) fn decode(self, message: &Message) -> Result<ClientFrame, (Option<String>, String)> {
        let value: serde_json::Value = match (self, message) {
            (Self::Json, Message::Text(text)) => {
                serde_json::from_str(text.as_str()).map_err(|e| (None, format!("not JSON: {e}")))?
            }
            (Self::MsgPack, Message::Binary(bytes)) => {
                let mut deserializer = rmp_serde::Deserializer::from_read_ref(bytes.as_ref()).with_human_readable();
                Deserialize::deserialize(&mut deserializer).map_err(|e| (None, format!("not MessagePack: {e}")))?
            }
            (Self::Json, _) => return Err((None, "this connection speaks JSON text frames (mingle.v1)".to_owned())),
            (Self::MsgPack, _) => {
                return Err((None, "this connection speaks MessagePack binary frames (mingle.v1.msgpack)".to_owned()))
            }
        };
        let id = value.get("id").and_then(|v| v.as_str());
        if id.is_some_and(|s| s.chars().count() > MAX_ID_LEN) {
            // Not echoed: cut short, it could match another of the client's requests.
            return Err((None, format!("id must be at most {MAX_ID_LEN} characters")));
        }
        let id = id.map(str::to_owned);
        serde_json::from_value(value).map_err(|e| (id, format!("not a valid frame: {e}")))
    }
}

/// What a connection's tasks share.
#[derive(Clone)]
struct Conn {
    realtime: Arc<Realtime>,
    outbox: Arc<Outbox>,
    codec: Codec,
    user: Uuid,
}

impl Conn {
    fn send(&self, frame: &ServerFrame) -> bool {
        self.outbox.push(self.codec.encode(frame))
    }

    /// Sends a frame at the writer's pace (catch-up from storage).
    async fn send_paced(&self, frame: &ServerFrame) -> bool {
        self.outbox.push_paced(self.codec.encode(frame)).await
    }

    fn error(&self, id: Option<String>, code: &str, message: impl Into<String>) {
        self.send(&ServerFrame::Error(ErrorFrame {
            id,
            code: code.to_owned(),
            message: message.into(),
            channel: None,
        }));
    }
}

/// One subscribed channel of a connection: the task that reads it from storage (or follows
/// its presence) and, for a message channel, the feed that queues its live messages.
struct Follower {
    task: JoinHandle<()>,
    feed: Option<(Arc<Feed>, Attachment)>,
}

impl Follower {
    /// Stops delivery of `channel`: once this returns, nothing more of it is queued (a
    /// delivery under way included); a presence channel also counts the user out.
    fn stop(self, conn: &Conn, channel: &str) {
        match self.feed {
            Some((feed, attachment)) => {
                feed.stop();
                drop(attachment);
            }
            None => conn.realtime.presence.leave(channel, conn.user),
        }
        self.task.abort();
    }
}

/// The close a read error calls for (RFC 6455 §7.4.1), when the client caused it: a frame over
/// the size limit (1009), text that is not UTF-8 (1007), a broken framing rule such as an
/// unmasked frame (1002). Other errors (the connection dropped) close nothing.
fn close_for(error: &axum::Error) -> Option<(u16, &'static str, &'static str)> {
    use std::error::Error as _;
    use tokio_tungstenite::tungstenite::Error;
    match error.source().and_then(|e| e.downcast_ref::<Error>())? {
        Error::Capacity(_) => Some((close::MESSAGE_TOO_BIG, "frame too large", "frame_too_large")),
        Error::Utf8(_) => Some((close::INVALID_PAYLOAD, "text frames must be UTF-8", "invalid_utf8")),
        Error::Protocol(_) => Some((close::PROTOCOL_ERROR, "WebSocket protocol violation", "protocol_error")),
        _ => None,
    }
}

/// One connection, from the upgrade to its end: the reader loop here, a writer task for the
/// outbox and a follower task per subscribed channel. Generic over the socket's two halves so
/// that tests can drive it through in-memory channels.
async fn connection<W, R>(sink: W, mut stream: R, state: AppState, mut claims: AccessClaims, codec: Codec)
where
    W: Sink<Message> + Unpin + Send + 'static,
    R: Stream<Item = Result<Message, axum::Error>> + Unpin,
{
    let realtime = Arc::clone(&state.realtime);
    let user = claims.user;
    let _guard = realtime.connection_guard();
    let outbox = Arc::new(Outbox::new(realtime.settings.outbox_bytes));
    let conn = Conn { realtime: Arc::clone(&realtime), outbox: Arc::clone(&outbox), codec, user };
    let mut writer = tokio::spawn(write(sink, outbox, realtime.settings.write_coalesce));

    let mut reader = Reader { followers: HashMap::new(), malformed: 0 };
    let mut access = realtime.access.watch(user);
    let shutdown = realtime.shutdown.clone();
    let mut restarting = std::pin::pin!(shutdown.serving_ended());
    let mut shutdown_seen = false;
    let mut ping = tokio::time::interval(realtime.settings.ping_interval);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut last_heard = Instant::now();
    let reason: &str = loop {
        let expiry = token_deadline(claims.expires_at);
        tokio::select! {
            incoming = stream.next() => {
                last_heard = Instant::now();
                match incoming {
                    Some(Ok(Message::Close(_))) => break "client_closed",
                    Some(Ok(message)) => reader.frame(&conn, &state, message, &mut claims).await,
                    Some(Err(e)) => {
                        let Some((code, why, reason)) = close_for(&e) else { break "read_failed" };
                        conn.outbox.close(code, why);
                        let _ = tokio::time::timeout(Duration::from_secs(1), &mut writer).await;
                        break reason;
                    }
                    None => break "client_gone",
                }
            }
            () = access.changed() => {
                // The same wake-up carries a session signed out elsewhere.
                if state.revocations.is_revoked(claims.session) {
                    conn.outbox.close(close::TOKEN_EXPIRED, "session signed out: sign in again");
                    claims.expires_at = i64::MAX;
                    claims.session = None;
                } else {
                    Box::pin(reader.recheck(&conn)).await;
                }
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > realtime.settings.idle_timeout {
                    conn.outbox.close(close::IDLE_TIMEOUT, "idle timeout");
                } else {
                    conn.outbox.push(Message::Ping(Vec::new().into()));
                }
            }
            () = tokio::time::sleep_until(expiry) => {
                conn.outbox.close(close::TOKEN_EXPIRED, "access token expired: refresh and reconnect");
                claims.expires_at = i64::MAX;
            }
            // Fires once: the close is queued behind what is already queued, and the writer
            // ends the loop below once it has gone out.
            () = &mut restarting, if !shutdown_seen => {
                shutdown_seen = true;
                conn.outbox.close(close::SERVICE_RESTART, "server restarting: reconnect and resume");
            }
            done = &mut writer => break done.unwrap_or("writer_failed"),
        }
    };
    for (channel, follower) in reader.followers {
        follower.stop(&conn, &channel);
    }
    if !writer.is_finished() {
        // The client left first; let the writer flush what it can, then stop it.
        conn.outbox.close(1000, "closing");
        let _ = tokio::time::timeout(Duration::from_secs(1), &mut writer).await;
        writer.abort();
    }
    metrics::counter!("realtime_disconnects_total", "reason" => reason.to_owned()).increment(1);
}

/// The writer task: hands the socket everything that queued since its last write, until the
/// outbox closes (answers the close reason) or the socket fails.
///
/// A socket that wrote less than `coalesce` ago holds channel messages for the rest of it, so a
/// busy socket takes one system call for everything that queued meanwhile rather than one per
/// message, and a quiet socket (messages further apart than `coalesce`) writes each at once.
/// A full batch (the socket is behind) goes out without waiting; a reply to the client (or an
/// error, or a ping) and a close end the hold.
async fn write<W: Sink<Message> + Unpin>(mut sink: W, outbox: Arc<Outbox>, coalesce: Duration) -> &'static str {
    let mut batch = Vec::new();
    let frames_sent = metrics::counter!("realtime_frames_sent_total");
    let writes = metrics::counter!("realtime_writes_total");
    let mut hold_until: Option<Instant> = None;
    loop {
        if let Some(until) = hold_until.take() {
            if !outbox.ready().await && until > Instant::now() {
                // Channel messages wait out the hold; a reply or a close ends it.
                tokio::select! {
                    () = tokio::time::sleep_until(until) => {}
                    () = outbox.pressing() => {}
                }
            }
        }
        match outbox.next_batch(&mut batch, WRITE_BATCH).await {
            Next::Send => {
                frames_sent.increment(batch.len() as u64);
                writes.increment(1);
                let full = batch.len() == WRITE_BATCH;
                for message in batch.drain(..) {
                    if sink.feed(message).await.is_err() {
                        return "write_failed";
                    }
                }
                if sink.flush().await.is_err() {
                    return "write_failed";
                }
                if !full && !coalesce.is_zero() {
                    hold_until = Some(Instant::now() + coalesce);
                }
            }
            Next::Close(code, reason) => {
                let frame = CloseFrame { code, reason: reason.into() };
                let _ = sink.send(Message::Close(Some(frame))).await;
                let _ = sink.close().await;
                return reason;
            }
        }
    }
}

/// What the reader keeps between frames.
struct Reader {
    followers: HashMap<String, Follower>,
    malformed: u32,
}

impl Reader {
    /// Checks every subscription again after the user's access changed, and ends those the
    /// user may no longer receive, telling the client with an `access_revoked` error on each.
    async fn recheck(&mut self, conn: &Conn) {
        let channels: Vec<String> = self.followers.keys().cloned().collect();
        for name in channels {
            let Ok(channel) = name.parse::<Channel>() else { continue };
            let denied = match conn.realtime.authorize_read(conn.user, channel).await {
                Ok(()) => continue,
                // Not knowing is not losing: a failed lookup keeps the subscription.
                Err(super::service::Denied::Unavailable) => continue,
                Err(denied) => denied,
            };
            if let Some(follower) = self.followers.remove(&name) {
                follower.stop(conn, &name);
                metrics::counter!("realtime_access_revoked_total").increment(1);
                conn.send(&ServerFrame::Error(ErrorFrame {
                    id: None,
                    code: "access_revoked".to_owned(),
                    message: format!("no longer delivered: {}", denied.message()),
                    channel: Some(name),
                }));
            }
        }
    }

    /// Handles one data frame from the client.
    async fn frame(&mut self, conn: &Conn, state: &AppState, message: Message, claims: &mut AccessClaims) {
        if matches!(message, Message::Ping(_) | Message::Pong(_)) {
            return;
        }
        match conn.codec.decode(&message) {
            // Boxed: the request's futures (store queries) then take memory only while a
            // request runs, not in every idle connection's task.
            Ok(frame) => Box::pin(handle(conn, state, frame, &mut self.followers, claims)).await,
            Err((id, why)) => {
                self.malformed += 1;
                conn.error(id, "malformed_frame", why);
                if self.malformed > MAX_MALFORMED {
                    conn.outbox.close(close::PROTOCOL_ERROR, "too many malformed frames");
                }
            }
        }
    }
}

/// When the connection's token expires, as a timer deadline.
fn token_deadline(expires_at: i64) -> Instant {
    let now = chrono::Utc::now().timestamp();
    let secs = u64::try_from(expires_at.saturating_sub(now)).unwrap_or(0).min(365 * 86_400);
    Instant::now() + Duration::from_secs(secs)
}

async fn handle(
    conn: &Conn,
    state: &AppState,
    frame: ClientFrame,
    followers: &mut HashMap<String, Follower>,
    current: &mut AccessClaims,
) {
    let id = frame.id().chars().take(MAX_ID_LEN).collect::<String>();
    match frame {
        ClientFrame::Ping { .. } => {
            conn.send(&ServerFrame::Reply(Reply::ok(id)));
        }
        ClientFrame::Auth { access_token, .. } => match state.authenticate(&access_token) {
            Ok(claims) if claims.user == conn.user => {
                *current = claims;
                let expires = crate::render::utc(claims.expires_at.saturating_mul(1000));
                conn.send(&ServerFrame::Reply(Reply { expires_at: Some(expires), ..Reply::ok(id) }));
            }
            Ok(_) => conn.error(Some(id), "invalid_token", "the token belongs to another user"),
            Err(e) => conn.error(Some(id), "invalid_token", e.to_string()),
        },
        ClientFrame::Unsubscribe { channel, .. } => match followers.remove(&channel) {
            Some(follower) => {
                follower.stop(conn, &channel);
                conn.send(&ServerFrame::Reply(Reply { channel: Some(channel), ..Reply::ok(id) }));
            }
            None => conn.error(Some(id), "not_subscribed", format!("not subscribed to {channel}")),
        },
        ClientFrame::Subscribe { channel: name, since, epoch, .. } => {
            let Ok(channel) = name.parse::<Channel>() else {
                return conn.error(Some(id), "unknown_channel", super::service::Denied::UnknownChannel.message());
            };
            let resubscribe = followers.contains_key(&name);
            if !resubscribe && followers.len() >= conn.realtime.settings.max_subscriptions {
                return conn.error(
                    Some(id),
                    "too_many_subscriptions",
                    format!("at most {} channels per connection", conn.realtime.settings.max_subscriptions),
                );
            }
            if let Err(denied) = conn.realtime.authorize_read(conn.user, channel).await {
                return conn.error(Some(id), denied.code(), denied.message());
            }
            // Subscribing again restarts delivery from the new `since`.
            if let Some(old) = followers.remove(&name) {
                old.stop(conn, &name);
            }
            let follower = if matches!(channel, Channel::EventPresence(_)) {
                // Joined here, not in the task, so a leave can never run before its join.
                let (updates, snapshot) = conn.realtime.presence.join(&name, conn.user);
                let task = tokio::spawn(follow_presence(conn.clone(), name.clone(), id, updates, snapshot));
                Follower { task, feed: None }
            } else {
                // Attached before the channel's head is read: nothing published in between is
                // missed. Here, not in the task, so a stop can never run before it.
                let feed = Feed::new(Arc::clone(&conn.outbox), conn.codec, &name);
                let attachment = conn.realtime.broker.attach(&name, Arc::clone(&feed) as Arc<dyn Subscriber>);
                let task = tokio::spawn(follow(conn.clone(), Arc::clone(&feed), name.clone(), since, epoch, id));
                Follower { task, feed: Some((feed, attachment)) }
            };
            followers.insert(name, follower);
        }
        ClientFrame::Publish { channel: name, body, .. } => {
            let Ok(channel) = name.parse::<Channel>() else {
                return conn.error(Some(id), "unknown_channel", super::service::Denied::UnknownChannel.message());
            };
            if let Err(denied) = conn.realtime.authorize_write(conn.user, channel).await {
                return conn.error(Some(id), denied.code(), denied.message());
            }
            let text = body.text.trim();
            let length = text.chars().count();
            if length == 0 || length > 2000 {
                return conn.error(Some(id), "invalid_body", "text must be 1 to 2000 characters");
            }
            if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                return conn.error(Some(id), "invalid_body", "text must not contain control characters");
            }
            if !conn.realtime.allow_chat(conn.user) {
                return conn.error(Some(id), "rate_limited", "too many messages; slow down");
            }
            match conn.realtime.post(channel, Some(conn.user), MessageBody::chat(text)).await {
                Ok(message) => {
                    conn.send(&ServerFrame::Reply(Reply {
                        channel: Some(name),
                        offset: Some(message.offset),
                        ..Reply::ok(id)
                    }));
                    if let Channel::Dm(conversation) = channel {
                        conn.realtime.notify_dm(conversation, &message, conn.user, text).await;
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "storing a chat message failed");
                    conn.error(Some(id), "internal", "the message could not be stored; retry");
                }
            }
        }
    }
}

/// Delivers one channel to the connection, exactly once and in order, until aborted. Live
/// messages reach the outbox through the channel's [`Feed`] without this task; it wakes only to
/// read storage: first from `since`, then whenever the feed finds a gap or is told to resync.
async fn follow(
    conn: Conn,
    feed: Arc<Feed>,
    channel: String,
    since: Option<i64>,
    epoch: Option<i64>,
    request_id: String,
) {
    let head = match conn.realtime.store.channel_head(&channel).await {
        Ok(head) => head,
        Err(e) => {
            tracing::error!(error = %e, channel, "reading channel head failed");
            return conn.error(Some(request_id), "internal", "could not read the channel; retry");
        }
    };
    let same_epoch = epoch.is_none_or(|epoch| epoch == head.epoch);
    let (mut last, recovered) = match since {
        None => (head.last, None),
        // Every message after `since` is still stored, and `since` counts in this epoch.
        Some(since) if same_epoch && (0..=head.last).contains(&since) && since + 1 >= head.first => (since, Some(true)),
        Some(_) => (head.last, Some(false)),
    };
    let reply = Reply {
        channel: Some(channel.clone()),
        offset: Some(head.last),
        epoch: Some(head.epoch),
        recovered,
        ..Reply::ok(request_id)
    };
    if !conn.send(&ServerFrame::Reply(reply)) {
        return;
    }
    // From the head, whatever came after it was delivered to the feed, which holds it.
    let mut read = last < head.last;
    loop {
        if read && !catch_up(&conn, &feed, &channel, &mut last).await {
            return;
        }
        read = true;
        last = match feed.go_live(last) {
            Ok(()) => feed.fell_behind().await,
            Err(after) => after,
        };
    }
}

/// Sends every stored message after `last`; answers false when the connection is closing or
/// the subscription ended.
async fn catch_up(conn: &Conn, feed: &Feed, channel: &str, last: &mut i64) -> bool {
    loop {
        let Some(page) = stored_after(conn, channel, *last).await else {
            conn.outbox.close(close::SERVICE_RESTART, "storage unavailable: reconnect and resume");
            return false;
        };
        let full = page.len() as i64 == BACKFILL_PAGE;
        for stored in page {
            // Pruned history leaves a hole only before the oldest kept message; skip to it.
            *last = stored.seq;
            // An unreadable body (logged by `from_stored`) is skipped like a pruned message.
            let Ok(message) = from_stored(stored) else { continue };
            if feed.stopped() || !conn.send_paced(&ServerFrame::Message(message)).await {
                return false;
            }
        }
        if !full {
            return true;
        }
    }
}

/// Pauses between tries of a backfill read. A moment of contention (every subscriber of a node
/// resyncing at once after a pause or a Redis reconnect, the pool busy) passes within them, and
/// the socket carries on; storage still failing after them is down, and the client is better off
/// reconnecting (and resuming) than waiting on a socket that delivers nothing.
const BACKFILL_RETRIES: [Duration; 4] =
    [Duration::from_millis(250), Duration::from_millis(500), Duration::from_secs(1), Duration::from_secs(2)];

/// Up to [`BACKFILL_PAGE`] stored messages after `last`, retried through short storage failures;
/// `None` when storage stays unavailable.
async fn stored_after(conn: &Conn, channel: &str, last: i64) -> Option<Vec<StoredMessage>> {
    let mut pauses = BACKFILL_RETRIES.iter();
    loop {
        match conn.realtime.store.messages_after(channel, last, BACKFILL_PAGE).await {
            Ok(page) => return Some(page),
            Err(e) => match pauses.next() {
                Some(pause) => {
                    tracing::warn!(error = %e, channel, "backfill failed; trying again");
                    metrics::counter!("realtime_backfill_retries_total").increment(1);
                    tokio::time::sleep(*pause).await;
                }
                None => {
                    tracing::error!(error = %e, channel, "backfill failed");
                    return None;
                }
            },
        }
    }
}

/// Keeps the connection informed of who is online in a presence channel.
async fn follow_presence(
    conn: Conn,
    channel: String,
    request_id: String,
    mut updates: tokio::sync::broadcast::Receiver<Arc<protocol::realtime::Presence>>,
    snapshot: protocol::realtime::Presence,
) {
    conn.send(&ServerFrame::Reply(Reply { channel: Some(channel.clone()), ..Reply::ok(request_id) }));
    conn.outbox.push_latest(&channel, conn.codec.encode(&ServerFrame::Presence(snapshot)));
    loop {
        match updates.recv().await {
            Ok(update) => {
                conn.outbox.push_latest(&channel, conn.codec.encode(&ServerFrame::Presence((*update).clone())))
            }
            Err(RecvError::Lagged(_)) => {}
            Err(RecvError::Closed) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    //! The connection loop driven through in-memory channels instead of a socket, against a real
    //! state on a scratch SQLite database.

    use std::pin::Pin;
    use std::time::Duration;

    use clap::Parser as _;
    use protocol::realtime::{ChannelMessage, Counters};
    use tokio::sync::mpsc;

    use super::*;
    use crate::shutdown::Shutdown;

    type ClientStream = Pin<Box<dyn Stream<Item = Result<Message, axum::Error>> + Send>>;
    type ServerSink = Pin<Box<dyn Sink<Message, Error = ()> + Send>>;

    struct Client {
        to_server: mpsc::UnboundedSender<Result<Message, axum::Error>>,
        from_server: mpsc::UnboundedReceiver<Message>,
    }

    impl Client {
        fn send(&self, text: &str) {
            self.to_server.send(Ok(Message::Text(text.into()))).expect("connection reading");
        }

        /// The next frame that is not a ping, or `None` once the connection closed the socket.
        async fn next(&mut self) -> Option<Message> {
            loop {
                let message = tokio::time::timeout(Duration::from_secs(5), self.from_server.recv())
                    .await
                    .expect("a frame in time")?;
                if !matches!(message, Message::Ping(_)) {
                    return Some(message);
                }
            }
        }

        async fn frame(&mut self) -> ServerFrame {
            match self.next().await {
                Some(Message::Text(text)) => serde_json::from_str(text.as_str()).expect("a server frame"),
                other => panic!("expected a text frame, got {other:?}"),
            }
        }
    }

    fn pipes() -> (ServerSink, ClientStream, Client) {
        let (to_server, incoming) = mpsc::unbounded_channel::<Result<Message, axum::Error>>();
        let (outgoing, from_server) = mpsc::unbounded_channel::<Message>();
        let stream = futures_util::stream::unfold(incoming, |mut rx| async move { rx.recv().await.map(|m| (m, rx)) });
        let sink = futures_util::sink::unfold(outgoing, |tx, message: Message| async move {
            tx.send(message).map_err(|_| ())?;
            Ok::<_, ()>(tx)
        });
        (Box::pin(sink), Box::pin(stream), Client { to_server, from_server })
    }

    async fn state(shutdown: &Shutdown) -> AppState {
        let dir = std::env::temp_dir().join(format!("mingle-gateway-{}", Uuid::new_v4().simple()));
        let config = crate::config::Config::try_parse_from(["mingle", "--data-dir", &dir.display().to_string()])
            .expect("configuration");
        crate::build_state(&config, shutdown).await.expect("state")
    }

    #[tokio::test]
    async fn requests_are_answered_messages_delivered_and_shutdown_closes_with_1012() {
        let shutdown = Shutdown::new();
        let state = state(&shutdown).await;
        let user = Uuid::now_v7();
        let (sink, stream, mut client) = pipes();
        let claims = AccessClaims { user, session: None, expires_at: chrono::Utc::now().timestamp() + 3600 };
        let connection =
            tokio::spawn(shutdown.track_connection(connection(sink, stream, state.clone(), claims, Codec::Json)));

        client.send(r#"{"type": "ping", "id": "p1"}"#);
        assert_eq!(client.frame().await, ServerFrame::Reply(Reply::ok("p1")));

        client.send(r#"{"type": "subscribe", "id": "x", "channel": 42}"#);
        match client.frame().await {
            ServerFrame::Error(error) => {
                assert_eq!((error.id.as_deref(), error.code.as_str()), (Some("x"), "malformed_frame"))
            }
            other => panic!("expected an error frame, got {other:?}"),
        }

        let channel = Channel::User(user);
        client.send(&format!(r#"{{"type": "subscribe", "id": "s1", "channel": "{channel}"}}"#));
        match client.frame().await {
            ServerFrame::Reply(reply) => assert_eq!((reply.id.as_str(), reply.offset), ("s1", Some(0))),
            other => panic!("expected the subscription's reply, got {other:?}"),
        }
        let counters = Counters { going: 3, waitlisted: 0, interested: 1, checked_in: 2, seats_left: Some(7) };
        state.realtime.post(channel, None, MessageBody::Counters(counters.clone())).await.expect("post");
        match client.frame().await {
            ServerFrame::Message(ChannelMessage { offset, body, .. }) => {
                assert_eq!((offset, body), (1, MessageBody::Counters(counters)))
            }
            other => panic!("expected the posted message, got {other:?}"),
        }

        shutdown.begin();
        match client.next().await {
            Some(Message::Close(Some(frame))) => assert_eq!(frame.code, close::SERVICE_RESTART),
            other => panic!("expected a close frame, got {other:?}"),
        }
        assert!(shutdown.connections_closed().await, "the connection ended");
        connection.await.expect("the connection task");
        shutdown.stop_workers().await;
        state.store.close().await;
    }

    /// Live messages arrive in order; a message the broker never delivered is read from storage
    /// when the next one shows the gap; a duplicate is skipped.
    #[tokio::test]
    async fn live_delivery_is_exactly_once_and_in_order_across_gaps_and_duplicates() {
        let shutdown = Shutdown::new();
        let state = state(&shutdown).await;
        let user = Uuid::now_v7();
        let (sink, stream, mut client) = pipes();
        let claims = AccessClaims { user, session: None, expires_at: chrono::Utc::now().timestamp() + 3600 };
        let connection = tokio::spawn(connection(sink, stream, state.clone(), claims, Codec::Json));
        let channel = Channel::User(user);
        // Not counters: a newer counters snapshot may supersede a queued older one.
        let body = |n: i64| MessageBody::Suggestions { event_id: Uuid::from_u128(n as u128), items: Vec::new() };
        state.realtime.post(channel, None, body(1)).await.expect("post before subscribing");

        client.send(&format!(r#"{{"type": "subscribe", "id": "s", "channel": "{channel}", "since": 0}}"#));
        match client.frame().await {
            ServerFrame::Reply(reply) => assert_eq!((reply.offset, reply.recovered), (Some(1), Some(true))),
            other => panic!("expected the subscription's reply, got {other:?}"),
        }
        state.realtime.post(channel, None, body(2)).await.expect("post");
        // Stored but never fanned out, as when a broker message is lost.
        let missed = serde_json::to_string(&body(3)).expect("encode");
        state.store.append_message(&channel.to_string(), None, &missed).await.expect("append");
        let fourth = state.realtime.post(channel, None, body(4)).await.expect("post");
        state.realtime.broker.publish(Arc::clone(&fourth)).await.expect("publish a duplicate");
        let mut received = Vec::new();
        for _ in 0..4 {
            match client.frame().await {
                ServerFrame::Message(message) => received.push((message.offset, message.body)),
                other => panic!("expected a message, got {other:?}"),
            }
        }
        // A duplicate of what was already delivered is skipped, live or held.
        state.realtime.broker.publish(fourth).await.expect("publish a duplicate");
        state.realtime.post(channel, None, body(5)).await.expect("post");
        for _ in 0..1 {
            match client.frame().await {
                ServerFrame::Message(message) => received.push((message.offset, message.body)),
                other => panic!("expected a message, got {other:?}"),
            }
        }
        assert_eq!(received, (1..=5).map(|n| (n, body(n))).collect::<Vec<_>>());
        client.send(r#"{"type": "ping", "id": "after"}"#);
        assert_eq!(client.frame().await, ServerFrame::Reply(Reply::ok("after")), "nothing delivered twice");

        drop(client);
        connection.await.expect("the connection task");
        shutdown.stop_workers().await;
        state.store.close().await;
    }

    /// A sink that records which frames left in each flush (one system call on a socket).
    #[derive(Clone, Default)]
    struct Flushes {
        done: Arc<std::sync::Mutex<Vec<Vec<String>>>>,
        pending: Vec<String>,
    }

    impl Flushes {
        fn taken(&self) -> Vec<Vec<String>> {
            self.done.lock().expect("lock").clone()
        }
    }

    impl Sink<Message> for Flushes {
        type Error = ();
        fn poll_ready(self: Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), ()>> {
            std::task::Poll::Ready(Ok(()))
        }
        fn start_send(mut self: Pin<&mut Self>, message: Message) -> Result<(), ()> {
            let text = match message {
                Message::Text(text) => text.as_str().to_owned(),
                Message::Close(Some(frame)) => format!("close {}", frame.code),
                other => format!("{other:?}"),
            };
            self.pending.push(text);
            Ok(())
        }
        fn poll_flush(mut self: Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), ()>> {
            if !self.pending.is_empty() {
                let batch = std::mem::take(&mut self.pending);
                self.done.lock().expect("lock").push(batch);
            }
            std::task::Poll::Ready(Ok(()))
        }
        fn poll_close(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), ()>> {
            self.poll_flush(cx)
        }
    }

    /// A busy socket's channel messages wait out the coalescing time and leave together; a quiet
    /// socket's message, a reply and a close leave at once.
    #[tokio::test(start_paused = true)]
    async fn a_busy_socket_writes_once_per_coalescing_time() {
        let text = |s: &str| Message::Text(s.into());
        let ms = Duration::from_millis;
        let outbox = Arc::new(Outbox::new(1 << 20));
        let sink = Flushes::default();
        let writer = tokio::spawn(write(sink.clone(), Arc::clone(&outbox), ms(40)));
        let tick = || tokio::time::sleep(ms(1));

        outbox.push_message(text("a"));
        tick().await;
        assert_eq!(sink.taken(), [vec!["a"]], "a quiet socket writes at once");
        outbox.push_message(text("b"));
        outbox.push_message(text("c"));
        tokio::time::sleep(ms(30)).await;
        assert_eq!(sink.taken().len(), 1, "held: the socket wrote less than 40 ms ago");
        tokio::time::sleep(ms(15)).await;
        assert_eq!(sink.taken(), [vec!["a"], vec!["b", "c"]], "one write for what queued meanwhile");

        tokio::time::sleep(ms(500)).await;
        outbox.push_message(text("d"));
        tick().await;
        assert_eq!(sink.taken().len(), 3, "quiet again: d written at once");

        outbox.push_message(text("e"));
        tokio::time::sleep(ms(10)).await;
        assert_eq!(sink.taken().len(), 3, "e is held");
        outbox.push(text("reply"));
        tick().await;
        assert_eq!(sink.taken()[3..], [vec!["e", "reply"]], "a reply ends the hold, taking e along");

        tokio::time::sleep(ms(500)).await;
        outbox.push_message(text("g"));
        tick().await;
        outbox.push_message(text("h"));
        tick().await;
        assert_eq!(sink.taken().len(), 5, "h is held: the reply's write is over");
        outbox.close(1000, "bye");
        tick().await;
        assert_eq!(sink.taken()[4..], [vec!["g"], vec!["h"], vec!["close 1000"]], "a close ends the hold");
        assert_eq!(writer.await.expect("the writer"), "bye");
    }

    #[tokio::test]
    async fn an_oversized_frame_closes_with_1009() {
        let shutdown = Shutdown::new();
        let state = state(&shutdown).await;
        let (sink, stream, mut client) = pipes();
        let claims =
            AccessClaims { user: Uuid::now_v7(), session: None, expires_at: chrono::Utc::now().timestamp() + 3600 };
        let connection = tokio::spawn(connection(sink, stream, state.clone(), claims, Codec::Json));
        let too_long = tokio_tungstenite::tungstenite::Error::Capacity(
            tokio_tungstenite::tungstenite::error::CapacityError::MessageTooLong { size: 2_000_000, max_size: 65_536 },
        );
        client.to_server.send(Err(axum::Error::new(too_long))).expect("connection reading");
        match client.next().await {
            Some(Message::Close(Some(frame))) => assert_eq!(frame.code, close::MESSAGE_TOO_BIG),
            other => panic!("expected a close frame, got {other:?}"),
        }
        connection.await.expect("the connection task");
        shutdown.stop_workers().await;
        state.store.close().await;
    }
}
