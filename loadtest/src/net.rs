//! Sockets for many connections on one machine: loopback targets only, client sockets bound to
//! several loopback source addresses (127.0.0.1, 127.0.0.2, ...) so that no single address runs
//! out of ephemeral ports, and an open-file limit raised to match.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context as _;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::WebSocketStream;

/// Ephemeral ports one source address may use (the Linux default range 32768..60999, rounded
/// down); connections beyond this many per address need another address.
pub const PORTS_PER_ADDRESS: usize = 28_000;

pub type Ws = WebSocketStream<TcpStream>;

/// Raises this process's open-file limit to `want` (soft and, when allowed, hard; the servers
/// it starts inherit it) and answers the soft limit now in force.
pub fn raise_open_files(want: u64) -> anyhow::Result<u64> {
    let (soft, hard) = rlimit::Resource::NOFILE.get().context("reading RLIMIT_NOFILE")?;
    if soft >= want {
        return Ok(soft);
    }
    // Raising the hard limit needs privilege; without it, go as high as the hard limit allows.
    if hard < want && rlimit::Resource::NOFILE.set(want, want).is_ok() {
        return Ok(want);
    }
    let target = want.min(hard);
    rlimit::Resource::NOFILE.set(target, hard).context("raising RLIMIT_NOFILE")?;
    Ok(target)
}

/// Hands out loopback source addresses in turn.
#[derive(Debug)]
pub struct SourceAddresses {
    count: usize,
    next: AtomicUsize,
}

impl SourceAddresses {
    pub fn new(count: usize) -> Self {
        Self { count: count.clamp(1, 254), next: AtomicUsize::new(0) }
    }

    pub fn next(&self) -> Ipv4Addr {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.count;
        Ipv4Addr::new(127, 0, 0, 1 + i as u8)
    }
}

/// Whether `addr` is on this machine; the tool never targets anything else.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// A TCP connection from `source` (any free port) to `target`.
pub async fn connect_from(source: Ipv4Addr, target: SocketAddr) -> anyhow::Result<TcpStream> {
    anyhow::ensure!(is_loopback(&target), "refusing to connect to {target}: loopback targets only");
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::V4(SocketAddrV4::new(source, 0))).with_context(|| format!("binding {source}"))?;
    let stream = socket.connect(target).await.with_context(|| format!("connecting {source} -> {target}"))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Client WebSocket settings for tens of thousands of mostly idle connections: small read
/// buffers, frames written at once.
pub fn client_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(4096).write_buffer_size(0).max_message_size(Some(1 << 20))
}

/// Opens a WebSocket on `target` at `path` from `source`, with extra request headers.
pub async fn websocket(
    source: Ipv4Addr,
    target: SocketAddr,
    path: &str,
    headers: &[(&'static str, String)],
) -> anyhow::Result<Ws> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
    let stream = connect_from(source, target).await?;
    let mut request = format!("ws://{target}{path}").into_client_request()?;
    for (name, value) in headers {
        request.headers_mut().insert(*name, value.parse().context("header value")?);
    }
    let (ws, _) = tokio_tungstenite::client_async_with_config(request, stream, Some(client_config()))
        .await
        .with_context(|| format!("WebSocket handshake with {target}"))?;
    Ok(ws)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_addresses_rotate_within_loopback() {
        let sources = SourceAddresses::new(3);
        let got: Vec<Ipv4Addr> = (0..4).map(|_| sources.next()).collect();
        assert_eq!(
            got,
            ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.1"].map(|a| a.parse::<Ipv4Addr>().expect("ip"))
        );
        assert!(SourceAddresses::new(1000).count == 254);
    }

    #[tokio::test]
    async fn refuses_non_loopback_targets() {
        let err = connect_from(Ipv4Addr::LOCALHOST, "192.0.2.1:80".parse().expect("addr")).await.expect_err("refused");
        assert!(err.to_string().contains("loopback"), "{err}");
    }
}
