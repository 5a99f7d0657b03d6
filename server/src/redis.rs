//! Plain Redis clients for the matcher's traffic (suggestion jobs, embedding requests, shared
//! recommendation models): reconnecting on their own, forever, from 100 ms doubling up to 2 s
//! between attempts. The realtime broker has its own (`realtime/redis.rs`).

use anyhow::Context as _;
use fred::clients::SubscriberClient;
use fred::prelude::{Builder, Client, ClientLike, Config, ReconnectPolicy};

fn builder(url: &str) -> anyhow::Result<Builder> {
    let config = Config::from_url(url).context("invalid Redis URL")?;
    let mut builder = Builder::from_config(config);
    builder.set_policy(ReconnectPolicy::new_exponential(0, 100, 2_000, 2));
    Ok(builder)
}

/// A connected client.
pub async fn connect(url: &str) -> anyhow::Result<Client> {
    let client = builder(url)?.build().context("configuring the Redis client")?;
    client.init().await.context("connecting to Redis")?;
    Ok(client)
}

/// A connected subscriber client that subscribes again to its channels after a reconnection.
pub async fn subscriber(url: &str) -> anyhow::Result<SubscriberClient> {
    let client = builder(url)?.build_subscriber_client().context("configuring the Redis subscriber")?;
    client.init().await.context("connecting to Redis")?;
    let _resubscribing = client.manage_subscriptions();
    Ok(client)
}

/// A connected subscriber client that does not subscribe again on its own after a reconnection:
/// for a caller that must know what it missed in between, and resubscribes itself.
pub async fn plain_subscriber(url: &str) -> anyhow::Result<SubscriberClient> {
    let mut builder = builder(url)?;
    // Room for bursts of messages before a slow reader counts as lagging behind them.
    builder.with_performance_config(|perf| perf.broadcast_channel_capacity = 4_096);
    let client = builder.build_subscriber_client().context("configuring the Redis subscriber")?;
    client.init().await.context("connecting to Redis")?;
    Ok(client)
}

/// fred answers a blocking pop that waited its time and found nothing as a timeout error: that
/// is "nothing yet", not a failure.
pub fn nothing_came(e: &fred::error::Error) -> bool {
    *e.kind() == fred::error::ErrorKind::Timeout
}

/// An entry of a stream: its id and its fields.
pub type StreamEntry = fred::types::streams::XReadValue<String, String, String>;

/// Up to `count` new entries of `stream` for `consumer` of `group`, waiting up to `block_ms` for
/// the first; none when nothing came in that time.
pub async fn read_group(
    client: &Client,
    stream: &str,
    group: &str,
    consumer: &str,
    count: u64,
    block_ms: u64,
) -> anyhow::Result<Vec<StreamEntry>> {
    use fred::prelude::StreamsInterface as _;
    let read: fred::types::Value =
        client.xreadgroup(group, consumer, Some(count), Some(block_ms), false, stream, ">").await?;
    if read.is_null() {
        return Ok(Vec::new());
    }
    Ok(read.into_xread_response::<String, String, String, String>()?.into_values().flatten().collect())
}

/// Up to `count` entries of `stream` that another consumer of `group` took and left
/// unacknowledged for `idle`, now `consumer`'s.
pub async fn claim_idle(
    client: &Client,
    stream: &str,
    group: &str,
    consumer: &str,
    idle: std::time::Duration,
    count: u64,
) -> anyhow::Result<Vec<StreamEntry>> {
    use fred::prelude::StreamsInterface as _;
    let answer: fred::types::Value =
        client.xautoclaim(stream, group, consumer, idle.as_millis() as u64, "0-0", Some(count), false).await?;
    Ok(answer.into_xautoclaim_values::<String, String, String>()?.1)
}

/// How this worker process names itself to Redis (consumer groups, locks): host and process id.
pub fn worker_name() -> String {
    format!("{}-{}", std::env::var("HOSTNAME").unwrap_or_else(|_| "matcher".into()), std::process::id())
}

/// The Redis server unit tests use.
#[cfg(test)]
pub fn test_url() -> String {
    std::env::var("MINGLE_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}
