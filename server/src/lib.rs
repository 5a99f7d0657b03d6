//! The Mingle server: HTTP API, authentication, storage.
//!
//! `main.rs` parses [`config::Config`], then [`build_state`] connects the store and prepares
//! keys, and [`run`] serves [`app`] on a listener until the shutdown signal, then shuts down in
//! the order [`shutdown`] states.

pub mod auth;
pub mod config;
pub mod conflict;
pub mod demo;
pub mod error;
pub mod extract;
pub mod http;
pub mod metrics;
pub mod model;
pub mod realtime;
pub mod recommend;
pub mod render;
pub mod shutdown;
pub mod state;
pub mod store;
pub mod suggest;
pub mod validate;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::net::TcpListener;

use crate::auth::{AuthLimiter, Passwords, TokenKeys};
use crate::config::Config;
pub use crate::http::{app, openapi};
use crate::realtime::{Realtime, RealtimeSettings};
use crate::shutdown::Shutdown;
use crate::state::{AppState, Settings};
use crate::store::Store;

/// Connects storage (applying migrations) and prepares keys and limits from `config`. Background
/// loops started here follow `shutdown`.
pub async fn build_state(config: &Config, shutdown: &Shutdown) -> anyhow::Result<AppState> {
    let secret = match &config.jwt_secret {
        Some(secret) => {
            anyhow::ensure!(secret.len() >= 32, "MINGLE_JWT_SECRET must be at least 32 bytes");
            secret.as_bytes().to_vec()
        }
        None if config.listen.ip().is_loopback() => auth::local_jwt_secret(&config.data_dir)
            .with_context(|| format!("reading or creating the JWT secret in {}", config.data_dir.display()))?,
        None => anyhow::bail!(
            "MINGLE_JWT_SECRET is required when listening on a non-loopback address ({}); all nodes must share it",
            config.listen
        ),
    };
    let url = config.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating data directory {}", config.data_dir.display()))?;
    }
    let store = Store::connect(&url).await.context("connecting to the database")?;
    tracing::info!(backend = ?store.backend(), "database ready");
    let broker = realtime::connect_broker(config.redis_url.as_deref()).await?;
    let presence = realtime::connect_presence(config.redis_url.as_deref()).await?;
    let realtime = Realtime::new(
        shutdown,
        store.clone(),
        broker,
        presence,
        RealtimeSettings {
            outbox_bytes: config.ws_outbox_bytes.max(1024),
            max_frame_bytes: config.ws_max_frame_bytes.max(1024),
            read_buffer_bytes: config.ws_read_buffer_bytes.max(256),
            max_subscriptions: config.ws_max_subscriptions.max(1),
            ping_interval: Duration::from_secs(config.ws_ping_secs.max(1)),
            idle_timeout: Duration::from_secs(config.ws_idle_secs.max(2)),
            chat_per_minute: config.chat_per_minute,
            connects_per_address_per_minute: config.ws_connects_per_address_per_minute,
        },
    );
    let model = model::engine(config.model_dir(), config.embedding_cache_mb.max(1) << 20);
    let suggester = if config.matcher_workers() {
        let url =
            config.redis_url.as_deref().filter(|u| !u.is_empty()).context("MINGLE_MATCHER=workers needs REDIS_URL")?;
        suggest::Suggester::with_workers(store.clone(), Arc::clone(&realtime), url, shutdown).await?
    } else {
        suggest::Suggester::in_process(store.clone(), Arc::clone(&realtime), Arc::clone(&model), shutdown)
    };
    Ok(AppState {
        store: store.clone(),
        tokens: Arc::new(TokenKeys::new(
            &secret,
            Duration::from_secs(config.access_token_ttl_secs.max(1)),
            Duration::from_secs(config.refresh_token_ttl_days.max(1) * 86_400),
        )),
        passwords: Arc::new(Passwords::default()),
        limiter: AuthLimiter::new(config.login_per_account_per_minute, config.auth_per_address_per_minute),
        settings: Arc::new(Settings {
            trust_forwarded_for: config.trust_forwarded_for,
            web_dir: Some(config.web_dir.clone()),
            ops_token: config.ops_token.clone().filter(|t| !t.is_empty()),
        }),
        suggester,
        recommender: recommend::Recommender::new(Arc::clone(&model), shutdown),
        model,
        realtime,
        shutdown: shutdown.clone(),
    })
}

/// Serves the application on `listener` until `signal` resolves, then shuts down in order (see
/// [`shutdown`]): stop accepting and close WebSockets with 1012, let connections and in-flight
/// requests finish (up to [`http::SHUTDOWN_GRACE`]), stop the background loops. The caller
/// closes the store afterwards.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    signal: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    metrics::handle();
    let shutdown = state.shutdown.clone();
    shutdown.spawn(housekeeping(state.clone(), shutdown.workers_token()));
    state.recommender.warm_up(state.store.clone());
    state.recommender.keep_learning(state.store.clone());
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    let serving = shutdown.serving_token();
    let server = axum::serve(listener, service).with_graceful_shutdown(serving.cancelled_owned());
    let mut server = tokio::spawn(async move { server.await });
    let result = tokio::select! {
        result = &mut server => Some(result),
        () = signal => None,
    };
    let result = match result {
        // The server ended by itself (an accept loop failure): shut the rest down all the same.
        Some(result) => result.context("server task")?.map_err(anyhow::Error::from),
        None => {
            tracing::info!("shutting down: closing connections");
            shutdown.begin();
            // WebSockets are upgraded connections the HTTP server no longer tracks: each tells
            // its client to reconnect elsewhere and resume, then ends.
            if !shutdown.connections_closed().await {
                tracing::warn!("some WebSocket connections did not close in time");
            }
            match tokio::time::timeout(http::SHUTDOWN_GRACE, &mut server).await {
                Ok(result) => result.context("server task")?.map_err(anyhow::Error::from),
                Err(_) => {
                    tracing::warn!("in-flight requests did not finish within the grace period");
                    server.abort();
                    Ok(())
                }
            }
        }
    };
    tracing::info!("stopping background work");
    if !shutdown.stop_workers().await {
        tracing::warn!("some background loops did not stop in time");
    }
    result
}

/// Periodic upkeep: forget idle rate-limit keys, purge long-expired refresh tokens.
async fn housekeeping(state: AppState, stop: tokio_util::sync::CancellationToken) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    let mut n: u64 = 0;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = stop.cancelled() => return,
        }
        state.limiter.forget_idle();
        if n.is_multiple_of(60) {
            match state.store.purge_expired_refresh_tokens().await {
                Ok(purged) if purged > 0 => tracing::info!(purged, "expired refresh tokens purged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "purging refresh tokens failed"),
            }
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    #[tokio::test]
    async fn public_address_requires_a_shared_secret() {
        let dir = tempfile_dir();
        let config = Config::try_parse_from(["mingle", "--listen", "0.0.0.0:8080", "--data-dir", &dir]).expect("parse");
        let err = build_state(&config, &Shutdown::new()).await.expect_err("must refuse");
        assert!(err.to_string().contains("MINGLE_JWT_SECRET"), "{err}");
        let config = Config::try_parse_from(["mingle", "--jwt-secret", "short", "--data-dir", &dir]).expect("parse");
        assert!(build_state(&config, &Shutdown::new()).await.is_err(), "short secrets are refused");
    }

    #[test]
    fn local_secret_is_generated_once_and_kept() {
        let dir = tempfile_dir();
        let first = auth::local_jwt_secret(std::path::Path::new(&dir)).expect("generate");
        let second = auth::local_jwt_secret(std::path::Path::new(&dir)).expect("read back");
        assert_eq!(first, second);
        assert!(first.len() >= 32);
    }

    fn tempfile_dir() -> String {
        let dir = std::env::temp_dir().join(format!("mingle-test-{}", uuid::Uuid::new_v4().simple()));
        dir.display().to_string()
    }
}
