//! The `mingle` binary: configuration, logging, then serve (or generate demo data, backtest the
//! capacity forecast).

use anyhow::Context as _;
use clap::Parser as _;
use server::config::{Command, Config, LogFormat};
use server::shutdown::Shutdown;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    init_tracing(config.log_format);
    match config.command.clone().unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::ProtocolSchema => print_json(&protocol::realtime::json_schema()),
        Command::Openapi => print_json(&server::openapi()),
        Command::Matcher => matcher(config).await,
        Command::Migrate => migrate(&config).await,
        Command::CapacityBacktest {
            seed,
            days,
            warmup_days,
            demo_seed,
            demo_users,
            demo_events,
            demo_days,
            report,
        } => {
            let options = server::capacity::backtest::Options {
                seed,
                days,
                warmup_days,
                demo_seed,
                demo_users,
                demo_events,
                demo_days,
            };
            capacity_backtest(&config, &options, report.as_deref()).await
        }
        Command::Simulate { seed, people, events, share, days, report } => {
            let options = server::analytics::simulate::Options {
                seed,
                people,
                events,
                share: share.clamp(0.01, 0.99),
                max_days: days.max(1),
                ..server::analytics::simulate::Options::default()
            };
            simulate(&options, report.as_deref()).await
        }
        Command::AnalyticsBench { seed, people, events, days, calls } => {
            let options = server::analytics::bench::Options { seed, people, events, days, calls: calls.max(1) };
            analytics_bench(&config, &options).await
        }
        Command::DemoData { seed, users, events } => {
            let shutdown = Shutdown::new();
            let state = server::build_state(&config, &shutdown).await?;
            let summary = server::demo::generate(&state.store, seed, users, events).await?;
            tracing::info!(%summary, "demo data written");
            shutdown.stop_workers().await;
            state.store.close().await;
            Ok(())
        }
    }
}

/// `mingle simulate`: each scenario on a temporary SQLite database, removed afterwards.
async fn simulate(
    options: &server::analytics::simulate::Options,
    report: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("mingle-simulate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let started = std::time::Instant::now();
    let base = dir.clone();
    let outcomes = server::analytics::simulate::run(options, move |n| {
        let url = server::store::Store::sqlite_url(&base.join(format!("scenario-{n}.db")));
        async move { server::store::Store::connect(&url).await }
    })
    .await;
    std::fs::remove_dir_all(&dir).ok();
    let text = server::analytics::simulate::report(options, &outcomes?);
    std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes())?;
    if let Some(path) = report {
        std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?;
    }
    tracing::info!(seconds = started.elapsed().as_secs_f64(), "simulation done");
    Ok(())
}

/// `mingle analytics-bench` on `--database-url`, or on a temporary SQLite file removed afterwards.
async fn analytics_bench(config: &Config, options: &server::analytics::bench::Options) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("mingle-analytics-bench-{}", std::process::id()));
    let url = match config.database_url.as_deref().filter(|u| !u.is_empty()) {
        Some(url) => url.to_owned(),
        None => {
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            server::store::Store::sqlite_url(&dir.join("bench.db"))
        }
    };
    let store = server::store::Store::connect(&url).await.context("connecting to the database")?;
    let measured = server::analytics::bench::run(&store, options).await;
    store.close().await;
    std::fs::remove_dir_all(&dir).ok();
    let text = server::analytics::bench::report(options, &measured?);
    std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes())?;
    Ok(())
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let shutdown = Shutdown::new();
    let state = server::build_state(&config, &shutdown).await?;
    let store = state.store.clone();
    let listener =
        tokio::net::TcpListener::bind(config.listen).await.with_context(|| format!("binding {}", config.listen))?;
    tracing::info!(address = %listener.local_addr()?, "Mingle is serving; open http://{}/", listener.local_addr()?);
    retrain_on_hangup(&state);
    server::run(listener, state, shutdown_signal()).await?;
    // Last: nothing uses the database any more.
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Applies pending migrations and nothing else: no keys, broker or model, so the job that runs
/// it needs only the database. (`sqlx` takes a lock for the run, so this is safe beside nodes
/// that start at the same time.)
async fn migrate(config: &Config) -> anyhow::Result<()> {
    let url = config.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating data directory {}", config.data_dir.display()))?;
    }
    let store = server::store::Store::connect(&url).await.context("connecting to the database")?;
    tracing::info!(backend = ?store.backend(), "migrations applied");
    store.close().await;
    Ok(())
}

/// The capacity forecast's backtest, printed as Markdown and written to `report` when given.
async fn capacity_backtest(
    config: &Config,
    options: &server::capacity::backtest::Options,
    report: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let plan = server::capacity::replicas::Plan::from_config(config);
    let text = server::capacity::backtest::run(options, &plan).await?;
    std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes())?;
    if let Some(path) = report {
        std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// A matcher worker: suggestion jobs from Redis in, lists out; embeddings for the nodes; the
/// recommendation model, trained and published.
async fn matcher(config: Config) -> anyhow::Result<()> {
    let url = config.redis_url.clone().filter(|u| !u.is_empty()).context("`mingle matcher` needs REDIS_URL")?;
    let shutdown = Shutdown::new();
    let state = server::build_state(&config, &shutdown).await?;
    let engine = server::suggest::Engine::new(state.store.clone(), std::sync::Arc::clone(&state.model));
    engine.weighting().set_rollout(state.recommender.rollout());
    engine.keep_learning(&shutdown);
    // Beside the suggestion jobs: embeddings for the nodes, and the recommendation model.
    let embeddings =
        server::model::serve_embeddings(std::sync::Arc::clone(&state.model), url.clone(), shutdown.workers_token());
    shutdown.spawn(async move {
        if let Err(e) = embeddings.await {
            tracing::error!(error = %e, "serving embeddings failed");
        }
    });
    let shared = server::recommend::SharedModels::connect(&url).await?;
    state.recommender.train_for_nodes(shared, state.store.clone());
    server::suggest::stream::run_worker(engine, state.realtime, &url, shutdown_signal()).await?;
    if !shutdown.stop_workers().await {
        tracing::warn!("some background loops did not stop in time");
    }
    state.store.close().await;
    Ok(())
}

/// Prints a document as the files under `docs/` hold it: pretty JSON and a final newline.
fn print_json(document: &impl serde::Serialize) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(document)?;
    std::io::Write::write_all(&mut std::io::stdout(), format!("{text}\n").as_bytes())?;
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
        let stop = state.shutdown.workers_token();
        state.shutdown.spawn(async move {
            let mut hangups = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
                Ok(signal) => signal,
                Err(e) => return tracing::error!(error = %e, "cannot listen for SIGHUP"),
            };
            while stop.run_until_cancelled(hangups.recv()).await.flatten().is_some() {
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
    tracing::info!("shutdown signal received");
}
