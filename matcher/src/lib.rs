//! The matcher: text embeddings of profiles and events, reciprocal scoring of the people at an
//! event and their "people to meet" lists, on libtorch, on the GPU when there is one and on the
//! CPU otherwise.
//!
//! This crate knows tensors and text, never the database or the network: the server hands it
//! profiles and gets numbers back.

pub mod embed;
pub mod learn;
pub mod pool;
pub mod recommend;
pub mod score;

pub use embed::{Embedder, EMBEDDING_DIM};
pub use learn::{features, learn_weights, Learned, PairFeatures};
pub use pool::{candidates, Pool, Settings};
pub use score::{pick_lists, Attendee, Pick, Weights};
