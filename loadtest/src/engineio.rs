//! Engine.IO v4 and Socket.IO v5 packets over WebSocket text frames, as far as the room fan-out
//! needs them: the handshake, heartbeats, events and acknowledgements on the main namespace.
//!
//! An Engine.IO packet is one type digit and its data: `0{...}` open, `1` close, `2` ping,
//! `3` pong, `4...` message, `6` noop. A message carries a Socket.IO packet: a type digit,
//! an optional `/namespace,`, an optional ack id, then JSON: `40` connect, `42["event",...]`,
//! `4217["event",...]` (event asking for ack 17), `4317[...]` (ack 17).

use anyhow::{bail, Context as _};
use serde::Deserialize;

/// The path a WebSocket-only client opens.
pub const WEBSOCKET_PATH: &str = "/socket.io/?EIO=4&transport=websocket";
/// Socket.IO "connect to the main namespace".
pub const CONNECT: &str = "40";
/// Engine.IO heartbeat answer.
pub const PONG: &str = "3";

/// The server's open packet (`0{...}`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Handshake {
    pub sid: String,
    pub ping_interval: u64,
    pub ping_timeout: u64,
    #[serde(default)]
    pub max_payload: u64,
}

/// An Engine.IO packet as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet<'a> {
    Open(Handshake),
    Close,
    Ping,
    Pong,
    Message(SocketPacket<'a>),
    Noop,
}

/// Socket.IO packet types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Connect,
    Disconnect,
    Event,
    Ack,
    ConnectError,
}

/// A Socket.IO packet; `data` is the raw JSON that follows the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketPacket<'a> {
    pub kind: Kind,
    pub namespace: &'a str,
    pub ack: Option<u64>,
    pub data: &'a str,
}

/// Parses one text frame.
pub fn parse(frame: &str) -> anyhow::Result<Packet<'_>> {
    let mut chars = frame.chars();
    let kind = chars.next().context("empty Engine.IO packet")?;
    let rest = chars.as_str();
    Ok(match kind {
        '0' => Packet::Open(serde_json::from_str(rest).context("open packet")?),
        '1' => Packet::Close,
        '2' => Packet::Ping,
        '3' => Packet::Pong,
        '4' => Packet::Message(parse_socket(rest)?),
        '6' => Packet::Noop,
        other => bail!("unexpected Engine.IO packet type {other:?}"),
    })
}

fn parse_socket(packet: &str) -> anyhow::Result<SocketPacket<'_>> {
    let mut chars = packet.chars();
    let kind = match chars.next().context("empty Socket.IO packet")? {
        '0' => Kind::Connect,
        '1' => Kind::Disconnect,
        '2' => Kind::Event,
        '3' => Kind::Ack,
        '4' => Kind::ConnectError,
        other => bail!("unsupported Socket.IO packet type {other:?}"),
    };
    let mut rest = chars.as_str();
    let mut namespace = "/";
    if rest.starts_with('/') {
        let end = rest.find(',').unwrap_or(rest.len());
        namespace = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or("");
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let ack = if digits > 0 { Some(rest[..digits].parse().context("ack id")?) } else { None };
    Ok(SocketPacket { kind, namespace, ack, data: &rest[digits..] })
}

/// An event on the main namespace: `42["name",args...]`, with an ack id when one is wanted.
pub fn event(ack: Option<u64>, name: &str, args: &[&str]) -> String {
    let mut array = vec![serde_json::Value::from(name)];
    array.extend(args.iter().map(|a| serde_json::Value::from(*a)));
    let data = serde_json::Value::Array(array).to_string();
    match ack {
        Some(id) => format!("42{id}{data}"),
        None => format!("42{data}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_handshake_and_heartbeats() {
        let open = parse(r#"0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#)
            .expect("open");
        let Packet::Open(h) = open else { panic!("not an open packet: {open:?}") };
        assert_eq!(
            (h.sid.as_str(), h.ping_interval, h.ping_timeout, h.max_payload),
            ("lv_VI97HAXpY6yYWAAAC", 25000, 20000, 1_000_000)
        );
        assert_eq!(parse("2").expect("ping"), Packet::Ping);
        assert_eq!(parse("3").expect("pong"), Packet::Pong);
        assert_eq!(parse("1").expect("close"), Packet::Close);
        assert!(parse("").is_err());
        assert!(parse("9").is_err());
        assert!(parse("0{not json").is_err());
    }

    #[test]
    fn parses_socket_packets_with_namespaces_and_acks() {
        let connect = parse(r#"40{"sid":"abc"}"#).expect("connect");
        assert_eq!(
            connect,
            Packet::Message(SocketPacket { kind: Kind::Connect, namespace: "/", ack: None, data: r#"{"sid":"abc"}"# })
        );
        let event = parse(r#"42["message","hi"]"#).expect("event");
        assert_eq!(
            event,
            Packet::Message(SocketPacket { kind: Kind::Event, namespace: "/", ack: None, data: r#"["message","hi"]"# })
        );
        let ack = parse(r#"4317[{"ok":true}]"#).expect("ack");
        assert_eq!(
            ack,
            Packet::Message(SocketPacket { kind: Kind::Ack, namespace: "/", ack: Some(17), data: r#"[{"ok":true}]"# })
        );
        let admin = parse(r#"42/admin,5["x"]"#).expect("namespaced event");
        assert_eq!(
            admin,
            Packet::Message(SocketPacket { kind: Kind::Event, namespace: "/admin", ack: Some(5), data: r#"["x"]"# })
        );
        assert!(parse("47").is_err());
    }

    #[test]
    fn encodes_events_with_and_without_acks() {
        assert_eq!(event(None, "join", &["room-1"]), r#"42["join","room-1"]"#);
        assert_eq!(event(Some(12), "publish", &["room-1", "say \"hi\""]), r#"4212["publish","room-1","say \"hi\""]"#);
        let round = event(Some(3), "join", &["r"]);
        let Packet::Message(p) = parse(&round).expect("own packet parses") else { panic!("not a message") };
        assert_eq!((p.kind, p.ack, p.data), (Kind::Event, Some(3), r#"["join","r"]"#));
    }
}
