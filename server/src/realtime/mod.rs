//! The realtime gateway: WebSocket connections, channels with resumable offsets, fan-out
//! between nodes.

pub mod access;
pub mod broker;
pub mod feed;
pub mod gateway;
pub mod outbox;
pub mod presence;
pub mod redis;
pub mod service;

pub use broker::{Attachment, Broker, BrokerEvent, Hub, LocalBroker, Subscriber, Subscription, TopicWatcher};
pub use service::{Realtime, RealtimeSettings};

use std::sync::Arc;

/// Presence for this node: shared through Redis when a URL is configured.
pub async fn connect_presence(redis_url: Option<&str>) -> anyhow::Result<presence::PresenceRooms> {
    match redis_url.filter(|url| !url.is_empty()) {
        None => Ok(presence::PresenceRooms::default()),
        Some(url) => presence::PresenceRooms::shared(url).await,
    }
}

/// The broker for this node: Redis when a URL is configured (several nodes), otherwise
/// in-process (one node).
pub async fn connect_broker(redis_url: Option<&str>) -> anyhow::Result<Arc<dyn Broker>> {
    let hub = Hub::new();
    match redis_url.filter(|url| !url.is_empty()) {
        None => Ok(Arc::new(LocalBroker::new(hub))),
        Some(url) => {
            let broker = redis::RedisBroker::connect(url, hub).await?;
            tracing::info!(subscriber = broker.subscriber_name(), "fan-out through Redis");
            Ok(broker)
        }
    }
}
