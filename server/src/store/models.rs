//! The model registry: versions put in front of people, and the decisions that ended their canary
//! experiments. Also the per-arm sums an experiment is decided on, from the hourly rollup.

use sqlx::FromRow;

use super::{with_pool, Store, StoreResult};

#[derive(Debug, Clone, FromRow)]
pub struct ModelRow {
    pub kind: String,
    pub version: String,
    pub trained_at: i64,
    pub interactions: i64,
    pub first_served: i64,
    pub status: String,
    /// Offline metrics as a JSON object of named numbers (`{}` where none apply).
    pub offline: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct DecisionRow {
    pub experiment: String,
    pub kind: String,
    pub control: Option<String>,
    pub canary: String,
    pub verdict: String,
    pub forced: bool,
    pub numbers: String,
    pub reason: String,
    pub decided_at: i64,
}

/// Sums of one list's rollup for one version and arm.
#[derive(Debug, Clone, Default, FromRow)]
pub struct ArmSums {
    pub model_version: String,
    pub variant: String,
    pub impressions: i64,
    pub opens: i64,
    pub rsvps: i64,
    /// Accepted meetings credited to the list.
    pub accepted: i64,
}

impl Store {
    /// Registers a version served from `at` with `status`, or updates its status.
    pub async fn model_served(&self, row: &ModelRow) -> StoreResult<()> {
        self.insert_model(row, "ON CONFLICT (kind, version, trained_at) DO UPDATE SET status = excluded.status")
            .await?;
        Ok(())
    }

    /// Inserts `row`, with `on_conflict` saying what a registered one becomes; answers the rows
    /// written.
    async fn insert_model(&self, row: &ModelRow, on_conflict: &str) -> StoreResult<u64> {
        let sql = format!(
            "INSERT INTO model_versions (kind, version, trained_at, interactions, first_served, status, offline)
             VALUES ($1, $2, $3, $4, $5, $6, $7) {on_conflict}"
        );
        Ok(with_pool!(self, pool, _d => {
            sqlx::query(&sql)
                .bind(&row.kind)
                .bind(&row.version)
                .bind(row.trained_at)
                .bind(row.interactions)
                .bind(row.first_served)
                .bind(&row.status)
                .bind(&row.offline)
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }

    /// Sets the status of a registered version.
    pub async fn model_status(&self, kind: &str, version: &str, trained_at: i64, status: &str) -> StoreResult<()> {
        with_pool!(self, pool, _d => {
            sqlx::query("UPDATE model_versions SET status = $4 WHERE kind = $1 AND version = $2 AND trained_at = $3")
                .bind(kind)
                .bind(version)
                .bind(trained_at)
                .bind(status)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The newest registered versions of `kind`, newest first.
    pub async fn models(&self, kind: &str, limit: i64) -> StoreResult<Vec<ModelRow>> {
        with_pool!(self, pool, _d => {
            Ok(sqlx::query_as(
                "SELECT kind, version, trained_at, interactions, first_served, status, offline FROM model_versions
                 WHERE kind = $1 ORDER BY first_served DESC LIMIT $2",
            )
            .bind(kind)
            .bind(limit)
            .fetch_all(pool)
            .await?)
        })
    }

    /// The versions of `kind` in service or on trial, newest first.
    pub async fn models_in_force(&self, kind: &str) -> StoreResult<Vec<ModelRow>> {
        with_pool!(self, pool, _d => {
            Ok(sqlx::query_as(
                "SELECT kind, version, trained_at, interactions, first_served, status, offline FROM model_versions
                 WHERE kind = $1 AND status IN ('current', 'canary') ORDER BY first_served DESC",
            )
            .bind(kind)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Registers a matcher weight set with `status` unless it was ever registered, or unless it
    /// would be a second one on trial; answers whether it was registered.
    pub async fn register_weights(&self, row: &ModelRow) -> StoreResult<bool> {
        Ok(self.insert_model(row, "ON CONFLICT DO NOTHING").await? == 1)
    }

    /// Puts registered version `version` of `kind` in service: every other current one of that
    /// kind is retired, in one transaction. With `from_status`, only a version with that status
    /// moves (ending a trial twice changes nothing).
    pub async fn make_current(&self, kind: &str, version: &str, from_status: Option<&str>) -> StoreResult<()> {
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let moved = sqlx::query(
                "UPDATE model_versions SET status = 'current'
                 WHERE kind = $1 AND version = $2 AND ($3 IS NULL OR status = $3)",
            )
            .bind(kind)
            .bind(version)
            .bind(from_status)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved > 0 {
                sqlx::query(
                    "UPDATE model_versions SET status = 'retired' WHERE kind = $1 AND version <> $2 AND status = 'current'",
                )
                .bind(kind)
                .bind(version)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records the decision that ends an experiment, unless one is recorded already; answers the
    /// decision that stands (this one, or the earlier one).
    pub async fn decide_experiment(&self, row: &DecisionRow) -> StoreResult<DecisionRow> {
        with_pool!(self, pool, _d => {
            sqlx::query(
                "INSERT INTO model_decisions (experiment, kind, control, canary, verdict, forced, numbers, reason, decided_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (experiment) DO NOTHING",
            )
            .bind(&row.experiment)
            .bind(&row.kind)
            .bind(&row.control)
            .bind(&row.canary)
            .bind(&row.verdict)
            .bind(row.forced)
            .bind(&row.numbers)
            .bind(&row.reason)
            .bind(row.decided_at)
            .execute(pool)
            .await?;
        });
        Ok(self.experiment_decision(&row.experiment).await?.unwrap_or_else(|| row.clone()))
    }

    pub async fn experiment_decision(&self, experiment: &str) -> StoreResult<Option<DecisionRow>> {
        with_pool!(self, pool, _d => {
            Ok(sqlx::query_as(
                "SELECT experiment, kind, control, canary, verdict, forced, numbers, reason, decided_at
                 FROM model_decisions WHERE experiment = $1",
            )
            .bind(experiment)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// The newest decisions, newest first.
    pub async fn experiment_decisions(&self, limit: i64) -> StoreResult<Vec<DecisionRow>> {
        with_pool!(self, pool, _d => {
            Ok(sqlx::query_as(
                "SELECT experiment, kind, control, canary, verdict, forced, numbers, reason, decided_at
                 FROM model_decisions ORDER BY decided_at DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Impressions, opens, and the RSVPs and accepted meetings credited to `list` since `from`
    /// (Unix ms, rounded up to a whole hour), per model version and arm, for the lists served in
    /// an experiment.
    pub async fn experiment_arms(&self, list: &str, from: i64) -> StoreResult<Vec<ArmSums>> {
        // From the first whole hour of the experiment: the hour it started in may hold an earlier
        // experiment's impressions of the same control version.
        let hour = (from + 3_599_999).div_euclid(3_600_000) * 3_600_000;
        with_pool!(self, pool, _d => {
            Ok(sqlx::query_as(
                "SELECT model_version, variant,
                        CAST(SUM(CASE WHEN kind = 'impression' AND list = $1 THEN amount ELSE 0 END) AS BIGINT) AS impressions,
                        CAST(SUM(CASE WHEN kind = 'open' AND list = $1 THEN amount ELSE 0 END) AS BIGINT) AS opens,
                        CAST(SUM(CASE WHEN kind = 'rsvp' AND source = $1 THEN amount ELSE 0 END) AS BIGINT) AS rsvps,
                        CAST(SUM(CASE WHEN kind = 'meeting_accepted' AND source = $1 THEN amount ELSE 0 END) AS BIGINT) AS accepted
                 FROM analytics_hourly
                 WHERE hour >= $2 AND variant <> '' AND kind IN ('impression', 'open', 'rsvp', 'meeting_accepted')
                 GROUP BY model_version, variant",
            )
            .bind(list)
            .bind(hour)
            .fetch_all(pool)
            .await?)
        })
    }
}
