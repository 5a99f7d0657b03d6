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
use serde_json::json;
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
    let mut frame = json!({ "id": "join", "type": "subscribe", "channel": target.rooms[room] });
    if let Some(since) = since {
        frame["since"] = json!(since);
    }
    ws.send(Message::text(frame.to_string())).await?;
    loop {
        let text = next_text(&mut ws).await?;
        if text.contains(r#""type":"reply""#) && text.contains(r#""id":"join""#) {
            let reply: serde_json::Value = serde_json::from_str(&text)?;
            return Ok((ws, reply["offset"].as_i64().unwrap_or(0)));
        }
        if text.contains(r#""type":"error""#) {
            bail!("subscribe refused: {text}");
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

/// The offset of a Mingle `message` frame, read without parsing the whole frame.
fn mingle_offset(frame: &str) -> Option<i64> {
    if !frame.starts_with(r#"{"type":"message""#) {
        return None;
    }
    let at = frame.find(r#""offset":"#)? + r#""offset":"#.len();
    let digits = frame[at..].bytes().take_while(u8::is_ascii_digit).count();
    frame[at..at + digits].parse().ok()
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
                    Flavor::Mingle => json!({ "id": format!("p{seq}"), "type": "publish", "channel": target.rooms[room], "body": { "text": text } }).to_string(),
                    Flavor::SocketIo => engineio::event(Some(seq), "publish", &[&target.rooms[room], &text]),
                };
                ws.send(Message::text(frame)).await?;
                publishing.published.fetch_add(1, Ordering::Relaxed);
            }
            message = ws.next() => match message {
                Some(Ok(Message::Text(text))) => {
                    let text = text.as_str();
                    if target.flavor == Flavor::Mingle && text.contains(r#""type":"error""#) {
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
    }
}
