//! The node's forecaster: a background loop that forecasts when the node starts and every
//! interval after, publishes the result as Prometheus gauges and keeps it for `GET /ops/capacity`,
//! so no request ever waits for the queries.
//!
//! History changes slowly and its queries scan 90 days, so it is read again only every
//! [`HISTORY_EVERY`]; the calendar and the people online are read for every forecast. Every node
//! computes the same forecast from the shared database: any one of them answers, and the
//! metrics adapter takes the largest of their values.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use protocol::ops::{CapacityDriver, CapacityForecast, CapacityHistory, CapacityHorizon, CapacityPlan, ReplicaCounts};

use super::history::History;
use super::inputs;
use super::model::{forecast, Forecast, Place};
use super::replicas::Plan;
use crate::config::Config;
use crate::render::utc;
use crate::shutdown::Shutdown;
use crate::store::{now_ms, Store, StoreResult};

/// How often history is read again.
pub const HISTORY_EVERY: Duration = Duration::from_secs(15 * 60);

/// The latest forecast and how to make the next one.
#[derive(Debug)]
pub struct Forecaster {
    plan: Plan,
    interval: Duration,
    /// How far back a used session counts as the app being open.
    active_window_ms: i64,
    latest: RwLock<Option<Arc<CapacityForecast>>>,
}

impl Forecaster {
    pub fn new(config: &Config) -> Arc<Self> {
        Arc::new(Self {
            plan: Plan::from_config(config),
            interval: Duration::from_secs(config.capacity_interval_secs.max(1)),
            active_window_ms: 2 * 1000 * i64::try_from(config.access_token_ttl_secs.max(1)).unwrap_or(i64::MAX / 4000),
            latest: RwLock::new(None),
        })
    }

    /// The latest forecast; `None` until the first is made.
    pub fn latest(&self) -> Option<Arc<CapacityForecast>> {
        self.latest.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Forecasts now and every interval after, until the workers' token is cancelled. A failed
    /// forecast is logged and the previous one kept: its `generated_at` says how old it is.
    pub fn keep_forecasting(self: &Arc<Self>, store: Store, shutdown: &Shutdown) {
        let forecaster = Arc::downgrade(self);
        let stop = shutdown.workers_token();
        let interval = self.interval;
        shutdown.spawn(async move {
            let mut tick = tokio::time::interval(interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut history: Option<(tokio::time::Instant, History)> = None;
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    () = stop.cancelled() => return,
                }
                let Some(forecaster) = forecaster.upgrade() else { return };
                if history.as_ref().is_none_or(|(read, _)| read.elapsed() >= HISTORY_EVERY) {
                    match inputs::history(&store, now_ms()).await {
                        Ok(learned) => history = Some((tokio::time::Instant::now(), learned)),
                        Err(e) => tracing::warn!(error = %e, "reading the capacity forecast's history failed"),
                    }
                }
                let Some((_, learned)) = &history else { continue };
                match forecaster.forecast(&store, learned).await {
                    Ok(answer) => forecaster.publish(answer),
                    Err(e) => tracing::warn!(error = %e, "forecasting capacity failed"),
                }
            }
        });
    }

    /// One forecast from the calendar as it is now.
    async fn forecast(&self, store: &Store, history: &History) -> StoreResult<CapacityForecast> {
        let now = now_ms();
        let calendar = inputs::calendar(store, now).await?;
        let active = inputs::active_accounts(store, now, self.active_window_ms).await?;
        Ok(wire(&forecast(now, &calendar, history, active, &self.plan), history, &self.plan))
    }

    fn publish(&self, answer: CapacityForecast) {
        for h in &answer.horizons {
            let horizon = format!("{}m", h.minutes);
            let gauge = |name: &'static str, value: f64| {
                metrics::gauge!(name, "horizon" => horizon.clone()).set(value);
            };
            gauge("mingle_capacity_forecast_connections", h.connections as f64);
            gauge("mingle_capacity_forecast_messages_per_second", h.messages_per_second);
            gauge("mingle_capacity_forecast_deliveries_per_second", h.deliveries_per_second);
            gauge("mingle_capacity_forecast_checkins_per_minute", h.checkins_per_minute);
            for (role, replicas) in [("node", h.replicas.node), ("matcher", h.replicas.matcher)] {
                metrics::gauge!("mingle_capacity_recommended_replicas", "role" => role, "horizon" => horizon.clone())
                    .set(f64::from(replicas));
            }
        }
        metrics::gauge!("mingle_capacity_forecast_timestamp_seconds")
            .set(answer.generated_at.timestamp_millis() as f64 / 1000.0);
        *self.latest.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(answer));
    }
}

/// The forecast as `GET /ops/capacity` answers it.
pub fn wire(forecast: &Forecast, history: &History, plan: &Plan) -> CapacityForecast {
    let count = |x: f64| x.max(0.0).round() as u64;
    CapacityForecast {
        generated_at: utc(forecast.generated_at),
        horizons: forecast
            .horizons
            .iter()
            .map(|h| CapacityHorizon {
                minutes: h.minutes,
                peak_at: utc(h.peak_at),
                connections: count(h.peak.connections),
                messages_per_second: h.peak.messages_per_second,
                deliveries_per_second: h.peak.deliveries_per_second,
                checkins_per_minute: h.peak.checkins_per_minute,
                matcher_workers: h.peak.matcher_workers,
                replicas: ReplicaCounts { node: h.replicas.node, matcher: h.replicas.matcher },
            })
            .collect(),
        baseline_connections: count(forecast.baseline_connections),
        drivers: forecast
            .drivers
            .iter()
            .map(|d| CapacityDriver {
                event_id: d.event.id,
                title: d.event.title.clone(),
                starts_at: utc(d.event.starts_at),
                ends_at: utc(d.event.ends_at),
                kind: d.event.segment.kind,
                hour_band: d.event.segment.band,
                online: d.event.segment.place == Place::Online,
                going: u64::from(d.event.going),
                interested: u64::from(d.event.interested),
                checked_in: u64::from(d.event.checked_in),
                show_up_rate: d.show_up_rate,
                expected_attendees: d.attendees,
                peak_present: d.peak_present,
                messages: u64::from(d.event.messages),
                messages_per_attendee_minute: d.chat_rate,
            })
            .collect(),
        history: CapacityHistory {
            events: history.events,
            checkins: history.checkins,
            show_up_rate: history.raw_show_up,
            messages_per_attendee_minute: history.messages_per_attendee_minute,
        },
        plan: CapacityPlan {
            node_connections: plan.node_connections as u64,
            node_deliveries_per_second: plan.node_deliveries_per_second,
            matcher_checkins_per_second: plan.matcher_checkins_per_second,
            matcher_full_build_secs: plan.matcher_full_build_secs,
            headroom: plan.headroom,
        },
    }
}
