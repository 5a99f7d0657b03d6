//! Capacity ahead of the crowd: from the event calendar and the history of past events, the
//! connections, messages and matcher work of the next 15 and 60 minutes, and the server nodes
//! and matcher workers that takes, so that autoscaling adds them before the doors open rather
//! than after CPU rises (`docs/deploy.md`, "Scaling ahead of the crowd").
//!
//! - `model.rs`: the forecast as pure functions (presence curves, peaks per horizon, drivers).
//! - `history.rs`: what past events teach (show-up by segment with shrinkage, arrival curves,
//!   chat per attendee-minute).
//! - `replicas.rs`: per-replica capacities, headroom and bounds, from the configuration.
//! - `inputs.rs`: the store queries behind the model's inputs.
//! - `forecaster.rs`: the background loop, the cached answer of `GET /ops/capacity` and the
//!   `mingle_capacity_*` gauges.
//! - `backtest/`: `mingle capacity-backtest`, the forecast against "the same as the last hour" on
//!   simulated days and on the demo world (`docs/capacity.md`).

pub mod backtest;
mod forecaster;
pub mod history;
mod inputs;
pub mod model;
pub mod replicas;

pub use forecaster::Forecaster;
