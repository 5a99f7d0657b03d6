//! The matcher engine of the process, made once at start-up and shared by everything that embeds
//! text or scores (people to meet, event recommendations, audience segments), behind the
//! [`matcher::Engine`] trait and the process's one bounded embedding cache ([`matcher::Cached`]).
//! With the `torch` feature (the default) it is libtorch's engine with the MiniLM model;
//! without it, the lightweight plain-Rust engine. A node whose matching runs in `mingle matcher`
//! workers loads neither: its texts are embedded by the workers (`remote.rs`).

mod remote;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

pub use matcher::DEFAULT_CACHE_BYTES;
pub use remote::{serve_embeddings, RemoteEngine, ANSWER_WITHIN, BACK_OFF};

/// The engine as the rest of the server sees it.
pub type Model = dyn matcher::Engine;

/// The engine of this build: the model in `dir` on libtorch, its embeddings cached within
/// `cache_bytes`. The model itself is read on first use, on a blocking thread.
pub fn engine(dir: Option<PathBuf>, cache_bytes: u64) -> Arc<Model> {
    #[cfg(feature = "torch")]
    let engine = matcher::TorchEngine::new(dir);
    #[cfg(not(feature = "torch"))]
    let engine = {
        tracing::warn!(?dir, "built without the torch feature: suggestions and recommendations use hashed words");
        matcher::LightEngine
    };
    Arc::new(matcher::Cached::new(engine, cache_bytes))
}

/// The engine of a node whose workers hold the model: texts embedded by the workers through
/// Redis at `url`, the vectors cached within `cache_bytes`.
pub async fn remote(url: &str, cache_bytes: u64, shutdown: &crate::shutdown::Shutdown) -> anyhow::Result<Arc<Model>> {
    let engine = RemoteEngine::connect(url, shutdown).await?;
    Ok(Arc::new(matcher::Cached::new(engine, cache_bytes)))
}

/// The lightweight engine with its own cache: for tests of the server's logic that do not need
/// the real model.
pub fn light() -> Arc<Model> {
    Arc::new(matcher::Cached::new(matcher::LightEngine, DEFAULT_CACHE_BYTES))
}

/// Whether someone waits for an embedding, or it is background work that gives the model way
/// to requests (see [`matcher::Engine::embed_bulk`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    Request,
    Background,
}

/// `texts` embedded by `model` at `priority`.
pub fn embed(model: &Model, texts: &[&str], priority: Priority) -> Result<Vec<matcher::Vector>, matcher::EngineError> {
    match priority {
        Priority::Request => model.embed(texts),
        Priority::Background => model.embed_bulk(texts),
    }
}

/// Locks `m`, recovering from a panic of an earlier holder (the data is still usable).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
