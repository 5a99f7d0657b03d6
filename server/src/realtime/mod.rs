//! The realtime gateway: WebSocket connections, channels with resumable offsets, fan-out
//! between nodes.

pub mod broker;
pub mod gateway;
pub mod outbox;
pub mod presence;
pub mod redis;
pub mod service;

pub use broker::{Broker, BrokerEvent, Hub, LocalBroker, Subscription, TopicWatcher};
pub use service::{Realtime, RealtimeSettings};

use std::sync::Arc;

/// The broker for this node: Redis when a URL is configured (several nodes), otherwise
/// in-process (one node).
pub async fn connect_broker(redis_url: Option<&str>) -> anyhow::Result<Arc<dyn Broker>> {
    let hub = Hub::new();
    match redis_url.filter(|url| !url.is_empty()) {
        None => Ok(Arc::new(LocalBroker::new(hub))),
        Some(_url) => anyhow::bail!("the Redis broker is not available in this build"),
    }
}
