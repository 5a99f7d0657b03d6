//! The two servers under test as one client sees them: connect, join a room, listen, publish.
//!
//! A room is an event chat channel (`event:{id}:chat`) on Mingle and a Socket.IO room on the
//! peer. The same probe text travels through both, and the same loops time it, so any difference
//! in the numbers comes from the servers.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context as _};
use futures_util::{SinkExt as _, StreamExt as _};
use protocol::realtime::{ClientFrame, PublishBody, ServerFrame};
use serde::Deserialize;
use tokio::sync::watch;
use tokio::time::{timeout, Instant};
use tokio_tungstenite::tungstenite::Message;

use crate::engineio::{self, Kind, Packet};
use crate::net::{websocket, SourceAddresses, Ws};
use crate::probe::Probe;
use crate::stats::Deliveries;

/// How long a handshake or a join may take before the attempt counts as failed.
const JOIN_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Mingle,
    SocketIo,
}

/// A server under test: where it listens and, for Mingle, the rooms and accounts set up on it.
#[derive(Debug, Clone)]
pub struct Target {
    pub flavor: Flavor,
    pub addr: SocketAddr,
    pub pid: u32,
    /// Room names: chat channels on Mingle, room names on Socket.IO.
    pub rooms: Vec<String>,
    /// Access tokens of accounts allowed in every room (Mingle); connections take them in turn.
    pub tokens: Vec<String>,
}

impl Target {
    pub fn name(&self) -> &'static str {
        match self.flavor {
            Flavor::Mingle => "Mingle",
            Flavor::SocketIo => "Socket.IO",
        }
    }
}

/// Opens connection number `index` and, with `room`, joins it (resuming after `since` on
/// Mingle). Answers the socket and, on Mingle, the room's offset at joining.
pub async fn open(
    target: &Target,
    sources: &SourceAddresses,
    index: usize,
    room: Option<usize>,
    since: Option<i64>,
) -> anyhow::Result<(Ws, i64)> {
    timeout(JOIN_TIMEOUT, async {
        match target.flavor {
            Flavor::Mingle => open_mingle(target, sources, index, room, since).await,
            Flavor::SocketIo => open_socketio(target, sources, room).await.map(|ws| (ws, 0)),
        }
    })
    .await
    .context("timed out joining")?
}

async fn open_mingle(
    target: &Target,
    sources: &SourceAddresses,
    index: usize,
    room: Option<usize>,
    since: Option<i64>,
) -> anyhow::Result<(Ws, i64)> {
    let token = &target.tokens[index % target.tokens.len()];
    let headers = [("authorization", format!("Bearer {token}")), ("sec-websocket-protocol", "mingle.v1".to_owned())];
    let mut ws = websocket(sources.next(), target.addr, "/api/v1/ws", &headers).await?;
    let Some(room) = room else { return Ok((ws, 0)) };
    let frame =
        ClientFrame::Subscribe { id: "join".to_owned(), channel: target.rooms[room].clone(), since, epoch: None };
    ws.send(Message::text(serde_json::to_string(&frame)?)).await?;
    loop {
        let text = next_text(&mut ws).await?;
        // Joining is set-up, not the measured path: every frame is read whole as the protocol
        // types.
        match serde_json::from_str::<ServerFrame>(&text).with_context(|| format!("unexpected frame: {text}"))? {
            ServerFrame::Reply(reply) if reply.id == "join" => return Ok((ws, reply.offset.unwrap_or(0))),
            ServerFrame::Error(error) => bail!("subscribe refused: {} ({})", error.message, error.code),
            _ => {}
        }
    }
}

async fn open_socketio(target: &Target, sources: &SourceAddresses, room: Option<usize>) -> anyhow::Result<Ws> {
    let mut ws = websocket(sources.next(), target.addr, engineio::WEBSOCKET_PATH, &[]).await?;
    let text = next_text(&mut ws).await?;
    anyhow::ensure!(matches!(engineio::parse(&text)?, Packet::Open(_)), "expected an open packet, got {text}");
    ws.send(Message::text(engineio::CONNECT)).await?;
    wait_socketio(&mut ws, |p| p.kind == Kind::Connect).await?;
    if let Some(room) = room {
        ws.send(Message::text(engineio::event(Some(1), "join", &[&target.rooms[room]]))).await?;
        wait_socketio(&mut ws, |p| p.kind == Kind::Ack && p.ack == Some(1)).await?;
    }
    Ok(ws)
}

/// Reads Socket.IO packets (answering heartbeats) until one satisfies `done`.
async fn wait_socketio(ws: &mut Ws, done: impl Fn(&engineio::SocketPacket<'_>) -> bool) -> anyhow::Result<()> {
    loop {
        let text = next_text(ws).await?;
        match engineio::parse(&text)? {
            Packet::Ping => ws.send(Message::text(engineio::PONG)).await?,
            Packet::Message(p) if p.kind == Kind::ConnectError => bail!("connect refused: {text}"),
            Packet::Message(p) if done(&p) => return Ok(()),
            Packet::Close => bail!("closed by the server"),
            _ => {}
        }
    }
}

/// The next text frame; pings are answered by the WebSocket library underneath.
async fn next_text(ws: &mut Ws) -> anyhow::Result<String> {
    loop {
        match ws.next().await.context("connection closed")?? {
            Message::Text(text) => return Ok(text.as_str().to_owned()),
            Message::Close(frame) => bail!("closed by the server: {frame:?}"),
            _ => {}
        }
    }
}

/// What a run tells its connections to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Run,
    /// Drop the connection and resume at once (the reconnect storm).
    Storm,
    Stop,
}

/// Why [`listen`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The phase changed; the caller decides what follows.
    Signalled,
    /// The server closed the connection or the socket failed.
    Dropped,
}

/// Receives on `ws` until the phase changes or the connection ends, recording every probe into
/// `deliveries` and answering Socket.IO heartbeats. Answers how it ended and the last Mingle
/// offset seen (the `since` of a resume).
pub async fn listen(
    ws: &mut Ws,
    flavor: Flavor,
    task: usize,
    deliveries: &Deliveries,
    phase: &mut watch::Receiver<Phase>,
    mut last_offset: i64,
) -> (Ended, i64) {
    loop {
        tokio::select! {
            changed = phase.changed() => {
                if changed.is_err() || *phase.borrow() != Phase::Run {
                    return (Ended::Signalled, last_offset);
                }
            }
            message = ws.next() => match message {
                Some(Ok(Message::Text(text))) => {
                    let text = text.as_str();
                    deliveries.observe(task, text);
                    match flavor {
                        Flavor::Mingle => {
                            if let Some(offset) = mingle_offset(text) {
                                last_offset = last_offset.max(offset);
                            }
                        }
                        Flavor::SocketIo => {
                            if text == "2" && ws.send(Message::text(engineio::PONG)).await.is_err() {
                                return (Ended::Dropped, last_offset);
                            }
                        }
                    }
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return (Ended::Dropped, last_offset),
                Some(Ok(_)) => {}
            }
        }
    }
}

/// The two fields of a Mingle server frame that the load test's hot paths read.
///
/// Every subscriber reads every message, on a machine it shares with the server it measures, so
/// the frame is not parsed into [`ServerFrame`] (which would allocate the channel name, the body
/// and its text for each message): this borrows the `type` from the frame and skips every field
/// it does not name without building it. Unlike searching the text, it does not depend on the
/// order in which the server happens to write the fields.
#[derive(Debug, Deserialize)]
struct Peek<'a> {
    /// The frame's tag: `message`, `reply`, `error` or `presence` (never escaped in JSON, so it
    /// can be borrowed).
    #[serde(rename = "type")]
    kind: &'a str,
    offset: Option<i64>,
}

impl<'a> Peek<'a> {
    fn of(frame: &'a str) -> Option<Self> {
        serde_json::from_str(frame).ok()
    }
}

/// The offset of a Mingle `message` frame.
fn mingle_offset(frame: &str) -> Option<i64> {
    Peek::of(frame).filter(|peek| peek.kind == "message")?.offset
}

/// Whether a Mingle frame is an `error` frame (a refused publish).
fn is_mingle_error(frame: &str) -> bool {
    Peek::of(frame).is_some_and(|peek| peek.kind == "error")
}

/// Publishing state shared by the publishers of a run.
#[derive(Debug, Default)]
pub struct Publishing {
    /// Messages per second, summed over all publishers, times 1000.
    pub rate_milli: AtomicU64,
    pub published: AtomicU64,
    pub refused: AtomicU64,
}

impl Publishing {
    pub fn set_rate(&self, per_sec: f64) {
        self.rate_milli.store((per_sec * 1000.0) as u64, Ordering::Release);
    }
}

/// One publisher connection: sends probes into `room` at its share of the shared rate until
/// `stop`, and drains what the server answers. `text_len` pads the probe (chat-sized messages).
#[allow(clippy::too_many_arguments)]
pub async fn publish(
    target: Target,
    sources: Arc<SourceAddresses>,
    index: usize,
    publishers: usize,
    room: usize,
    text_len: usize,
    deliveries: Arc<Deliveries>,
    publishing: Arc<Publishing>,
    mut phase: watch::Receiver<Phase>,
) -> anyhow::Result<()> {
    let (mut ws, _) = open(&target, &sources, index, None, None).await?;
    let mut next = Instant::now();
    let mut seq: u64 = 0;
    loop {
        let rate = publishing.rate_milli.load(Ordering::Acquire) as f64 / 1000.0 / publishers as f64;
        let period = if rate > 0.0 { Duration::from_secs_f64(1.0 / rate) } else { Duration::from_millis(50) };
        tokio::select! {
            changed = phase.changed() => {
                if changed.is_err() || *phase.borrow() == Phase::Stop {
                    let _ = timeout(Duration::from_secs(2), ws.close(None)).await;
                    return Ok(());
                }
            }
            () = tokio::time::sleep_until(next) => {
                next += period;
                // After a stall, start again from now rather than burst to catch up: the offered
                // rate is what was actually sent, and that is what the report divides by.
                if next + Duration::from_secs(1) < Instant::now() {
                    next = Instant::now();
                }
                if rate <= 0.0 {
                    continue;
                }
                seq += 1;
                let text = Probe { step: deliveries.step(), sent_micros: deliveries.now_micros() }.text(text_len);
                let frame = match target.flavor {
                    Flavor::Mingle => serde_json::to_string(&ClientFrame::Publish {
                        id: format!("p{seq}"),
                        channel: target.rooms[room].clone(),
                        body: PublishBody { text },
                    })?,
                    Flavor::SocketIo => engineio::event(Some(seq), "publish", &[&target.rooms[room], &text]),
                };
                ws.send(Message::text(frame)).await?;
                publishing.published.fetch_add(1, Ordering::Relaxed);
            }
            message = ws.next() => match message {
                Some(Ok(Message::Text(text))) => {
                    let text = text.as_str();
                    if target.flavor == Flavor::Mingle && is_mingle_error(text) {
                        publishing.refused.fetch_add(1, Ordering::Relaxed);
                    } else if target.flavor == Flavor::SocketIo && text == "2" {
                        ws.send(Message::text(engineio::PONG)).await?;
                    }
                }
                Some(Ok(Message::Close(frame))) => bail!("publisher closed by the server: {frame:?}"),
                Some(Err(e)) => return Err(e.into()),
                None => bail!("publisher connection ended"),
                Some(Ok(_)) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_offsets_of_message_frames_only() {
        assert_eq!(mingle_offset(r#"{"type":"message","channel":"event:x:chat","offset":42,"epoch":1}"#), Some(42));
        assert_eq!(mingle_offset(r#"{"type":"reply","id":"join","offset":42}"#), None);
        assert_eq!(mingle_offset("not json"), None);
    }

    #[test]
    fn finds_the_offset_whatever_the_field_order() {
        let message = ServerFrame::Message(protocol::realtime::ChannelMessage {
            channel: "event:x:chat".to_owned(),
            offset: 42,
            epoch: 1,
            body: protocol::realtime::MessageBody::chat("LT1:1:2: with \"quotes\" and an \"offset\":7"),
            sender: Some(uuid::Uuid::nil()),
            sent_at: chrono::Utc::now(),
        });
        let frame = serde_json::to_value(&message).expect("frame");
        let serde_json::Value::Object(fields) = frame else { panic!("an object") };
        let fields: Vec<_> = fields.into_iter().collect();
        // Every rotation of the fields, and the reverse order: the type and the offset move
        // to the front, the middle and the end.
        for turn in 0..fields.len() {
            let mut rotated = fields.clone();
            rotated.rotate_left(turn);
            for order in [rotated.clone(), rotated.into_iter().rev().collect()] {
                // Written by hand: a `serde_json::Map` would sort the keys again.
                let fields: Vec<String> = order.iter().map(|(key, value)| format!("{key:?}:{value}")).collect();
                let text = format!("{{{}}}", fields.join(","));
                assert_eq!(mingle_offset(&text), Some(42), "{text}");
            }
        }
        assert_eq!(
            mingle_offset(r#"{ "offset" : 9, "body": {"kind": "chat", "text": "x"}, "type" : "message" }"#),
            Some(9)
        );
    }

    #[test]
    fn tells_refused_publishes() {
        assert!(is_mingle_error(r#"{"code":"rate_limited","message":"slow down","id":"p3","type":"error"}"#));
        assert!(!is_mingle_error(r#"{"type":"reply","id":"p3","ok":true,"offset":4}"#));
    }
}
