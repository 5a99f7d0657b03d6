//! The Mingle server: HTTP API, authentication, storage.
//!
//! `main.rs` parses [`config::Config`], then [`build_state`] connects the store and prepares
//! keys, and [`run`] serves [`app`] on a listener until the shutdown signal, then shuts down in
//! the order [`shutdown`] states.

pub mod analytics;
pub mod auth;
pub mod capacity;
pub mod config;
pub mod conflict;
pub mod demo;
pub mod error;
pub mod extract;
#[cfg(test)]
mod fuzz;
pub mod http;
pub mod mail;
pub mod metrics;
pub mod model;
pub mod readcache;
pub mod realtime;
pub mod recommend;
pub mod redis;
pub mod render;
pub mod serve;
pub mod shutdown;
pub mod state;
pub mod store;
pub mod suggest;
pub mod validate;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::net::TcpListener;

use crate::auth::{AuthLimiter, AuthLimits, Passwords, TokenKeys};
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
    let embedded = config.database_url.as_deref().is_none_or(str::is_empty);
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating data directory {}", config.data_dir.display()))?;
    }
    let store = Store::connect(&url).await.context("connecting to the database")?;
    if embedded {
        // The embedded database holds everyone's accounts: readable by this user only.
        private_files(&config.data_dir, &["mingle.db", "mingle.db-wal", "mingle.db-shm"])
            .with_context(|| format!("restricting access to {}", config.data_dir.display()))?;
    }
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
            write_coalesce: Duration::from_millis(config.ws_coalesce_ms.min(100)),
            max_subscriptions: config.ws_max_subscriptions.max(1),
            ping_interval: Duration::from_secs(config.ws_ping_secs.max(1)),
            idle_timeout: Duration::from_secs(config.ws_idle_secs.max(2)),
            chat_per_minute: config.chat_per_minute,
            connects_per_address_per_minute: config.ws_connects_per_address_per_minute,
        },
    );
    let cache_bytes = config.embedding_cache_mb.max(1) << 20;
    let workers_url =
        || config.redis_url.as_deref().filter(|u| !u.is_empty()).context("MINGLE_MATCHER=workers needs REDIS_URL");
    // A node whose matcher runs in workers never loads the text model: the workers embed its
    // texts and train the recommendation model it serves.
    let (model, recommender) = if config.computes_here() {
        let model = model::engine(config.model_dir(), cache_bytes);
        (Arc::clone(&model), recommend::Recommender::new(model, shutdown))
    } else {
        let model = model::remote(workers_url()?, cache_bytes, shutdown).await?;
        let shared = recommend::SharedModels::connect(workers_url()?).await?;
        (Arc::clone(&model), recommend::Recommender::following(model, shared, shutdown))
    };
    let rollout = analytics::rollout::Rollout {
        share: if config.canary_share.is_finite() { config.canary_share.clamp(0.0, 1.0) } else { 0.0 },
        max_duration: Duration::from_secs(config.canary_max_hours.max(1) * 3600),
        policy: analytics::rollout::Policy {
            min_exposures: config.canary_min_exposures.max(1),
            ..analytics::rollout::Policy::default()
        },
    };
    let suggester = if config.matcher_workers() {
        suggest::Suggester::with_workers(store.clone(), Arc::clone(&realtime), workers_url()?, shutdown).await?
    } else {
        suggest::Suggester::in_process(store.clone(), Arc::clone(&realtime), Arc::clone(&model), rollout, shutdown)
    };
    let access_ttl = Duration::from_secs(config.access_token_ttl_secs.max(1));
    let revocations = Arc::new(auth::Revocations::new(access_ttl));
    // Sessions revoked before this start, whose access tokens may still be around.
    revocations.poll(&store, &realtime.access).await.context("reading revoked sessions")?;
    shutdown.spawn(Arc::clone(&revocations).follow(
        store.clone(),
        Arc::clone(&realtime.access),
        shutdown.workers_token(),
    ));
    let mailer = mail::Mailer::new(config.smtp_url.as_deref(), &config.mail_from, config.listen.ip().is_loopback())?;
    let can_mail = config.smtp_url.as_deref().is_some_and(|url| !url.is_empty());
    if config.signup_verify_first() && !can_mail && !config.listen.ip().is_loopback() {
        tracing::warn!("MINGLE_SIGNUP_VERIFY_FIRST is on without MINGLE_SMTP_URL: nobody can finish signing up");
    }
    let analytics = analytics::Analytics::start(
        analytics::Keys::from_token_secret(&secret),
        store.clone(),
        analytics::Settings {
            enabled: config.analytics,
            retention_days: config.analytics_retention_days,
            flush: Duration::from_millis(config.analytics_flush_ms.clamp(10, 60_000)),
            redis_url: config.redis_url.clone(),
            batches_per_minute: config.analytics_batches_per_minute,
        },
        shutdown,
    )
    .await
    .context("starting the analytics pipeline")?;
    realtime.count_chat_in(analytics.clone());
    recommender.set_rollout(rollout);
    let (cache, requests) = {
        let sizing = readcache::Sizing { min_bytes: config.cache_min_mb << 20, max_bytes: config.cache_mb << 20 };
        let (clock, listener) = match config.redis_url.as_deref().filter(|u| !u.is_empty() && sizing.max_bytes > 0) {
            Some(url) => {
                let (clock, listener) =
                    readcache::Clock::redis(url).await.context("connecting the read cache to Redis")?;
                (clock, Some(listener))
            }
            None => (readcache::Clock::local(), None),
        };
        readcache::ReadCache::start(sizing, clock, listener, readcache::Prefetch::new(config.cache_prefetch), shutdown)
    };
    let state = AppState {
        store: store.clone(),
        tokens: Arc::new(TokenKeys::new(
            &secret,
            access_ttl,
            Duration::from_secs(config.refresh_token_ttl_days.max(1) * 86_400),
        )),
        sealer: Arc::new(auth::sealed::Sealer::from_token_secret(&secret)),
        revocations,
        passwords: Arc::new(Passwords::default()),
        mailer,
        providers: Arc::new(auth::providers::Providers::new(config.providers()?)?),
        passkeys: auth::passkeys::Passkeys::for_deployment(
            config.public_origin.as_deref(),
            &config.allowed_origins,
            config.passkey_rp_id.as_deref(),
        )?
        .map(Arc::new),
        limiter: AuthLimiter::new(AuthLimits {
            per_account_address_per_minute: config.login_per_account_per_minute,
            per_account_per_hour: config.login_per_account_per_hour,
            per_address_per_minute: config.auth_per_address_per_minute,
        }),
        settings: Arc::new(Settings {
            trust_forwarded_for: config.trust_forwarded_for,
            web_dir: Some(config.web_dir.clone()),
            ops_token: config.ops_token.clone().filter(|t| !t.is_empty()),
            origins: http::security::Origins::new(config.public_origin.as_deref(), &config.allowed_origins)
                .context("MINGLE_PUBLIC_ORIGIN or MINGLE_ALLOWED_ORIGINS")?,
            connections: serve::ConnectionLimits {
                header_read: Duration::from_secs(config.header_read_secs.max(1)),
                per_address: (config.max_connections_per_address > 0 && !config.trust_forwarded_for)
                    .then_some(config.max_connections_per_address),
            },
            public_base: config.public_base(),
            signup_verify_first: config.signup_verify_first(),
            require_organizer_mfa: config.require_organizer_mfa,
            app_redirect_uris: config.app_redirect_uris.iter().filter(|u| !u.is_empty()).cloned().collect(),
        }),
        suggester,
        recommender,
        model,
        realtime,
        analytics,
        capacity: capacity::Forecaster::new(config),
        cache,
        shutdown: shutdown.clone(),
    };
    if let Some(requests) = requests {
        let source = Arc::new(http::cached::Loads(state.clone()));
        readcache::forecast::start(Arc::clone(&state.cache), source, requests, shutdown);
    }
    Ok(state)
}

/// Makes `dir` (0700) and the named files in it that exist (0600) accessible to this user only.
/// SQLite creates its write-ahead log and shared-memory files with the database file's mode, so
/// they stay private once it is.
#[cfg(unix)]
fn private_files(dir: &std::path::Path, files: &[&str]) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    for file in files {
        match std::fs::set_permissions(dir.join(file), std::fs::Permissions::from_mode(0o600)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn private_files(_: &std::path::Path, _: &[&str]) -> std::io::Result<()> {
    Ok(())
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
    state.recommender.keep_deciding(state.store.clone());
    state.capacity.keep_forecasting(state.store.clone(), &shutdown);
    // A node told to listen on port 0 is reached at the port it got: links in mails say so.
    let mut state = state;
    if state.settings.public_base.ends_with(":0") {
        if let Ok(address) = listener.local_addr() {
            let mut settings = (*state.settings).clone();
            settings.public_base = format!("http://{address}");
            state.settings = Arc::new(settings);
        }
    }
    let limits = state.settings.connections;
    let mut server = tokio::spawn(serve::serve(listener, app(state), limits, shutdown.serving_token()));
    tokio::select! {
        result = &mut server => {
            // The accept loop ends only when told to: if it ended, it failed.
            result.context("server task")?;
        }
        () = signal => {
            tracing::info!("shutting down: closing connections");
            shutdown.begin();
            // WebSockets are upgraded connections the HTTP server no longer tracks: each tells
            // its client to reconnect elsewhere and resume, then ends.
            if !shutdown.connections_closed().await {
                tracing::warn!("some WebSocket connections did not close in time");
            }
            if tokio::time::timeout(http::SHUTDOWN_GRACE, &mut server).await.is_err() {
                tracing::warn!("in-flight requests did not finish within the grace period");
                server.abort();
            }
        }
    }
    tracing::info!("stopping background work");
    if !shutdown.stop_workers().await {
        tracing::warn!("some background loops did not stop in time");
    }
    Ok(())
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
            if let Err(e) = state.store.purge_expired_provider_logins().await {
                tracing::warn!(error = %e, "purging provider sign-ins failed");
            }
            match state.store.purge_expired_links().await {
                Ok(purged) if purged > 0 => tracing::info!(purged, "expired e-mail links and sign-in tickets purged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "purging e-mail links failed"),
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

    #[cfg(unix)]
    #[tokio::test]
    async fn the_embedded_database_is_readable_by_this_user_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile_dir();
        let config = Config::try_parse_from(["mingle", "--data-dir", &dir]).expect("parse");
        let state = build_state(&config, &Shutdown::new()).await.expect("state");
        state
            .store
            .create_user(&store::NewUser::registered("a@example.org".into(), String::new(), "A".into()))
            .await
            .expect("a write makes the log");
        let mode = |p: &std::path::Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
        let dir = std::path::Path::new(&dir);
        assert_eq!(mode(dir), 0o700);
        assert_eq!(mode(&dir.join("mingle.db")), 0o600);
        assert_eq!(mode(&dir.join("mingle.db-wal")), 0o600, "the log inherits the database's mode");
    }

    fn tempfile_dir() -> String {
        let dir = std::env::temp_dir().join(format!("mingle-test-{}", uuid::Uuid::new_v4().simple()));
        dir.display().to_string()
    }
}
