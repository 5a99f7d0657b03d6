//! The realtime protocol spoken over `GET /api/v1/ws`.
//!
//! Frames are JSON text under the subprotocol [`SUBPROTOCOL`], or the same structures as
//! MessagePack binary frames under [`SUBPROTOCOL_MSGPACK`]. Every client request carries an `id`
//! that its [`Reply`] or [`ErrorFrame`] echoes. Channel messages carry a per-channel offset that
//! only grows, and the channel's epoch, which changes only if the channel's history is reset.
//! `docs/protocol.md` explains the protocol for client authors; `docs/protocol.schema.json` is
//! the JSON Schema of these types.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::events::{Announcement, Event};
use crate::meetings::Meeting;
use crate::suggestions::Suggestion;

/// WebSocket subprotocol for JSON text frames.
pub const SUBPROTOCOL: &str = "mingle.v1";
/// WebSocket subprotocol for MessagePack binary frames (mobile clients).
pub const SUBPROTOCOL_MSGPACK: &str = "mingle.v1.msgpack";

/// WebSocket close codes the server uses, beyond the standard ones.
pub mod close {
    /// The access token expired and no fresh one was sent with an `auth` frame: refresh it and
    /// reconnect, then resume every channel from its last offset.
    pub const TOKEN_EXPIRED: u16 = 4001;
    /// No frame (not even a pong) arrived within the idle timeout.
    pub const IDLE_TIMEOUT: u16 = 4002;
    /// The client fell too far behind: its outbound queue was full. Reconnect and resume from the
    /// last offset received; nothing is lost.
    pub const SLOW_CONSUMER: u16 = 4008;
    /// The client broke the protocol badly enough (an unmasked frame, a broken framing rule, or
    /// frames that are not parseable at an abusive rate) that the server gives up on the
    /// connection.
    pub const PROTOCOL_ERROR: u16 = 1002;
    /// A text frame was not UTF-8.
    pub const INVALID_PAYLOAD: u16 = 1007;
    /// A frame exceeded the maximum frame size.
    pub const MESSAGE_TOO_BIG: u16 = 1009;
    /// The node is shutting down: reconnect (the load balancer picks another node) and resume.
    pub const SERVICE_RESTART: u16 = 1012;
}

/// A frame from client to server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Start receiving a channel. With `since`, first every stored message after that offset,
    /// then live ones, with no gap and no duplicate.
    Subscribe {
        id: String,
        channel: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        since: Option<i64>,
        /// The epoch `since` belongs to; when it is not the channel's current epoch, the offsets
        /// do not compare and the reply says `recovered: false`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        epoch: Option<i64>,
    },
    /// Stop receiving a channel.
    Unsubscribe { id: String, channel: String },
    /// Post to a chat or DM channel.
    Publish { id: String, channel: String, body: PublishBody },
    /// Liveness check at the protocol level; answered by a reply.
    Ping { id: String },
    /// Replace the connection's access token with a fresh one before the old one expires.
    Auth { id: String, access_token: String },
}

impl ClientFrame {
    /// The request id, echoed by the reply.
    pub fn id(&self) -> &str {
        match self {
            Self::Subscribe { id, .. }
            | Self::Unsubscribe { id, .. }
            | Self::Publish { id, .. }
            | Self::Ping { id }
            | Self::Auth { id, .. } => id,
        }
    }
}

/// What a client posts: a chat line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PublishBody {
    /// 1 to 2000 characters.
    pub text: String,
}

/// A frame from server to client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    Reply(Reply),
    Error(ErrorFrame),
    Message(ChannelMessage),
    Presence(Presence),
}

/// Success answer to a client frame.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Reply {
    /// The request's `id`.
    pub id: String,
    /// Always true; failures are [`ErrorFrame`]s.
    pub ok: bool,
    /// Subscribe, unsubscribe and publish: the channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Subscribe: the channel's latest offset when the subscription started (messages after
    /// `since` up to this one follow the reply). Publish: the offset of the posted message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// Subscribe: the channel's epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<i64>,
    /// Subscribe with `since`: true when every message after `since` is delivered; false when
    /// some are no longer stored (or `since` belongs to another epoch), in which case delivery
    /// starts after `offset` and the client should reload the channel's state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovered: Option<bool>,
    /// Auth: when the new access token expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
}

impl Reply {
    pub fn ok(id: impl Into<String>) -> Self {
        Self { id: id.into(), ok: true, ..Self::default() }
    }
}

/// Failure answer to a client frame, or a connection-level problem (`id` absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorFrame {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Stable code: `malformed_frame`, `unknown_channel`, `forbidden`, `not_subscribed`,
    /// `too_many_subscriptions`, `invalid_body`, `rate_limited`, `read_only_channel`,
    /// `invalid_token`, `internal`; and, without `id`, `access_revoked`: the user lost access to
    /// `channel` (an RSVP withdrawn, a block, a profile hidden, removed as organizer, the event
    /// deleted), so its subscription ended and nothing more is delivered on it.
    pub code: String,
    pub message: String,
    /// The channel the error is about, when it is about one subscription (`access_revoked`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
}

/// A message on a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ToSchema)]
pub struct ChannelMessage {
    pub channel: String,
    /// Position in the channel: 1, 2, 3, ... without gaps within an epoch.
    pub offset: i64,
    pub epoch: i64,
    /// What the message says; its `kind` depends on the channel (see [`MessageBody`]).
    pub body: MessageBody,
    /// Who posted it; absent for messages from the system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Uuid>,
    pub sent_at: DateTime<Utc>,
}

/// The body of a [`ChannelMessage`], tagged by `kind`. Which kinds a channel carries:
/// - `event:{id}:chat` and `dm:{id}`: `chat`;
/// - `event:{id}`: `announcement`, `event_updated`, `counters`;
/// - `user:{id}`: `suggestions`, `meeting`, `dm`.
///
/// Clients should ignore kinds they do not know: new ones may be added within `mingle.v1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MessageBody {
    /// A line of chat or of a direct conversation.
    Chat {
        /// 1 to 2000 characters.
        text: String,
    },
    /// An organizer's announcement.
    Announcement { announcement: Announcement },
    /// The event's details changed (title, times, place, capacity, ...).
    EventUpdated { event: Box<Event> },
    /// The event's head counts, at most once a second while they change.
    Counters(Counters),
    /// The recipient's "people to meet" list at an event changed; `items` is the whole new list,
    /// best first.
    Suggestions { event_id: Uuid, items: Vec<Suggestion> },
    /// A meeting the recipient takes part in was requested, accepted, declined or cancelled.
    Meeting { meeting: Box<Meeting> },
    /// Someone wrote to the recipient in a direct conversation.
    Dm(DmNotice),
    /// Between server nodes only, never sent to a client: what `users` may receive changed (an
    /// RSVP withdrawn, a block, a profile hidden, an organizer removed, an event deleted), so
    /// every node checks their open subscriptions again.
    AccessChanged { users: Vec<Uuid> },
}

impl MessageBody {
    /// A chat line.
    pub fn chat(text: impl Into<String>) -> Self {
        Self::Chat { text: text.into() }
    }
}

/// An event's head counts, as `counters` messages on `event:{id}` carry them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
pub struct Counters {
    pub going: i64,
    pub waitlisted: i64,
    pub interested: i64,
    pub checked_in: i64,
    /// `null` when the event has no capacity limit.
    pub seats_left: Option<i64>,
}

/// The notice on `user:{id}` that someone wrote to them: enough to show an unread badge and a
/// preview without following the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ToSchema)]
pub struct DmNotice {
    pub conversation_id: Uuid,
    /// The conversation's channel, `dm:{id}`.
    pub channel: String,
    /// The message's offset in that channel.
    pub offset: i64,
    pub from: DmSender,
    /// The message's first 140 characters.
    pub preview: String,
    pub sent_at: DateTime<Utc>,
}

/// Who wrote a direct message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, ToSchema)]
pub struct DmSender {
    pub id: Uuid,
    pub display_name: String,
}

/// Who is online in an `event:{id}:presence` channel. Sent on subscribe with `members` (small
/// rooms) and then as batched changes about once a second; large rooms get counts only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Presence {
    pub channel: String,
    pub online: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub joined: Vec<Uuid>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left: Vec<Uuid>,
}

/// Query of `GET /api/v1/channels/{channel}/messages`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Only messages with a smaller offset; default: the newest.
    pub before: Option<i64>,
    /// 1 to 100, default 50.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// `POST /api/v1/conversations`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OpenConversation {
    pub user_id: Uuid,
}

/// A direct conversation between two people.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Conversation {
    pub id: Uuid,
    /// The realtime channel: `dm:{id}`.
    pub channel: String,
    pub participants: [Uuid; 2],
}

/// The other person in a conversation, as `GET /conversations` lists them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConversationPeer {
    pub id: Uuid,
    pub display_name: String,
}

/// The newest message of a conversation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LastMessage {
    pub text: String,
    pub at: DateTime<Utc>,
    /// Who wrote it: either participant.
    pub from: Uuid,
}

/// One of the signed-in user's conversations, as `GET /conversations` lists them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConversationSummary {
    pub id: Uuid,
    /// The realtime channel: `dm:{id}`.
    pub channel: String,
    /// The other participant.
    pub with: ConversationPeer,
    /// Absent while nobody has written yet.
    pub last_message: Option<LastMessage>,
    /// When the last message was sent, or the conversation opened when there is none; the list
    /// is ordered by it, newest first.
    pub last_activity_at: DateTime<Utc>,
}

/// A parsed channel name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// `event:{id}`: announcements, schedule changes, live counters.
    Event(Uuid),
    /// `event:{id}:chat`: attendees' and organizers' chat.
    EventChat(Uuid),
    /// `event:{id}:presence`: who is online.
    EventPresence(Uuid),
    /// `dm:{conversation_id}`: two people.
    Dm(Uuid),
    /// `user:{id}`: one person's suggestions, meeting requests, notifications.
    User(Uuid),
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Event(id) => write!(f, "event:{id}"),
            Self::EventChat(id) => write!(f, "event:{id}:chat"),
            Self::EventPresence(id) => write!(f, "event:{id}:presence"),
            Self::Dm(id) => write!(f, "dm:{id}"),
            Self::User(id) => write!(f, "user:{id}"),
        }
    }
}

impl FromStr for Channel {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.split(':');
        let kind = parts.next().ok_or(())?;
        let id: Uuid = parts.next().ok_or(())?.parse().map_err(|_| ())?;
        // Only the canonical hyphenated lower-case form names a channel, so one channel never
        // has two names.
        if parts.clone().count() > 1 || !s.contains(&id.hyphenated().to_string()) {
            return Err(());
        }
        match (kind, parts.next()) {
            ("event", None) => Ok(Self::Event(id)),
            ("event", Some("chat")) => Ok(Self::EventChat(id)),
            ("event", Some("presence")) => Ok(Self::EventPresence(id)),
            ("dm", None) => Ok(Self::Dm(id)),
            ("user", None) => Ok(Self::User(id)),
            _ => Err(()),
        }
    }
}

/// The JSON Schema of every frame, as `docs/protocol.schema.json` holds it.
pub fn json_schema() -> serde_json::Value {
    /// Every frame of the Mingle realtime protocol (subprotocol `mingle.v1`).
    #[derive(JsonSchema)]
    #[schemars(untagged)]
    #[allow(dead_code, clippy::large_enum_variant)]
    enum MingleFrame {
        /// Sent by clients.
        Client(ClientFrame),
        /// Sent by the server.
        Server(ServerFrame),
    }
    serde_json::to_value(schemars::schema_for!(MingleFrame)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names_round_trip() {
        let id = Uuid::now_v7();
        for channel in
            [Channel::Event(id), Channel::EventChat(id), Channel::EventPresence(id), Channel::Dm(id), Channel::User(id)]
        {
            assert_eq!(channel.to_string().parse::<Channel>(), Ok(channel));
        }
        for bad in ["", "event", "event:", "event:x", &format!("event:{id}:chat:x"), &format!("room:{id}")] {
            assert!(bad.parse::<Channel>().is_err(), "{bad}");
        }
        let upper = format!("user:{}", id.hyphenated().to_string().to_uppercase());
        assert!(upper.parse::<Channel>().is_err(), "one name per channel");
    }

    /// `docs/protocol.schema.json` is what `mingle protocol-schema` prints; regenerate it with
    /// `cargo run -p server -- protocol-schema > docs/protocol.schema.json` after changing a frame.
    #[test]
    fn published_schema_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.schema.json");
        let published = std::fs::read_to_string(path).expect("docs/protocol.schema.json exists");
        let published: serde_json::Value = serde_json::from_str(&published).expect("valid JSON");
        assert!(
            published == json_schema(),
            "docs/protocol.schema.json is stale: run `cargo run -p server -- protocol-schema > docs/protocol.schema.json`"
        );
    }

    #[test]
    fn frames_match_the_contract() {
        let frame: ClientFrame =
            serde_json::from_str(r#"{"id": "c1", "type": "subscribe", "channel": "event:x:chat", "since": 41}"#)
                .expect("subscribe");
        assert_eq!(
            frame,
            ClientFrame::Subscribe { id: "c1".into(), channel: "event:x:chat".into(), since: Some(41), epoch: None }
        );
        let reply = ServerFrame::Reply(Reply { offset: Some(3), recovered: Some(true), ..Reply::ok("c1") });
        assert_eq!(
            serde_json::to_value(&reply).expect("json"),
            serde_json::json!({"type": "reply", "id": "c1", "ok": true, "offset": 3, "recovered": true})
        );
    }
}
