//! The `mingle` binary: configuration, logging, then serve (or generate demo data).

use anyhow::Context as _;
use clap::Parser as _;
use server::config::{Command, Config, LogFormat};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    init_tracing(config.log_format);
    match config.command.clone().unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::ProtocolSchema => {
            let schema = serde_json::to_string_pretty(&protocol::realtime::json_schema())?;
            std::io::Write::write_all(&mut std::io::stdout(), format!("{schema}\n").as_bytes())?;
            Ok(())
        }
        Command::Matcher => matcher(config).await,
        Command::DemoData { seed, users, events } => {
            let state = server::build_state(&config).await?;
            let summary = server::demo::generate(&state.store, seed, users, events).await?;
            tracing::info!(%summary, "demo data written");
            state.store.close().await;
            Ok(())
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let state = server::build_state(&config).await?;
    let store = state.store.clone();
    let listener =
        tokio::net::TcpListener::bind(config.listen).await.with_context(|| format!("binding {}", config.listen))?;
    tracing::info!(address = %listener.local_addr()?, "Mingle is serving; open http://{}/", listener.local_addr()?);
    retrain_on_hangup(&state);
    server::run(listener, state, shutdown_signal()).await?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// A matcher worker: suggestion jobs from Redis in, lists out.
async fn matcher(config: Config) -> anyhow::Result<()> {
    let url = config.redis_url.clone().filter(|u| !u.is_empty()).context("`mingle matcher` needs REDIS_URL")?;
    let state = server::build_state(&config).await?;
    let engine = server::suggest::Engine::new(state.store.clone(), std::sync::Arc::clone(&state.model));
    engine.keep_learning();
    server::suggest::stream::run_worker(engine, state.realtime, &url, shutdown_signal()).await?;
    state.store.close().await;
    Ok(())
}

fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Pretty => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// SIGHUP retrains the recommendation model now (`kill -HUP <pid>`), as
/// `POST /ops/recommendations/retrain` does.
fn retrain_on_hangup(state: &server::state::AppState) {
    #[cfg(unix)]
    {
        let recommender = std::sync::Arc::clone(&state.recommender);
        let store = state.store.clone();
        tokio::spawn(async move {
            let mut hangups = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
                Ok(signal) => signal,
                Err(e) => return tracing::error!(error = %e, "cannot listen for SIGHUP"),
            };
            while hangups.recv().await.is_some() {
                if !recommender.retrain_soon(store.clone()) {
                    tracing::info!("SIGHUP: a recommendation model is training already");
                }
            }
        });
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
