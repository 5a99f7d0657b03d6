//! The matcher: text embeddings of profiles and events, reciprocal scoring of the people at an
//! event and their "people to meet" lists, the event recommender and k-means, on libtorch (on the
//! GPU when there is one and on the CPU otherwise) or, without the `torch` feature, in plain Rust.
//!
//! This crate knows vectors and text, never the database or the network. The server talks to it
//! through one trait, [`Engine`] (`engine.rs`), with plain-Rust arguments and answers; the
//! engines behind it are [`TorchEngine`] (`torch.rs`, the default `torch` feature) and
//! [`LightEngine`] (`light.rs`, hashed bags of words, for tests and machines without libtorch).
//! [`Cached`] (`cache.rs`) wraps either with the process's one bounded embedding cache.

pub mod cache;
#[cfg(feature = "torch")]
pub mod embed;
pub mod engine;
pub mod learn;
pub mod light;
pub mod pool;
#[cfg(feature = "torch")]
pub mod recommend;
pub mod score;
#[cfg(feature = "torch")]
mod torch;
pub mod trained;

pub use cache::{Cached, DEFAULT_CACHE_BYTES};
#[cfg(feature = "torch")]
pub use embed::Embedder;
pub use engine::{dot, Clusters, Engine, EngineError, EventData, EventScorer, Vector, EMBEDDING_DIM};
#[cfg(feature = "torch")]
pub use learn::learn_weights;
pub use learn::{features, Learned, PairFeatures};
pub use light::LightEngine;
#[cfg(feature = "torch")]
pub use pool::candidates;
pub use pool::{Pool, Settings};
pub use score::{pick_lists, Attendee, Pick, Weights};
#[cfg(feature = "torch")]
pub use torch::{libtorch_threads, TorchEngine};
pub use trained::{Linear, TrainedEvents};
