//! The report: every result as JSON, a Markdown page with the tables and the targets, and PNG
//! plots (latency, throughput and memory against connections) drawn with plotters.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analytics::{AnalyticsResult, AnalyticsRun};
use crate::cache::{percent, CacheResult, CacheRun};
use crate::live_match::LiveMatchResult;
use crate::rest::RestResult;
use crate::scenarios::{ChatResult, FanoutResult, IdleResult, StormResult};
use crate::stats::fmt_ms;
use crate::table::{Align, Table};

/// Targets from the issue, checked against the results (never asserted by a test).
pub const TARGET_IDLE_CONNECTIONS: usize = 100_000;
pub const TARGET_KIB_PER_CONNECTION: f64 = 10.0 * 1000.0 / 1024.0;
pub const TARGET_FANOUT_RATIO: f64 = 2.0;
pub const TARGET_ROOM: usize = 10_000;
pub const TARGET_ROOM_P99_MS: f64 = 50.0;
pub const TARGET_LIVE_P99_MS: f64 = 500.0;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Machine {
    pub cpus: usize,
    pub memory_gib: f64,
    pub kernel: String,
    pub load_before: String,
    pub load_after: String,
    pub open_files_limit: u64,
    pub client_peak_rss_kib: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Results {
    pub started_at: String,
    pub finished_at: String,
    pub command: String,
    pub quick: bool,
    pub machine: Machine,
    pub idle: Vec<IdleResult>,
    pub fanout: Vec<FanoutResult>,
    pub chat: Vec<ChatResult>,
    pub storm: Vec<StormResult>,
    pub live_match: Option<LiveMatchResult>,
    pub rest: Vec<RestResult>,
    /// Absent from the results of runs before the scenario existed.
    #[serde(default)]
    pub analytics: Vec<AnalyticsResult>,
    /// Absent from the results of runs before the scenario existed.
    #[serde(default)]
    pub cache: Vec<CacheResult>,
    /// Failures and caveats, in the order they happened.
    pub notes: Vec<String>,
}

impl Machine {
    pub fn read() -> Self {
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let kib = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .unwrap_or(0.0);
        Self {
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_gib: kib / 1024.0 / 1024.0,
            kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim().to_owned(),
            load_before: load(),
            ..Self::default()
        }
    }
}

/// The 1, 5 and 15 minute load averages.
pub fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn mib(kib: u64) -> String {
    format!("{:.0}", kib as f64 / 1024.0)
}

fn thousands(n: f64) -> String {
    let n = n.round() as i64;
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn verdict(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "met",
        Some(false) => "**missed**",
        None => "not measured",
    }
}

/// One line of the targets table.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetLine {
    /// What the issue asked for.
    pub target: String,
    /// What this run measured, in words.
    pub measured: String,
    /// `met`, `**missed**` or `not measured`.
    pub verdict: &'static str,
}

/// Mingle's sustained fan-out next to Socket.IO's, for one room size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FanoutRatio {
    pub room: usize,
    /// Mingle's sustained deliveries per second.
    pub mingle: f64,
    /// Socket.IO's sustained deliveries per second.
    pub socketio: f64,
    /// Mingle over Socket.IO; none where Socket.IO kept up with no step at all.
    pub ratio: Option<f64>,
}

/// What a delivery costs each server, for one room size.
#[derive(Debug, Clone, Copy, PartialEq)]
struct FanoutEfficiency {
    room: usize,
    /// Mingle's deliveries per second of server CPU time.
    mingle: f64,
    /// Socket.IO's deliveries per second of server CPU time.
    socketio: f64,
}

impl Results {
    fn idle_of(&self, server: &str) -> Option<&IdleResult> {
        self.idle.iter().find(|r| r.server == server)
    }

    fn fanout_of(&self, server: &str, subscribers: usize) -> Option<&FanoutResult> {
        self.fanout.iter().find(|r| r.server == server && r.subscribers == subscribers)
    }

    /// Mingle's deliveries per server CPU-second over Socket.IO's, per room size.
    fn fanout_efficiency(&self) -> Vec<FanoutEfficiency> {
        let mut sizes: Vec<usize> = self.fanout.iter().map(|r| r.subscribers).collect();
        sizes.sort_unstable();
        sizes.dedup();
        sizes
            .into_iter()
            .filter_map(|n| {
                let m = self.fanout_of("Mingle", n)?.deliveries_per_cpu_second();
                let s = self.fanout_of("Socket.IO", n)?.deliveries_per_cpu_second();
                (s > 0.0).then_some(FanoutEfficiency { room: n, mingle: m, socketio: s })
            })
            .collect()
    }

    /// Mingle's sustained fan-out over Socket.IO's, per room size; no ratio where Socket.IO
    /// kept up with no step at all.
    pub fn fanout_ratios(&self) -> Vec<FanoutRatio> {
        let mut sizes: Vec<usize> = self.fanout.iter().map(|r| r.subscribers).collect();
        sizes.sort_unstable();
        sizes.dedup();
        sizes
            .into_iter()
            .filter_map(|n| {
                let m = self.fanout_of("Mingle", n)?.sustained_per_sec();
                let s = self.fanout_of("Socket.IO", n)?.sustained_per_sec();
                Some(FanoutRatio { room: n, mingle: m, socketio: s, ratio: (s > 0.0).then(|| m / s) })
            })
            .collect()
    }

    /// The target lines: what was asked, what was measured, met or not.
    pub fn targets(&self) -> Vec<TargetLine> {
        let mut rows = Vec::new();
        let idle = self.idle_of("Mingle");
        let limit = self.machine.open_files_limit;
        rows.push(TargetLine {
            target: format!("{} concurrent idle connections held", thousands(TARGET_IDLE_CONNECTIONS as f64)),
            measured: idle.map_or("-".to_owned(), |r| {
                let spread = if r.nodes > 1 || r.client_processes > 1 {
                    format!(
                        " on {} Mingle nodes from {} client processes, at most {} per process (open-file \
                         limit {} per process)",
                        r.nodes,
                        r.client_processes,
                        thousands(r.per_process as f64),
                        thousands(limit as f64)
                    )
                } else {
                    String::new()
                };
                // Short of the target because the processes were full, not because fewer were asked.
                let full = r.wanted >= r.nodes.max(1).saturating_mul(crate::spread::capacity(limit));
                let bound = if r.wanted < TARGET_IDLE_CONNECTIONS && limit > 0 && full {
                    format!(" (all that fit: {} open files per process on this machine)", thousands(limit as f64))
                } else {
                    String::new()
                };
                format!("{} open after {} s hold{spread}{bound}", thousands(r.open_after_hold as f64), r.hold_secs)
            }),
            verdict: verdict(idle.map(|r| r.open_after_hold >= TARGET_IDLE_CONNECTIONS)),
        });
        let per = idle.and_then(IdleResult::kib_per_connection);
        rows.push(TargetLine {
            target: "at most 10 KB server memory per idle connection".to_owned(),
            measured: per.map_or("-".to_owned(), |k| {
                let nodes = idle.map_or(1, |r| r.nodes);
                format!(
                    "{:.1} KB anonymous RSS ({:.1} KB all of VmRSS), added between the last two steps, up to {} connections{}",
                    k * 1.024,
                    idle.and_then(IdleResult::rss_kib_per_connection).unwrap_or(0.0) * 1.024,
                    thousands(idle.map_or(0, |r| r.open) as f64),
                    if nodes > 1 { format!(", summed over {nodes} nodes") } else { String::new() }
                )
            }),
            verdict: verdict(per.map(|k| k <= TARGET_KIB_PER_CONNECTION)),
        });
        let ratios = self.fanout_ratios();
        let worst = ratios.iter().filter_map(|r| r.ratio).fold(f64::INFINITY, f64::min);
        rows.push(TargetLine {
            target: "fan-out deliveries/s at least 2x Socket.IO's at equal connections".to_owned(),
            measured: if ratios.is_empty() {
                "-".to_owned()
            } else {
                ratios
                    .iter()
                    .map(|r| match r.ratio {
                        Some(ratio) => format!("{ratio:.2}x at {}", thousands(r.room as f64)),
                        None if r.mingle > 0.0 => format!(
                            "at {}: Socket.IO kept up with no step, Mingle with {}/s",
                            thousands(r.room as f64),
                            thousands(r.mingle)
                        ),
                        None => format!("at {}: neither kept up", thousands(r.room as f64)),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            verdict: verdict((!ratios.is_empty()).then_some(worst >= TARGET_FANOUT_RATIO)),
        });
        let room = self.fanout_of("Mingle", TARGET_ROOM).and_then(FanoutResult::reference);
        let peer = self.fanout_of("Socket.IO", TARGET_ROOM).and_then(FanoutResult::reference);
        rows.push(TargetLine {
            target: format!("p99 delivery under 50 ms with {} in one room", thousands(TARGET_ROOM as f64)),
            measured: room.map_or("-".to_owned(), |s| {
                let peer = peer.map_or(String::new(), |p| format!(" (Socket.IO: {} ms)", fmt_ms(p.latency.p99_ms)));
                format!("p99 {} ms at {:.0} msg/s{peer}", fmt_ms(s.latency.p99_ms), s.offered_per_sec)
            }),
            verdict: verdict(room.map(|s| s.latency.p99_ms < TARGET_ROOM_P99_MS && s.delivered_ratio >= 0.98)),
        });
        let live = self.live_match.as_ref();
        rows.push(TargetLine {
            target: "live-match p99 under 500 ms".to_owned(),
            measured: live.map_or("-".to_owned(), |l| {
                format!("p99 {} ms at {} attendees", fmt_ms(l.check_in_to_push.p99_ms), thousands(l.attendees as f64))
            }),
            verdict: verdict(live.map(|l| l.check_in_to_push.p99_ms < TARGET_LIVE_P99_MS && l.missing == 0)),
        });
        rows
    }

    /// The Markdown page. `plots` is the folder name relative to the page.
    pub fn markdown(&self, plots: &str) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# Benchmarks\n");
        let _ = writeln!(
            md,
            "Regenerate with `./dev bench`. This run: `{}` ({} to {} UTC){}. Everything below was \
             measured in that one run; `{plots}/results.json` holds every number.\n",
            self.command,
            self.started_at,
            self.finished_at,
            if self.quick { ", **quick scale**: a smoke check, not the baseline" } else { "" }
        );
        let m = &self.machine;
        let _ = writeln!(
            md,
            "Machine: {} CPUs, {:.0} GiB, Linux {}, open-file limit {} per process. Load average \
             before {}, after {}. The client, both servers and anything else running share these \
             cores: the client's own work (up to {} MiB RSS) is part of every number, and other \
             work on the machine was not stopped for the run.\n",
            m.cpus,
            m.memory_gib,
            m.kernel,
            thousands(m.open_files_limit as f64),
            m.load_before,
            m.load_after,
            mib(m.client_peak_rss_kib)
        );
        let mut targets = Table::new(&[("target", Align::Left), ("measured", Align::Left), ("", Align::Left)]);
        for line in self.targets() {
            targets.row([line.target, line.measured, line.verdict.to_owned()]);
        }
        let _ = writeln!(md, "## Targets\n\n{targets}");
        let _ = writeln!(
            md,
            "What bounds these numbers on one machine: every connection costs an open file in the \
             client and in the server, so one process holds at most the per-process open-file limit \
             (the idle scenario goes beyond it on several server nodes and client processes); \
             every delivery is one write on a loopback socket, whose kernel work (TCP send and the \
             receiving side) is charged to the server, and the client reading every delivery \
             competes for the same cores. Deliveries per CPU-second compare what the servers' own \
             code costs.\n"
        );
        if !self.notes.is_empty() {
            let _ = writeln!(md, "Notes from the run:\n");
            for note in &self.notes {
                let _ = writeln!(md, "- {note}");
            }
            md.push('\n');
        }
        self.idle_section(&mut md, plots);
        self.fanout_section(&mut md, plots);
        self.chat_and_storm_sections(&mut md);
        self.live_and_rest_sections(&mut md);
        self.analytics_section(&mut md);
        self.cache_section(&mut md);
        md
    }

    fn idle_section(&self, md: &mut String, plots: &str) {
        if self.idle.is_empty() {
            return;
        }
        let _ = writeln!(md, "## Idle connections\n");
        let _ = writeln!(
            md,
            "Connections opened (WebSocket handshake; on Socket.IO also the namespace connect) and \
             left idle; the server's memory read from `/proc/PID/status` (VmRSS and its anonymous \
             part, RssAnon) and `/proc/PID/smaps_rollup` (Pss) after each step. KB per connection \
             = growth of RssAnon since the previous step / connections added (the target line uses \
             the last step: the first connections reuse heap the server freed after start-up, \
             which hides their cost). VmRSS also counts the mapped binary and libraries, \
             libtorch included, whose pages the kernel drops and reloads on its own; the empty \
             server's heap still shrinks after start-up work. Kernel socket buffers belong to no \
             process and are not counted.\n"
        );
        for r in self.idle.iter().filter(|r| r.nodes > 1 || r.client_processes > 1) {
            let _ = writeln!(
                md,
                "{} ran as {} processes and the client as {}: a process may hold at most {} open files \
                 here (RLIMIT_NOFILE, whose hard limit only a privileged process raises), so each was \
                 given at most {} connections. Each client process spread its share round-robin over the \
                 nodes, as a load balancer would; the nodes shared {}. Memory and CPU below are summed \
                 over the nodes: RssAnon and Pss add up to what the nodes cost together, while summed \
                 VmRSS counts the pages of the binary and its libraries once per node. The client \
                 processes used {} MiB together.\n",
                r.server,
                r.nodes,
                r.client_processes,
                thousands(self.machine.open_files_limit as f64),
                thousands(r.per_process as f64),
                if r.sharing.is_empty() { "nothing" } else { &r.sharing },
                mib(r.client_rss_kib)
            );
        }
        let mut table = Table::new(&[
            ("server", Align::Left),
            ("connections", Align::Right),
            ("VmRSS MiB", Align::Right),
            ("RssAnon MiB", Align::Right),
            ("PSS MiB", Align::Right),
            ("KB / connection (RssAnon)", Align::Right),
            ("open after hold", Align::Right),
            ("server CPU while idle", Align::Right),
        ]);
        let memory = |m: &crate::procstat::Memory| [mib(m.vm_rss_kib), mib(m.rss_anon_kib), mib(m.pss_kib)];
        for r in &self.idle {
            let server = if r.nodes > 1 { format!("{} ({} nodes)", r.server, r.nodes) } else { r.server.clone() };
            let [vm_rss, rss_anon, pss] = memory(&r.baseline);
            table.row([
                server.clone(),
                "0".to_owned(),
                vm_rss,
                rss_anon,
                pss,
                String::new(),
                String::new(),
                String::new(),
            ]);
            let mut previous: Option<&crate::scenarios::MemoryPoint> = None;
            for (i, p) in r.points.iter().enumerate() {
                // Marginal cost since the previous checkpoint (none for the first).
                let per = previous
                    .filter(|q| p.connections > q.connections)
                    .map(|q| {
                        format!(
                            "{:.1}",
                            (p.memory.rss_anon_kib as f64 - q.memory.rss_anon_kib as f64) * 1.024
                                / (p.connections - q.connections) as f64
                        )
                    })
                    .unwrap_or_default();
                previous = Some(p);
                let last = i + 1 == r.points.len();
                let [vm_rss, rss_anon, pss] = memory(&p.memory);
                table.row([
                    server.clone(),
                    thousands(p.connections as f64),
                    vm_rss,
                    rss_anon,
                    pss,
                    per,
                    if last {
                        format!("{} after {} s", thousands(r.open_after_hold as f64), r.hold_secs)
                    } else {
                        String::new()
                    },
                    if last { format!("{:.0}%", r.hold_cpu_percent) } else { String::new() },
                ]);
            }
            let [vm_rss, rss_anon, pss] = memory(&r.after_close);
            table.row([
                server,
                "all closed".to_owned(),
                vm_rss,
                rss_anon,
                pss,
                String::new(),
                format!("opened in {:.1} s, {} failed", r.open_secs, r.failed),
                String::new(),
            ]);
        }
        md.push_str(&table.render());
        let spread: Vec<&IdleResult> = self.idle.iter().filter(|r| !r.per_node.is_empty()).collect();
        if !spread.is_empty() {
            let _ = writeln!(md, "\nHow the connections spread over the nodes, at the last step:\n");
            let mut nodes = Table::new(&[
                ("server", Align::Left),
                ("node", Align::Right),
                ("connections", Align::Right),
                ("VmRSS MiB", Align::Right),
                ("RssAnon MiB", Align::Right),
                ("PSS MiB", Align::Right),
            ]);
            for r in spread {
                for (i, node) in r.per_node.iter().enumerate() {
                    let [vm_rss, rss_anon, pss] = memory(&node.memory);
                    nodes.row([
                        r.server.clone(),
                        (i + 1).to_string(),
                        thousands(node.connections as f64),
                        vm_rss,
                        rss_anon,
                        pss,
                    ]);
                }
            }
            md.push_str(&nodes.render());
        }
        let _ = writeln!(md, "\n![memory vs connections]({plots}/memory.png)\n");
    }

    fn fanout_section(&self, md: &mut String, plots: &str) {
        if self.fanout.is_empty() {
            return;
        }
        let _ = writeln!(md, "## Fan-out in one room\n");
        let _ = writeln!(
            md,
            "N subscribers in one room (Mingle: `event:{{id}}:chat`; Socket.IO: a room); 4 \
             publishers send timestamped messages. The first step runs at the reference rate; \
             each later one asks for 1.5x more until the server no longer delivers 98% within \
             the step plus a 2 s drain with p99 under 1 s. A server that does not keep up with \
             the reference rate gets steps 1.5x lower instead (after 5 s for its backlog to \
             clear), down to an eighth of it, until it does. Once a step has failed and another \
             was kept up with, two more try rates between the two (their geometric mean), so the \
             sustained rate is known to within about 11%. Sustained = the best delivered/s of a \
             step it kept up with. Mingle stores every chat message (SQLite) before fanning it \
             out; Socket.IO keeps nothing.\n"
        );
        let mut sustained = Table::new(&[
            ("room size", Align::Right),
            ("Mingle sustained deliveries/s", Align::Right),
            ("Socket.IO sustained deliveries/s", Align::Right),
            ("Mingle / Socket.IO", Align::Right),
        ]);
        for r in self.fanout_ratios() {
            sustained.row([
                thousands(r.room as f64),
                thousands(r.mingle),
                thousands(r.socketio),
                r.ratio.map_or("-".to_owned(), |ratio| format!("{ratio:.2}x")),
            ]);
        }
        md.push_str(&sustained.render());
        let _ = writeln!(
            md,
            "\nWhat a delivery costs the server: deliveries per second of server CPU time, at the \
             busiest step it kept up with (less disturbed by the client and the machine's other \
             work than throughput is):\n"
        );
        let mut per_cpu = Table::new(&[
            ("room size", Align::Right),
            ("Mingle deliveries / CPU-s", Align::Right),
            ("Socket.IO deliveries / CPU-s", Align::Right),
            ("Mingle / Socket.IO", Align::Right),
        ]);
        for e in self.fanout_efficiency() {
            per_cpu.row([
                thousands(e.room as f64),
                thousands(e.mingle),
                thousands(e.socketio),
                format!("{:.2}x", e.mingle / e.socketio),
            ]);
        }
        md.push_str(&per_cpu.render());
        let _ = writeln!(md, "\nEvery step (latency p50 / p99 / max in ms, from send to receipt):\n");
        let mut steps = Table::new(&[
            ("server", Align::Left),
            ("room", Align::Right),
            ("asked msg/s", Align::Right),
            ("sent msg/s", Align::Right),
            ("delivered/s", Align::Right),
            ("delivered", Align::Right),
            ("latency", Align::Left),
            ("server CPU", Align::Right),
            ("client CPU", Align::Right),
            ("server RSS MiB", Align::Right),
        ]);
        for r in &self.fanout {
            for s in &r.steps {
                steps.row([
                    r.server.clone(),
                    thousands(r.subscribers as f64),
                    format!("{:.0}", s.offered_per_sec),
                    format!("{:.0}", s.published as f64 / s.secs),
                    thousands(s.delivered_per_sec),
                    format!("{:.1}%", s.delivered_ratio * 100.0),
                    s.latency.cell(),
                    format!("{:.0}%", s.server_cpu_percent),
                    format!("{:.0}%", s.client_cpu_percent),
                    mib(s.server_peak_rss_kib),
                ]);
            }
        }
        md.push_str(&steps.render());
        let _ = writeln!(
            md,
            "\n![fan-out latency]({plots}/latency.png)\n\n![fan-out throughput]({plots}/throughput.png)\n"
        );
    }

    fn chat_and_storm_sections(&self, md: &mut String) {
        if !self.chat.is_empty() {
            let _ = writeln!(md, "## Chat in many rooms\n");
            let _ = writeln!(
                md,
                "Connections spread evenly over the rooms; one publisher per room; messages of 24 \
                 to 184 characters, one per room per second on average.\n"
            );
            let mut table = Table::new(&[
                ("server", Align::Left),
                ("connections", Align::Right),
                ("rooms", Align::Right),
                ("msg/s", Align::Right),
                ("delivered/s", Align::Right),
                ("delivered", Align::Right),
                ("latency p50 / p99 / max ms", Align::Left),
                ("server CPU", Align::Right),
                ("client CPU", Align::Right),
            ]);
            for r in &self.chat {
                let s = &r.step;
                table.row([
                    r.server.clone(),
                    thousands(r.connections as f64),
                    r.rooms.to_string(),
                    format!("{:.0}", s.published as f64 / s.secs),
                    thousands(s.delivered_per_sec),
                    format!("{:.1}%", s.delivered_ratio * 100.0),
                    s.latency.cell(),
                    format!("{:.0}%", s.server_cpu_percent),
                    format!("{:.0}%", s.client_cpu_percent),
                ]);
            }
            let _ = writeln!(md, "{table}");
        }
        if !self.storm.is_empty() {
            let _ = writeln!(md, "## Reconnect storm\n");
            let _ = writeln!(
                md,
                "Everyone in one room drops at once (no closing handshake) and reconnects; Mingle \
                 clients resubscribe from their last offset. A publisher posts 5 messages/s \
                 throughout; \"delivered\" counts those that reached every subscriber (Socket.IO \
                 rooms keep no history, so what was sent while a client was away is gone).\n"
            );
            let mut table = Table::new(&[
                ("server", Align::Left),
                ("connections", Align::Right),
                ("back in", Align::Right),
                ("all back after", Align::Right),
                ("resume p50 / p99 / max ms", Align::Left),
                ("delivered", Align::Right),
                ("server CPU", Align::Right),
            ]);
            for r in &self.storm {
                table.row([
                    r.server.clone(),
                    thousands(r.connections as f64),
                    thousands(r.resumed as f64),
                    format!("{:.2} s", r.total_secs),
                    r.resume.cell(),
                    format!("{:.1}%", r.delivered_ratio * 100.0),
                    format!("{:.0}%", r.server_cpu_percent),
                ]);
            }
            let _ = writeln!(md, "{table}");
        }
    }

    fn live_and_rest_sections(&self, md: &mut String) {
        if let Some(l) = &self.live_match {
            let _ = writeln!(md, "## Live match\n");
            let _ = writeln!(
                md,
                "An event that started half an hour ago with {} attendees checked in (opted in to \
                 matchmaking); {} newcomers check in at {:.0}/s, each listening on its `user:{{id}}` \
                 channel. Timed from the check-in request to the newcomer's suggestion list arriving \
                 over the WebSocket (debounce, embedding, the one-person update, storing, pushing). \
                 Setting up took {:.0} s (every account registered through the API, so one Argon2 \
                 hash each) and the matcher settled in {:.0} s.\n",
                thousands(l.attendees as f64),
                l.arrivals,
                l.rate_per_sec,
                l.setup_secs,
                l.settle_secs
            );
            let mut table = Table::new(&[
                ("measured", Align::Left),
                ("p50 / p99 / max ms", Align::Left),
                ("count", Align::Right),
                ("without a list in 30 s", Align::Right),
                ("server CPU", Align::Right),
            ]);
            table.row([
                "check-in to list pushed".to_owned(),
                l.check_in_to_push.cell(),
                l.check_in_to_push.count.to_string(),
                l.missing.to_string(),
                format!("{:.0}%", l.server_cpu_percent),
            ]);
            table.row([
                "check-in request".to_owned(),
                l.check_in_request.cell(),
                l.check_in_request.count.to_string(),
                String::new(),
                String::new(),
            ]);
            let _ = writeln!(md, "{table}");
        }
        if !self.rest.is_empty() {
            let _ = writeln!(md, "## REST\n");
            let _ = writeln!(
                md,
                "The demo world (`mingle demo-data`: 3,000 users, 300 events), then `GET /events?q=` \
                 (a word prefix from upcoming titles) and `POST /events/{{id}}/rsvp` (going or \
                 interested, by 32 accounts) sent on a fixed schedule; latency counts from when \
                 each request was due.\n"
            );
            let mut table = Table::new(&[
                ("backend", Align::Left),
                ("request", Align::Left),
                ("rate /s", Align::Right),
                ("p50 / p99 / max ms", Align::Left),
                ("count", Align::Right),
                ("errors", Align::Right),
                ("server CPU", Align::Right),
            ]);
            for r in &self.rest {
                table.row([
                    r.backend.clone(),
                    "search".to_owned(),
                    format!("{:.0}", r.search_rate),
                    r.search.cell(),
                    r.search.count.to_string(),
                    r.search_errors.to_string(),
                    format!("{:.0}%", r.server_cpu_percent),
                ]);
                table.row([
                    r.backend.clone(),
                    "RSVP".to_owned(),
                    format!("{:.0}", r.rsvp_rate),
                    r.rsvp.cell(),
                    r.rsvp.count.to_string(),
                    format!("{} ({} conflicts)", r.rsvp_errors, r.rsvp_conflicts),
                    String::new(),
                ]);
            }
            let _ = writeln!(md, "{table}");
        }
    }

    fn analytics_section(&self, md: &mut String) {
        let Some(first) = self.analytics.first() else { return };
        let _ = writeln!(md, "## Analytics\n");
        let _ = writeln!(
            md,
            "What recording usage analytics (`docs/analytics.md`) costs the requests people wait \
             for. On each backend, a server with analytics off (`MINGLE_ANALYTICS=false`), then a \
             fresh one with analytics on, each on a fresh database with the demo world. Once the \
             server is idle (a fresh one spends its first minute on a core, embedding the events \
             and training the recommender), each runs the REST scenario's traffic ({:.0} searches/s and {:.0} RSVPs/s; latency from when each \
             request was due) and a chat ({} connections in {} event chats, {:.0} messages/s over \
             all of them; latency from send to receipt) for {:.0} s. With analytics on, {} clients, \
             each signed in as its own account, also send batches of {} events (page views and \
             opens), each as soon as the last was answered. Events written and dropped come from \
             the server's `/metrics`: written/s counts `mingle_analytics_events_written_total` over \
             the run, and what was still queued then is waited for, up to 10 s. The server's own \
             events count among those written (RSVPs, chat activity; these searches are signed \
             out, so they record no impressions). Server and client share the machine's {} cores.\n",
            first.off.rest.search_rate,
            first.off.rest.rsvp_rate,
            first.chat_connections,
            first.chat_rooms,
            first.chat_rate,
            first.secs,
            first.senders,
            first.batch_events,
            self.machine.cpus
        );
        for r in &self.analytics {
            let _ = writeln!(md, "### {}\n", r.backend);
            let mut table = Table::new(&[
                ("measured", Align::Left),
                ("analytics off", Align::Right),
                ("analytics on", Align::Right),
                ("on - off", Align::Right),
            ]);
            let (off, on) = (&r.off, &r.on);
            table.row([
                "client events accepted/s".to_owned(),
                "-".to_owned(),
                thousands(on.accepted_per_sec()),
                String::new(),
            ]);
            table.row([
                "events written/s".to_owned(),
                thousands(off.written_per_sec()),
                thousands(on.written_per_sec()),
                String::new(),
            ]);
            table.row(["written after the run".to_owned(), drained(off), drained(on), String::new()]);
            table.row([
                "events dropped".to_owned(),
                thousands(off.dropped as f64),
                thousands(on.dropped as f64),
                String::new(),
            ]);
            table.row([
                "queue at most / write lag at most".to_owned(),
                pipeline_peaks(off),
                pipeline_peaks(on),
                String::new(),
            ]);
            table.row(["writer busy / mean batch write".to_owned(), writer(off), writer(on), String::new()]);
            table.row(["batch p50 / p99 / max ms".to_owned(), "-".to_owned(), on.batches.cell(), String::new()]);
            table.row([
                "search p50 / p99 / max ms".to_owned(),
                off.rest.search.cell(),
                on.rest.search.cell(),
                added_ms(off.rest.search.p99_ms, on.rest.search.p99_ms),
            ]);
            table.row([
                "RSVP p50 / p99 / max ms".to_owned(),
                off.rest.rsvp.cell(),
                on.rest.rsvp.cell(),
                added_ms(off.rest.rsvp.p99_ms, on.rest.rsvp.p99_ms),
            ]);
            table.row([
                "chat delivery p50 / p99 / max ms".to_owned(),
                off.chat.latency.cell(),
                on.chat.latency.cell(),
                added_ms(off.chat.latency.p99_ms, on.chat.latency.p99_ms),
            ]);
            table.row([
                "REST errors / chat delivered".to_owned(),
                errors_and_delivered(off),
                errors_and_delivered(on),
                String::new(),
            ]);
            table.row([
                "server CPU".to_owned(),
                format!("{:.0}%", off.server_cpu_percent),
                format!("{:.0}%", on.server_cpu_percent),
                format!("{:+.0}%", on.server_cpu_percent - off.server_cpu_percent),
            ]);
            table.row([
                "client CPU".to_owned(),
                format!("{:.0}%", off.client_cpu_percent),
                format!("{:.0}%", on.client_cpu_percent),
                String::new(),
            ]);
            let _ = writeln!(md, "{table}");
        }
    }

    fn cache_section(&self, md: &mut String) {
        let Some(first) = self.cache.first() else { return };
        let _ = writeln!(md, "## Read cache\n");
        let _ = writeln!(
            md,
            "What the read cache (`MINGLE_CACHE_MB`, docs/cache.md) saves the requests an app makes \
             when it opens. On each backend, a server with the cache off (`MINGLE_CACHE_MB=0`: every \
             read goes to the database), then a fresh one with it on (`MINGLE_CACHE_MB={}`, \
             prefetching on), each on a fresh database with the demo world. The same {} demo \
             accounts sign in first (not timed); once the server is idle, one session per account \
             runs, {} at a time (the next starts when one ends). A session opens the person's \
             WebSocket (kept open, not timed; the server may prefetch their recommendations then), \
             waits {} ms (the app drawing its first screen), then gets the recommendations, the \
             pages of the first 3 events on them, the profiles of 2 people (their organizers, or \
             other demo accounts), and the recommendations again. Latency runs from sending to the \
             last byte of a 2xx answer; profiles that are not shown to the viewer answer 404 and \
             are counted apart, not as errors. Server CPU is over the sessions, connecting and \
             prefetching included, per 1,000 timed requests. Hit rates and the prefetcher's work \
             are `GET /ops/cache` after the sessions less before them. Server and client share the \
             machine's {} cores.\n",
            first.cache_mb, first.sessions, first.concurrency, first.think_ms, self.machine.cpus
        );
        for r in &self.cache {
            let _ = writeln!(md, "### {}\n", r.backend);
            let mut table = Table::new(&[
                ("measured", Align::Left),
                ("cache off", Align::Right),
                ("cache on", Align::Right),
                ("on vs off", Align::Right),
            ]);
            let (off, on) = (&r.off, &r.on);
            let latencies = [
                ("recommendations (first, after connect)", off.first_recommendations, on.first_recommendations),
                ("recommendations (repeat)", off.repeat_recommendations, on.repeat_recommendations),
                ("event page", off.event_page, on.event_page),
                ("profile", off.profile, on.profile),
            ];
            for (what, off, on) in latencies {
                table.row([
                    format!("{what} p50 / p99 ms"),
                    p50_p99(&off),
                    p50_p99(&on),
                    format!("{} / {}", change(off.p50_ms, on.p50_ms), change(off.p99_ms, on.p99_ms)),
                ]);
            }
            table.row([
                "sessions / requests".to_owned(),
                format!("{} / {}", thousands(off.sessions as f64), thousands(off.requests as f64)),
                format!("{} / {}", thousands(on.sessions as f64), thousands(on.requests as f64)),
                String::new(),
            ]);
            table.row([
                "requests/s".to_owned(),
                format!("{:.1}", off.requests_per_sec()),
                format!("{:.1}", on.requests_per_sec()),
                change(off.requests_per_sec(), on.requests_per_sec()),
            ]);
            table.row([
                "server CPU s per 1,000 requests".to_owned(),
                format!("{:.2}", off.cpu_secs_per_1000()),
                format!("{:.2}", on.cpu_secs_per_1000()),
                change(off.cpu_secs_per_1000(), on.cpu_secs_per_1000()),
            ]);
            table.row([
                "errors / profiles not shown (404)".to_owned(),
                format!("{} / {}", off.errors + off.connect_failed, off.not_found),
                format!("{} / {}", on.errors + on.connect_failed, on.not_found),
                String::new(),
            ]);
            for kind in cache_kinds(off, on) {
                let rate = |run: &CacheRun| {
                    let counts = run.counters.as_ref().and_then(|c| c.kind(&kind));
                    match counts {
                        Some(k) if k.hits + k.misses + k.bypassed > 0 => format!(
                            "{} ({} of {})",
                            percent(k.hit_rate()),
                            thousands(k.hits as f64),
                            thousands((k.hits + k.misses + k.bypassed) as f64)
                        ),
                        _ => "-".to_owned(),
                    }
                };
                table.row([format!("hit rate `{kind}`"), rate(off), rate(on), String::new()]);
            }
            let counters = |run: &CacheRun, cell: &dyn Fn(&crate::cache::CacheCounters) -> String| {
                run.counters.as_ref().map_or("-".to_owned(), cell)
            };
            let prefetches = |c: &crate::cache::CacheCounters| {
                format!(
                    "{} / {} / {}",
                    thousands(c.prefetched as f64),
                    thousands(c.prefetch_used as f64),
                    thousands(c.prefetch_wasted as f64)
                )
            };
            table.row([
                "prefetched / read / left unread".to_owned(),
                counters(off, &prefetches),
                counters(on, &prefetches),
                String::new(),
            ]);
            let precision = |c: &crate::cache::CacheCounters| percent(c.precision());
            table.row([
                "prefetch precision".to_owned(),
                counters(off, &precision),
                counters(on, &precision),
                String::new(),
            ]);
            let predicted = |run: &CacheRun| {
                let count = run.first_recommendations.count;
                match &run.counters {
                    Some(c) if count > 0 => percent(Some(c.prefetch_used.min(count) as f64 / count as f64)),
                    _ => "-".to_owned(),
                }
            };
            table.row([
                "first recommendations served prefetched".to_owned(),
                predicted(off),
                predicted(on),
                String::new(),
            ]);
            let load = |c: &crate::cache::CacheCounters| format!("{:.1}", c.prefetch_load_seconds);
            table.row(["prefetch load seconds".to_owned(), counters(off, &load), counters(on, &load), String::new()]);
            let forecast = |c: &crate::cache::CacheCounters| format!("{:.2}", c.forecast_seconds);
            table.row([
                "forecast thread busy seconds".to_owned(),
                counters(off, &forecast),
                counters(on, &forecast),
                String::new(),
            ]);
            let memory = |c: &crate::cache::CacheCounters| {
                format!("{} / {}", mib(c.used_bytes / 1024), mib(c.budget_bytes / 1024))
            };
            table.row([
                "cache used / budget MiB".to_owned(),
                counters(off, &memory),
                counters(on, &memory),
                String::new(),
            ]);
            let _ = writeln!(md, "{table}");
        }
    }

    /// Writes the page, the JSON and the plots; answers notes about what could not be drawn.
    pub fn write(&self, page: &Path) -> anyhow::Result<Vec<String>> {
        let stem = page.file_stem().and_then(|s| s.to_str()).unwrap_or("benchmarks").to_owned();
        let dir = page.with_file_name(&stem);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        std::fs::write(dir.join("results.json"), serde_json::to_string_pretty(self)?)?;
        let mut notes = Vec::new();
        if let Err(e) = self.plot(&dir) {
            notes.push(format!("plots not drawn: {e:#}"));
        }
        std::fs::write(page, self.markdown(&stem))?;
        Ok(notes)
    }

    fn plot(&self, dir: &Path) -> anyhow::Result<()> {
        register_font()?;
        let servers = ["Mingle", "Socket.IO"];
        let colors = [RGBColor(31, 119, 180), RGBColor(214, 39, 40)];
        if !self.idle.is_empty() {
            let series: Vec<Series> = self
                .idle
                .iter()
                .flat_map(|r| {
                    let color = colors[usize::from(r.server != servers[0])];
                    let curve = |kib: fn(&crate::procstat::Memory) -> u64| {
                        let mut points = vec![(0.0, kib(&r.baseline) as f64 / 1024.0)];
                        points.extend(r.points.iter().map(|p| (p.connections as f64, kib(&p.memory) as f64 / 1024.0)));
                        points
                    };
                    [
                        Series { legend: format!("{} RssAnon", r.server), color, points: curve(|m| m.rss_anon_kib) },
                        Series {
                            legend: format!("{} VmRSS", r.server),
                            color: lighter(color),
                            points: curve(|m| m.vm_rss_kib),
                        },
                    ]
                })
                .collect();
            line_chart(&dir.join("memory.png"), "Server memory vs idle connections", "connections", "MiB", &series)?;
        }
        if !self.fanout.is_empty() {
            let mut throughput = Vec::new();
            let mut latency = Vec::new();
            for (server, color) in servers.iter().zip(colors) {
                let mut runs: Vec<&FanoutResult> = self.fanout.iter().filter(|r| r.server == *server).collect();
                runs.sort_by_key(|r| r.subscribers);
                throughput.push(Series {
                    legend: format!("{server} sustained"),
                    color,
                    points: runs.iter().map(|r| (r.subscribers as f64, r.sustained_per_sec())).collect(),
                });
                let reference: Vec<(usize, crate::stats::Summary)> =
                    runs.iter().filter_map(|r| r.reference().map(|s| (r.subscribers, s.latency))).collect();
                latency.push(Series {
                    legend: format!("{server} p50"),
                    color: lighter(color),
                    points: reference.iter().map(|(n, s)| (*n as f64, s.p50_ms)).collect(),
                });
                latency.push(Series {
                    legend: format!("{server} p99"),
                    color,
                    points: reference.iter().map(|(n, s)| (*n as f64, s.p99_ms)).collect(),
                });
            }
            line_chart(
                &dir.join("throughput.png"),
                "Fan-out: sustained deliveries per second",
                "subscribers in the room",
                "deliveries / s",
                &throughput,
            )?;
            let rate = self.fanout.first().and_then(|r| r.reference()).map_or(0.0, |s| s.offered_per_sec);
            line_chart(
                &dir.join("latency.png"),
                &format!("Fan-out delivery latency at {rate:.0} msg/s"),
                "subscribers in the room",
                "latency (ms)",
                &latency,
            )?;
        }
        Ok(())
    }
}

/// What a run of the analytics scenario wrote after its window, and how long that took.
fn drained(run: &AnalyticsRun) -> String {
    match run.drain_secs {
        Some(secs) => format!("{} in {secs:.1} s", thousands(run.written_after as f64)),
        None => format!(
            "{}, {} still queued after 10 s",
            thousands(run.written_after as f64),
            thousands(run.queued_after as f64)
        ),
    }
}

fn pipeline_peaks(run: &AnalyticsRun) -> String {
    format!("{} / {:.1} s", thousands(run.queue_peak as f64), run.write_lag_peak_secs)
}

/// The share of the window the analytics writer spent writing, and a batch's mean write.
fn writer(run: &AnalyticsRun) -> String {
    if run.write_mean_ms <= 0.0 {
        return format!("{:.0}% / -", run.writer_busy_percent);
    }
    format!("{:.0}% / {} ms", run.writer_busy_percent, fmt_ms(run.write_mean_ms))
}

fn errors_and_delivered(run: &AnalyticsRun) -> String {
    format!("{} / {:.1}%", run.rest.search_errors + run.rest.rsvp_errors, run.chat.delivered_ratio * 100.0)
}

/// `p50 / p99` of a latency in milliseconds, for a table cell.
fn p50_p99(s: &crate::stats::Summary) -> String {
    if s.count == 0 {
        return "-".to_owned();
    }
    format!("{} / {}", fmt_ms(s.p50_ms), fmt_ms(s.p99_ms))
}

/// The change from `off` to `on` in percent of `off`, signed: `-92%`; `-` without a base.
fn change(off: f64, on: f64) -> String {
    if off <= 0.0 || !off.is_finite() || !on.is_finite() {
        return "-".to_owned();
    }
    format!("{:+.0}%", (on - off) / off * 100.0)
}

/// The kinds of cached value either run read, in the order the server lists them.
fn cache_kinds(off: &CacheRun, on: &CacheRun) -> Vec<String> {
    let mut kinds: Vec<String> = Vec::new();
    for run in [on, off] {
        for k in run.counters.iter().flat_map(|c| &c.kinds) {
            if k.hits + k.misses + k.bypassed > 0 && !kinds.contains(&k.kind) {
                kinds.push(k.kind.clone());
            }
        }
    }
    kinds
}

/// The change of a latency, signed: `+3.20 ms`.
fn added_ms(off: f64, on: f64) -> String {
    let change = on - off;
    format!("{}{} ms", if change < 0.0 { "-" } else { "+" }, fmt_ms(change.abs()))
}

/// One line of a chart.
pub struct Series {
    pub legend: String,
    pub color: RGBColor,
    /// (x, y) in the chart's units.
    pub points: Vec<(f64, f64)>,
}

/// A lighter shade of `color` (plotters' bitmap backend draws opaque lines).
fn lighter(color: RGBColor) -> RGBColor {
    let blend = |c: u8| ((u16::from(c) + 255) / 2) as u8;
    RGBColor(blend(color.0), blend(color.1), blend(color.2))
}

/// The first sans-serif TrueType font found on the machine, for the plots' text.
pub fn register_font() -> anyhow::Result<()> {
    const CANDIDATES: &[&str] = &[
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    ];
    let path = CANDIDATES
        .iter()
        .find(|p| Path::new(p).exists())
        .context("no TrueType font found (Debian: apt-get install fonts-dejavu-core)")?;
    let bytes: &'static [u8] = Box::leak(std::fs::read(path)?.into_boxed_slice());
    plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
        .map_err(|_| anyhow::anyhow!("{path} is not a usable font"))
}

pub fn line_chart(path: &Path, title: &str, x_label: &str, y_label: &str, series: &[Series]) -> anyhow::Result<()> {
    let points = || series.iter().flat_map(|s| s.points.iter());
    let x_max = points().map(|p| p.0).fold(0.0, f64::max).max(1.0) * 1.05;
    let y_max = points().map(|p| p.1).fold(0.0, f64::max).max(1e-3) * 1.15;
    let root = BitMapBackend::new(path, (960, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .x_label_formatter(&|x| thousands(*x))
        .y_label_formatter(&|y| if y_max >= 100.0 { thousands(*y) } else { format!("{y:.1}") })
        .label_style(("sans-serif", 15))
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for Series { legend, color, points } in series {
        let color = *color;
        chart
            .draw_series(LineSeries::new(points.iter().copied(), color.stroke_width(3)))
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .label(legend.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3)));
        chart
            .draw_series(points.iter().map(|&(x, y)| Circle::new((x, y), 4, color.filled())))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 16))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    root.present().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_thousands() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(1_234_567.4), "1,234,567");
        assert_eq!(thousands(-12_000.0), "-12,000");
    }

    /// An idle result as runs before spreading wrote it: none of the spreading fields.
    const ONE_PROCESS_IDLE: &str = r#"{"server":"Mingle","wanted":19000,"open":19000,"failed":0,
        "first_error":null,"open_secs":12.6,"baseline":{"vm_rss_kib":1,"rss_anon_kib":1,"rss_kib":1,
        "pss_kib":1,"anonymous_kib":1},"points":[],"hold_secs":30,"open_after_hold":19000,
        "after_hold":{"vm_rss_kib":1,"rss_anon_kib":1,"rss_kib":1,"pss_kib":1,"anonymous_kib":1},
        "after_close":{"vm_rss_kib":1,"rss_anon_kib":1,"rss_kib":1,"pss_kib":1,"anonymous_kib":1},
        "hold_cpu_percent":1.0,"open_files_limit":20000}"#;

    fn results_with(idle: IdleResult) -> Results {
        let mut results = Results::default();
        results.machine.open_files_limit = 20_000;
        results.idle.push(idle);
        results
    }

    #[test]
    fn results_of_one_process_still_read_and_render() {
        let idle: IdleResult = serde_json::from_str(ONE_PROCESS_IDLE).expect("an earlier run's result reads");
        assert_eq!((idle.nodes, idle.client_processes, idle.per_process), (1, 1, 0));
        let results = results_with(idle);
        let held = &results.targets()[0].measured;
        assert!(held.contains("19,000 open after 30 s hold (all that fit"), "{held}");
        let md = results.markdown("benchmarks");
        assert!(md.contains("| Mingle | 0 |") && !md.contains("spread over the nodes"), "{md}");
    }

    #[test]
    fn a_spread_run_says_how_many_processes_and_why() {
        let mut idle: IdleResult = serde_json::from_str(ONE_PROCESS_IDLE).expect("reads");
        idle.wanted = 100_000;
        idle.open_after_hold = 100_000;
        idle.nodes = 6;
        idle.client_processes = 6;
        idle.per_process = 19_000;
        idle.sharing = "one PostgreSQL database and Redis".to_owned();
        idle.per_node = (0..6)
            .map(|i| crate::scenarios::NodeShare {
                connections: 16_666 + usize::from(i < 4),
                memory: Default::default(),
            })
            .collect();
        let results = results_with(idle);
        let targets = results.targets();
        let held = &targets[0].measured;
        assert!(held.contains("on 6 Mingle nodes from 6 client processes, at most 19,000 per process"), "{held}");
        assert!(!held.contains("all that fit"), "{held}");
        assert_eq!(targets[0].verdict, "met");
        let md = results.markdown("benchmarks");
        assert!(md.contains("Mingle ran as 6 processes and the client as 6"), "{md}");
        assert!(md.contains("| Mingle (6 nodes) | 0 |"), "{md}");
        assert!(md.contains("| Mingle | 6 | 16,666 |"), "{md}");
    }

    fn analytics_run(analytics: bool, p99_ms: f64) -> AnalyticsRun {
        let latency =
            crate::stats::Summary { count: 100, p50_ms: 1.0, p99_ms, max_ms: 2.0 * p99_ms, ..Default::default() };
        AnalyticsRun {
            analytics,
            secs: 10.0,
            idle_after_secs: Some(40.0),
            rest: RestResult {
                backend: "SQLite".to_owned(),
                secs: 10.0,
                search_rate: 100.0,
                rsvp_rate: 25.0,
                search: latency,
                rsvp: latency,
                search_errors: 0,
                rsvp_errors: 1,
                rsvp_conflicts: 0,
                server_cpu_percent: 50.0,
            },
            chat: crate::scenarios::Step {
                offered_per_sec: 8.0,
                published: 80,
                expected: 4_000,
                delivered: 4_000,
                delivered_per_sec: 400.0,
                delivered_ratio: 1.0,
                latency,
                server_cpu_percent: 50.0,
                server_peak_rss_kib: 0,
                client_cpu_percent: 20.0,
                refused: 0,
                secs: 10.0,
            },
            chat_failed: 0,
            chat_dropped: 0,
            chat_first_error: None,
            batches: if analytics { latency } else { Default::default() },
            accepted: if analytics { 250_000 } else { 0 },
            batch_errors: 0,
            first_batch_error: None,
            written: if analytics { 200_000 } else { 0 },
            written_after: if analytics { 50_000 } else { 0 },
            drain_secs: Some(if analytics { 6.5 } else { 0.0 }),
            queued_after: 0,
            dropped: 0,
            queue_peak: if analytics { 60_000 } else { 0 },
            write_lag_peak_secs: if analytics { 4.25 } else { 0.0 },
            writer_busy_percent: if analytics { 96.0 } else { 0.0 },
            write_mean_ms: if analytics { 95.5 } else { 0.0 },
            server_cpu_percent: if analytics { 150.0 } else { 40.0 },
            client_cpu_percent: 30.0,
        }
    }

    #[test]
    fn the_analytics_section_sets_each_backend_off_beside_on() {
        let mut results = Results::default();
        results.machine.cpus = 2;
        let load = crate::analytics::Load {
            length: std::time::Duration::from_secs(10),
            search_rate: 100.0,
            rsvp_rate: 25.0,
            senders: 4,
        };
        results.analytics.push(AnalyticsResult::new(
            "SQLite",
            &load,
            analytics_run(false, 10.0),
            analytics_run(true, 14.5),
        ));
        let md = results.markdown("benchmarks");
        assert!(md.contains("## Analytics") && md.contains("### SQLite"), "{md}");
        assert!(md.contains("| client events accepted/s | - | 25,000 | |"), "{md}");
        assert!(md.contains("| events written/s | 0 | 20,000 | |"), "{md}");
        assert!(md.contains("| written after the run | 0 in 0.0 s | 50,000 in 6.5 s | |"), "{md}");
        assert!(
            md.contains("| search p50 / p99 / max ms | 1.00 / 10.0 / 20.0 | 1.00 / 14.5 / 29.0 | +4.50 ms |"),
            "{md}"
        );
        assert!(md.contains("| server CPU | 40% | 150% | +110% |"), "{md}");
        assert!(md.contains("| writer busy / mean batch write | 0% / - | 96% / 95.5 ms | |"), "{md}");
        assert!(md.contains("4 clients"), "{md}");
    }

    #[test]
    fn the_cache_section_sets_each_backend_off_beside_on() {
        use crate::cache::{CacheCounters, KindCounts};
        let latency = |p50_ms: f64, p99_ms: f64| crate::stats::Summary {
            count: 200,
            p50_ms,
            p99_ms,
            max_ms: p99_ms,
            ..Default::default()
        };
        let kind = |kind: &str, hits: u64, misses: u64| KindCounts { kind: kind.to_owned(), hits, misses, bypassed: 0 };
        let counters = |hits: u64, misses: u64, used: u64| CacheCounters {
            kinds: vec![kind("recommendations", hits, misses), kind("suggestions", 0, 0)],
            prefetched: used,
            prefetch_used: used,
            prefetch_wasted: 0,
            prefetch_load_seconds: 12.5,
            forecast_seconds: 0.5,
            budget_bytes: 64 << 20,
            used_bytes: 3 << 20,
        };
        let off = CacheRun {
            cache: false,
            sessions: 200,
            secs: 50.0,
            first_recommendations: latency(100.0, 300.0),
            repeat_recommendations: latency(100.0, 300.0),
            event_page: latency(4.0, 12.0),
            profile: latency(2.0, 8.0),
            requests: 1_400,
            not_found: 20,
            server_cpu_secs: 70.0,
            counters: Some(counters(0, 400, 0)),
            ..CacheRun::default()
        };
        let on = CacheRun {
            cache: true,
            secs: 20.0,
            first_recommendations: latency(4.0, 150.0),
            repeat_recommendations: latency(2.0, 5.0),
            server_cpu_secs: 14.0,
            counters: Some(counters(380, 20, 180)),
            ..off.clone()
        };
        let mut results = Results::default();
        results.cache.push(CacheResult::new("SQLite", 200, off, on));
        let md = results.markdown("benchmarks");
        assert!(md.contains("## Read cache") && md.contains("### SQLite"), "{md}");
        assert!(
            md.contains(
                "| recommendations (first, after connect) p50 / p99 ms | 100 / 300 | 4.00 / 150 | -96% / -50% |"
            ),
            "{md}"
        );
        assert!(md.contains("| requests/s | 28.0 | 70.0 | +150% |"), "{md}");
        assert!(md.contains("| server CPU s per 1,000 requests | 50.00 | 10.00 | -80% |"), "{md}");
        assert!(md.contains("| errors / profiles not shown (404) | 0 / 20 | 0 / 20 | |"), "{md}");
        assert!(md.contains("| hit rate `recommendations` | 0% (0 of 400) | 95% (380 of 400) | |"), "{md}");
        assert!(!md.contains("`suggestions`"), "kinds nobody read are left out: {md}");
        assert!(md.contains("| first recommendations served prefetched | 0% | 90% | |"), "{md}");
        assert!(md.contains("| cache used / budget MiB | 3 / 64 | 3 / 64 | |"), "{md}");
        assert!(md.contains("200 demo accounts") && md.contains("8 at a time"), "{md}");
    }

    #[test]
    fn results_from_before_the_analytics_scenario_still_read() {
        let mut json = serde_json::to_value(Results::default()).expect("serializes");
        json.as_object_mut().expect("an object").remove("analytics");
        json.as_object_mut().expect("an object").remove("cache");
        let results: Results = serde_json::from_value(json).expect("reads without the analytics runs");
        assert!(results.analytics.is_empty());
        assert!(results.cache.is_empty());
        assert!(!results.markdown("benchmarks").contains("## Analytics"));
    }

    #[test]
    fn an_empty_run_reports_every_target_as_not_measured() {
        let results = Results::default();
        let targets = results.targets();
        assert_eq!(targets.len(), 5);
        assert!(targets.iter().all(|t| t.verdict == "not measured"));
        assert!(results.markdown("benchmarks").contains("## Targets"));
    }
}
