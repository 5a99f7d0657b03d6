//! The accept loop: HTTP/1.1 connections (WebSockets upgrade from them) with the limits a public
//! server needs, so that nobody can hold the server's descriptors and memory with connections
//! that do nothing:
//! - a client has [`ConnectionLimits::header_read`] to send a request's whole head, counted from
//!   connecting (a client that never sends a byte is closed) and again from each response on a
//!   kept-alive connection (an idle connection is closed): slowloris clients, who send a header
//!   line now and then, run out of time however slowly they trickle;
//! - a request body must keep arriving: a pause longer than the same time fails the request;
//! - one address holds at most [`ConnectionLimits::per_address`] connections at once (upgraded
//!   WebSockets included); further ones are closed as soon as they are accepted, before any
//!   work is done for them.
//!
//! Everything else about a request (routing, extractors, errors) is the [`axum::Router`]'s.

use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use dashmap::DashMap;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt as _;
use tower_http::timeout::TimeoutBody;

/// What one connection may cost.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Time to send a request's head: from connecting, and from each response on a connection
    /// kept alive. Also the longest pause allowed inside a request body.
    pub header_read: Duration,
    /// Connections one client address may hold at once; `None` for no limit (behind a load
    /// balancer, every connection comes from the balancer).
    pub per_address: Option<usize>,
}

/// Serves `app` on `listener` until `stop` is cancelled, then lets every connection finish the
/// request it is on (upgraded WebSockets are the gateway's to close) and answers when all have.
pub async fn serve(listener: TcpListener, app: Router, limits: ConnectionLimits, stop: CancellationToken) {
    let open = Arc::new(OpenConnections::default());
    let connections = TaskTracker::new();
    loop {
        let (stream, peer) = tokio::select! {
            biased;
            () = stop.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
        };
        let Some(slot) = OpenConnections::take(&open, peer.ip(), limits.per_address) else {
            metrics::counter!("mingle_connections_refused_total").increment(1);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(Counted { stream, _slot: slot });
        let app = app.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request = request.map(|body| Body::new(TimeoutBody::new(limits.header_read, body)));
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(request)
        });
        let stop = stop.clone();
        connections.spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read).keep_alive(true);
            let connection = builder.serve_connection(io, service).with_upgrades();
            let mut connection = std::pin::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                () = stop.cancelled() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    connections.close();
    connections.wait().await;
}

/// An accept that failed: the peer gave up before we took the connection (go on at once), or
/// the process is out of descriptors or memory (wait a moment so the loop does not spin, and
/// let closing connections free some).
async fn accept_failed(e: &io::Error) {
    if matches!(e.kind(), io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset) {
        return;
    }
    tracing::warn!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// Open connections per client address.
#[derive(Debug, Default)]
struct OpenConnections(DashMap<IpAddr, usize>);

impl OpenConnections {
    /// A slot for one more connection from `address`, unless it holds `limit` already.
    fn take(this: &Arc<Self>, address: IpAddr, limit: Option<usize>) -> Option<Slot> {
        let address = address.to_canonical();
        let mut open = this.0.entry(address).or_insert(0);
        if limit.is_some_and(|limit| *open >= limit) {
            return None;
        }
        *open += 1;
        Some(Slot { open: Arc::clone(this), address })
    }
}

/// One connection's place in [`OpenConnections`], given back when the connection is dropped.
#[derive(Debug)]
struct Slot {
    open: Arc<OpenConnections>,
    address: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.open.0.remove_if_mut(&self.address, |_, open| {
            *open -= 1;
            *open == 0
        });
    }
}

/// A TCP stream that holds its address's [`Slot`] for as long as it lives, through an upgrade to
/// a WebSocket too.
#[derive(Debug)]
struct Counted {
    stream: TcpStream,
    _slot: Slot,
}

impl AsyncRead for Counted {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_holds_at_most_its_limit_and_gets_slots_back() {
        let open = Arc::new(OpenConnections::default());
        let a: IpAddr = "192.0.2.1".parse().expect("address");
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().expect("address");
        let first = OpenConnections::take(&open, a, Some(2)).expect("first");
        let second = OpenConnections::take(&open, mapped, Some(2)).expect("second, the same address");
        assert!(OpenConnections::take(&open, a, Some(2)).is_none(), "a third is refused");
        assert!(OpenConnections::take(&open, "192.0.2.2".parse().expect("address"), Some(2)).is_some());
        drop(first);
        let third = OpenConnections::take(&open, a, Some(2)).expect("a slot came back");
        drop((second, third));
        assert!(open.0.is_empty(), "addresses without connections are forgotten");
        assert!(OpenConnections::take(&open, a, None).is_some(), "no limit");
    }
}
