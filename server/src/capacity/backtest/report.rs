//! The backtest as Markdown: how it was run and on what, the method, and per scenario the
//! error of the forecast peak against the baseline's, the replicas, and each day's peak.

use std::fmt::Write as _;
use std::time::Duration;

use super::evaluate::{Evaluation, Method, Quantity, Role};
use super::Options;
use crate::capacity::model::HORIZONS;
use crate::render::utc;

/// The report of `evaluations`, run with `options` in `elapsed`.
pub fn markdown(options: &Options, evaluations: &[Evaluation], elapsed: Duration) -> String {
    let mut out = String::new();
    // The binary by its name, wherever it was built.
    let command: Vec<String> = std::env::args()
        .enumerate()
        .map(|(i, a)| if i == 0 { a.rsplit('/').next().unwrap_or(&a).to_owned() } else { a })
        .collect();
    let _ = writeln!(out, "# Capacity forecast: backtest\n");
    let _ = writeln!(
        out,
        "Regenerate with `mingle capacity-backtest --report docs/capacity.md` (this run: `{}`, seed {}, \
         {} simulated days after {} of history, the demo world's last {} days). Run on {} UTC on {}, in {:.0} s. \
         Every draw is seeded, so the numbers do not depend on the machine; the demo world's days move with \
         the date it runs on (`mingle demo-data` places its events around the day it runs).\n",
        command.join(" "),
        options.seed,
        options.days,
        options.warmup_days,
        options.demo_days,
        chrono::Utc::now().format("%Y-%m-%d %H:%M"),
        machine(),
        elapsed.as_secs_f64(),
    );
    out.push_str(METHOD);
    for e in evaluations {
        scenario(&mut out, e);
    }
    out
}

const METHOD: &str = "## Method

At every minute of the evaluated days the forecaster sees what a node would see then: the
calendar with its RSVPs, the check-ins made so far, the history of the events that had ended (read
again every 15 minutes, as a node does) and how many people had the app open over the last half
hour. It forecasts the peak of each quantity over the next 15 and 60 minutes and the replicas that
peak needs (`server/src/capacity/`, `docs/deploy.md`). The baseline, \"the same as the last hour\",
takes the peak of the previous 60 minutes as the peak of the next 15 or 60.

- **Error of the peak**: at each minute, the forecast peak against the true peak over the same
  window. MAE is the mean absolute error; WAPE the absolute errors summed over the true values
  summed (a mean of percentages would be undefined on quiet nights).
- **Replicas**: the replicas each minute's true load needs (the same capacities and headroom)
  against what each method recommended 2 minutes earlier (the time a replica takes to start):
  the minutes short, and the replica-minutes recommended (the cost; the true load needed the
  number given).
- **Each day's peak**: the first minute the needed replicas reach the day's most (days that never
  need more than the minimum are left out), and how many minutes before it each method's
  recommendation reached that number and stayed there (\"late\": only after the peak).

";

fn scenario(out: &mut String, e: &Evaluation) {
    let _ = writeln!(out, "## {}\n\n{}\n", e.name, e.description);
    let b = &e.busiest;
    let _ = writeln!(
        out,
        "{} days, {} minutes evaluated. The busiest minute had {:.0} connections, {:.1} messages/s, {:.0} \
         deliveries/s and {:.0} check-ins/min. Replicas counted with {:.0} connections and {:.0} deliveries/s per \
         node, {:.2} check-ins/s per matcher worker, headroom {}, nodes {} to {}, workers {} to {}.\n",
        e.days,
        e.evaluated_minutes,
        b.connections,
        b.messages_per_second,
        b.deliveries_per_second,
        b.checkins_per_minute,
        e.plan.node_connections,
        e.plan.node_deliveries_per_second,
        e.plan.matcher_checkins_per_second,
        e.plan.headroom,
        e.plan.node_replicas.0,
        e.plan.node_replicas.1,
        e.plan.matcher_replicas.0,
        e.plan.matcher_replicas.1,
    );
    let _ = writeln!(out, "### Error of the peak\n");
    let _ = writeln!(out, "| horizon | quantity | forecast MAE | last hour MAE | forecast WAPE | last hour WAPE |");
    let _ = writeln!(out, "| ---: | --- | ---: | ---: | ---: | ---: |");
    for (horizon, quantity, forecast, baseline) in &e.errors {
        let _ = writeln!(
            out,
            "| {horizon} min | {} | {} | {} | {} | {} |",
            quantity.name(),
            number(forecast.mae(), *quantity),
            number(baseline.mae(), *quantity),
            share(forecast.wape()),
            share(baseline.wape()),
        );
    }
    let _ = writeln!(out, "\n### Replicas\n");
    let _ = writeln!(out, "| role | recommended by | minutes short | replica-minutes | the true load needed |");
    let _ = writeln!(out, "| --- | --- | ---: | ---: | ---: |");
    for (role, method, p) in &e.provisioning {
        let needed = e.needed_replica_minutes.get(role).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            role.name(),
            method.name(),
            p.short_minutes,
            p.replica_minutes,
            needed
        );
    }
    let _ = writeln!(out, "\n### Each day's peak\n");
    if e.peaks.is_empty() {
        let _ = writeln!(out, "No day needed more than the minimum of either role.\n");
        return;
    }
    let methods: Vec<Method> = HORIZONS.iter().map(|&h| Method::Forecast(h)).chain([Method::LastHour]).collect();
    let heads: Vec<String> = methods.iter().map(|m| m.name()).collect();
    let _ = writeln!(out, "| day | role | peak at (UTC) | replicas needed | {} |", heads.join(" | "));
    let _ = writeln!(out, "| --- | --- | --- | ---: |{}", " ---: |".repeat(methods.len()));
    for role in Role::ALL {
        for p in e.peaks.iter().filter(|p| p.role == role) {
            let leads: Vec<String> = methods.iter().map(|m| lead(p.lead.get(m).copied().flatten())).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                utc(p.day).format("%Y-%m-%d"),
                role.name(),
                utc(p.at).format("%H:%M"),
                p.needed,
                leads.join(" | ")
            );
        }
    }
    let _ = writeln!(out);
}

fn number(x: f64, quantity: Quantity) -> String {
    match quantity {
        Quantity::MessagesPerSecond => format!("{x:.2}"),
        _ => format!("{x:.0}"),
    }
}

fn share(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |x| format!("{:.1}%", 100.0 * x))
}

fn lead(minutes: Option<i64>) -> String {
    match minutes {
        Some(m) if m > 0 => format!("{m} min ahead"),
        Some(0) => "at the peak".to_owned(),
        Some(m) => format!("{} min late", -m),
        None => "never that day".to_owned(),
    }
}

/// The machine, as far as the system tells: cores, memory, kernel.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
        .map_or_else(String::new, |kib| format!(", {:.0} GiB", kib / 1024.0 / 1024.0));
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map_or_else(|_| String::new(), |k| format!(", Linux {}", k.trim()));
    format!("{cores} CPUs{memory}{kernel}")
}
