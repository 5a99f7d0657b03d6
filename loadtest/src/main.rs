//! `loadtest`: Mingle's realtime gateway and REST API under load, next to a Socket.IO peer
//! driven by the same client in the same run. See `loadtest --help` and `docs/benchmarks.md`.
//!
//! The flow: parse and bound the plan, raise the open-file limit (inherited by the servers it
//! starts), start each server with fresh state, set up accounts and rooms through the API, run the
//! scenarios, write the report. When the idle scenario needs more connections than one process
//! may hold, it runs on a cluster of server nodes with copies of this tool as its clients
//! (`loadtest idle-worker`, see `worker.rs`).

mod analytics;
mod args;
mod cache;
mod crowd;
mod engineio;
mod live_match;
mod mingle;
mod net;
mod peers;
mod probe;
mod procstat;
mod report;
mod rest;
mod scenarios;
mod servers;
mod soak;
mod spread;
mod stats;
mod table;
mod worker;

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser as _;

use crate::analytics::{AnalyticsResult, AnalyticsRun};
use crate::args::{Args, Plan, Role, Scenario};
use crate::cache::{CacheResult, CacheRun};
use crate::mingle::Api;
use crate::net::SourceAddresses;
use crate::peers::{Flavor, Target};
use crate::report::{Machine, Results};
use crate::scenarios::{Dial, FanoutPlan, IdleResult, SpreadServer};
use crate::servers::{Cluster, Server};
use crate::worker::{ClientWorkers, Job};

/// Accounts the realtime scenarios' connections share (each in every room).
const ACCOUNTS: usize = 50;
const QUICK_ACCOUNTS: usize = 10;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.role == Some(Role::IdleWorker) {
        return worker::main().await;
    }
    if let Some(path) = &args.render {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let results: Results = serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        results.write(&args.report)?;
        writeln!(std::io::stdout().lock(), "{}report: {}", summary(&results), args.report.display())?;
        return Ok(());
    }
    if let Some(minutes) = args.soak_minutes {
        anyhow::ensure!(minutes > 0.0 && minutes <= 24.0 * 60.0, "--soak-minutes is 1 to 1440");
        net::raise_open_files(65_536).context("raising the open-file limit")?;
        say(&format!("soak: {minutes} minutes against {}", args.mingle_bin.display()));
        soak::run(&args.mingle_bin, minutes, &args.soak_report).await?;
        writeln!(std::io::stdout().lock(), "report: {}", args.soak_report.display())?;
        return Ok(());
    }
    let mut plan = args.plan()?;
    let mut results = Results {
        started_at: now(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        quick: args.quick,
        machine: Machine::read(),
        ..Results::default()
    };
    let wanted_files = 2 * 250_000 + 10_000;
    let limit = net::raise_open_files(wanted_files).context("raising the open-file limit")?;
    say(&format!("open-file limit {limit} (the servers started here inherit it)"));
    results.machine.open_files_limit = limit;
    for note in plan.fit_open_files(limit) {
        say(&note);
        results.notes.push(note);
    }
    if plan.scenarios.contains(&Scenario::Idle) && plan.idle_processes() > 1 {
        say(&format!(
            "idle: {} connections over {} server nodes and {} client processes of at most {} each \
             (open-file limit {limit} per process)",
            plan.idle_checkpoints.last().unwrap_or(&0),
            plan.idle_processes(),
            plan.idle_processes(),
            plan.idle_per_process
        ));
    }
    let dial =
        Dial { sources: Arc::new(SourceAddresses::new(plan.source_addresses)), concurrency: plan.connect_concurrency };

    let client_sampler = tokio::spawn(client_peak_rss());
    let realtime = [Scenario::Idle, Scenario::Fanout, Scenario::Chat, Scenario::ReconnectStorm];
    if plan.scenarios.iter().any(|s| realtime.contains(s)) {
        if let Err(e) = run_realtime(&args, &plan, &dial, &mut results).await {
            results.notes.push(format!("realtime scenarios stopped: {e:#}"));
        }
    }
    if plan.scenarios.contains(&Scenario::LiveMatch) {
        if let Err(e) = run_live_match(&args, &plan, &dial, &mut results).await {
            results.notes.push(format!("live-match failed: {e:#}"));
        }
    }
    if plan.scenarios.contains(&Scenario::Rest) {
        for (backend, url) in backends(&args, "REST", &mut results) {
            if let Err(e) = run_rest(&args, &plan, backend, url, &mut results).await {
                results.notes.push(format!("REST on {backend} failed: {e:#}"));
            }
        }
    }
    if plan.scenarios.contains(&Scenario::Analytics) {
        for (backend, url) in backends(&args, "analytics", &mut results) {
            if let Err(e) = run_analytics(&args, &plan, &dial, backend, url, &mut results).await {
                results.notes.push(format!("analytics on {backend} failed: {e:#}"));
            }
        }
    }
    if plan.scenarios.contains(&Scenario::Cache) {
        for (backend, url) in backends(&args, "cache", &mut results) {
            if let Err(e) = run_cache(&args, &plan, backend, url, &mut results).await {
                results.notes.push(format!("cache on {backend} failed: {e:#}"));
            }
        }
    }
    client_sampler.abort();
    results.machine.client_peak_rss_kib = procstat::status_memory(std::process::id())
        .map_or(0, |m| m.vm_rss_kib)
        .max(CLIENT_PEAK.load(std::sync::atomic::Ordering::Relaxed))
        .max(results.idle.iter().map(|r| r.client_rss_kib).max().unwrap_or(0));
    results.machine.load_after = report::load();
    results.finished_at = now();
    let notes = results.write(&args.report)?;
    results.notes.extend(notes);
    let mut out = std::io::stdout().lock();
    writeln!(out, "\n{}", summary(&results))?;
    writeln!(out, "report: {}", args.report.display())?;
    Ok(())
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%d %H:%M").to_string()
}

fn say(line: &str) {
    eprintln!("==> {line}");
}

static CLIENT_PEAK: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The tool's own peak memory, for the report's caveat.
async fn client_peak_rss() {
    loop {
        if let Ok(m) = procstat::status_memory(std::process::id()) {
            CLIENT_PEAK.fetch_max(m.vm_rss_kib, std::sync::atomic::Ordering::Relaxed);
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// The targets table, for the terminal.
fn summary(results: &Results) -> String {
    let mut out = String::from("target | measured | verdict\n");
    for line in results.targets() {
        out.push_str(&format!("{} | {} | {}\n", line.target, line.measured, line.verdict));
    }
    for note in &results.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out
}

/// Registers `count` accounts (`{name}-{i}@bench.mingle.test`) and makes each go to every event
/// in `events`.
async fn accounts_in_rooms(api: &Api, name: &str, count: usize, events: &[uuid::Uuid]) -> anyhow::Result<Vec<String>> {
    let bar = crowd::bar((count * (1 + events.len())) as u64, "accounts and RSVPs");
    let mut tokens = Vec::with_capacity(count);
    for i in 0..count {
        let account = api.register(&format!("{name}-{i}@bench.mingle.test"), &format!("Member {i}")).await?;
        bar.inc(1);
        let mut rsvps = Vec::with_capacity(events.len());
        for chunk in events.chunks(16) {
            for &event in chunk {
                let (api, token) = (api.clone(), account.token.clone());
                rsvps.push(tokio::spawn(async move { api.going(&token, event).await }));
            }
            for rsvp in rsvps.drain(..) {
                rsvp.await??;
                bar.inc(1);
            }
        }
        tokens.push(account.token);
    }
    bar.finish_and_clear();
    Ok(tokens)
}

async fn run_realtime(args: &Args, plan: &Plan, dial: &Dial, results: &mut Results) -> anyhow::Result<()> {
    if plan.scenarios.contains(&Scenario::Idle) && plan.idle_processes() > 1 {
        run_idle_spread(args, plan, results).await;
    }
    let one_server = [Scenario::Fanout, Scenario::Chat, Scenario::ReconnectStorm];
    if !plan.scenarios.iter().any(|s| one_server.contains(s) || (*s == Scenario::Idle && plan.idle_processes() == 1)) {
        return Ok(());
    }
    let mingle = servers::start_mingle(&args.mingle_bin, "realtime", None, false).await?;
    let socketio = match servers::start_socketio(&args.node, &args.socketio_dir, "socketio").await {
        Ok(server) => Some(server),
        Err(e) => {
            results.notes.push(format!("Socket.IO peer not started, no comparison: {e:#}"));
            None
        }
    };
    for server in [Some(&mingle), socketio.as_ref()].into_iter().flatten() {
        say(&format!(
            "{} on {} (pid {}), open-file limit {}",
            server.name,
            server.addr,
            server.pid,
            procstat::open_files_limit(server.pid).map_or("?".to_owned(), |n| n.to_string())
        ));
    }
    let outcome = realtime_scenarios(plan, dial, &mingle, socketio.as_ref(), results).await;
    mingle.stop().await;
    if let Some(s) = socketio {
        s.stop().await;
    }
    outcome
}

async fn realtime_scenarios(
    plan: &Plan,
    dial: &Dial,
    mingle: &Server,
    socketio: Option<&Server>,
    results: &mut Results,
) -> anyhow::Result<()> {
    // Rooms on Mingle are event chats: one event for the fan-out room and the storm, one per chat
    // room; every account goes to all of them.
    let api = Api::new(mingle.addr)?;
    let organizer = api.register("organizer@bench.mingle.test", "Organizer").await?;
    let start = chrono::Utc::now() - chrono::Duration::hours(1);
    let end = chrono::Utc::now() + chrono::Duration::hours(8);
    let mut events = Vec::with_capacity(plan.chat_rooms + 1);
    for i in 0..=plan.chat_rooms {
        events.push(
            api.create_event(&organizer.token, &format!("Load test room {i}"), &["loadtest"], start, end).await?.id,
        );
    }
    let accounts = if plan.idle_checkpoints.last().is_some_and(|&n| n <= 5_000) { QUICK_ACCOUNTS } else { ACCOUNTS };
    let tokens = accounts_in_rooms(&api, "member", accounts, &events).await?;
    let chat_channel = |e: &uuid::Uuid| format!("event:{e}:chat");
    let mingle_room = Target {
        flavor: Flavor::Mingle,
        addr: mingle.addr,
        pid: mingle.pid,
        rooms: vec![chat_channel(&events[0])],
        tokens: tokens.clone(),
    };
    let mingle_chat = Target { rooms: events[1..].iter().map(chat_channel).collect(), ..mingle_room.clone() };
    let peer_room = socketio.map(|s| Target {
        flavor: Flavor::SocketIo,
        addr: s.addr,
        pid: s.pid,
        rooms: vec!["room-0".to_owned()],
        tokens: Vec::new(),
    });
    let peer_chat = peer_room
        .as_ref()
        .map(|t| Target { rooms: (1..=plan.chat_rooms).map(|i| format!("room-{i}")).collect(), ..t.clone() });
    let pair =
        |a: &Target, b: &Option<Target>| -> Vec<Target> { std::iter::once(a.clone()).chain(b.clone()).collect() };

    if plan.scenarios.contains(&Scenario::Idle) && plan.idle_processes() == 1 {
        for target in pair(&mingle_room, &peer_room) {
            say(&format!("idle: {} connections to {}", plan.idle_checkpoints.last().unwrap_or(&0), target.name()));
            let r =
                scenarios::idle(&target, dial, &plan.idle_checkpoints, Duration::from_secs(plan.idle_hold_secs)).await;
            record_idle(r, results);
        }
    }
    if plan.scenarios.contains(&Scenario::Fanout) {
        for &n in &plan.fanout_connections {
            for target in pair(&mingle_room, &peer_room) {
                say(&format!("fan-out: {n} subscribers on {}", target.name()));
                let fanout = FanoutPlan {
                    subscribers: n,
                    publishers: 4,
                    reference_rate: plan.fanout_rate,
                    ramp_from_deliveries: 50_000.0,
                    ramp_factor: 1.5,
                    max_steps: 12,
                    lowest_fraction: 8.0,
                    refinements: 2,
                    settle: Duration::from_secs(5),
                    step: Duration::from_secs(plan.step_secs),
                    drain: Duration::from_secs(2),
                };
                let r = scenarios::fanout(&target, dial, &fanout).await;
                if let Some(e) = &r.first_error {
                    results
                        .notes
                        .push(format!("fan-out on {} x{n}: {} failed to join, first: {e}", r.server, r.failed));
                }
                if r.dropped > 0 {
                    results
                        .notes
                        .push(format!("fan-out on {} x{n}: the server closed {} subscribers", r.server, r.dropped));
                }
                results.fanout.push(r);
            }
        }
    }
    if plan.scenarios.contains(&Scenario::Chat) {
        for target in pair(&mingle_chat, &peer_chat) {
            say(&format!(
                "chat: {} connections in {} rooms on {}",
                plan.chat_connections,
                plan.chat_rooms,
                target.name()
            ));
            let rate = plan.chat_rooms as f64;
            let r = scenarios::chat(
                &target,
                dial,
                plan.chat_connections,
                plan.chat_rooms,
                rate,
                Duration::from_secs(plan.step_secs * 4),
            )
            .await;
            if let Some(e) = &r.first_error {
                results.notes.push(format!("chat on {}: {} failed to join, first: {e}", r.server, r.failed));
            }
            results.chat.push(r);
        }
    }
    if plan.scenarios.contains(&Scenario::ReconnectStorm) {
        for target in pair(&mingle_room, &peer_room) {
            say(&format!("reconnect storm: {} connections on {}", plan.storm_connections, target.name()));
            let r = scenarios::reconnect_storm(&target, dial, plan.storm_connections).await;
            if let Some(e) = &r.first_error {
                results.notes.push(format!("storm on {}: {} failed, first: {e}", r.server, r.failed));
            }
            results.storm.push(r);
        }
    }
    Ok(())
}

/// The idle scenario beyond one process: on a Mingle cluster, then on as many Socket.IO
/// processes, each server with its own client workers; one server at a time, so that neither
/// shares the machine with the other's connections.
async fn run_idle_spread(args: &Args, plan: &Plan, results: &mut Results) {
    let processes = plan.idle_processes();
    let wanted = plan.idle_checkpoints.last().copied().unwrap_or(0);
    say(&format!("idle: {wanted} connections to {processes} Mingle nodes"));
    let mingle = async {
        let cluster =
            servers::start_mingle_cluster(&args.mingle_bin, processes, args.postgres_url.as_deref(), &args.redis_url)
                .await?;
        if let Some(note) = &cluster.note {
            say(note);
            results.notes.push(note.clone());
        }
        let outcome = async {
            let accounts = if wanted <= 5_000 { QUICK_ACCOUNTS } else { ACCOUNTS };
            // A name of this run's own: a shared database may hold an earlier run's accounts.
            let name = format!("idle-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
            // A node opens a socket only for an account it knows: on a shared database the
            // first node's accounts serve every node; apart, each node gets its own.
            let shared = cluster.note.is_none();
            let mut tokens = Vec::with_capacity(cluster.nodes.len());
            for (i, node) in cluster.nodes.iter().enumerate() {
                if shared && i > 0 {
                    tokens.push(tokens.first().cloned().unwrap_or_default());
                } else {
                    tokens.push(accounts_in_rooms(&Api::new(node.addr)?, &name, accounts, &[]).await?);
                }
            }
            idle_on(Flavor::Mingle, &cluster, tokens, plan).await
        }
        .await;
        cluster.stop().await;
        outcome
    };
    match mingle.await {
        Ok(r) => record_idle(r, results),
        Err(e) => results.notes.push(format!("idle on Mingle nodes stopped: {e:#}")),
    }
    say(&format!("idle: {wanted} connections to {processes} Socket.IO processes"));
    let socketio = async {
        let cluster = servers::start_socketio_cluster(&args.node, &args.socketio_dir, processes).await?;
        let outcome = idle_on(Flavor::SocketIo, &cluster, Vec::new(), plan).await;
        cluster.stop().await;
        outcome
    };
    match socketio.await {
        Ok(r) => record_idle(r, results),
        Err(e) => results.notes.push(format!("Socket.IO peer not measured idle, no comparison: {e:#}")),
    }
}

/// Starts the client workers for `cluster` and runs the spread idle scenario with them.
async fn idle_on(
    flavor: Flavor,
    cluster: &Cluster,
    tokens: Vec<Vec<String>>,
    plan: &Plan,
) -> anyhow::Result<IdleResult> {
    let nodes: Vec<std::net::SocketAddr> = cluster.nodes.iter().map(|n| n.addr).collect();
    for (i, node) in cluster.nodes.iter().enumerate() {
        say(&format!(
            "{} node {i} on {} (pid {}), open-file limit {}",
            node.name,
            node.addr,
            node.pid,
            procstat::open_files_limit(node.pid).map_or("?".to_owned(), |n| n.to_string())
        ));
    }
    // As many client processes as server nodes: both sides are bound by the same limit.
    let clients = cluster.nodes.len();
    let jobs = (0..clients)
        .map(|worker| Job {
            worker,
            flavor,
            nodes: nodes.clone(),
            tokens: tokens.clone(),
            source_addresses: plan.source_addresses,
            concurrency: plan.connect_concurrency.div_ceil(clients),
        })
        .collect();
    let workers = ClientWorkers::start(jobs).await?;
    let pids = cluster.pids();
    let name = cluster.nodes.first().map_or("?", |n| n.name);
    let server = SpreadServer { name, pids: &pids, sharing: &cluster.sharing };
    let hold = Duration::from_secs(plan.idle_hold_secs);
    Ok(scenarios::idle_spread(&server, workers, &plan.idle_checkpoints, plan.idle_per_process, hold).await)
}

fn record_idle(r: IdleResult, results: &mut Results) {
    match &r.first_error {
        Some(e) if r.failed > 0 => {
            results.notes.push(format!("idle on {}: {} connections failed, first: {e}", r.server, r.failed));
        }
        Some(e) => results.notes.push(format!("idle on {}: {e}", r.server)),
        None => {}
    }
    results.idle.push(r);
}

async fn run_live_match(args: &Args, plan: &Plan, dial: &Dial, results: &mut Results) -> anyhow::Result<()> {
    say(&format!("live-match: {} attendees, {} arrivals", plan.live_attendees, plan.live_arrivals));
    let server = servers::start_mingle(&args.mingle_bin, "live-match", None, false).await?;
    let api = Api::new(server.addr)?;
    let outcome = live_match::run(
        &api,
        server.addr,
        server.pid,
        &dial.sources,
        plan.live_attendees,
        plan.live_arrivals,
        plan.live_rate,
    )
    .await;
    server.stop().await;
    results.live_match = Some(outcome?);
    Ok(())
}

/// The database backends a scenario runs on: SQLite, and PostgreSQL when `--postgres-url` names
/// a database (a note says so when it does not).
fn backends<'a>(args: &'a Args, scenario: &str, results: &mut Results) -> Vec<(&'static str, Option<&'a str>)> {
    let mut backends = vec![("SQLite", None)];
    match &args.postgres_url {
        Some(url) => backends.push(("PostgreSQL", Some(url.as_str()))),
        None => results.notes.push(format!("{scenario} on PostgreSQL not measured: no --postgres-url")),
    }
    backends
}

async fn run_rest(
    args: &Args,
    plan: &Plan,
    backend: &str,
    url: Option<&str>,
    results: &mut Results,
) -> anyhow::Result<()> {
    say(&format!("REST on {backend}: demo world, then {} searches/s and {} RSVPs/s", plan.search_rate, plan.rsvp_rate));
    let server =
        servers::start_mingle(&args.mingle_bin, &format!("rest-{}", backend.to_lowercase()), url, true).await?;
    let api = Api::new(server.addr)?;
    let outcome =
        rest::run(&api, server.pid, backend, Duration::from_secs(plan.rest_secs), plan.search_rate, plan.rsvp_rate)
            .await;
    server.stop().await;
    results.rest.push(outcome?);
    Ok(())
}

/// The analytics scenario on one backend: a server with analytics off, then a fresh one with
/// analytics on, each on a fresh database with the demo world.
async fn run_analytics(
    args: &Args,
    plan: &Plan,
    dial: &Dial,
    backend: &str,
    url: Option<&str>,
    results: &mut Results,
) -> anyhow::Result<()> {
    let load = analytics::Load {
        length: Duration::from_secs(plan.analytics_secs),
        search_rate: plan.search_rate,
        rsvp_rate: plan.rsvp_rate,
        senders: plan.analytics_senders,
    };
    let mut runs = Vec::with_capacity(2);
    for on in [false, true] {
        let state = if on { "on" } else { "off" };
        say(&format!(
            "analytics {state}, {backend}: demo world, then {} s of {} searches/s, {} RSVPs/s and a chat{}",
            plan.analytics_secs,
            plan.search_rate,
            plan.rsvp_rate,
            if on { format!(", {} clients sending analytics batches", load.senders) } else { String::new() }
        ));
        // Each server gets a database of its own: the demo world goes only into an empty one.
        let name = format!("analytics-{}-{state}", backend.to_lowercase());
        let suffix = format!("analytics_{state}");
        let run = servers::on_scratch_database(url, &suffix, |url| async move {
            analytics_run(args, dial, &name, backend, url.as_deref(), on, &load).await
        });
        runs.push(run.await?);
    }
    let (Some(on), Some(off)) = (runs.pop(), runs.pop()) else { anyhow::bail!("a run is missing") };
    let result = AnalyticsResult::new(backend, &load, off, on);
    for run in [&result.off, &result.on] {
        let state = if run.analytics { "on" } else { "off" };
        if let Some(e) = &run.chat_first_error {
            results.notes.push(format!(
                "analytics {state}, {backend}: {} chat connections failed and {} were closed, first: {e}",
                run.chat_failed, run.chat_dropped
            ));
        }
        if let Some(e) = &run.first_batch_error {
            results
                .notes
                .push(format!("analytics {state}, {backend}: {} batches not accepted, first: {e}", run.batch_errors));
        }
        if run.dropped > 0 {
            results.notes.push(format!("analytics {state}, {backend}: the server dropped {} events", run.dropped));
        }
        if run.drain_secs.is_none() {
            results.notes.push(format!(
                "analytics {state}, {backend}: {} events still queued 10 s after the run",
                run.queued_after
            ));
        }
        if run.idle_after_secs.is_none() {
            results.notes.push(format!(
                "analytics {state}, {backend}: the server was still busy 180 s after setting up; measured anyway"
            ));
        }
    }
    results.analytics.push(result);
    Ok(())
}

/// One run of the analytics scenario: its server, an event chat in each room, its members.
async fn analytics_run(
    args: &Args,
    dial: &Dial,
    name: &str,
    backend: &str,
    url: Option<&str>,
    on: bool,
    load: &analytics::Load,
) -> anyhow::Result<AnalyticsRun> {
    // Set both ways, so that the tool's own environment does not decide it.
    let env = [("MINGLE_ANALYTICS", if on { "true" } else { "false" })];
    let server = servers::start_mingle_with(&args.mingle_bin, name, url, true, &env).await?;
    let outcome = async {
        let api = Api::new(server.addr)?;
        let organizer = api.register("organizer@bench.mingle.test", "Organizer").await?;
        let start = chrono::Utc::now() - chrono::Duration::hours(1);
        let end = chrono::Utc::now() + chrono::Duration::hours(8);
        let mut events = Vec::with_capacity(analytics::CHAT_ROOMS);
        for i in 0..analytics::CHAT_ROOMS {
            events.push(
                api.create_event(&organizer.token, &format!("Load test room {i}"), &["loadtest"], start, end).await?.id,
            );
        }
        let tokens = accounts_in_rooms(&api, "member", QUICK_ACCOUNTS, &events).await?;
        let target = Target {
            flavor: Flavor::Mingle,
            addr: server.addr,
            pid: server.pid,
            rooms: events.iter().map(|e| format!("event:{e}:chat")).collect(),
            tokens,
        };
        analytics::measure(&api, &target, dial, backend, on, load).await
    }
    .await;
    server.stop().await;
    outcome
}

/// The cache scenario on one backend: a server with the read cache off, then a fresh one with it
/// on, each on a fresh database with the demo world and the same demo accounts signed in.
async fn run_cache(
    args: &Args,
    plan: &Plan,
    backend: &str,
    url: Option<&str>,
    results: &mut Results,
) -> anyhow::Result<()> {
    let mut runs = Vec::with_capacity(2);
    for on in [false, true] {
        let state = if on { "on" } else { "off" };
        say(&format!(
            "cache {state}, {backend}: demo world, then {} sessions, {} at a time",
            plan.cache_sessions,
            cache::CONCURRENCY
        ));
        // Each server gets a database of its own: the demo world goes only into an empty one.
        let name = format!("cache-{}-{state}", backend.to_lowercase());
        let suffix = format!("cache_{state}");
        let run = servers::on_scratch_database(url, &suffix, |url| async move {
            cache_run(args, &name, backend, url.as_deref(), on, plan.cache_sessions).await
        });
        runs.push(run.await?);
    }
    let (Some(on), Some(off)) = (runs.pop(), runs.pop()) else { anyhow::bail!("a run is missing") };
    let result = CacheResult::new(backend, plan.cache_sessions, off, on);
    for run in [&result.off, &result.on] {
        let state = if run.cache { "on" } else { "off" };
        if run.errors > 0 || run.connect_failed > 0 {
            results.notes.push(format!(
                "cache {state}, {backend}: {} requests failed and {} WebSockets did not open, first: {}",
                run.errors,
                run.connect_failed,
                run.first_error.as_deref().unwrap_or("-")
            ));
        }
        if run.sessions < result.sessions as u64 {
            results.notes.push(format!(
                "cache {state}, {backend}: {} sessions asked, the demo world has {} accounts to sign in",
                result.sessions, run.sessions
            ));
        }
        if run.idle_after_secs.is_none() {
            results.notes.push(format!(
                "cache {state}, {backend}: the server was still busy 180 s after setting up; measured anyway"
            ));
        }
        if run.cache && run.counters.is_none() {
            results.notes.push(format!("cache {state}, {backend}: `/ops/cache` could not be read after the run"));
        }
    }
    say(&result.summary());
    results.cache.push(result);
    Ok(())
}

/// One run of the cache scenario: its server (with an operator token of its own, for
/// `/ops/cache`), the demo accounts signed in, the sessions.
async fn cache_run(
    args: &Args,
    name: &str,
    backend: &str,
    url: Option<&str>,
    on: bool,
    sessions: usize,
) -> anyhow::Result<CacheRun> {
    let ops_token = uuid::Uuid::new_v4().simple().to_string();
    let budget = if on { cache::CACHE_MB.to_string() } else { "0".to_owned() };
    // Set both ways, so that the tool's own environment does not decide them.
    let env = [
        ("MINGLE_CACHE_MB", budget.as_str()),
        ("MINGLE_CACHE_PREFETCH", "true"),
        ("MINGLE_OPS_TOKEN", ops_token.as_str()),
    ];
    let server = servers::start_mingle_with(&args.mingle_bin, name, url, true, &env).await?;
    let outcome = async {
        let api = Api::new(server.addr)?;
        let emails = servers::demo_emails(&server, url, sessions).await?;
        let label = format!("cache {} ({backend})", if on { "on" } else { "off" });
        let accounts = cache::sign_in(&api, &emails, &label).await?;
        let target = cache::Target { api: &api, addr: server.addr, pid: server.pid, ops_token: &ops_token };
        cache::measure(target, accounts, on, &label).await
    }
    .await;
    server.stop().await;
    outcome
}
