//! `cache-bench`: replays one seeded day against every policy at several byte budgets and prints
//! Markdown tables: hit rates (overall and on the event-day part), database loads, prefetch
//! precision and cost, and how well the hot-set estimate matched.
//!
//! ```text
//! cargo run --release --example cache-bench -- --seed 7 --people 5000 --budgets-mb 1,4,16
//! ```

use std::collections::BTreeMap;
use std::error::Error;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use cache::key::KeyKind;
use cache::predict::Rule;
use cache::replay::{
    clairvoyant, hot_set_accuracy, replay, PolicyKind, ReplaySettings, Report, Steps, Tally, HOT_SET_HORIZONS_MS,
};
use cache::trace::{Trace, TraceConfig, HOUR_MS, MINUTE_MS};

const USAGE: &str = "usage: cache-bench [--seed N] [--people N] [--budgets-mb A,B,C] [--staging-share F] \
[--threshold F] [--precision-floor F] [--max-loads N] [--horizon-s N] [--tick-s N] [--policies all|baselines|predictive] \
[--direct-prefetch] [--tick-only | --connect-only] [--world-view] [--no-hot-set] [--plot FILE.svg]";

/// The command line.
struct Args {
    seed: u64,
    people: usize,
    budgets_mb: Vec<f64>,
    staging_share: Option<f64>,
    threshold: Option<f64>,
    precision_floor: Option<f64>,
    max_loads: Option<usize>,
    horizon_s: Option<u64>,
    tick_s: Option<u64>,
    policies: Vec<PolicyKind>,
    /// Also run the predictive tier with no staging area (prefetches straight into moka).
    direct_prefetch: bool,
    /// Which steps of a session ask the session model at once, besides the ticks.
    ask_after: Steps,
    /// The predictor knows the trace's whole world, not only what a server node knows.
    world_view: bool,
    hot_set: bool,
    /// Where to draw event-day hit rate against budget, as SVG.
    plot: Option<PathBuf>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        let mut args = Args {
            seed: 7,
            people: 5_000,
            budgets_mb: vec![1.0, 4.0, 16.0],
            staging_share: None,
            threshold: None,
            precision_floor: None,
            max_loads: None,
            horizon_s: None,
            tick_s: None,
            policies: PolicyKind::ALL.to_vec(),
            direct_prefetch: false,
            ask_after: Steps::Every,
            world_view: false,
            hot_set: true,
            plot: None,
        };
        let mut words = std::env::args().skip(1);
        while let Some(flag) = words.next() {
            let mut value = || words.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"));
            let bad = |e: &dyn std::fmt::Display| format!("bad value for {flag}: {e}\n{USAGE}");
            match flag.as_str() {
                "--seed" => args.seed = value()?.parse().map_err(|e| bad(&e))?,
                "--people" => args.people = value()?.parse().map_err(|e| bad(&e))?,
                "--budgets-mb" => {
                    args.budgets_mb =
                        value()?.split(',').map(str::parse).collect::<Result<_, _>>().map_err(|e| bad(&e))?
                }
                "--staging-share" => args.staging_share = Some(value()?.parse().map_err(|e| bad(&e))?),
                "--threshold" => args.threshold = Some(value()?.parse().map_err(|e| bad(&e))?),
                "--precision-floor" => args.precision_floor = Some(value()?.parse().map_err(|e| bad(&e))?),
                "--max-loads" => args.max_loads = Some(value()?.parse().map_err(|e| bad(&e))?),
                "--horizon-s" => args.horizon_s = Some(value()?.parse().map_err(|e| bad(&e))?),
                "--tick-s" => args.tick_s = Some(value()?.parse().map_err(|e| bad(&e))?),
                "--policies" => {
                    args.policies = match value()?.as_str() {
                        "all" => PolicyKind::ALL.to_vec(),
                        "baselines" => vec![PolicyKind::NoCache, PolicyKind::Lru, PolicyKind::TinyLfu],
                        "predictive" => vec![PolicyKind::TinyLfu, PolicyKind::Predictive, PolicyKind::NODE],
                        other => return Err(bad(&other)),
                    }
                }
                "--direct-prefetch" => args.direct_prefetch = true,
                "--tick-only" => args.ask_after = Steps::None,
                "--connect-only" => args.ask_after = Steps::Connect,
                "--world-view" => args.world_view = true,
                "--no-hot-set" => args.hot_set = false,
                "--plot" => args.plot = Some(PathBuf::from(value()?)),
                "--help" | "-h" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown flag {other}\n{USAGE}")),
            }
        }
        Ok(args)
    }

    fn settings(&self, budget_bytes: u64) -> ReplaySettings {
        let mut settings = ReplaySettings::new(budget_bytes);
        if let Some(share) = self.staging_share {
            settings.staging_share = share;
        }
        if let Some(threshold) = self.threshold {
            settings.prefetch.min_probability = threshold;
        }
        if let Some(floor) = self.precision_floor {
            settings.prefetch.precision_floor = floor;
        }
        if let Some(loads) = self.max_loads {
            settings.prefetch.max_loads_per_tick = loads;
        }
        if let Some(horizon) = self.horizon_s {
            settings.prefetch.horizon_ms = horizon * 1_000;
        }
        if let Some(tick) = self.tick_s {
            settings.tick_ms = tick * 1_000;
        }
        settings.ask_after = self.ask_after;
        settings.node_view = !self.world_view;
        settings
    }
}

fn percent(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = Args::parse()?;
    let mut out = std::io::stdout().lock();

    let generating = Instant::now();
    let trace = Trace::generate(&TraceConfig::new(args.seed, args.people));
    let generated_in = generating.elapsed();
    let summary = trace.summary();
    writeln!(out, "## Trace: seed {}, {} people\n", args.seed, args.people)?;
    writeln!(
        out,
        "{} reads ({} in the event-day windows), {} sessions, {} writes; {} distinct keys, {} of distinct \
         values; at most {} of distinct values read within 15 minutes, {} within an hour. Generated in {:.2?}.\n",
        summary.requests,
        summary.event_day_requests,
        summary.sessions,
        summary.changes,
        summary.distinct_keys,
        mb(summary.distinct_bytes),
        mb(summary.peak_15_min_bytes),
        mb(summary.peak_hour_bytes),
        generated_in,
    )?;
    let windows: Vec<String> = trace
        .event_day
        .iter()
        .map(|w| {
            let hm = |ms: u64| format!("{:02}:{:02}", ms / HOUR_MS, ms % HOUR_MS / MINUTE_MS);
            format!("{}–{}", hm(w.start_ms), hm(w.end_ms))
        })
        .collect();
    writeln!(out, "Event-day windows: {}.\n", windows.join(", "))?;
    let unbounded = replay(&trace, PolicyKind::Lru, &ReplaySettings::new(1 << 40));
    writeln!(
        out,
        "Ceiling without prediction: a cache that never evicts hits {} of reads, {} on the event-day part \
         (the rest are first reads and reads right after a write).\n",
        percent(unbounded.overall.hit_rate()),
        percent(unbounded.event_day.hit_rate()),
    )?;

    let mut runs: Vec<(String, Report)> = Vec::new();
    for &budget_mb in &args.budgets_mb {
        let budget_bytes = (budget_mb * 1024.0 * 1024.0) as u64;
        let settings = args.settings(budget_bytes);
        for &policy in &args.policies {
            runs.push((policy.label().to_string(), replay(&trace, policy, &settings)));
        }
        if args.direct_prefetch {
            let direct = ReplaySettings { staging_share: 0.0, ..settings.clone() };
            runs.push((
                "moka TinyLFU + predictive, no staging".to_string(),
                replay(&trace, PolicyKind::Predictive, &direct),
            ));
        }
    }

    let best_eviction: BTreeMap<u64, (Tally, Tally)> = runs
        .iter()
        .filter(|(_, r)| r.policy == PolicyKind::TinyLfu)
        .map(|(_, r)| (r.budget_bytes, clairvoyant(&trace, r.budget_bytes)))
        .collect();

    writeln!(out, "## Hit rates and loads at equal memory\n")?;
    writeln!(
        out,
        "| policy | budget | hit rate | event-day hit rate | event-day Δ vs TinyLFU | miss loads | prefetch loads \
         | prefetch precision | wasted prefetches | all loads | replay time |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    for (label, report) in &runs {
        let baseline = runs
            .iter()
            .find(|(_, r)| r.policy == PolicyKind::TinyLfu && r.budget_bytes == report.budget_bytes)
            .map(|(_, r)| r.event_day.hit_rate());
        let delta =
            baseline.map_or("".to_string(), |b| format!("{:+.1} pts", 100.0 * (report.event_day.hit_rate() - b)));
        let prefetching = report.policy.prefetches();
        writeln!(
            out,
            "| {label} | {} | {} | {} | {delta} | {} | {} | {} | {} | {} | {:.2} s |",
            mb(report.budget_bytes),
            percent(report.overall.hit_rate()),
            percent(report.event_day.hit_rate()),
            report.miss_loads,
            report.prefetch_loads,
            if prefetching { percent(report.prefetch_precision()) } else { "–".to_string() },
            if prefetching { report.prefetch_wasted.to_string() } else { "–".to_string() },
            report.total_loads(),
            report.elapsed.as_secs_f64(),
        )?;
    }

    writeln!(out, "\n## Event-day hit rate by kind of key\n")?;
    let kinds = KeyKind::ALL;
    let header: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
    writeln!(out, "| policy | budget | {} |", header.join(" | "))?;
    writeln!(out, "|---|---:|{}", "---:|".repeat(kinds.len()))?;
    if let Some((_, any)) = runs.first() {
        let shares: Vec<String> = kinds
            .iter()
            .map(|&k| percent(any.event_day.requests_of(k) as f64 / any.event_day.requests.max(1) as f64))
            .collect();
        writeln!(out, "| share of event-day reads | | {} |", shares.join(" | "))?;
    }
    for (label, report) in runs.iter().filter(|(_, r)| r.policy != PolicyKind::NoCache) {
        let rates: Vec<String> = kinds.iter().map(|&k| percent(report.event_day.hit_rate_of(k))).collect();
        writeln!(out, "| {label} | {} | {} |", mb(report.budget_bytes), rates.join(" | "))?;
    }
    for (&budget_bytes, (_, best)) in &best_eviction {
        let rates: Vec<String> = kinds.iter().map(|&k| percent(best.hit_rate_of(k))).collect();
        writeln!(out, "| clairvoyant eviction | {} | {} |", mb(budget_bytes), rates.join(" | "))?;
    }

    writeln!(out, "\n## Prefetches by rule of the predictor (loads / read / precision)\n")?;
    let rules: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
    writeln!(out, "| policy | budget | {} | loads right after a write |", rules.join(" | "))?;
    writeln!(out, "|---|---:|{}---:|", "---:|".repeat(Rule::ALL.len()))?;
    for (label, report) in runs.iter().filter(|(_, r)| r.policy.prefetches()) {
        let cells: Vec<String> = report
            .by_rule
            .iter()
            .map(|&(loads, used)| format!("{loads} / {used} / {}", percent(used as f64 / loads.max(1) as f64)))
            .collect();
        writeln!(
            out,
            "| {label} | {} | {} | {} |",
            mb(report.budget_bytes),
            cells.join(" | "),
            report.write_refreshes
        )?;
    }

    writeln!(out, "\n## Target: event-day hit rate at least 15 points above moka TinyLFU\n")?;
    for (_, report) in
        runs.iter().filter(|(label, r)| r.policy == PolicyKind::NODE && label == PolicyKind::NODE.label())
    {
        let Some((_, baseline)) =
            runs.iter().find(|(_, r)| r.policy == PolicyKind::TinyLfu && r.budget_bytes == report.budget_bytes)
        else {
            continue;
        };
        let gain = 100.0 * (report.event_day.hit_rate() - baseline.event_day.hit_rate());
        let Some((_, best)) = best_eviction.get(&report.budget_bytes) else { continue };
        writeln!(
            out,
            "- {}: {} → {} ({gain:+.1} points): {}. Clairvoyant eviction without prefetching: {} ({:+.1}).",
            mb(report.budget_bytes),
            percent(baseline.event_day.hit_rate()),
            percent(report.event_day.hit_rate()),
            if gain >= 15.0 { "reached" } else { "not reached" },
            percent(best.hit_rate()),
            100.0 * (best.hit_rate() - baseline.event_day.hit_rate()),
        )?;
    }
    writeln!(
        out,
        "\nClairvoyant eviction (Belady's rule: it knows every later read and write, keeps a value only \
         if it is read again before a write, and evicts the one read again last) is a reference for what \
         eviction alone could do at the budget; only prefetching serves a first read."
    )?;
    if let Some(path) = &args.plot {
        let mut series: Vec<Series> = Vec::new();
        for &policy in args.policies.iter().filter(|&&p| p != PolicyKind::NoCache) {
            let points = runs
                .iter()
                .filter(|(label, r)| r.policy == policy && label == policy.label())
                .map(|(_, r)| (r.budget_bytes, r.event_day.hit_rate()))
                .collect();
            series.push(Series { label: policy.label().to_string(), dashed: false, points });
        }
        let target = runs
            .iter()
            .filter(|(_, r)| r.policy == PolicyKind::TinyLfu)
            .map(|(_, r)| (r.budget_bytes, (r.event_day.hit_rate() + 0.15).min(1.0)))
            .collect();
        series.push(Series { label: "target: moka TinyLFU + 15 points".to_string(), dashed: true, points: target });
        let points = best_eviction.iter().map(|(&budget, (_, best))| (budget, best.hit_rate())).collect();
        series.push(Series { label: "clairvoyant eviction, no prefetching".to_string(), dashed: true, points });
        let title = format!("Event-day hit rate at equal memory (seed {}, {} people)", args.seed, args.people);
        std::fs::write(path, svg_chart(&title, &series))?;
        writeln!(out, "\nPlot: {}.", path.display())?;
    }
    if let Some((_, report)) = runs.iter().find(|(_, r)| r.policy.prefetches()) {
        writeln!(
            out,
            "\nTime in the predictor (one predictive replay, {}): {:.2} s of {:.2} s; {} ticks, {:.2} ms each; \
             {} log lines, {:.1} µs each (learning from it, and asking after a connect or a read).",
            mb(report.budget_bytes),
            report.predicting.as_secs_f64(),
            report.elapsed.as_secs_f64(),
            report.ticks,
            report.predicting_ticks.as_secs_f64() * 1e3 / report.ticks.max(1) as f64,
            trace.items.len(),
            (report.predicting - report.predicting_ticks).as_secs_f64() * 1e6 / trace.items.len().max(1) as f64
        )?;
    }

    if args.hot_set {
        let settings = args.settings(0);
        let measuring = Instant::now();
        let accuracy = hot_set_accuracy(
            &trace,
            &settings.predictor,
            settings.node_view,
            &HOT_SET_HORIZONS_MS,
            7 * HOUR_MS,
            23 * HOUR_MS,
            5 * MINUTE_MS,
        );
        writeln!(out, "\n## Hot-set estimate (07:00–23:00, every 5 minutes)\n")?;
        writeln!(
            out,
            "| horizon | samples | mean actual distinct keys | mean estimate | distinct MAPE | requests MAPE \
             | bytes MAPE | event-day distinct MAPE | event-day requests MAPE |"
        )?;
        writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|")?;
        for a in &accuracy {
            writeln!(
                out,
                "| {} min | {} | {:.0} | {:.0} | {} | {} | {} | {} | {} |",
                a.horizon_ms / MINUTE_MS,
                a.samples,
                a.mean_actual_distinct,
                a.mean_predicted_distinct,
                percent(a.distinct_mape),
                percent(a.requests_mape),
                percent(a.bytes_mape),
                percent(a.event_day_distinct_mape),
                percent(a.event_day_requests_mape),
            )?;
        }
        writeln!(out, "\nMeasured in {:.2?}.", measuring.elapsed())?;
    }
    Ok(())
}

/// One line of the plot: event-day hit rate (0 to 1) at each budget in bytes.
struct Series {
    label: String,
    dashed: bool,
    points: Vec<(u64, f64)>,
}

/// A line chart of hit rate against budget (budgets on a log scale), as a self-contained SVG.
fn svg_chart(title: &str, series: &[Series]) -> String {
    const COLORS: [&str; 8] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
    let (width, height) = (960.0, 560.0);
    let (left, right, top, bottom) = (80.0, 330.0, 56.0, 64.0);
    let budgets: Vec<u64> = {
        let mut all: Vec<u64> = series.iter().flat_map(|s| s.points.iter().map(|p| p.0)).collect();
        all.sort_unstable();
        all.dedup();
        all
    };
    let log = |b: u64| (b.max(1) as f64).log2();
    let (low, high) = match (budgets.first(), budgets.last()) {
        (Some(&a), Some(&b)) if b > a => (log(a), log(b)),
        (Some(&a), _) => (log(a) - 1.0, log(a) + 1.0),
        _ => (0.0, 1.0),
    };
    let x = |b: u64| left + (log(b) - low) / (high - low) * (width - left - right);
    let y = |rate: f64| top + (1.0 - rate) * (height - top - bottom);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         font-family=\"sans-serif\" font-size=\"13\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"30\" font-size=\"18\" text-anchor=\"middle\">{}</text>\n",
        (width - right + left) / 2.0,
        escape(title)
    );
    for tenth in 0..=10 {
        let rate = f64::from(tenth) / 10.0;
        svg += &format!(
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y0:.1}\" y2=\"{y0:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}%</text>\n",
            width - right,
            left - 8.0,
            y(rate) + 4.0,
            tenth * 10,
            y0 = y(rate),
        );
    }
    for &budget in &budgets {
        svg += &format!(
            "<line x1=\"{x0:.1}\" x2=\"{x0:.1}\" y1=\"{top}\" y2=\"{}\" stroke=\"#eee\"/>\
             <text x=\"{x0:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
            height - bottom,
            height - bottom + 20.0,
            mb(budget).replace(".0 MB", " MB"),
            x0 = x(budget),
        );
    }
    svg += &format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">memory budget (log scale)</text>\n\
         <text transform=\"translate(22 {}) rotate(-90)\" text-anchor=\"middle\">event-day hit rate</text>\n",
        (width - right + left) / 2.0,
        height - 18.0,
        (height - bottom + top) / 2.0,
    );
    for (i, line) in series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let dash = if line.dashed { " stroke-dasharray=\"6 4\"" } else { "" };
        let points: Vec<String> = line.points.iter().map(|&(b, r)| format!("{:.1},{:.1}", x(b), y(r))).collect();
        svg += &format!(
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\"{dash} points=\"{}\"/>\n",
            points.join(" ")
        );
        for &(b, r) in &line.points {
            svg += &format!("<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{color}\"/>\n", x(b), y(r));
        }
        let legend_y = top + 10.0 + 24.0 * i as f64;
        let legend_x = width - right + 24.0;
        svg += &format!(
            "<line x1=\"{legend_x}\" x2=\"{}\" y1=\"{legend_y}\" y2=\"{legend_y}\" stroke=\"{color}\" \
             stroke-width=\"2.5\"{dash}/><text x=\"{}\" y=\"{}\">{}</text>\n",
            legend_x + 28.0,
            legend_x + 36.0,
            legend_y + 4.0,
            escape(&line.label),
        );
    }
    svg + "</svg>\n"
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
