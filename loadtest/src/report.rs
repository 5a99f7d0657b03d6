//! The report: every result as JSON, a Markdown page with the tables and the targets, and PNG
//! plots (latency, throughput and memory against connections) drawn with plotters.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use crate::live_match::LiveMatchResult;
use crate::rest::RestResult;
use crate::scenarios::{ChatResult, FanoutResult, IdleResult, StormResult};
use crate::stats::fmt_ms;

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

impl Results {
    fn idle_of(&self, server: &str) -> Option<&IdleResult> {
        self.idle.iter().find(|r| r.server == server)
    }

    fn fanout_of(&self, server: &str, subscribers: usize) -> Option<&FanoutResult> {
        self.fanout.iter().find(|r| r.server == server && r.subscribers == subscribers)
    }

    /// Mingle's deliveries per server CPU-second over Socket.IO's, per room size.
    fn fanout_efficiency(&self) -> Vec<(usize, f64, f64, f64)> {
        let mut sizes: Vec<usize> = self.fanout.iter().map(|r| r.subscribers).collect();
        sizes.sort_unstable();
        sizes.dedup();
        sizes
            .into_iter()
            .filter_map(|n| {
                let m = self.fanout_of("Mingle", n)?.deliveries_per_cpu_second();
                let s = self.fanout_of("Socket.IO", n)?.deliveries_per_cpu_second();
                (s > 0.0).then_some((n, m, s, m / s))
            })
            .collect()
    }

    /// Mingle's sustained fan-out over Socket.IO's, per room size; no ratio where Socket.IO
    /// kept up with no step at all.
    pub fn fanout_ratios(&self) -> Vec<(usize, f64, f64, Option<f64>)> {
        let mut sizes: Vec<usize> = self.fanout.iter().map(|r| r.subscribers).collect();
        sizes.sort_unstable();
        sizes.dedup();
        sizes
            .into_iter()
            .filter_map(|n| {
                let m = self.fanout_of("Mingle", n)?.sustained_per_sec();
                let s = self.fanout_of("Socket.IO", n)?.sustained_per_sec();
                Some((n, m, s, (s > 0.0).then(|| m / s)))
            })
            .collect()
    }

    /// The target lines: what was asked, what was measured, met or not.
    pub fn targets(&self) -> Vec<(String, String, &'static str)> {
        let mut rows = Vec::new();
        let idle = self.idle_of("Mingle");
        let limit = self.machine.open_files_limit;
        rows.push((
            format!("{} concurrent idle connections held", thousands(TARGET_IDLE_CONNECTIONS as f64)),
            idle.map_or("-".to_owned(), |r| {
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
            verdict(idle.map(|r| r.open_after_hold >= TARGET_IDLE_CONNECTIONS)),
        ));
        let per = idle.and_then(IdleResult::kib_per_connection);
        rows.push((
            "at most 10 KB server memory per idle connection".to_owned(),
            per.map_or("-".to_owned(), |k| {
                let nodes = idle.map_or(1, |r| r.nodes);
                format!(
                    "{:.1} KB anonymous RSS ({:.1} KB all of VmRSS), added between the last two steps, up to {} connections{}",
                    k * 1.024,
                    idle.and_then(IdleResult::rss_kib_per_connection).unwrap_or(0.0) * 1.024,
                    thousands(idle.map_or(0, |r| r.open) as f64),
                    if nodes > 1 { format!(", summed over {nodes} nodes") } else { String::new() }
                )
            }),
            verdict(per.map(|k| k <= TARGET_KIB_PER_CONNECTION)),
        ));
        let ratios = self.fanout_ratios();
        let worst = ratios.iter().filter_map(|r| r.3).fold(f64::INFINITY, f64::min);
        rows.push((
            "fan-out deliveries/s at least 2x Socket.IO's at equal connections".to_owned(),
            if ratios.is_empty() {
                "-".to_owned()
            } else {
                ratios
                    .iter()
                    .map(|(n, m, _, r)| match r {
                        Some(r) => format!("{r:.2}x at {}", thousands(*n as f64)),
                        None if *m > 0.0 => format!(
                            "at {}: Socket.IO kept up with no step, Mingle with {}/s",
                            thousands(*n as f64),
                            thousands(*m)
                        ),
                        None => format!("at {}: neither kept up", thousands(*n as f64)),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            verdict((!ratios.is_empty()).then_some(worst >= TARGET_FANOUT_RATIO)),
        ));
        let room = self.fanout_of("Mingle", TARGET_ROOM).and_then(FanoutResult::reference);
        let peer = self.fanout_of("Socket.IO", TARGET_ROOM).and_then(FanoutResult::reference);
        rows.push((
            format!("p99 delivery under 50 ms with {} in one room", thousands(TARGET_ROOM as f64)),
            room.map_or("-".to_owned(), |s| {
                let peer = peer.map_or(String::new(), |p| format!(" (Socket.IO: {} ms)", fmt_ms(p.latency.p99_ms)));
                format!("p99 {} ms at {:.0} msg/s{peer}", fmt_ms(s.latency.p99_ms), s.offered_per_sec)
            }),
            verdict(room.map(|s| s.latency.p99_ms < TARGET_ROOM_P99_MS && s.delivered_ratio >= 0.98)),
        ));
        let live = self.live_match.as_ref();
        rows.push((
            "live-match p99 under 500 ms".to_owned(),
            live.map_or("-".to_owned(), |l| {
                format!("p99 {} ms at {} attendees", fmt_ms(l.check_in_to_push.p99_ms), thousands(l.attendees as f64))
            }),
            verdict(live.map(|l| l.check_in_to_push.p99_ms < TARGET_LIVE_P99_MS && l.missing == 0)),
        ));
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
        let _ = writeln!(md, "## Targets\n\n| target | measured | |\n| --- | --- | --- |");
        for (what, measured, verdict) in self.targets() {
            let _ = writeln!(md, "| {what} | {measured} | {verdict} |");
        }
        md.push('\n');
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
        let _ = writeln!(
            md,
            "| server | connections | VmRSS MiB | RssAnon MiB | PSS MiB | KB / connection (RssAnon) | open after hold | server CPU while idle |"
        );
        let _ = writeln!(md, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for r in &self.idle {
            let server = if r.nodes > 1 { format!("{} ({} nodes)", r.server, r.nodes) } else { r.server.clone() };
            let _ = writeln!(
                md,
                "| {} | 0 | {} | {} | {} | | | |",
                server,
                mib(r.baseline.vm_rss_kib),
                mib(r.baseline.rss_anon_kib),
                mib(r.baseline.pss_kib)
            );
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
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} | {} | {} |",
                    server,
                    thousands(p.connections as f64),
                    mib(p.memory.vm_rss_kib),
                    mib(p.memory.rss_anon_kib),
                    mib(p.memory.pss_kib),
                    per,
                    if last {
                        format!("{} after {} s", thousands(r.open_after_hold as f64), r.hold_secs)
                    } else {
                        String::new()
                    },
                    if last { format!("{:.0}%", r.hold_cpu_percent) } else { String::new() },
                );
            }
            let _ = writeln!(
                md,
                "| {} | all closed | {} | {} | {} | | opened in {:.1} s, {} failed | |",
                server,
                mib(r.after_close.vm_rss_kib),
                mib(r.after_close.rss_anon_kib),
                mib(r.after_close.pss_kib),
                r.open_secs,
                r.failed
            );
        }
        let spread: Vec<&IdleResult> = self.idle.iter().filter(|r| !r.per_node.is_empty()).collect();
        if !spread.is_empty() {
            let _ = writeln!(md, "\nHow the connections spread over the nodes, at the last step:\n");
            let _ = writeln!(md, "| server | node | connections | VmRSS MiB | RssAnon MiB | PSS MiB |");
            let _ = writeln!(md, "| --- | ---: | ---: | ---: | ---: | ---: |");
            for r in spread {
                for (i, node) in r.per_node.iter().enumerate() {
                    let _ = writeln!(
                        md,
                        "| {} | {} | {} | {} | {} | {} |",
                        r.server,
                        i + 1,
                        thousands(node.connections as f64),
                        mib(node.memory.vm_rss_kib),
                        mib(node.memory.rss_anon_kib),
                        mib(node.memory.pss_kib)
                    );
                }
            }
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
        let _ = writeln!(
            md,
            "| room size | Mingle sustained deliveries/s | Socket.IO sustained deliveries/s | Mingle / Socket.IO |"
        );
        let _ = writeln!(md, "| ---: | ---: | ---: | ---: |");
        for (n, m, s, r) in self.fanout_ratios() {
            let ratio = r.map_or("-".to_owned(), |r| format!("{r:.2}x"));
            let _ = writeln!(md, "| {} | {} | {} | {ratio} |", thousands(n as f64), thousands(m), thousands(s));
        }
        let _ = writeln!(
            md,
            "\nWhat a delivery costs the server: deliveries per second of server CPU time, at the \
             busiest step it kept up with (less disturbed by the client and the machine's other \
             work than throughput is):\n"
        );
        let _ = writeln!(
            md,
            "| room size | Mingle deliveries / CPU-s | Socket.IO deliveries / CPU-s | Mingle / Socket.IO |"
        );
        let _ = writeln!(md, "| ---: | ---: | ---: | ---: |");
        for (n, m, s, r) in self.fanout_efficiency() {
            let _ = writeln!(md, "| {} | {} | {} | {r:.2}x |", thousands(n as f64), thousands(m), thousands(s));
        }
        let _ = writeln!(md, "\nEvery step (latency p50 / p99 / max in ms, from send to receipt):\n");
        let _ = writeln!(
            md,
            "| server | room | asked msg/s | sent msg/s | delivered/s | delivered | latency | server CPU | client CPU | server RSS MiB |"
        );
        let _ = writeln!(md, "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |");
        for r in &self.fanout {
            for s in &r.steps {
                let _ = writeln!(
                    md,
                    "| {} | {} | {:.0} | {:.0} | {} | {:.1}% | {} | {:.0}% | {:.0}% | {} |",
                    r.server,
                    thousands(r.subscribers as f64),
                    s.offered_per_sec,
                    s.published as f64 / s.secs,
                    thousands(s.delivered_per_sec),
                    s.delivered_ratio * 100.0,
                    s.latency.cell(),
                    s.server_cpu_percent,
                    s.client_cpu_percent,
                    mib(s.server_peak_rss_kib)
                );
            }
        }
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
            let _ = writeln!(
                md,
                "| server | connections | rooms | msg/s | delivered/s | delivered | latency p50 / p99 / max ms | server CPU | client CPU |"
            );
            let _ = writeln!(md, "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |");
            for r in &self.chat {
                let s = &r.step;
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {:.0} | {} | {:.1}% | {} | {:.0}% | {:.0}% |",
                    r.server,
                    thousands(r.connections as f64),
                    r.rooms,
                    s.published as f64 / s.secs,
                    thousands(s.delivered_per_sec),
                    s.delivered_ratio * 100.0,
                    s.latency.cell(),
                    s.server_cpu_percent,
                    s.client_cpu_percent
                );
            }
            md.push('\n');
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
            let _ = writeln!(
                md,
                "| server | connections | back in | all back after | resume p50 / p99 / max ms | delivered | server CPU |"
            );
            let _ = writeln!(md, "| --- | ---: | ---: | ---: | --- | ---: | ---: |");
            for r in &self.storm {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {:.2} s | {} | {:.1}% | {:.0}% |",
                    r.server,
                    thousands(r.connections as f64),
                    thousands(r.resumed as f64),
                    r.total_secs,
                    r.resume.cell(),
                    r.delivered_ratio * 100.0,
                    r.server_cpu_percent
                );
            }
            md.push('\n');
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
            let _ = writeln!(md, "| measured | p50 / p99 / max ms | count | without a list in 30 s | server CPU |");
            let _ = writeln!(md, "| --- | --- | ---: | ---: | ---: |");
            let _ = writeln!(
                md,
                "| check-in to list pushed | {} | {} | {} | {:.0}% |",
                l.check_in_to_push.cell(),
                l.check_in_to_push.count,
                l.missing,
                l.server_cpu_percent
            );
            let _ = writeln!(
                md,
                "| check-in request | {} | {} | | |\n",
                l.check_in_request.cell(),
                l.check_in_request.count
            );
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
            let _ = writeln!(md, "| backend | request | rate /s | p50 / p99 / max ms | count | errors | server CPU |");
            let _ = writeln!(md, "| --- | --- | ---: | --- | ---: | ---: | ---: |");
            for r in &self.rest {
                let _ = writeln!(
                    md,
                    "| {} | search | {:.0} | {} | {} | {} | {:.0}% |",
                    r.backend,
                    r.search_rate,
                    r.search.cell(),
                    r.search.count,
                    r.search_errors,
                    r.server_cpu_percent
                );
                let _ = writeln!(
                    md,
                    "| {} | RSVP | {:.0} | {} | {} | {} ({} conflicts) | |",
                    r.backend,
                    r.rsvp_rate,
                    r.rsvp.cell(),
                    r.rsvp.count,
                    r.rsvp_errors,
                    r.rsvp_conflicts
                );
            }
            md.push('\n');
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
                        (format!("{} RssAnon", r.server), color, curve(|m| m.rss_anon_kib)),
                        (format!("{} VmRSS", r.server), lighter(color), curve(|m| m.vm_rss_kib)),
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
                throughput.push((
                    format!("{server} sustained"),
                    color,
                    runs.iter().map(|r| (r.subscribers as f64, r.sustained_per_sec())).collect(),
                ));
                let reference: Vec<(usize, crate::stats::Summary)> =
                    runs.iter().filter_map(|r| r.reference().map(|s| (r.subscribers, s.latency))).collect();
                latency.push((
                    format!("{server} p50"),
                    lighter(color),
                    reference.iter().map(|(n, s)| (*n as f64, s.p50_ms)).collect(),
                ));
                latency.push((
                    format!("{server} p99"),
                    color,
                    reference.iter().map(|(n, s)| (*n as f64, s.p99_ms)).collect(),
                ));
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

/// One line of a chart: its legend, colour and points.
type Series = (String, RGBColor, Vec<(f64, f64)>);

/// A lighter shade of `color` (plotters' bitmap backend draws opaque lines).
fn lighter(color: RGBColor) -> RGBColor {
    let blend = |c: u8| ((u16::from(c) + 255) / 2) as u8;
    RGBColor(blend(color.0), blend(color.1), blend(color.2))
}

/// The first sans-serif TrueType font found on the machine, for the plots' text.
fn register_font() -> anyhow::Result<()> {
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

fn line_chart(path: &Path, title: &str, x_label: &str, y_label: &str, series: &[Series]) -> anyhow::Result<()> {
    let points = || series.iter().flat_map(|s| s.2.iter());
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
    for (name, color, data) in series {
        let color = *color;
        chart
            .draw_series(LineSeries::new(data.iter().copied(), color.stroke_width(3)))
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .label(name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3)));
        chart
            .draw_series(data.iter().map(|&(x, y)| Circle::new((x, y), 4, color.filled())))
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
        let held = &results.targets()[0].1;
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
        assert!(
            targets[0].1.contains("on 6 Mingle nodes from 6 client processes, at most 19,000 per process"),
            "{}",
            targets[0].1
        );
        assert!(!targets[0].1.contains("all that fit"), "{}", targets[0].1);
        assert_eq!(targets[0].2, "met");
        let md = results.markdown("benchmarks");
        assert!(md.contains("Mingle ran as 6 processes and the client as 6"), "{md}");
        assert!(md.contains("| Mingle (6 nodes) | 0 |"), "{md}");
        assert!(md.contains("| Mingle | 6 | 16,666 |"), "{md}");
    }

    #[test]
    fn an_empty_run_reports_every_target_as_not_measured() {
        let results = Results::default();
        let targets = results.targets();
        assert_eq!(targets.len(), 5);
        assert!(targets.iter().all(|t| t.2 == "not measured"));
        assert!(results.markdown("benchmarks").contains("## Targets"));
    }
}
