//! A predictive cache for Mingle's read models, and the benchmark that measures it.
//!
//! The crate holds the in-process cache tier a node runs ([`density`]), the policies it is measured
//! against ([`tier`]), the predictor that learns from the request log who will need what next
//! ([`predict`]) and the prefetcher that acts on it ([`prefetch`]), and a seeded trace of a
//! realistic day ([`trace`]) that [`replay`] runs against each policy at equal memory. [`key`] is what is cached, [`log`] what the server records, [`catalog`] what the server
//! knows that the predictor may read.

#![forbid(unsafe_code)]

pub mod catalog;
pub mod density;
pub mod key;
pub mod log;
pub mod predict;
pub mod prefetch;
pub mod replay;
pub mod tier;
pub mod trace;

pub use catalog::{Catalog, NodeCatalog, ScheduledEvent};
pub use density::Density;
pub use key::{EventId, Key, KeyKind, Payload, PersonId, QueryId, Versioned};
pub use log::{Change, Item, Op};
pub use predict::{HotSet, Prediction, Predictor, PredictorConfig};
pub use prefetch::{PrefetchConfig, Prefetcher};
pub use replay::{replay, PolicyKind, ReplaySettings, Report, Steps};
pub use tier::{CachePolicy, Clock, Lru, NoCache, Stats, Tier};
pub use trace::{Trace, TraceConfig};
