//! The libtorch engine: MiniLM embeddings ([`crate::embed`]), pools on the GPU when there is one,
//! the learned weights ([`crate::learn`]), the event recommender and k-means
//! ([`crate::recommend`]), all behind [`Engine`]. It also owns libtorch's thread policy, which is
//! process-wide and therefore set once here rather than by whoever runs a job.

use std::path::PathBuf;
use std::sync::{Condvar, Mutex, MutexGuard, Once, OnceLock};

use tch::{Device, Tensor};

use crate::embed::{Embedder, EMBEDDING_DIM};
use crate::engine::{Clusters, Engine, EngineError, EventData, Vector};
use crate::learn::{Learned, PairFeatures};
use crate::pool::Settings;
use crate::recommend::{TrainConfig, TrainingData};
use crate::score::Weights;
use crate::trained::TrainedEvents;

/// Texts per forward pass of the model.
const EMBED_BATCH: usize = 64;
/// Texts per turn of bulk work: on one CPU thread a turn takes a few hundred milliseconds, the
/// longest a request waits for the model behind a training or a warm-up.
const BULK_TURN: usize = 8;

/// The libtorch engine. The model is read from `dir` on first use (a blocking read of about
/// 90 MB), onto the GPU when there is one.
pub struct TorchEngine {
    dir: Option<PathBuf>,
    /// Tensors may move between threads but not be shared, so the model sits behind a lock; one
    /// computation at a time uses it, with its threads inside libtorch.
    embedder: OnceLock<Result<Mutex<Embedder>, String>>,
    /// Calls of [`Engine::embed`] waiting for the model or using it: bulk work starts no turn
    /// while there are any.
    waiting: Mutex<usize>,
    cleared: Condvar,
}

impl std::fmt::Debug for TorchEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TorchEngine").field("dir", &self.dir).finish_non_exhaustive()
    }
}

impl TorchEngine {
    /// An engine with the model in `dir` (`model.safetensors`, `tokenizer.json`); without one,
    /// embedding answers [`EngineError::Unavailable`]. Sets libtorch's threads for the process
    /// (see [`libtorch_threads`]).
    pub fn new(dir: Option<PathBuf>) -> Self {
        static THREADS: Once = Once::new();
        THREADS.call_once(|| tch::set_num_threads(libtorch_threads()));
        Self { dir, embedder: OnceLock::new(), waiting: Mutex::new(0), cleared: Condvar::new() }
    }

    /// The model, loaded the first time.
    fn embedder(&self) -> Result<MutexGuard<'_, Embedder>, EngineError> {
        let loaded = self.embedder.get_or_init(|| {
            let dir = self.dir.as_ref().ok_or("no model directory configured (MINGLE_MODEL_DIR)")?;
            Embedder::load(dir, Device::cuda_if_available()).map(Mutex::new).map_err(|e| format!("{e:#}"))
        });
        match loaded {
            Ok(embedder) => Ok(lock(embedder)),
            Err(why) => Err(EngineError::Unavailable(why.clone())),
        }
    }
}

/// libtorch's intra-op threads for the whole process: half the cores, at least one.
///
/// libtorch keeps one thread pool per process, so the count cannot be chosen per job: a job that
/// set it for itself would change it under every other job running at the same time (a full
/// build on one event and a one-person update on another). Half the cores is the one setting
/// that serves both kinds of work: a full build's large matrix products still spread over
/// several threads, a one-person update (a `[1, n]` row, mostly below libtorch's grain size)
/// runs on few, and the other half of the cores stays free for the async runtime serving
/// sockets, which a pool that takes every core would keep waking (measured before this policy:
/// the p99 of a profile edit at 1,000 people went from 4 ms to 240 ms when its products used
/// more threads on busy cores).
pub fn libtorch_threads() -> i32 {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    i32::try_from((cores / 2).max(1)).unwrap_or(1)
}

/// Locks `m`, recovering from a panic of an earlier holder (the data is still usable).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `texts` embedded by `model`, in order.
fn embed_with(model: &Embedder, texts: &[&str]) -> Result<Vec<Vector>, EngineError> {
    let rows = model.embed_many(texts, EMBED_BATCH)?.to_device(Device::Cpu);
    let rows = Vec::<Vec<f32>>::try_from(&rows).map_err(anyhow::Error::from)?;
    Ok(rows.into_iter().map(Vector::from).collect())
}

/// `rows` (all of one length `dim`) as a `[rows, dim]` matrix on the CPU.
fn matrix(rows: &[&[f32]], dim: usize) -> Tensor {
    let flat: Vec<f32> = rows.iter().flat_map(|r| r.iter().copied()).collect();
    Tensor::from_slice(&flat).view([rows.len() as i64, dim as i64])
}

impl Engine for TorchEngine {
    fn dim(&self) -> usize {
        EMBEDDING_DIM
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vector>, EngineError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        *lock(&self.waiting) += 1;
        let embedded = self.embedder().and_then(|model| embed_with(&model, texts));
        *lock(&self.waiting) -= 1;
        self.cleared.notify_all();
        embedded
    }

    fn embed_bulk(&self, texts: &[&str]) -> Result<Vec<Vector>, EngineError> {
        let mut out = Vec::with_capacity(texts.len());
        for turn in texts.chunks(BULK_TURN) {
            let waiting = lock(&self.waiting);
            drop(self.cleared.wait_while(waiting, |w| *w > 0).unwrap_or_else(std::sync::PoisonError::into_inner));
            out.extend(embed_with(&*self.embedder()?, turn)?);
        }
        Ok(out)
    }

    fn pool_settings(&self, list_size: usize, per_row: usize, weights: Weights) -> Settings {
        Settings { list_size, per_row, weights, device: Device::cuda_if_available(), ..Settings::default() }
    }

    fn learn_weights(&self, examples: &[(PairFeatures, bool)], prior: &Weights) -> Result<Learned, EngineError> {
        Ok(crate::learn::learn_weights(examples, prior)?)
    }

    fn train_events(&self, data: &EventData<'_>) -> Result<TrainedEvents, EngineError> {
        let item_text = matrix(data.item_text, EMBEDDING_DIM);
        let profiles = matrix(data.profiles, EMBEDDING_DIM);
        let training = TrainingData { histories: data.histories, item_text: &item_text, profiles: &profiles };
        let model = crate::recommend::train(&training, &TrainConfig::default())?;
        Ok(TrainedEvents::Linear(model.linear()?))
    }

    fn kmeans(&self, points: &[&[f32]], k: usize, iterations: usize, seeds: &[u64]) -> Result<Clusters, EngineError> {
        let dim = points.first().map_or(0, |p| p.len());
        let tensor = matrix(points, dim);
        let mut best: Option<Clusters> = None;
        for &seed in seeds {
            let found = crate::recommend::kmeans(&tensor, k, iterations, seed)?;
            let centroids = Vec::<Vec<f32>>::try_from(&found.centroids).map_err(anyhow::Error::from)?;
            let clusters = Clusters::new(points, centroids, found.assignments);
            if best.as_ref().is_none_or(|b| clusters.inertia < b.inertia) {
                best = Some(clusters);
            }
        }
        best.ok_or_else(|| EngineError::Failed(anyhow::anyhow!("k-means needs at least one seed")))
    }
}
