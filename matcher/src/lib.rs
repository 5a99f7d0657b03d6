//! The matcher: text embeddings of profiles and events, on libtorch, on the GPU when there is one
//! and on the CPU otherwise.
//!
//! This crate knows tensors and text, never the database or the network: the server hands it
//! profiles and gets numbers back.

pub mod embed;
pub mod score;

pub use embed::{Embedder, EMBEDDING_DIM};
pub use score::{candidates, pick_lists, Attendee, Pick};
