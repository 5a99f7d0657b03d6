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

/// fred answers a blocking pop that waited its time and found nothing as a timeout error: that
/// is "nothing yet", not a failure.
pub fn nothing_came(e: &fred::error::Error) -> bool {
    *e.kind() == fred::error::ErrorKind::Timeout
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
