//! Usage analytics at rest: raw events written in batches, the rollups kept up to date in the same
//! transaction, and the reads of both dashboards (which touch rollups only).
//!
//! People appear under pseudonymous keys computed by the server (`crate::analytics::keys`); the
//! store never sees who they are.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use uuid::Uuid;

use super::{with_pool, Store, StoreResult};

/// How long after an `open` an RSVP is still credited to the list it was opened from, and after
/// a suggestion a meeting request to its list.
pub const ATTRIBUTION_WINDOW_MS: i64 = 7 * 86_400_000;
/// Positions at or beyond this are counted together in the hourly rollup.
pub const POSITION_CAP: i32 = 20;
const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 86_400_000;
/// Rows per multi-row INSERT (SQLite allows 32,766 parameters).
const CHUNK: usize = 500;

/// One stored event: the pipeline's unit, queued (and streamed through Redis) as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, FromRow)]
pub struct AnalyticsRow {
    pub at: i64,
    pub kind: String,
    pub actor: Option<String>,
    pub event_id: Option<Uuid>,
    pub item: Option<String>,
    pub other: Option<String>,
    pub list: Option<String>,
    pub position: Option<i32>,
    pub model_version: Option<String>,
    pub variant: Option<String>,
    pub request_id: Option<Uuid>,
    pub page: Option<String>,
    pub source: Option<String>,
    pub amount: i64,
}

/// A row of the hourly rollup: hour, kind, event, list, position, model version, variant, source.
type HourKey<'a> = (i64, &'a str, String, &'a str, i32, &'a str, &'a str, &'a str);

/// A funnel step reached: (stage, Unix ms, source for RSVPs).
#[derive(Debug, Clone, FromRow)]
pub struct StageRow {
    pub stage: String,
    pub at: i64,
    pub source: Option<String>,
}

/// A sum from the hourly rollup, grouped as the caller asked.
#[derive(Debug, Clone, FromRow)]
pub struct HourlySum {
    pub kind: String,
    pub list: String,
    pub position: i32,
    pub model_version: String,
    pub source: String,
    pub day: i64,
    pub amount: i64,
}

/// Distinct active people on `day` and in the 7 and 30 days ending with it.
#[derive(Debug, Clone, FromRow)]
pub struct ActiveRow {
    pub day: i64,
    pub daily: i64,
    pub weekly: i64,
    pub monthly: i64,
}

/// People of the sign-up week `week` (Monday-based week number) active `weeks_later` weeks later.
#[derive(Debug, Clone, FromRow)]
pub struct CohortRow {
    pub week: i64,
    pub weeks_later: i64,
    pub people: i64,
}

/// The funnel step an event kind reaches, if any.
fn stage_of(row: &AnalyticsRow) -> Option<&'static str> {
    Some(match row.kind.as_str() {
        "page_view" if row.page.as_deref() == Some("event") => "viewed",
        "rsvp" => "rsvped",
        "check_in" => "checked_in",
        "chat_activity" => "chatted",
        "meeting_requested" => "meeting_requested",
        "meeting_accepted" => "meeting_accepted",
        "met" => "met",
        _ => return None,
    })
}

/// Monday-based week number of a day number (1970-01-01, day 0, was a Thursday).
pub fn week_of(day: i64) -> i64 {
    (day + 3).div_euclid(7)
}

impl Store {
    /// Writes a batch: credits each RSVP, open and meeting to what led to it (looking at earlier
    /// rows of the batch and at stored ones), stores the rows and folds them into the rollups,
    /// all in one transaction. Answers the rows as stored.
    pub async fn analytics_write(&self, mut rows: Vec<AnalyticsRow>) -> StoreResult<Vec<AnalyticsRow>> {
        if rows.is_empty() {
            return Ok(rows);
        }
        rows.sort_by_key(|r| r.at);
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            for i in 0..rows.len() {
                let (earlier, rest) = rows.split_at_mut(i);
                let row = &mut rest[0];
                match row.kind.as_str() {
                    // An open quotes its list's request: take the version and arm from the
                    // impression.
                    "open" => {
                        let Some(request) = row.request_id else { continue };
                        let found = earlier.iter().rev().find(|e| {
                            e.kind == "impression" && e.request_id == Some(request) && e.item == row.item && e.actor == row.actor
                        });
                        let found = match found {
                            Some(e) => Some((e.model_version.clone(), e.variant.clone())),
                            None => sqlx::query_as::<_, (Option<String>, Option<String>)>(
                                "SELECT model_version, variant FROM analytics_events
                                 WHERE actor = $1 AND item = $2 AND kind = 'impression' AND request_id = $3 LIMIT 1",
                            )
                            .bind(&row.actor)
                            .bind(&row.item)
                            .bind(request)
                            .fetch_optional(&mut *tx)
                            .await?,
                        };
                        if let Some((version, variant)) = found {
                            row.model_version = version;
                            row.variant = variant;
                        }
                    }
                    // An RSVP came from the list the event was last opened from.
                    "rsvp" => {
                        let item = row.event_id.map(|e| e.to_string());
                        let from = row.at - ATTRIBUTION_WINDOW_MS;
                        let found = earlier.iter().rev().find(|e| {
                            e.kind == "open" && e.actor == row.actor && e.item == item && e.at >= from
                        });
                        let found = match found {
                            Some(e) => Some((e.list.clone(), e.model_version.clone(), e.variant.clone())),
                            None => sqlx::query_as::<_, (Option<String>, Option<String>, Option<String>)>(
                                "SELECT list, model_version, variant FROM analytics_events
                                 WHERE actor = $1 AND item = $2 AND kind = 'open' AND at >= $3 AND at <= $4
                                 ORDER BY at DESC LIMIT 1",
                            )
                            .bind(&row.actor)
                            .bind(&item)
                            .bind(from)
                            .bind(row.at)
                            .fetch_optional(&mut *tx)
                            .await?,
                        };
                        let (list, version, variant) = found.unwrap_or_default();
                        row.source = Some(list.unwrap_or_else(|| "link".to_owned()));
                        row.model_version = version;
                        row.variant = variant;
                    }
                    // A meeting asked of someone suggested: credited to the weights that
                    // suggested them.
                    "meeting_requested" => {
                        let from = row.at - ATTRIBUTION_WINDOW_MS;
                        let found = earlier.iter().rev().find(|e| {
                            e.kind == "impression"
                                && e.list.as_deref() == Some("suggestions")
                                && e.actor == row.actor
                                && e.item == row.other
                                && e.event_id == row.event_id
                                && e.at >= from
                        });
                        let found = match found {
                            Some(e) => Some((e.model_version.clone(), e.variant.clone())),
                            None => sqlx::query_as::<_, (Option<String>, Option<String>)>(
                                "SELECT model_version, variant FROM analytics_events
                                 WHERE actor = $1 AND item = $2 AND kind = 'impression' AND list = 'suggestions'
                                   AND at >= $3 AND at <= $4
                                 ORDER BY at DESC LIMIT 1",
                            )
                            .bind(&row.actor)
                            .bind(&row.other)
                            .bind(from)
                            .bind(row.at)
                            .fetch_optional(&mut *tx)
                            .await?,
                        };
                        if let Some((version, variant)) = found {
                            row.source = Some("suggestions".to_owned());
                            row.model_version = version;
                            row.variant = variant;
                        }
                    }
                    // An answer to a meeting request inherits the request's credit.
                    "meeting_accepted" | "meeting_declined" => {
                        let found = earlier.iter().rev().find(|e| e.kind == "meeting_requested" && e.item == row.item);
                        let found = match found {
                            Some(e) => Some((e.source.clone(), e.model_version.clone(), e.variant.clone())),
                            None => sqlx::query_as::<_, (Option<String>, Option<String>, Option<String>)>(
                                "SELECT source, model_version, variant FROM analytics_events
                                 WHERE item = $1 AND kind = 'meeting_requested' LIMIT 1",
                            )
                            .bind(&row.item)
                            .fetch_optional(&mut *tx)
                            .await?,
                        };
                        if let Some((source, version, variant)) = found {
                            row.source = source;
                            row.model_version = version;
                            row.variant = variant;
                        }
                    }
                    _ => {}
                }
            }

            for chunk in rows.chunks(CHUNK) {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO analytics_events (at, kind, actor, event_id, item, other, list, position, \
                     model_version, variant, request_id, page, source, amount) ",
                );
                q.push_values(chunk, |mut b, r| {
                    b.push_bind(r.at)
                        .push_bind(&r.kind)
                        .push_bind(&r.actor)
                        .push_bind(r.event_id)
                        .push_bind(&r.item)
                        .push_bind(&r.other)
                        .push_bind(&r.list)
                        .push_bind(r.position)
                        .push_bind(&r.model_version)
                        .push_bind(&r.variant)
                        .push_bind(r.request_id)
                        .push_bind(&r.page)
                        .push_bind(&r.source)
                        .push_bind(r.amount);
                });
                q.build().execute(&mut *tx).await?;
            }

            // Hourly sums, one upsert per distinct key of the batch.
            let mut hourly: HashMap<HourKey<'_>, i64> = HashMap::new();
            for r in &rows {
                let key = (
                    r.at.div_euclid(HOUR_MS) * HOUR_MS,
                    r.kind.as_str(),
                    r.event_id.map(|e| e.to_string()).unwrap_or_default(),
                    r.list.as_deref().unwrap_or(""),
                    r.position.map_or(-1, |p| p.clamp(0, POSITION_CAP)),
                    r.model_version.as_deref().unwrap_or(""),
                    r.variant.as_deref().unwrap_or(""),
                    r.source.as_deref().unwrap_or(""),
                );
                *hourly.entry(key).or_default() += r.amount;
            }
            let hourly: Vec<_> = hourly.into_iter().collect();
            for chunk in hourly.chunks(CHUNK) {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO analytics_hourly (hour, kind, event_id, list, position, model_version, variant, source, amount) ",
                );
                q.push_values(chunk, |mut b, ((hour, kind, event, list, position, version, variant, source), amount)| {
                    b.push_bind(*hour)
                        .push_bind(*kind)
                        .push_bind(event)
                        .push_bind(*list)
                        .push_bind(*position)
                        .push_bind(*version)
                        .push_bind(*variant)
                        .push_bind(*source)
                        .push_bind(*amount);
                });
                q.push(
                    " ON CONFLICT (hour, kind, event_id, list, position, model_version, variant, source) \
                     DO UPDATE SET amount = analytics_hourly.amount + excluded.amount",
                );
                q.build().execute(&mut *tx).await?;
            }

            // The first time each person reached each step of an event's funnel. A meeting
            // accepted is a step for both people.
            let mut stages: Vec<(Uuid, &str, &str, i64, Option<&str>)> = Vec::new();
            let mut seen = HashSet::new();
            for r in &rows {
                let (Some(stage), Some(event)) = (stage_of(r), r.event_id) else { continue };
                let people = [r.actor.as_deref(), (stage == "meeting_accepted").then_some(r.other.as_deref()).flatten()];
                for actor in people.into_iter().flatten() {
                    if seen.insert((event, stage, actor)) {
                        stages.push((event, stage, actor, r.at, r.source.as_deref()));
                    }
                }
            }
            for chunk in stages.chunks(CHUNK) {
                let mut q = sqlx::QueryBuilder::new("INSERT INTO analytics_stages (event_id, stage, actor, at, source) ");
                q.push_values(chunk, |mut b, (event, stage, actor, at, source)| {
                    b.push_bind(*event).push_bind(*stage).push_bind(*actor).push_bind(*at).push_bind(*source);
                });
                q.push(" ON CONFLICT (event_id, stage, actor) DO NOTHING");
                q.build().execute(&mut *tx).await?;
            }

            // Signing up is not yet using Mingle: a sign-up never finished stays out of its cohort.
            let days: HashSet<(i64, &str)> = rows
                .iter()
                .filter(|r| r.kind != "signed_up")
                .filter_map(|r| Some((r.at.div_euclid(DAY_MS), r.actor.as_deref()?)))
                .collect();
            let days: Vec<_> = days.into_iter().collect();
            for chunk in days.chunks(CHUNK) {
                let mut q = sqlx::QueryBuilder::new("INSERT INTO analytics_active_days (day, actor) ");
                q.push_values(chunk, |mut b, (day, actor)| {
                    b.push_bind(*day).push_bind(*actor);
                });
                q.push(" ON CONFLICT (day, actor) DO NOTHING");
                q.build().execute(&mut *tx).await?;
            }

            for r in rows.iter().filter(|r| r.kind == "signed_up") {
                let Some(actor) = &r.actor else { continue };
                sqlx::query(
                    "INSERT INTO analytics_people (actor, signed_up_day) VALUES ($1, $2) ON CONFLICT (actor) DO NOTHING",
                )
                .bind(actor)
                .bind(r.at.div_euclid(DAY_MS))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(rows)
    }

    /// Makes sure the monthly partitions of the raw events that `[from, to]` (Unix ms) falls in
    /// exist (PostgreSQL; SQLite has one table). Answers the months created.
    pub async fn analytics_partitions(&self, from: i64, to: i64) -> StoreResult<Vec<String>> {
        let super::Db::Postgres(pool) = &self.db else { return Ok(Vec::new()) };
        let mut created = Vec::new();
        for (name, start, end) in months(from, to) {
            let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_class WHERE relname = $1")
                .bind(&name)
                .fetch_optional(pool)
                .await?;
            if exists.is_some() {
                continue;
            }
            let sql = format!(
                "CREATE TABLE IF NOT EXISTS {name} PARTITION OF analytics_events FOR VALUES FROM ({start}) TO ({end})"
            );
            match sqlx::query(&sql).execute(pool).await {
                Ok(_) => created.push(name),
                // Another node made it at the same moment.
                Err(sqlx::Error::Database(e)) if matches!(e.code().as_deref(), Some("42P07" | "23505")) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(created)
    }

    /// Deletes raw events older than `cutoff` (Unix ms): whole monthly partitions where they lie
    /// entirely before it (PostgreSQL), rows otherwise. Rollups are kept. Answers the rows or
    /// partitions removed.
    pub async fn analytics_sweep(&self, cutoff: i64) -> StoreResult<u64> {
        let mut removed = 0;
        if let super::Db::Postgres(pool) = &self.db {
            let parts: Vec<String> = sqlx::query_scalar(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 JOIN pg_class p ON p.oid = i.inhparent
                 WHERE p.relname = 'analytics_events' AND c.relname LIKE 'analytics_events_m%'",
            )
            .fetch_all(pool)
            .await?;
            for name in parts {
                let Some(end) = month_end_of(&name) else { continue };
                if end <= cutoff {
                    sqlx::query(&format!("DROP TABLE IF EXISTS {name}")).execute(pool).await?;
                    removed += 1;
                }
            }
        }
        with_pool!(self, pool, _d => {
            removed += sqlx::query("DELETE FROM analytics_events WHERE at < $1").bind(cutoff).execute(pool).await?.rows_affected();
        });
        Ok(removed)
    }

    /// Forgets a person: their raw events (as actor or as the other person) and their rows in the
    /// per-person rollups. Counts in the hourly rollup stay: they name nobody.
    pub async fn analytics_forget(&self, key: &str) -> StoreResult<()> {
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            for sql in [
                "DELETE FROM analytics_events WHERE actor = $1 OR other = $1 OR item = $1",
                "DELETE FROM analytics_stages WHERE actor = $1",
                "DELETE FROM analytics_active_days WHERE actor = $1",
                "DELETE FROM analytics_people WHERE actor = $1",
            ] {
                sqlx::query(sql).bind(key).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Rows of the raw events a person left (tests and the account export's completeness check).
    pub async fn analytics_rows_of(&self, key: &str) -> StoreResult<i64> {
        with_pool!(self, pool, _d => {
            Ok(sqlx::query_scalar(
                "SELECT COUNT(*) FROM analytics_events WHERE actor = $1 OR other = $1 OR item = $1",
            )
            .bind(key)
            .fetch_one(pool)
            .await?)
        })
    }

    /// Raw events of a kind (tests).
    pub async fn analytics_count(&self, kind: &str) -> StoreResult<i64> {
        with_pool!(self, pool, _d => {
            Ok(sqlx::query_scalar("SELECT COUNT(*) FROM analytics_events WHERE kind = $1").bind(kind).fetch_one(pool).await?)
        })
    }

    /// Every funnel step reached at an event, by anyone.
    pub async fn analytics_stages(&self, event: Uuid) -> StoreResult<Vec<StageRow>> {
        with_pool!(self, pool, _d => {
            Ok(sqlx::query_as("SELECT stage, at, source FROM analytics_stages WHERE event_id = $1 ORDER BY at")
                .bind(event)
                .fetch_all(pool)
                .await?)
        })
    }

    /// Checked-in people of an event with at least one accepted meeting there.
    pub async fn analytics_networked(&self, event: Uuid) -> StoreResult<i64> {
        with_pool!(self, pool, _d => {
            Ok(sqlx::query_scalar(
                "SELECT COUNT(*) FROM analytics_stages c WHERE c.event_id = $1 AND c.stage = 'checked_in'
                 AND EXISTS (SELECT 1 FROM analytics_stages m
                             WHERE m.event_id = c.event_id AND m.actor = c.actor AND m.stage = 'meeting_accepted')",
            )
            .bind(event)
            .fetch_one(pool)
            .await?)
        })
    }

    /// Daily sums of the hourly rollup from `from` (Unix ms) for the given kinds, grouped by kind,
    /// list, position, model version and source.
    pub async fn analytics_daily(&self, from: i64, kinds: &[&str]) -> StoreResult<Vec<HourlySum>> {
        let kinds: Vec<String> = kinds.iter().map(|k| (*k).to_owned()).collect();
        let list = kinds.iter().map(|k| format!("'{}'", k.replace('\'', ""))).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT kind, list, position, model_version, source, hour / {DAY_MS} AS day, CAST(SUM(amount) AS BIGINT) AS amount
             FROM analytics_hourly WHERE hour >= $1 AND kind IN ({list})
             GROUP BY kind, list, position, model_version, source, hour / {DAY_MS}"
        );
        with_pool!(self, pool, _d => {
            Ok(sqlx::query_as(&sql).bind(from).fetch_all(pool).await?)
        })
    }

    /// Active people on each day of `[from_day, to_day]`: that day, the 7 days and the 30 days up
    /// to it. Days before `final_before` can no longer change (the writer takes nothing older
    /// than a day): their counts are kept in `analytics_active_counts` once counted, so only the
    /// days not kept yet are counted over the sliding windows.
    pub async fn analytics_active(&self, from_day: i64, to_day: i64, final_before: i64) -> StoreResult<Vec<ActiveRow>> {
        let kept: Vec<ActiveRow> = with_pool!(self, pool, _d => {
            sqlx::query_as(
                "SELECT day, daily, weekly, monthly FROM analytics_active_counts WHERE day >= $1 AND day <= $2 ORDER BY day",
            )
            .bind(from_day)
            .bind(to_day)
            .fetch_all(pool)
            .await?
        });
        let have: HashSet<i64> = kept.iter().map(|r| r.day).collect();
        let missing: Vec<i64> = (from_day..=to_day).filter(|d| !have.contains(d)).collect();
        let (Some(&first), Some(&last)) = (missing.first(), missing.last()) else { return Ok(kept) };
        let counted = self.count_active(first, last).await?;
        let finals: Vec<&ActiveRow> =
            counted.iter().filter(|r| r.day < final_before && !have.contains(&r.day)).collect();
        for chunk in finals.chunks(500) {
            with_pool!(self, pool, _d => {
                let mut q = sqlx::QueryBuilder::new("INSERT INTO analytics_active_counts (day, daily, weekly, monthly) ");
                q.push_values(chunk, |mut b, r| {
                    b.push_bind(r.day).push_bind(r.daily).push_bind(r.weekly).push_bind(r.monthly);
                });
                q.push(" ON CONFLICT (day) DO NOTHING");
                q.build().execute(pool).await?;
            });
        }
        let mut rows: Vec<ActiveRow> = kept;
        rows.extend(counted.into_iter().filter(|r| !have.contains(&r.day)));
        rows.sort_by_key(|r| r.day);
        Ok(rows)
    }

    /// [`Store::analytics_active`] counted from `analytics_active_days`, for `[from_day, to_day]`.
    async fn count_active(&self, from_day: i64, to_day: i64) -> StoreResult<Vec<ActiveRow>> {
        let sql =
            "WITH RECURSIVE days(day) AS (SELECT CAST($1 AS BIGINT) UNION ALL SELECT day + 1 FROM days WHERE day < $2)
             SELECT d.day AS day,
                    COUNT(DISTINCT CASE WHEN a.day = d.day THEN a.actor END) AS daily,
                    COUNT(DISTINCT CASE WHEN a.day > d.day - 7 THEN a.actor END) AS weekly,
                    COUNT(DISTINCT a.actor) AS monthly
             FROM days d LEFT JOIN analytics_active_days a ON a.day > d.day - 30 AND a.day <= d.day
             GROUP BY d.day ORDER BY d.day";
        with_pool!(self, pool, _d => {
            Ok(sqlx::query_as(sql).bind(from_day).bind(to_day).fetch_all(pool).await?)
        })
    }

    /// Sign-up cohorts from `from_day`: their sizes (`weeks_later` -1: people active at least
    /// once since signing up) and their active people in each week since.
    pub async fn analytics_cohorts(&self, from_day: i64) -> StoreResult<Vec<CohortRow>> {
        // Day numbers are INTEGER columns: the weeks are cast so both engines answer BIGINT.
        let sql = "SELECT CAST((p.signed_up_day + 3) / 7 AS BIGINT) AS week, CAST(-1 AS BIGINT) AS weeks_later,
                    COUNT(DISTINCT p.actor) AS people
             FROM analytics_people p JOIN analytics_active_days a ON a.actor = p.actor AND a.day >= p.signed_up_day
             WHERE p.signed_up_day >= $1 GROUP BY (p.signed_up_day + 3) / 7
             UNION ALL
             SELECT CAST((p.signed_up_day + 3) / 7 AS BIGINT) AS week,
                    CAST((a.day + 3) / 7 - (p.signed_up_day + 3) / 7 AS BIGINT) AS weeks_later,
                    COUNT(DISTINCT a.actor) AS people
             FROM analytics_people p JOIN analytics_active_days a ON a.actor = p.actor AND a.day >= p.signed_up_day
             WHERE p.signed_up_day >= $1
             GROUP BY (p.signed_up_day + 3) / 7, (a.day + 3) / 7 - (p.signed_up_day + 3) / 7";
        with_pool!(self, pool, _d => {
            Ok(sqlx::query_as(sql).bind(from_day).fetch_all(pool).await?)
        })
    }
}

/// The monthly partitions `[from, to]` touches: (name, first ms, end ms).
fn months(from: i64, to: i64) -> Vec<(String, i64, i64)> {
    use chrono::{Datelike, TimeZone, Utc};
    let Some(start) = Utc.timestamp_millis_opt(from).single() else { return Vec::new() };
    let Some(last) = Utc.timestamp_millis_opt(to).single() else { return Vec::new() };
    let (mut year, mut month) = (start.year(), start.month());
    let mut out = Vec::new();
    while (year, month) <= (last.year(), last.month()) && out.len() < 24 {
        let (next_year, next_month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
        let begin = Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0).single();
        let end = Utc.with_ymd_and_hms(next_year, next_month, 1, 0, 0, 0).single();
        if let (Some(begin), Some(end)) = (begin, end) {
            out.push((
                format!("analytics_events_m{year:04}{month:02}"),
                begin.timestamp_millis(),
                end.timestamp_millis(),
            ));
        }
        (year, month) = (next_year, next_month);
    }
    out
}

/// The end (Unix ms) of a monthly partition named by [`months`].
fn month_end_of(name: &str) -> Option<i64> {
    let digits = name.strip_prefix("analytics_events_m")?;
    let year: i32 = digits.get(..4)?.parse().ok()?;
    let month: u32 = digits.get(4..6)?.parse().ok()?;
    let (_, _, end) = months_of(year, month)?;
    Some(end)
}

fn months_of(year: i32, month: u32) -> Option<(String, i64, i64)> {
    use chrono::{TimeZone, Utc};
    let begin = Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0).single()?;
    months(begin.timestamp_millis(), begin.timestamp_millis()).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_cover_the_span_and_name_their_end() {
        // 2026-11-30 to 2027-01-02.
        let m = months(1_796_000_000_000, 1_798_848_000_000);
        let names: Vec<_> = m.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(names, ["analytics_events_m202611", "analytics_events_m202612", "analytics_events_m202701"]);
        assert_eq!(m[0].2, m[1].1);
        assert_eq!(month_end_of("analytics_events_m202612"), Some(m[1].2));
        assert_eq!(month_end_of("analytics_events_default"), None);
    }

    #[test]
    fn weeks_start_on_monday() {
        // 1970-01-05 (day 4) was a Monday.
        assert_eq!(week_of(3), 0);
        assert_eq!(week_of(4), 1);
        assert_eq!(week_of(10), 1);
        assert_eq!(week_of(11), 2);
    }
}
