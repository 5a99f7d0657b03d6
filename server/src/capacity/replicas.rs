//! From load to replicas: what one replica carries (measured by the load test, see
//! `docs/benchmarks.md`), the headroom, and the bounds.

use crate::config::Config;

/// What one replica carries and how many there may be.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Concurrent connections one server node holds.
    pub node_connections: f64,
    /// Messages one server node delivers to sockets per second.
    pub node_deliveries_per_second: f64,
    /// Check-ins one matcher worker answers per second (each an incremental update).
    pub matcher_checkins_per_second: f64,
    /// Seconds a worker takes for the full build of a 10,000-person event.
    pub matcher_full_build_secs: f64,
    /// Spare capacity planned on top of the load: 0.4 plans a replica at 71% of what it carries.
    pub headroom: f64,
    /// Fewest and most server nodes.
    pub node_replicas: (u32, u32),
    /// Fewest and most matcher workers.
    pub matcher_replicas: (u32, u32),
}

/// Matcher work is planned on its mean over this many minutes: jobs wait in the stream (and
/// coalesce per event), so a burst of check-ins within a few minutes costs seconds of delay, not
/// another worker.
pub const MATCHER_WINDOW_MINUTES: usize = 5;

/// Each minute's matcher work as the mean of it and the minutes after it, up to
/// [`MATCHER_WINDOW_MINUTES`] (fewer at the end of `work`): what the workers there at that minute
/// must get through.
pub fn matcher_window(work: &[f64]) -> Vec<f64> {
    (0..work.len())
        .map(|i| {
            let window = &work[i..(i + MATCHER_WINDOW_MINUTES).min(work.len())];
            window.iter().sum::<f64>() / window.len() as f64
        })
        .collect()
}

/// Replicas per role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Replicas {
    pub node: u32,
    pub matcher: u32,
}

impl Plan {
    /// The plan the configuration describes.
    pub fn from_config(config: &Config) -> Self {
        let bounds = |min: u32, max: u32| (min.max(1), max.max(min.max(1)));
        Self {
            node_connections: config.capacity_node_connections.max(1) as f64,
            node_deliveries_per_second: config.capacity_node_deliveries_per_second.max(1.0),
            matcher_checkins_per_second: config.capacity_matcher_checkins_per_second.max(0.001),
            matcher_full_build_secs: config.capacity_matcher_full_build_secs.max(0.0),
            headroom: config.capacity_headroom.max(0.0),
            node_replicas: bounds(config.capacity_node_min_replicas, config.capacity_node_max_replicas),
            matcher_replicas: bounds(config.capacity_matcher_min_replicas, config.capacity_matcher_max_replicas),
        }
    }

    /// Matcher work in a minute, in workers' worth: its check-ins over what a worker answers, and
    /// the seconds of full builds due in it.
    pub fn matcher_workers(&self, checkins_per_minute: f64, full_build_secs: f64) -> f64 {
        checkins_per_minute / 60.0 / self.matcher_checkins_per_second + full_build_secs / 60.0
    }

    /// Replicas for a load: server nodes for the connections or the deliveries, whichever needs
    /// more; matcher workers for their work.
    pub fn replicas(&self, connections: f64, deliveries_per_second: f64, matcher_workers: f64) -> Replicas {
        let node = self
            .needed(connections / self.node_connections, self.node_replicas)
            .max(self.needed(deliveries_per_second / self.node_deliveries_per_second, self.node_replicas));
        Replicas { node, matcher: self.needed(matcher_workers, self.matcher_replicas) }
    }

    /// `ceil(replicas' worth × (1 + headroom))` within `bounds`.
    fn needed(&self, worth: f64, (min, max): (u32, u32)) -> u32 {
        let wanted = (worth.max(0.0) * (1.0 + self.headroom)).ceil();
        // Float to integer casts saturate; the bounds do the rest.
        (wanted as u32).clamp(min, max)
    }
}

#[cfg(test)]
impl Plan {
    /// The defaults: the load test's capacities, 40% headroom and the autoscalers' bounds.
    pub(crate) fn measured() -> Self {
        Plan {
            node_connections: 16_000.0,
            node_deliveries_per_second: 128_000.0,
            matcher_checkins_per_second: 25.0,
            matcher_full_build_secs: 5.1,
            headroom: 0.4,
            node_replicas: (2, 10),
            matcher_replicas: (1, 4),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    fn plan() -> Plan {
        Plan::measured()
    }

    #[test]
    fn the_role_needing_more_decides_and_bounds_hold() {
        let p = plan();
        assert_eq!(p.replicas(0.0, 0.0, 0.0), Replicas { node: 2, matcher: 1 }, "the minimum");
        // 40,000 connections × 1.4 / 16,000 = 3.5 nodes; deliveries need fewer.
        assert_eq!(p.replicas(40_000.0, 100_000.0, 0.0).node, 4);
        // 500,000 deliveries/s × 1.4 / 128,000 = 5.5 nodes; connections need fewer.
        assert_eq!(p.replicas(10_000.0, 500_000.0, 0.0).node, 6);
        assert_eq!(p.replicas(1e9, 1e12, 1e9), Replicas { node: 10, matcher: 4 }, "the maximum");
        // 50 check-ins a second is two workers' worth, 2.8 with the headroom.
        assert_eq!(p.replicas(0.0, 0.0, p.matcher_workers(3000.0, 0.0)).matcher, 3);
        // A full build of 10,000 people in one minute: 5.1 s of a worker's 60.
        assert!((p.matcher_workers(0.0, 5.1) - 0.085).abs() < 1e-12);
    }

    #[test]
    fn matcher_work_is_the_mean_of_the_next_five_minutes() {
        let smoothed = matcher_window(&[5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 10.0]);
        assert_eq!(smoothed, [1.0, 0.0, 2.0, 2.5, 10.0 / 3.0, 5.0, 10.0]);
    }

    #[test]
    fn settings_come_from_the_configuration() {
        let config = Config::try_parse_from(["mingle"]).expect("defaults parse");
        let p = Plan::from_config(&config);
        assert_eq!(p, plan(), "the defaults are the load test's measurements");
        let config = Config::try_parse_from([
            "mingle",
            "--capacity-node-min-replicas",
            "5",
            "--capacity-node-max-replicas",
            "3",
            "--capacity-headroom=-1",
        ])
        .expect("parse");
        let p = Plan::from_config(&config);
        assert_eq!(p.node_replicas, (5, 5), "a maximum below the minimum is raised to it");
        assert_eq!(p.headroom, 0.0);
    }
}
