//! Full-event recompute: pairs scored per second and time for 1k, 10k and 50k attendees, next
//! to the machine's measured matrix-multiply peak: `cargo bench -p matcher --bench score`.
//! Attendees are random unit vectors with a few tags each (scores do not depend on the text).
//! Then the time to learn the weights from 10k and 100k outcomes of pairs of such attendees.
//! Prints a table; asserts nothing.

mod common;

use std::time::Instant;

use matcher::{candidates, features, learn_weights, Weights, EMBEDDING_DIM};
use tch::{Device, Kind, Tensor};

/// Sustained FLOP/s of a large single-precision matrix multiply on `device`: the practical peak.
fn gemm_peak(device: Device) -> f64 {
    let size = 2048i64;
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

fn main() {
    let mut devices = vec![Device::Cpu];
    if tch::Cuda::is_available() {
        devices.push(Device::Cuda(0));
    }
    let mut table = String::from("\nFull-event recompute (all pairs, reciprocal scores, top 30 per person)\n");
    table.push_str(&format!(
        "{:<8} {:>10} {:>12} {:>16} {:>14} {:>12}\n",
        "device", "attendees", "seconds", "pairs/s", "GFLOP/s", "of peak"
    ));
    for device in devices {
        let peak = gemm_peak(device);
        for n in [1_000usize, 10_000, 50_000] {
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
