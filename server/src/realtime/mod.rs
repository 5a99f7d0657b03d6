//! The realtime gateway: WebSocket connections, channels with resumable offsets, fan-out
//! between nodes.

pub mod broker;
pub mod redis;

pub use broker::{Broker, BrokerEvent, Hub, LocalBroker, Subscription, TopicWatcher};
