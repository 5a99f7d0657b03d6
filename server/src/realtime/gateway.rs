//! `GET /api/v1/ws`: one WebSocket connection per client, authenticated before the upgrade.
//!
//! Each connection runs a reader (this task: frames in, requests handled in order), a writer
//! (frames out of the bounded [`Outbox`]), and one follower task per subscribed channel. A
//! follower delivers a channel exactly once and in order: it subscribes to the broker *before*
//! reading the channel's head from storage, so nothing published in between is missed, skips
//! offsets it has already delivered, and reads any gap (a missed broker message, a lagging
//! receiver, a broker reconnect) back from storage. All of a connection's tasks end with it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use futures_util::{SinkExt as _, StreamExt as _};
use protocol::realtime::{
    close, Channel, ClientFrame, ErrorFrame, Reply, ServerFrame, SUBPROTOCOL, SUBPROTOCOL_MSGPACK,
};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};
use uuid::Uuid;

use super::broker::{BrokerEvent, Live};
use super::outbox::{Next, Outbox};
use super::service::{from_stored, Realtime};
use crate::error::ApiError;
use crate::extract::{bearer_token, ApiQuery, ClientAddr};
use crate::state::AppState;

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
    let token = bearer_token(&headers)?.or(query.access_token.as_deref()).ok_or_else(|| {
        ApiError::unauthorized("sign in first: send the access token as a bearer token or access_token")
    })?;
    let claims = state.tokens.verify_access_claims(token)?;
    let ws = ws.map_err(|e| ApiError::BadRequest("websocket_required", e.to_string()))?;
    let realtime = Arc::clone(&state.realtime);
    if !realtime.allow_connect(address) {
        return Err(ApiError::RateLimited { retry_after_secs: 1 });
    }
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
        connection(socket, realtime, state, claims.user, claims.expires_at, codec)
    }))
}

/// Frame encoding negotiated by subprotocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codec {
    Json,
    MsgPack,
}

impl Codec {
    fn encode(self, frame: &ServerFrame) -> Message {
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
    fn decode(self, message: &Message) -> Result<ClientFrame, (Option<String>, String)> {
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
        let id = value.get("id").and_then(|v| v.as_str()).map(|s| s.chars().take(MAX_ID_LEN).collect());
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
        self.send(&ServerFrame::Error(ErrorFrame { id, code: code.to_owned(), message: message.into() }));
    }
}

struct Follower {
    task: JoinHandle<()>,
    presence: bool,
}

async fn connection(
    socket: WebSocket,
    realtime: Arc<Realtime>,
    state: AppState,
    user: Uuid,
    mut expires_at: i64,
    codec: Codec,
) {
    let _guard = realtime.connection_guard();
    let (mut sink, mut stream) = socket.split();
    let outbox = Arc::new(Outbox::new(realtime.settings.outbox_bytes));
    let conn = Conn { realtime: Arc::clone(&realtime), outbox: Arc::clone(&outbox), codec, user };

    let mut writer = tokio::spawn(async move {
        let mut batch = Vec::new();
        let frames_sent = metrics::counter!("realtime_frames_sent_total");
        loop {
            match outbox.next_batch(&mut batch, WRITE_BATCH).await {
                Next::Send => {
                    frames_sent.increment(batch.len() as u64);
                    for message in batch.drain(..) {
                        if sink.feed(message).await.is_err() {
                            return "write_failed";
                        }
                    }
                    if sink.flush().await.is_err() {
                        return "write_failed";
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
    });

    let mut followers: HashMap<String, Follower> = HashMap::new();
    let mut shutdown = realtime.shutdown_signal();
    let mut ping = tokio::time::interval(realtime.settings.ping_interval);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut last_heard = Instant::now();
    let mut malformed = 0u32;
    let reason: &str = loop {
        let expiry = token_deadline(expires_at);
        tokio::select! {
            incoming = stream.next() => {
                let message = match incoming {
                    Some(Ok(message)) => message,
                    Some(Err(e)) => {
                        // The only read error a client can cause on purpose is an oversized
                        // frame; the library reports it as a capacity error.
                        let text = e.to_string();
                        if text.contains("too long") || text.contains("Space limit") {
                            conn.outbox.close(close::MESSAGE_TOO_BIG, "frame too large");
                            let _ = tokio::time::timeout(std::time::Duration::from_secs(1), &mut writer).await;
                            break "frame_too_large";
                        }
                        break "read_failed";
                    }
                    None => break "client_gone",
                };
                last_heard = Instant::now();
                match message {
                    Message::Close(_) => break "client_closed",
                    Message::Ping(_) | Message::Pong(_) => {}
                    message => match codec.decode(&message) {
                        // Boxed: the request's futures (store queries) then take memory only
                        // while a request runs, not in every idle connection's task.
                        Ok(frame) => Box::pin(handle(&conn, &state, frame, &mut followers, &mut expires_at)).await,
                        Err((id, why)) => {
                            malformed += 1;
                            conn.error(id, "malformed_frame", why);
                            if malformed > MAX_MALFORMED {
                                conn.outbox.close(close::PROTOCOL_ERROR, "too many malformed frames");
                            }
                        }
                    },
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
                expires_at = i64::MAX;
            }
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    conn.outbox.close(close::SERVICE_RESTART, "server restarting: reconnect and resume");
                }
            }
            done = &mut writer => break done.unwrap_or("writer_failed"),
        }
    };
    for (channel, follower) in followers {
        follower.task.abort();
        if follower.presence {
            realtime.presence.leave(&channel, user);
        }
    }
    if !writer.is_finished() {
        // The client left first; let the writer flush what it can, then stop it.
        conn.outbox.close(1000, "closing");
        let _ = tokio::time::timeout(std::time::Duration::from_secs(1), &mut writer).await;
        writer.abort();
    }
    metrics::counter!("realtime_disconnects_total", "reason" => reason.to_owned()).increment(1);
}

/// When the connection's token expires, as a timer deadline.
fn token_deadline(expires_at: i64) -> Instant {
    let now = chrono::Utc::now().timestamp();
    let secs = u64::try_from(expires_at.saturating_sub(now)).unwrap_or(0).min(365 * 86_400);
    Instant::now() + std::time::Duration::from_secs(secs)
}

async fn handle(
    conn: &Conn,
    state: &AppState,
    frame: ClientFrame,
    followers: &mut HashMap<String, Follower>,
    expires_at: &mut i64,
) {
    let id = frame.id().chars().take(MAX_ID_LEN).collect::<String>();
    match frame {
        ClientFrame::Ping { .. } => {
            conn.send(&ServerFrame::Reply(Reply::ok(id)));
        }
        ClientFrame::Auth { access_token, .. } => match state.tokens.verify_access_claims(&access_token) {
            Ok(claims) if claims.user == conn.user => {
                *expires_at = claims.expires_at;
                let expires = crate::render::utc(claims.expires_at.saturating_mul(1000));
                conn.send(&ServerFrame::Reply(Reply { expires_at: Some(expires), ..Reply::ok(id) }));
            }
            Ok(_) => conn.error(Some(id), "invalid_token", "the token belongs to another user"),
            Err(e) => conn.error(Some(id), "invalid_token", e.to_string()),
        },
        ClientFrame::Unsubscribe { channel, .. } => match followers.remove(&channel) {
            Some(follower) => {
                follower.task.abort();
                if follower.presence {
                    conn.realtime.presence.leave(&channel, conn.user);
                }
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
                old.task.abort();
                if old.presence {
                    conn.realtime.presence.leave(&name, conn.user);
                }
            }
            let presence = matches!(channel, Channel::EventPresence(_));
            let task = if presence {
                // Joined here, not in the task, so a leave can never run before its join.
                let (updates, snapshot) = conn.realtime.presence.join(&name, conn.user);
                tokio::spawn(follow_presence(conn.clone(), name.clone(), id, updates, snapshot))
            } else {
                tokio::spawn(follow(conn.clone(), name.clone(), since, epoch, id))
            };
            followers.insert(name, Follower { task, presence });
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
            match conn.realtime.post(&name, Some(conn.user), serde_json::json!({ "text": text })).await {
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

/// Delivers one channel to the connection, exactly once and in order, until aborted.
async fn follow(conn: Conn, channel: String, since: Option<i64>, epoch: Option<i64>, request_id: String) {
    let store = &conn.realtime.store;
    // Subscribe first: anything published while the head is read arrives here and is deduplicated.
    let mut subscription = conn.realtime.broker.subscribe(&channel);
    let head = match store.channel_head(&channel).await {
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
    if !conn.send(&ServerFrame::Reply(reply)) || !catch_up(&conn, &channel, &mut last, Some(head.last)).await {
        return;
    }
    loop {
        let caught_up = match subscription.receiver.recv().await {
            Ok(BrokerEvent::Message(live)) => deliver_live(&conn, &channel, &mut last, &live).await,
            Ok(BrokerEvent::Resync) | Err(RecvError::Lagged(_)) => catch_up(&conn, &channel, &mut last, None).await,
            Err(RecvError::Closed) => return,
        };
        if !caught_up {
            return;
        }
    }
}

/// Sends a live message unless already delivered, first filling any gap before it from storage.
async fn deliver_live(conn: &Conn, channel: &str, last: &mut i64, live: &Live) -> bool {
    let message = live.message();
    if message.offset <= *last {
        metrics::counter!("realtime_duplicates_skipped_total").increment(1);
        return true;
    }
    if message.offset > *last + 1 {
        metrics::counter!("realtime_gaps_backfilled_total").increment(1);
        if !catch_up(conn, channel, last, Some(message.offset - 1)).await {
            return false;
        }
    }
    if message.offset == *last + 1 {
        *last = message.offset;
        let codec = conn.codec;
        let frame = live.encoded(codec as usize, |message| codec.encode(&ServerFrame::Message(message.clone())));
        if live.is_counters() {
            // Counters are state: a client that lags gets only the newest.
            return conn.outbox.push_superseding(&format!("{channel}#counters"), frame);
        }
        return conn.outbox.push(frame);
    }
    true
}

/// Sends stored messages after `last` (up to `until` when given); answers false when the
/// connection is closing.
async fn catch_up(conn: &Conn, channel: &str, last: &mut i64, until: Option<i64>) -> bool {
    loop {
        if until.is_some_and(|until| *last >= until) {
            return true;
        }
        let page = match conn.realtime.store.messages_after(channel, *last, BACKFILL_PAGE).await {
            Ok(page) => page,
            Err(e) => {
                tracing::error!(error = %e, channel, "backfill failed");
                conn.outbox.close(close::SERVICE_RESTART, "storage unavailable: reconnect and resume");
                return false;
            }
        };
        let full = page.len() as i64 == BACKFILL_PAGE;
        for stored in page {
            if until.is_some_and(|until| stored.seq > until) {
                return true;
            }
            // Pruned history leaves a hole only before the oldest kept message; skip to it.
            *last = stored.seq;
            if !conn.send_paced(&ServerFrame::Message(from_stored(stored))).await {
                return false;
            }
        }
        if !full {
            return true;
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
