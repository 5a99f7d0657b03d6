//! RSVPs with capacity and waitlist, check-in, and attendee lists: everything about who holds
//! a seat at an event.
//!
//! Every change to who holds a seat runs in one write transaction that first locks the event
//! row, so capacity is never exceeded and the waitlist is promoted strictly in the order people
//! joined it, whatever the concurrency.

use protocol::events::RsvpStatus;
use sqlx::{FromRow, QueryBuilder};
use uuid::Uuid;

use super::names::{parse, Name};
use super::{now_ms, random_code, with_pool, Store, StoreError, StoreResult};
use crate::conflict::Conflict;

/// Moves the longest-waiting people into free seats and evaluates to who moved. Runs inside the
/// caller's write transaction `$tx`, after the event row is locked. A macro rather than a function
/// so it expands once per backend like [`with_pool!`] bodies do.
macro_rules! promote_waitlist {
    ($tx:expr, $event:expr, $capacity:expr, $now:expr) => {{
        let free = match $capacity {
            None => i64::MAX,
            Some(capacity) => {
                let going: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM rsvps WHERE event_id = $1 AND status = 'going'")
                        .bind($event)
                        .fetch_one(&mut *$tx)
                        .await?;
                capacity - going
            }
        };
        if free <= 0 {
            Vec::new()
        } else {
            sqlx::query_scalar::<_, Uuid>(
                "UPDATE rsvps SET status = 'going', waitlisted_at = NULL, updated_at = $3 \
                 WHERE event_id = $1 AND user_id IN (SELECT user_id FROM rsvps WHERE event_id = $1 \
                   AND status = 'waitlisted' ORDER BY waitlisted_at, user_id LIMIT $2) \
                 RETURNING user_id",
            )
            .bind($event)
            .bind(free)
            .bind($now)
            .fetch_all(&mut *$tx)
            .await?
        }
    }};
}
pub(super) use promote_waitlist;

/// Check-in opens this long before an event starts: the day before, so badge pick-up and early
/// arrivals work across time zones, while a check-in for next month's event is refused.
pub const CHECKIN_OPENS_BEFORE_MS: i64 = 24 * 60 * 60 * 1000;

const RSVP_COLUMNS: &str =
    "event_id, user_id, status, personal_code, waitlisted_at, checked_in_at, created_at, updated_at";

#[derive(Debug, Clone, FromRow)]
pub struct RsvpRow {
    pub event_id: Uuid,
    pub user_id: Uuid,
    #[sqlx(try_from = "Name")]
    pub status: RsvpStatus,
    pub personal_code: String,
    pub waitlisted_at: Option<i64>,
    pub checked_in_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The result of an RSVP change: the caller's row (absent after a cancel), and everyone the
/// change moved from the waitlist to a seat.
#[derive(Debug, Clone)]
pub struct RsvpChange {
    pub rsvp: Option<RsvpRow>,
    pub promoted: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckinOutcome {
    CheckedIn { at: i64 },
    AlreadyCheckedIn { at: i64 },
}

#[derive(Debug, Clone, FromRow)]
pub struct AttendeeRow {
    pub id: Uuid,
    pub display_name: String,
    pub headline: String,
    pub bio: String,
    pub interests: String,
    pub seeking: String,
    pub offering: String,
    #[sqlx(try_from = "Name")]
    pub status: RsvpStatus,
    pub checked_in_at: Option<i64>,
    pub waitlisted_at: Option<i64>,
    pub rsvp_created_at: i64,
}

impl Store {
    /// Records `user`'s wish to go to or follow `event`. Going takes a seat when one is free and
    /// joins the waitlist otherwise (keeping an existing place in it); switching away from going
    /// frees the seat for the next person waiting.
    pub async fn set_rsvp(&self, event: Uuid, user: Uuid, going: bool) -> StoreResult<RsvpChange> {
        let now = now_ms();
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let sql = format!("SELECT capacity, ends_at, cancelled_at FROM events WHERE id = $1{}", d.for_update);
            let Some((capacity, ends_at, cancelled_at)) =
                sqlx::query_as::<_, (Option<i64>, i64, Option<i64>)>(&sql).bind(event).fetch_optional(&mut *tx).await?
            else {
                return Err(StoreError::NotFound);
            };
            if ends_at <= now {
                return Err(StoreError::Conflict(Conflict::EventEnded));
            }
            if cancelled_at.is_some() {
                return Err(StoreError::Conflict(Conflict::EventCancelled));
            }
            let sql = format!("SELECT {RSVP_COLUMNS} FROM rsvps WHERE event_id = $1 AND user_id = $2");
            let existing = sqlx::query_as::<_, RsvpRow>(&sql).bind(event).bind(user).fetch_optional(&mut *tx).await?;
            let old_status = existing.as_ref().map(|r| r.status);
            let (status, waitlisted_at) = if going {
                match (old_status, existing.as_ref().and_then(|r| r.waitlisted_at)) {
                    (Some(RsvpStatus::Going), _) => (RsvpStatus::Going, None),
                    (Some(RsvpStatus::Waitlisted), at) => (RsvpStatus::Waitlisted, at.or(Some(now))),
                    _ => {
                        let going_now: i64 =
                            sqlx::query_scalar("SELECT COUNT(*) FROM rsvps WHERE event_id = $1 AND status = 'going'")
                                .bind(event)
                                .fetch_one(&mut *tx)
                                .await?;
                        if capacity.is_none_or(|c| going_now < c) {
                            (RsvpStatus::Going, None)
                        } else {
                            (RsvpStatus::Waitlisted, Some(now))
                        }
                    }
                }
            } else {
                if existing.as_ref().is_some_and(|r| r.checked_in_at.is_some()) {
                    return Err(StoreError::Conflict(Conflict::AlreadyCheckedIn));
                }
                (RsvpStatus::Interested, None)
            };
            let sql = format!(
                "INSERT INTO rsvps (event_id, user_id, status, personal_code, waitlisted_at, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6) \
                 ON CONFLICT (event_id, user_id) DO UPDATE SET status = excluded.status, \
                   waitlisted_at = excluded.waitlisted_at, \
                   updated_at = CASE WHEN rsvps.status = excluded.status THEN rsvps.updated_at ELSE excluded.updated_at END \
                 RETURNING {RSVP_COLUMNS}"
            );
            let row = sqlx::query_as::<_, RsvpRow>(&sql)
                .bind(event)
                .bind(user)
                .bind(status.as_str())
                .bind(random_code(8))
                .bind(waitlisted_at)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            let promoted = promote_waitlist!(tx, event, capacity, now);
            tx.commit().await?;
            Ok(RsvpChange { rsvp: Some(row), promoted })
        })
    }

    /// Withdraws `user`'s RSVP and promotes the waitlist into a freed seat.
    pub async fn cancel_rsvp(&self, event: Uuid, user: Uuid) -> StoreResult<RsvpChange> {
        let now = now_ms();
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let sql = format!("SELECT capacity FROM events WHERE id = $1{}", d.for_update);
            let Some(capacity) =
                sqlx::query_scalar::<_, Option<i64>>(&sql).bind(event).fetch_optional(&mut *tx).await?
            else {
                return Err(StoreError::NotFound);
            };
            let checked_in: Option<Option<i64>> =
                sqlx::query_scalar("SELECT checked_in_at FROM rsvps WHERE event_id = $1 AND user_id = $2")
                    .bind(event)
                    .bind(user)
                    .fetch_optional(&mut *tx)
                    .await?;
            match checked_in {
                None => return Err(StoreError::Conflict(Conflict::NoRsvp)),
                Some(Some(_)) => return Err(StoreError::Conflict(Conflict::AlreadyCheckedIn)),
                Some(None) => {}
            }
            sqlx::query("DELETE FROM rsvps WHERE event_id = $1 AND user_id = $2")
                .bind(event)
                .bind(user)
                .execute(&mut *tx)
                .await?;
            let promoted = promote_waitlist!(tx, event, capacity, now);
            tx.commit().await?;
            Ok(RsvpChange { rsvp: None, promoted })
        })
    }

    pub async fn rsvp(&self, event: Uuid, user: Uuid) -> StoreResult<Option<RsvpRow>> {
        let sql = format!("SELECT {RSVP_COLUMNS} FROM rsvps WHERE event_id = $1 AND user_id = $2");
        Ok(
            with_pool!(self, pool, _d => sqlx::query_as::<_, RsvpRow>(&sql).bind(event).bind(user).fetch_optional(pool).await?),
        )
    }

    /// The RSVP holding personal check-in `code` at `event`.
    pub async fn rsvp_by_code(&self, event: Uuid, code: &str) -> StoreResult<Option<RsvpRow>> {
        let sql = format!("SELECT {RSVP_COLUMNS} FROM rsvps WHERE event_id = $1 AND personal_code = $2");
        Ok(
            with_pool!(self, pool, _d => sqlx::query_as::<_, RsvpRow>(&sql).bind(event).bind(code).fetch_optional(pool).await?),
        )
    }

    /// `user`'s RSVP status for each of `events` they answered.
    pub async fn rsvp_statuses(&self, user: Uuid, events: &[Uuid]) -> StoreResult<Vec<(Uuid, RsvpStatus)>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let rows = with_pool!(self, pool, _d => {
            let mut qb = QueryBuilder::new("SELECT r.event_id, r.status FROM rsvps r WHERE r.user_id = ");
            qb.push_bind(user);
            qb.push(" AND r.event_id IN (");
            let mut list = qb.separated(", ");
            for id in events {
                list.push_bind(*id);
            }
            qb.push(")");
            qb.build_query_as::<(Uuid, Name)>().fetch_all(pool).await?
        });
        let statuses = rows.into_iter().map(|(event, status)| parse(status).map(|status| (event, status)));
        Ok(statuses.collect::<Result<_, sqlx::Error>>()?)
    }

    /// 1-based place of a waitlisted RSVP.
    pub async fn waitlist_position(&self, rsvp: &RsvpRow) -> StoreResult<Option<i64>> {
        let Some(at) = rsvp.waitlisted_at.filter(|_| rsvp.status == RsvpStatus::Waitlisted) else {
            return Ok(None);
        };
        Ok(Some(self.waitlist_position_at(rsvp.event_id, at, rsvp.user_id).await?))
    }

    /// 1-based place in `event`'s waitlist of `user`, who joined it at `waitlisted_at`.
    pub async fn waitlist_position_at(&self, event: Uuid, waitlisted_at: i64, user: Uuid) -> StoreResult<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM rsvps WHERE event_id = $1 AND status = 'waitlisted' \
                           AND (waitlisted_at, user_id) <= ($2, $3)";
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_scalar::<_, i64>(SQL).bind(event).bind(waitlisted_at).bind(user).fetch_one(pool).await?
        }))
    }

    /// Checks `user` in at `event`. Needs a seat (RSVP going) and the check-in window open: from
    /// [`CHECKIN_OPENS_BEFORE_MS`] before the start to the end.
    pub async fn check_in(&self, event: Uuid, user: Uuid) -> StoreResult<CheckinOutcome> {
        let now = now_ms();
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let sql = format!("SELECT starts_at, ends_at, cancelled_at FROM events WHERE id = $1{}", d.for_update);
            let Some((starts_at, ends_at, cancelled_at)) =
                sqlx::query_as::<_, (i64, i64, Option<i64>)>(&sql).bind(event).fetch_optional(&mut *tx).await?
            else {
                return Err(StoreError::NotFound);
            };
            if cancelled_at.is_some() {
                return Err(StoreError::Conflict(Conflict::EventCancelled));
            }
            if now < starts_at - CHECKIN_OPENS_BEFORE_MS || now > ends_at {
                return Err(StoreError::Conflict(Conflict::CheckinClosed));
            }
            let row: Option<(bool, Option<i64>)> =
                sqlx::query_as("SELECT status = 'going', checked_in_at FROM rsvps WHERE event_id = $1 AND user_id = $2")
                    .bind(event)
                    .bind(user)
                    .fetch_optional(&mut *tx)
                    .await?;
            let outcome = match row {
                Some((_, Some(at))) => CheckinOutcome::AlreadyCheckedIn { at },
                Some((true, None)) => {
                    sqlx::query("UPDATE rsvps SET checked_in_at = $3, updated_at = $3 WHERE event_id = $1 AND user_id = $2")
                        .bind(event)
                        .bind(user)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    CheckinOutcome::CheckedIn { at: now }
                }
                _ => return Err(StoreError::Conflict(Conflict::NotGoing)),
            };
            tx.commit().await?;
            Ok(outcome)
        })
    }

    /// One page of `event`'s attendees as `viewer` may see them, in RSVP order.
    ///
    /// Organizers see everyone holding or waiting for a seat. Others see people going whose
    /// profile is public, or visible to attendees when the viewer attends too; never a hidden
    /// profile (except their own) and never anyone on either side of a block.
    pub async fn attendees(
        &self,
        event: Uuid,
        viewer: Uuid,
        viewer_is_organizer: bool,
        after: Option<(i64, Uuid)>,
        limit: i64,
    ) -> StoreResult<Vec<AttendeeRow>> {
        let viewer_attends =
            viewer_is_organizer || self.rsvp(event, viewer).await?.is_some_and(|r| r.status == RsvpStatus::Going);
        Ok(with_pool!(self, pool, _d => {
            let mut qb = QueryBuilder::new(
                "SELECT u.id, u.display_name, u.headline, u.bio, u.interests, u.seeking, u.offering, r.status, \
                 r.checked_in_at, r.waitlisted_at, r.created_at AS rsvp_created_at \
                 FROM rsvps r JOIN users u ON u.id = r.user_id WHERE r.event_id = ",
            );
            qb.push_bind(event);
            if viewer_is_organizer {
                qb.push(" AND r.status IN ('going', 'waitlisted')");
            } else {
                qb.push(" AND r.status = 'going' AND (u.id = ");
                qb.push_bind(viewer);
                qb.push(" OR u.visibility = 'public'");
                if viewer_attends {
                    qb.push(" OR u.visibility = 'attendees'");
                }
                qb.push(") AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = ");
                qb.push_bind(viewer);
                qb.push(" AND b.blocked_id = u.id) OR (b.blocker_id = u.id AND b.blocked_id = ");
                qb.push_bind(viewer);
                qb.push("))");
            }
            if let Some((at, id)) = after {
                qb.push(" AND (r.created_at, r.user_id) > (");
                qb.push_bind(at);
                qb.push(", ");
                qb.push_bind(id);
                qb.push(")");
            }
            qb.push(" ORDER BY r.created_at, r.user_id LIMIT ");
            qb.push_bind(limit + 1);
            qb.build_query_as::<AttendeeRow>().fetch_all(pool).await?
        }))
    }

    /// Bulk insert of RSVPs as given (demo data): no capacity logic, one transaction.
    pub async fn insert_rsvps_bulk(&self, rows: &[RsvpRow]) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO rsvps (event_id, user_id, status, personal_code, waitlisted_at, checked_in_at, \
                           created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                           ON CONFLICT (event_id, user_id) DO NOTHING";
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            for r in rows {
                sqlx::query(SQL)
                    .bind(r.event_id)
                    .bind(r.user_id)
                    .bind(r.status.as_str())
                    .bind(&r.personal_code)
                    .bind(r.waitlisted_at)
                    .bind(r.checked_in_at)
                    .bind(r.created_at)
                    .bind(r.updated_at)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }
}
