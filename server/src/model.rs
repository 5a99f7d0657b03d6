//! The text-embedding model, loaded once per process on first use and shared by everything that
//! embeds text (people to meet, event recommendations).

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use matcher::Embedder;
use tch::Device;

/// The model could not be loaded (not installed, or unreadable).
#[derive(Debug, Clone, thiserror::Error)]
#[error("the text model is not available: {0}")]
pub struct Unavailable(pub String);

pub struct Model {
    dir: Option<PathBuf>,
    /// Tensors may move between threads but not be shared, so the model sits behind a lock; one
    /// computation at a time uses it, with its threads inside libtorch.
    embedder: OnceLock<Result<Arc<Mutex<Embedder>>, Unavailable>>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model").field("dir", &self.dir).finish_non_exhaustive()
    }
}

impl Model {
    pub fn new(dir: Option<PathBuf>) -> Arc<Self> {
        Arc::new(Self { dir, embedder: OnceLock::new() })
    }

    /// The embedder, loading it the first time (a blocking read of about 90 MB: call from a
    /// blocking thread).
    pub fn embedder(&self) -> Result<Arc<Mutex<Embedder>>, Unavailable> {
        self.embedder
            .get_or_init(|| {
                let dir = self
                    .dir
                    .clone()
                    .ok_or_else(|| Unavailable("no model directory configured (MINGLE_MODEL_DIR)".to_owned()))?;
                Embedder::load(&dir, Device::cuda_if_available())
                    .map(|e| Arc::new(Mutex::new(e)))
                    .map_err(|e| Unavailable(format!("{e:#}")))
            })
            .clone()
    }
}

/// Locks `m`, recovering from a panic of an earlier holder (the data is still usable).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
