//! The command line: one `clap` struct, every option documented, a `--quick` scale for a fast
//! check, and validation that keeps a run bounded in time and count.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::net::PORTS_PER_ADDRESS;
use crate::spread;

/// Connections one run may open at most, over all scenarios at once.
pub const MAX_CONNECTIONS: usize = 250_000;
/// Longest single measurement window, in seconds.
pub const MAX_WINDOW_SECS: u64 = 600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Scenario {
    Idle,
    Fanout,
    Chat,
    ReconnectStorm,
    LiveMatch,
    Rest,
    Analytics,
    Cache,
}

/// Mingle's realtime and REST performance next to a Socket.IO peer, on this machine.
///
/// Starts the servers itself (fresh state each), runs the scenarios with progress bars, samples
/// the servers' memory and CPU from /proc, and writes a Markdown report with PNG plots.
#[derive(Debug, Clone, Parser)]
#[command(name = "loadtest", version)]
pub struct Args {
    /// What this process is when it is not the tool itself; none on the command line.
    #[command(subcommand)]
    pub role: Option<Role>,

    /// Writes the report again from a results file of an earlier run (`results.json` beside the
    /// report), measuring nothing.
    #[arg(long, env = "LOADTEST_RENDER")]
    pub render: Option<PathBuf>,

    /// A fast check at a small scale (seconds per scenario, about a thousand connections).
    #[arg(long, env = "LOADTEST_QUICK")]
    pub quick: bool,

    /// Scenarios to run (comma-separated); all by default.
    #[arg(long, env = "LOADTEST_SCENARIOS", value_enum, value_delimiter = ',')]
    pub scenarios: Vec<Scenario>,

    /// The `mingle` server binary (a release build).
    #[arg(long, env = "LOADTEST_MINGLE_BIN", default_value = "target/release/mingle")]
    pub mingle_bin: PathBuf,

    /// Node.js, which runs the Socket.IO peer.
    #[arg(long, env = "LOADTEST_NODE", default_value = "node")]
    pub node: PathBuf,

    /// Directory of the Socket.IO peer (`server.js` and its installed `node_modules`).
    #[arg(long, env = "LOADTEST_SOCKETIO_DIR", default_value = "loadtest/socketio")]
    pub socketio_dir: PathBuf,

    /// An empty PostgreSQL database for the REST scenario's second run; without it, only
    /// SQLite is measured. When the idle scenario runs on several Mingle nodes, they share it
    /// first (with Redis, see --redis-url), leaving their few accounts behind. The analytics and
    /// cache scenarios create databases of their own beside it (with `psql`, as this role) and
    /// drop them.
    #[arg(long, env = "LOADTEST_POSTGRES_URL")]
    pub postgres_url: Option<String>,

    /// Runs the soak instead of the scenarios: a mixed load for this many minutes against one
    /// server, reporting growth per hour (`./dev soak --minutes N`).
    #[arg(long, env = "LOADTEST_SOAK_MINUTES")]
    pub soak_minutes: Option<f64>,

    /// Where the soak's report goes; its plots go to a folder of the same name without `.md`.
    #[arg(long, env = "LOADTEST_SOAK_REPORT", default_value = "docs/soak.md")]
    pub soak_report: PathBuf,

    /// Where the Markdown report goes; its plots go to a folder of the same name without `.md`.
    #[arg(long, env = "LOADTEST_REPORT", default_value = "docs/benchmarks.md")]
    pub report: PathBuf,

    /// Idle connections held at most (memory is read at 10, 25, 50 and 100% of this).
    #[arg(long, env = "LOADTEST_IDLE_CONNECTIONS")]
    pub idle_connections: Option<usize>,

    /// Seconds the idle connections are held (longer than a ping interval shows they are served).
    #[arg(long, env = "LOADTEST_IDLE_HOLD_SECS")]
    pub idle_hold_secs: Option<u64>,

    /// Room sizes of the fan-out scenario (comma-separated); the largest is the latency target's.
    #[arg(long, env = "LOADTEST_FANOUT_CONNECTIONS", value_delimiter = ',')]
    pub fanout_connections: Vec<usize>,

    /// Messages per second of the fan-out's first (reference) step; later steps go higher.
    #[arg(long, env = "LOADTEST_FANOUT_RATE", default_value_t = 10.0)]
    pub fanout_rate: f64,

    /// Seconds per fan-out step.
    #[arg(long, env = "LOADTEST_STEP_SECS")]
    pub step_secs: Option<u64>,

    /// Connections in the chat scenario, and the rooms they are spread over.
    #[arg(long, env = "LOADTEST_CHAT_CONNECTIONS")]
    pub chat_connections: Option<usize>,
    #[arg(long, env = "LOADTEST_CHAT_ROOMS")]
    pub chat_rooms: Option<usize>,

    /// Connections that drop and resume at once in the reconnect storm.
    #[arg(long, env = "LOADTEST_STORM_CONNECTIONS")]
    pub storm_connections: Option<usize>,

    /// Attendees already checked in at the live event, and newcomers checking in (timed).
    #[arg(long, env = "LOADTEST_LIVE_ATTENDEES")]
    pub live_attendees: Option<usize>,
    #[arg(long, env = "LOADTEST_LIVE_ARRIVALS")]
    pub live_arrivals: Option<usize>,

    /// Check-ins per second of the newcomers.
    #[arg(long, env = "LOADTEST_LIVE_RATE", default_value_t = 5.0)]
    pub live_rate: f64,

    /// Event searches and RSVPs per second in the REST scenario, and its length in seconds.
    #[arg(long, env = "LOADTEST_SEARCH_RATE", default_value_t = 100.0)]
    pub search_rate: f64,
    #[arg(long, env = "LOADTEST_RSVP_RATE", default_value_t = 25.0)]
    pub rsvp_rate: f64,
    #[arg(long, env = "LOADTEST_REST_SECS")]
    pub rest_secs: Option<u64>,

    /// Seconds of each run of the analytics scenario (the REST traffic and a small chat, with
    /// analytics off, then on with clients sending batches as fast as the server takes them).
    #[arg(long, env = "LOADTEST_ANALYTICS_SECS")]
    pub analytics_secs: Option<u64>,

    /// Clients sending analytics batches of 100 events at once, each signed in as its own account.
    #[arg(long, env = "LOADTEST_ANALYTICS_SENDERS", default_value_t = 4)]
    pub analytics_senders: usize,

    /// Sessions of the cache scenario in each of its runs (cache off, then on): each a demo
    /// account's app opening (its WebSocket, then recommendations, event pages, profiles and
    /// recommendations again), 8 at a time. At most the demo world's 3,000 accounts.
    #[arg(long, env = "LOADTEST_CACHE_SESSIONS")]
    pub cache_sessions: Option<usize>,

    /// Loopback source addresses (127.0.0.1 upwards) client sockets are spread over.
    #[arg(long, env = "LOADTEST_SOURCE_ADDRESSES", default_value_t = 16)]
    pub source_addresses: usize,

    /// WebSocket handshakes in flight at once while connections are opened.
    #[arg(long, env = "LOADTEST_CONNECT_CONCURRENCY", default_value_t = 256)]
    pub connect_concurrency: usize,

    /// Idle connections one process (a server node or a client process) holds at most; beyond
    /// it the idle scenario starts several. Default: the open-file limit less 1,000. A lower
    /// value tries the spreading at a small scale.
    #[arg(long, env = "LOADTEST_CONNECTIONS_PER_PROCESS")]
    pub connections_per_process: Option<usize>,

    /// Redis that the idle scenario's Mingle nodes share, with the --postgres-url database, when
    /// they are several. Not reachable, or no --postgres-url: each node keeps its own SQLite
    /// database and they share only the token secret.
    #[arg(long, env = "REDIS_URL", default_value = "redis://127.0.0.1:6379")]
    pub redis_url: String,
}

/// The hidden roles the tool starts copies of itself in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum Role {
    /// A client process of the idle scenario: takes its job and orders on stdin, answers on
    /// stdout (see `worker.rs`).
    #[command(name = "idle-worker", hide = true)]
    IdleWorker,
}

/// The run's settings once `--quick` and the explicit options are applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub scenarios: Vec<Scenario>,
    pub idle_checkpoints: Vec<usize>,
    pub idle_hold_secs: u64,
    pub fanout_connections: Vec<usize>,
    pub fanout_rate: f64,
    pub step_secs: u64,
    pub chat_connections: usize,
    pub chat_rooms: usize,
    pub storm_connections: usize,
    pub live_attendees: usize,
    pub live_arrivals: usize,
    pub live_rate: f64,
    pub search_rate: f64,
    pub rsvp_rate: f64,
    pub rest_secs: u64,
    pub analytics_secs: u64,
    pub analytics_senders: usize,
    pub cache_sessions: usize,
    pub source_addresses: usize,
    pub connect_concurrency: usize,
    /// Idle connections one process holds at most (see [`Plan::fit_open_files`]).
    pub idle_per_process: usize,
}

impl Args {
    /// Applies the scale and checks every bound; the error says which option to change.
    pub fn plan(&self) -> anyhow::Result<Plan> {
        let quick = self.quick;
        let scale = |full: usize, small: usize| if quick { small } else { full };
        let idle = self.idle_connections.unwrap_or(scale(100_000, 5_000));
        let mut fanout = if self.fanout_connections.is_empty() {
            if quick {
                vec![500, 2_000]
            } else {
                vec![1_000, 5_000, 10_000]
            }
        } else {
            self.fanout_connections.clone()
        };
        fanout.sort_unstable();
        fanout.dedup();
        let scenarios = if self.scenarios.is_empty() {
            vec![
                Scenario::Idle,
                Scenario::Fanout,
                Scenario::Chat,
                Scenario::ReconnectStorm,
                Scenario::LiveMatch,
                Scenario::Rest,
                Scenario::Analytics,
                Scenario::Cache,
            ]
        } else {
            let mut s = self.scenarios.clone();
            s.sort_unstable();
            s.dedup();
            s
        };
        let plan = Plan {
            scenarios,
            idle_checkpoints: idle_checkpoints(idle),
            idle_hold_secs: self.idle_hold_secs.unwrap_or(scale(30, 5) as u64),
            fanout_connections: fanout,
            fanout_rate: self.fanout_rate,
            step_secs: self.step_secs.unwrap_or(scale(5, 3) as u64),
            chat_connections: self.chat_connections.unwrap_or(scale(10_000, 1_000)),
            chat_rooms: self.chat_rooms.unwrap_or(scale(100, 20)),
            storm_connections: self.storm_connections.unwrap_or(scale(10_000, 1_000)),
            live_attendees: self.live_attendees.unwrap_or(scale(10_000, 300)),
            live_arrivals: self.live_arrivals.unwrap_or(scale(100, 20)),
            live_rate: self.live_rate,
            search_rate: self.search_rate,
            rsvp_rate: self.rsvp_rate,
            rest_secs: self.rest_secs.unwrap_or(scale(20, 5) as u64),
            analytics_secs: self.analytics_secs.unwrap_or(scale(30, 10) as u64),
            analytics_senders: self.analytics_senders,
            cache_sessions: self.cache_sessions.unwrap_or(scale(200, 40)),
            source_addresses: self.source_addresses,
            connect_concurrency: self.connect_concurrency,
            idle_per_process: self.connections_per_process.unwrap_or(usize::MAX),
        };
        plan.validate()?;
        Ok(plan)
    }
}

impl Plan {
    /// Fits connection counts to what `open_files` descriptors allow in one process (the
    /// client and each server hold one per connection, plus a reserve for everything else), and
    /// says what it changed. The idle scenario keeps its count and spreads it over several
    /// processes of at most that many each (and at most [`spread::MAX_PROCESSES`] of them); the
    /// others run in one process and shrink.
    pub fn fit_open_files(&mut self, open_files: u64) -> Vec<String> {
        let cap = spread::capacity(open_files);
        let why = format!(
            "the open-file limit is {open_files} per process (RLIMIT_NOFILE; raising the hard limit needs \
             CAP_SYS_RESOURCE)"
        );
        let mut notes = Vec::new();
        if self.idle_per_process > cap {
            if self.idle_per_process != usize::MAX {
                notes
                    .push(format!("idle: --connections-per-process {} lowered to {cap}: {why}", self.idle_per_process));
            }
            self.idle_per_process = cap;
        }
        if let Some(&last) = self.idle_checkpoints.last() {
            let most = spread::MAX_PROCESSES.saturating_mul(self.idle_per_process);
            if last > most {
                notes.push(format!(
                    "idle: {last} connections asked, {most} run: at most {} processes of {} connections \
                     each ({why})",
                    spread::MAX_PROCESSES,
                    self.idle_per_process
                ));
                self.idle_checkpoints = idle_checkpoints(most);
            }
        }
        let mut fit = |n: &mut usize, what: &str| {
            if *n > cap {
                notes.push(format!("{what}: {n} connections asked, {cap} run: {why}"));
                *n = cap;
            }
        };
        for n in &mut self.fanout_connections {
            fit(n, "fan-out");
        }
        self.fanout_connections.dedup();
        fit(&mut self.chat_connections, "chat");
        fit(&mut self.storm_connections, "reconnect storm");
        notes
    }

    /// Server nodes, and as many client processes, the idle scenario runs on: one when its
    /// connections fit one process.
    pub fn idle_processes(&self) -> usize {
        spread::processes(self.idle_checkpoints.last().copied().unwrap_or(0), self.idle_per_process)
    }

    fn validate(&self) -> anyhow::Result<()> {
        use anyhow::ensure;
        ensure!((1..=254).contains(&self.source_addresses), "--source-addresses must be 1 to 254");
        ensure!((1..=4096).contains(&self.connect_concurrency), "--connect-concurrency must be 1 to 4096");
        let largest = [
            self.idle_checkpoints.last().copied().unwrap_or(0),
            self.fanout_connections.last().copied().unwrap_or(0),
            self.chat_connections,
            self.storm_connections,
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        ensure!(largest <= MAX_CONNECTIONS, "at most {MAX_CONNECTIONS} connections per scenario");
        // Client sockets bind their source address before connecting, so each address offers
        // its ephemeral range once, whatever the destination.
        let room = self.source_addresses * PORTS_PER_ADDRESS;
        ensure!(
            largest + 1000 <= room,
            "{largest} connections need more than {} source addresses: raise --source-addresses",
            self.source_addresses
        );
        ensure!(self.idle_per_process >= 100, "--connections-per-process must be at least 100");
        ensure!(
            self.idle_processes() <= spread::MAX_PROCESSES,
            "the idle connections need more than {} processes of --connections-per-process: raise it",
            spread::MAX_PROCESSES
        );
        ensure!(self.fanout_connections.iter().all(|&n| n > 0), "fan-out room sizes must be positive");
        ensure!(self.chat_connections > 0 && self.storm_connections > 0, "connection counts must be positive");
        ensure!(
            self.chat_rooms > 0 && self.chat_rooms <= self.chat_connections,
            "--chat-rooms must be 1 to --chat-connections"
        );
        for (rate, name) in
            [(self.fanout_rate, "--fanout-rate"), (self.live_rate, "--live-rate"), (self.search_rate, "--search-rate")]
        {
            ensure!(rate.is_finite() && rate > 0.0 && rate <= 100_000.0, "{name} must be above 0 and at most 100000");
        }
        ensure!(
            self.rsvp_rate.is_finite() && (0.0..=100_000.0).contains(&self.rsvp_rate),
            "--rsvp-rate must be 0 to 100000"
        );
        for (secs, name) in [
            (self.idle_hold_secs, "--idle-hold-secs"),
            (self.step_secs, "--step-secs"),
            (self.rest_secs, "--rest-secs"),
            (self.analytics_secs, "--analytics-secs"),
        ] {
            ensure!((1..=MAX_WINDOW_SECS).contains(&secs), "{name} must be 1 to {MAX_WINDOW_SECS}");
        }
        ensure!((1..=64).contains(&self.analytics_senders), "--analytics-senders must be 1 to 64");
        ensure!((1..=3_000).contains(&self.cache_sessions), "--cache-sessions must be 1 to 3000");
        ensure!(self.live_attendees >= 2 && self.live_attendees <= 50_000, "--live-attendees must be 2 to 50000");
        // Newcomers wait with an open socket for their turn; the server closes sockets that are
        // silent for a minute, so every check-in must be due well within that.
        ensure!(
            self.live_arrivals >= 1 && self.live_arrivals as f64 / self.live_rate <= 45.0,
            "--live-arrivals / --live-rate must be at most 45 seconds"
        );
        Ok(())
    }
}

/// Where the idle scenario reads memory: at 10, 25, 50 and 100% of `total` connections.
fn idle_checkpoints(total: usize) -> Vec<usize> {
    [10, 25, 50, 100].iter().map(|p| (total * p / 100).max(1)).collect()
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    fn parse(args: &[&str]) -> anyhow::Result<Plan> {
        let mut argv = vec!["loadtest"];
        argv.extend_from_slice(args);
        Args::try_parse_from(argv)?.plan()
    }

    #[test]
    fn full_scale_meets_the_issue_and_quick_is_small() {
        let full = parse(&[]).expect("defaults are valid");
        assert_eq!(full.idle_checkpoints, [10_000, 25_000, 50_000, 100_000]);
        assert_eq!(full.fanout_connections.last(), Some(&10_000));
        assert_eq!(full.live_attendees, 10_000);
        assert_eq!(full.scenarios.len(), 8);
        let quick = parse(&["--quick"]).expect("quick is valid");
        assert!(quick.idle_checkpoints.last().is_some_and(|&n| n <= 5_000));
        assert!(quick.step_secs < full.step_secs);
        assert_eq!(quick.scenarios, full.scenarios, "a quick run tries every scenario");
        assert!(quick.analytics_secs < full.analytics_secs);
        assert!(quick.cache_sessions < full.cache_sessions);
    }

    #[test]
    fn explicit_options_override_the_scale() {
        let plan =
            parse(&["--quick", "--fanout-connections", "300,100,300", "--scenarios", "fanout,idle"]).expect("valid");
        assert_eq!(plan.fanout_connections, [100, 300]);
        assert_eq!(plan.scenarios, [Scenario::Idle, Scenario::Fanout]);
    }

    #[test]
    fn connection_counts_fit_the_open_file_limit() {
        let mut plan = parse(&["--chat-connections", "30000"]).expect("valid");
        let notes = plan.fit_open_files(20_000);
        assert_eq!(plan.idle_checkpoints, [10_000, 25_000, 50_000, 100_000], "idle spreads instead");
        assert_eq!(plan.idle_per_process, 19_000);
        assert_eq!(plan.idle_processes(), 6);
        assert_eq!(plan.fanout_connections, [1_000, 5_000, 10_000], "these fit already");
        assert_eq!(plan.chat_connections, 19_000);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("chat: 30000 connections asked, 19000 run"), "{}", notes[0]);
        let mut small = parse(&["--quick"]).expect("valid");
        assert!(small.fit_open_files(1_000_000).is_empty());
        assert_eq!(small.idle_processes(), 1, "the quick scale stays in one process");
    }

    #[test]
    fn idle_spreads_over_processes_of_the_asked_size() {
        let mut plan = parse(&["--idle-connections", "4000", "--connections-per-process", "1500"]).expect("valid");
        assert!(plan.fit_open_files(20_000).is_empty());
        assert_eq!(plan.idle_per_process, 1_500);
        assert_eq!(plan.idle_processes(), 3);
        let mut high = parse(&["--connections-per-process", "50000"]).expect("valid");
        let notes = high.fit_open_files(20_000);
        assert_eq!(high.idle_per_process, 19_000);
        assert!(notes[0].contains("lowered to 19000"), "{notes:?}");
        // A tiny limit would need hundreds of processes: the count shrinks to what 32 hold.
        let mut tiny = parse(&[]).expect("defaults are valid");
        let notes = tiny.fit_open_files(1_500);
        assert_eq!(tiny.idle_checkpoints.last(), Some(&(32 * 500)));
        assert_eq!(tiny.idle_processes(), 32);
        assert!(notes.iter().any(|n| n.contains("100000 connections asked, 16000 run")), "{notes:?}");
    }

    #[test]
    fn refuses_unbounded_or_impossible_runs() {
        let err = |args: &[&str]| parse(args).expect_err("must be refused").to_string();
        assert!(err(&["--idle-connections", "1000000"]).contains("at most"));
        assert!(err(&["--idle-connections", "100000", "--source-addresses", "2"]).contains("source addresses"));
        assert!(err(&["--source-addresses", "0"]).contains("1 to 254"));
        assert!(err(&["--step-secs", "0"]).contains("--step-secs"));
        assert!(err(&["--rest-secs", "3600"]).contains("--rest-secs"));
        assert!(err(&["--analytics-secs", "0"]).contains("--analytics-secs"));
        assert!(err(&["--analytics-senders", "0"]).contains("--analytics-senders"));
        assert!(err(&["--cache-sessions", "0"]).contains("--cache-sessions"));
        assert!(err(&["--cache-sessions", "5000"]).contains("--cache-sessions"));
        assert!(err(&["--fanout-rate", "0"]).contains("--fanout-rate"));
        assert!(err(&["--chat-rooms", "0"]).contains("--chat-rooms"));
        assert!(err(&["--live-arrivals", "1000", "--live-rate", "1"]).contains("45 seconds"));
        assert!(err(&["--connections-per-process", "10"]).contains("at least 100"));
        assert!(err(&["--connections-per-process", "1000"]).contains("more than 32 processes"));
        assert!(Args::try_parse_from(["loadtest", "--scenarios", "nope"]).is_err());
    }
}
