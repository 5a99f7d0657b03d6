//! What event recommendations read: the events one could still go to, what a user attended, and
//! who in their circle is going where.

use uuid::Uuid;

use super::events::{EventRow, EVENT_SELECT};
use super::users::{USER_COLUMNS, USER_COLUMNS_U};
use super::{now_ms, with_pool, Store, StoreResult, UserRow};

impl Store {
    /// Public events starting after now that `user` neither organizes nor has an RSVP for and that
    /// still have a seat, soonest first, at most `limit`.
    pub async fn recommendation_candidates(&self, user: Uuid, limit: i64) -> StoreResult<Vec<EventRow>> {
        let sql = format!(
            "SELECT * FROM ({EVENT_SELECT} WHERE e.visibility = 'public' AND e.cancelled_at IS NULL AND e.starts_at > $2 \
               AND NOT EXISTS (SELECT 1 FROM rsvps r WHERE r.event_id = e.id AND r.user_id = $1) \
               AND NOT EXISTS (SELECT 1 FROM event_organizers o WHERE o.event_id = e.id AND o.user_id = $1)) c \
             WHERE c.capacity IS NULL OR c.going_count < c.capacity \
             ORDER BY c.starts_at LIMIT $3"
        );
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, EventRow>(&sql).bind(user).bind(now_ms()).bind(limit).fetch_all(pool).await?
        }))
    }

    /// Events `user` went to or is going to (checked in, or going), most recent first.
    pub async fn attended_events(&self, user: Uuid, limit: i64) -> StoreResult<Vec<EventRow>> {
        let sql = format!(
            "{EVENT_SELECT} WHERE e.id IN (SELECT event_id FROM rsvps WHERE user_id = $1 \
               AND (status = 'going' OR checked_in_at IS NOT NULL)) \
             ORDER BY e.starts_at DESC LIMIT $2"
        );
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, EventRow>(&sql).bind(user).bind(limit).fetch_all(pool).await?
        }))
    }

    /// For upcoming events: how many people `user` has met (accepted meeting, "met" either way)
    /// are going, and how many people who were at an event with `user` (both checked in) are.
    pub async fn circle_going(&self, user: Uuid) -> StoreResult<Vec<(Uuid, i64, i64)>> {
        const SQL: &str = "SELECT r.event_id, \
               COUNT(DISTINCT CASE WHEN r.user_id IN ( \
                   SELECT to_user FROM meetings WHERE from_user = $1 AND status = 'accepted' \
                   UNION SELECT from_user FROM meetings WHERE to_user = $1 AND status = 'accepted' \
                   UNION SELECT target_id FROM suggestion_feedback WHERE user_id = $1 AND verdict = 'met' \
                   UNION SELECT user_id FROM suggestion_feedback WHERE target_id = $1 AND verdict = 'met') \
                 THEN r.user_id END), \
               COUNT(DISTINCT CASE WHEN r.user_id IN ( \
                   SELECT o.user_id FROM rsvps mine JOIN rsvps o ON o.event_id = mine.event_id \
                   WHERE mine.user_id = $1 AND mine.checked_in_at IS NOT NULL AND o.checked_in_at IS NOT NULL) \
                 THEN r.user_id END) \
             FROM rsvps r JOIN events e ON e.id = r.event_id \
             WHERE e.starts_at > $2 AND r.status = 'going' AND r.user_id <> $1 \
             GROUP BY r.event_id";
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, (Uuid, i64, i64)>(SQL).bind(user).bind(now_ms()).fetch_all(pool).await?
        }))
    }

    /// Everyone with an RSVP to `event` (going, waitlisted or interested), at most `limit`.
    pub async fn audience(&self, event: Uuid, limit: i64) -> StoreResult<Vec<UserRow>> {
        let sql = format!(
            "SELECT {USER_COLUMNS_U} FROM rsvps r JOIN users u ON u.id = r.user_id WHERE r.event_id = $1 \
             ORDER BY u.id LIMIT $2"
        );
        Ok(
            with_pool!(self, pool, _d => sqlx::query_as::<_, UserRow>(&sql).bind(event).bind(limit).fetch_all(pool).await?),
        )
    }

    /// What the collaborative model learns from: every (user, event) where the user went or is
    /// going (an RSVP `going`, or a check-in), newest first, at most `limit`.
    pub async fn interactions(&self, limit: i64) -> StoreResult<Vec<(Uuid, Uuid)>> {
        const SQL: &str = "SELECT user_id, event_id FROM rsvps WHERE status = 'going' OR checked_in_at IS NOT NULL \
                           ORDER BY created_at DESC LIMIT $1";
        Ok(with_pool!(self, pool, _d => sqlx::query_as::<_, (Uuid, Uuid)>(SQL).bind(limit).fetch_all(pool).await?))
    }

    /// Events by id (any that exist), for the collaborative model's catalog.
    pub async fn events_by_ids(&self, ids: &[Uuid]) -> StoreResult<Vec<EventRow>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("{EVENT_SELECT} WHERE e.id IN ({})", placeholders.join(", "));
            let rows = with_pool!(self, pool, _d => {
                let mut query = sqlx::query_as::<_, EventRow>(&sql);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(pool).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// Users by id (any that exist).
    pub async fn users_by_ids(&self, ids: &[Uuid]) -> StoreResult<Vec<UserRow>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id IN ({})", placeholders.join(", "));
            let rows = with_pool!(self, pool, _d => {
                let mut query = sqlx::query_as::<_, UserRow>(&sql);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(pool).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }
}
