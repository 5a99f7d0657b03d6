//! Meetings between attendees: requested, then accepted, declined or cancelled. A participant
//! is never in two accepted meetings at overlapping times.

use protocol::meetings::MeetingStatus;
use sqlx::FromRow;
use uuid::Uuid;

use super::names::Name;
use super::{new_id, now_ms, with_pool, Store, StoreError, StoreResult};
use crate::conflict::Conflict;

const MEETING_COLUMNS: &str =
    "id, event_id, from_user, to_user, status, message, starts_at, ends_at, place, created_at, updated_at";

#[derive(Debug, Clone, FromRow)]
pub struct MeetingRow {
    pub id: Uuid,
    pub event_id: Uuid,
    pub from_user: Uuid,
    pub to_user: Uuid,
    #[sqlx(try_from = "Name")]
    pub status: MeetingStatus,
    pub message: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub event_id: Uuid,
    pub from_user: Uuid,
    pub to_user: Uuid,
    pub message: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: String,
}

/// What a participant does to a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingAction {
    Accept,
    Decline,
    Cancel,
}

/// SQL that is true when either of `$1`, `$2` has an accepted meeting overlapping `[$3, $4)`
/// other than meeting `$5`.
const OVERLAP: &str = "SELECT EXISTS (SELECT 1 FROM meetings WHERE status = 'accepted' AND id <> $5 \
                       AND (from_user IN ($1, $2) OR to_user IN ($1, $2)) AND starts_at < $4 AND ends_at > $3)";

impl Store {
    /// Records a meeting request. [`Conflict::AlreadyRequested`] when the two already have a
    /// pending request at this event; [`Conflict::SlotTaken`] when either is booked then.
    pub async fn request_meeting(&self, m: &NewMeeting) -> StoreResult<MeetingRow> {
        let now = now_ms();
        let id = new_id();
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            // Locking both people serializes scheduling decisions that involve either of them.
            let lock = format!("SELECT id FROM users WHERE id IN ($1, $2) ORDER BY id{}", d.for_update);
            sqlx::query(&lock).bind(m.from_user).bind(m.to_user).execute(&mut *tx).await?;
            let pending: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM meetings WHERE event_id = $1 AND status = 'pending' \
                 AND ((from_user = $2 AND to_user = $3) OR (from_user = $3 AND to_user = $2)))",
            )
            .bind(m.event_id)
            .bind(m.from_user)
            .bind(m.to_user)
            .fetch_one(&mut *tx)
            .await?;
            if pending {
                return Err(StoreError::Conflict(Conflict::AlreadyRequested));
            }
            let taken: bool = sqlx::query_scalar(OVERLAP)
                .bind(m.from_user)
                .bind(m.to_user)
                .bind(m.starts_at)
                .bind(m.ends_at)
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            if taken {
                return Err(StoreError::Conflict(Conflict::SlotTaken));
            }
            let sql = format!(
                "INSERT INTO meetings (id, event_id, from_user, to_user, status, message, starts_at, ends_at, place, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $9) \
                 RETURNING {MEETING_COLUMNS}"
            );
            let row = sqlx::query_as::<_, MeetingRow>(&sql)
                .bind(id)
                .bind(m.event_id)
                .bind(m.from_user)
                .bind(m.to_user)
                .bind(&m.message)
                .bind(m.starts_at)
                .bind(m.ends_at)
                .bind(&m.place)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(row)
        })
    }

    /// Applies `action` by `actor`. The recipient accepts or declines a pending request; the
    /// requester cancels a pending one; either cancels an accepted one. Errors: `NotFound` (also
    /// when `actor` takes no part in the meeting, which to them does not exist),
    /// [`Conflict::NotAllowed`], [`Conflict::SlotTaken`].
    pub async fn act_on_meeting(&self, id: Uuid, actor: Uuid, action: MeetingAction) -> StoreResult<MeetingRow> {
        let now = now_ms();
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let sql = format!("SELECT {MEETING_COLUMNS} FROM meetings WHERE id = $1");
            let Some(meeting) = sqlx::query_as::<_, MeetingRow>(&sql).bind(id).fetch_optional(&mut *tx).await? else {
                return Err(StoreError::NotFound);
            };
            if actor != meeting.from_user && actor != meeting.to_user {
                return Err(StoreError::NotFound);
            }
            let lock = format!("SELECT id FROM users WHERE id IN ($1, $2) ORDER BY id{}", d.for_update);
            sqlx::query(&lock).bind(meeting.from_user).bind(meeting.to_user).execute(&mut *tx).await?;
            let recipient = actor == meeting.to_user;
            let next = match (action, meeting.status) {
                (MeetingAction::Accept, MeetingStatus::Pending) if recipient => MeetingStatus::Accepted,
                (MeetingAction::Decline, MeetingStatus::Pending) if recipient => MeetingStatus::Declined,
                (MeetingAction::Cancel, MeetingStatus::Pending) if !recipient => MeetingStatus::Cancelled,
                (MeetingAction::Cancel, MeetingStatus::Accepted) => MeetingStatus::Cancelled,
                _ => return Err(StoreError::Conflict(Conflict::NotAllowed)),
            };
            if next == MeetingStatus::Accepted {
                let taken: bool = sqlx::query_scalar(OVERLAP)
                    .bind(meeting.from_user)
                    .bind(meeting.to_user)
                    .bind(meeting.starts_at)
                    .bind(meeting.ends_at)
                    .bind(meeting.id)
                    .fetch_one(&mut *tx)
                    .await?;
                if taken {
                    return Err(StoreError::Conflict(Conflict::SlotTaken));
                }
            }
            let sql = format!("UPDATE meetings SET status = $2, updated_at = $3 WHERE id = $1 RETURNING {MEETING_COLUMNS}");
            let row = sqlx::query_as::<_, MeetingRow>(&sql).bind(id).bind(next.as_str()).bind(now).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            Ok(row)
        })
    }

    pub async fn meeting(&self, id: Uuid) -> StoreResult<Option<MeetingRow>> {
        let sql = format!("SELECT {MEETING_COLUMNS} FROM meetings WHERE id = $1");
        Ok(with_pool!(self, pool, _d => sqlx::query_as::<_, MeetingRow>(&sql).bind(id).fetch_optional(pool).await?))
    }

    /// `user`'s meetings (either side), by start time, optionally one status or one event.
    pub async fn meetings_of(
        &self,
        user: Uuid,
        status: Option<MeetingStatus>,
        event: Option<Uuid>,
    ) -> StoreResult<Vec<MeetingRow>> {
        let sql = format!(
            "SELECT {MEETING_COLUMNS} FROM meetings WHERE (from_user = $1 OR to_user = $1) \
             AND ($2 IS NULL OR status = $2) AND ($3 IS NULL OR event_id = $3) ORDER BY starts_at, id LIMIT 500"
        );
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, MeetingRow>(&sql).bind(user).bind(status.map(MeetingStatus::as_str)).bind(event).fetch_all(pool).await?
        }))
    }

    /// The arranged (accepted) meetings of `a` or `b` overlapping `[from, to)`, as
    /// `(starts_at, ends_at)` in Unix milliseconds.
    pub async fn busy_spans(&self, a: Uuid, b: Uuid, from: i64, to: i64) -> StoreResult<Vec<(i64, i64)>> {
        let sql = "SELECT starts_at, ends_at FROM meetings WHERE status = 'accepted' \
                   AND (from_user IN ($1, $2) OR to_user IN ($1, $2)) AND starts_at < $4 AND ends_at > $3 \
                   ORDER BY starts_at LIMIT 1000";
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, (i64, i64)>(sql).bind(a).bind(b).bind(from).bind(to).fetch_all(pool).await?
        }))
    }
}
