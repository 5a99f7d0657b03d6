//! Full-event recompute: pairs scored per second and time for 1k, 10k and 50k attendees, next
//! to the machine's measured matrix-multiply peak: `cargo bench -p matcher --bench score`.
//! `MINGLE_BENCH_SIZES=10000,50000,100000` and `MINGLE_BENCH_DEVICES=cuda` (or `cpu`, or both)
//! choose other sizes and devices; by default the CPU and, when there is one, the GPU.
//! Attendees are random unit vectors with a few tags each (scores do not depend on the text).
//! Then the time to learn the weights from 10k and 100k outcomes of pairs of such attendees.
//! Prints a table; asserts nothing.

mod common;

use std::time::Instant;

use matcher::{candidates, features, learn_weights, Weights, EMBEDDING_DIM};
use tch::{Device, Kind, Tensor};

/// Sustained FLOP/s of a large single-precision matrix multiply on `device`: the practical peak.
/// A GPU needs a larger product than a CPU to be kept busy.
fn gemm_peak(device: Device) -> f64 {
    let size = if device.is_cuda() { 8192i64 } else { 2048 };
    let a = Tensor::randn([size, size], (Kind::Float, device));
    let b = Tensor::randn([size, size], (Kind::Float, device));
    let _ = a.matmul(&b).sum(Kind::Float).double_value(&[]);
    let started = Instant::now();
    let rounds = 5;
    for _ in 0..rounds {
        let _ = a.matmul(&b).sum(Kind::Float).double_value(&[]);
    }
    2.0 * (size as f64).powi(3) * f64::from(rounds) / started.elapsed().as_secs_f64()
}

/// A comma-separated list from the environment, or `default`.
fn listed<T: std::str::FromStr>(name: &str, default: Vec<T>) -> Vec<T> {
    std::env::var(name).ok().map_or(default, |v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
}

fn main() {
    let cuda = tch::Cuda::is_available();
    let mut devices: Vec<Device> = listed::<String>("MINGLE_BENCH_DEVICES", vec!["cpu".into(), "cuda".into()])
        .iter()
        .filter_map(|d| match d.as_str() {
            "cpu" => Some(Device::Cpu),
            "cuda" if cuda => Some(Device::Cuda(0)),
            _ => None,
        })
        .collect();
    devices.dedup();
    let sizes = listed("MINGLE_BENCH_SIZES", vec![1_000usize, 10_000, 50_000]);
    let mut table = String::from("\nFull-event recompute (all pairs, reciprocal scores, top 30 per person)\n");
    table.push_str(&format!(
        "{:<8} {:>10} {:>12} {:>16} {:>14} {:>12}\n",
        "device", "attendees", "seconds", "pairs/s", "GFLOP/s", "of peak"
    ));
    for device in devices {
        let peak = gemm_peak(device);
        for &n in &sizes {
            let people = common::random_people(n, 7);
            let _ = candidates(&people[..n.min(256)], &[], 30, &Weights::default(), device); // warm-up
            let started = Instant::now();
            let found = candidates(&people, &[], 30, &Weights::default(), device);
            let secs = started.elapsed().as_secs_f64();
            assert_eq!(found.len(), n);
            let pairs = (n as f64) * (n as f64);
            // Three [n, d] x [d, n] products and one [n, t] x [t, n] for tags, 2 FLOPs per MAC.
            let flops = 2.0 * pairs * (3.0 * EMBEDDING_DIM as f64 + 80.0);
            table.push_str(&format!(
                "{:<8} {:>10} {:>12.3} {:>16.3e} {:>14.1} {:>11.1}%\n",
                format!("{device:?}"),
                n,
                secs,
                pairs / secs,
                flops / secs / 1e9,
                100.0 * flops / secs / peak
            ));
        }
        table.push_str(&format!("{:<8} measured SGEMM peak: {:.1} GFLOP/s\n", format!("{device:?}"), peak / 1e9));
    }
    table.push_str("\nLearning the weights from outcomes (CPU)\n");
    table.push_str(&format!("{:>10} {:>12}\n", "outcomes", "seconds"));
    let people = common::random_people(1_000, 11);
    for n in [10_000usize, 100_000] {
        // Pairs spread over everyone; a pair went well when its people are similar, roughly.
        let examples: Vec<_> = (0..n)
            .map(|i| {
                let (a, b) = (i % 1_000, (i * 7 + i / 1_000 + 1) % 1_000);
                let pair = features(&people[a], &people[b]);
                (pair, pair.about + pair.tags > 0.05 + 0.1 * (i % 3) as f32)
            })
            .collect();
        let started = Instant::now();
        let learned = learn_weights(&examples, &Weights::default());
        let secs = started.elapsed().as_secs_f64();
        assert!(learned.is_ok_and(|l| l.fit.is_some()));
        table.push_str(&format!("{n:>10} {secs:>12.3}\n"));
    }
    let _ = std::io::Write::write_all(&mut std::io::stdout(), table.as_bytes());
}
