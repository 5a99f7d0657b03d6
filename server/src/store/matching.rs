//! What the matcher needs from storage: who at an event takes part in matchmaking, which pairs
//! must never be suggested, and attendees' feedback on suggestions.

use uuid::Uuid;

use super::{now_ms, with_pool, Store, StoreResult, UserRow};

impl Store {
    /// People at `event` who opted in to matchmaking and are not hidden: checked in once the event
    /// has started (`checked_in_only`), going before.
    pub async fn matchmaking_attendees(&self, event: Uuid, checked_in_only: bool) -> StoreResult<Vec<UserRow>> {
        let sql = format!(
            "SELECT u.id, u.email, u.password_hash, u.display_name, u.headline, u.bio, u.interests, u.seeking, \
             u.offering, u.visibility, u.matchmaking, u.created_at, u.updated_at \
             FROM rsvps r JOIN users u ON u.id = r.user_id \
             WHERE r.event_id = $1 AND r.status = 'going' AND u.matchmaking AND u.visibility <> 'hidden'{} \
             ORDER BY u.id",
            if checked_in_only { " AND r.checked_in_at IS NOT NULL" } else { "" }
        );
        Ok(with_pool!(self, pool, _d => sqlx::query_as::<_, UserRow>(&sql).bind(event).fetch_all(pool).await?))
    }

    /// Pairs (either order) never to suggest at `event`: blocks, declined meetings, meetings
    /// already arranged, and "not relevant" or "met" feedback.
    pub async fn excluded_pairs(&self, event: Uuid) -> StoreResult<Vec<(Uuid, Uuid)>> {
        const SQL: &str = "SELECT b.blocker_id, b.blocked_id FROM blocks b \
             WHERE b.blocker_id IN (SELECT user_id FROM rsvps WHERE event_id = $1) \
               AND b.blocked_id IN (SELECT user_id FROM rsvps WHERE event_id = $1) \
             UNION SELECT m.from_user, m.to_user FROM meetings m \
               WHERE m.event_id = $1 AND m.status IN ('declined', 'accepted') \
             UNION SELECT f.user_id, f.target_id FROM suggestion_feedback f WHERE f.event_id = $1";
        Ok(with_pool!(self, pool, _d => sqlx::query_as::<_, (Uuid, Uuid)>(SQL).bind(event).fetch_all(pool).await?))
    }

    /// Records `user`'s verdict on `target` at `event` (the latest verdict wins).
    pub async fn record_suggestion_feedback(
        &self,
        event: Uuid,
        user: Uuid,
        target: Uuid,
        verdict: &str,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO suggestion_feedback (event_id, user_id, target_id, verdict, created_at) \
                           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id, user_id, target_id) \
                           DO UPDATE SET verdict = excluded.verdict, created_at = excluded.created_at";
        with_pool!(self, pool, _d => {
            sqlx::query(SQL).bind(event).bind(user).bind(target).bind(verdict).bind(now_ms()).execute(pool).await?;
        });
        Ok(())
    }

    /// Events `user` is going to that have not ended.
    pub async fn current_events_of(&self, user: Uuid) -> StoreResult<Vec<Uuid>> {
        const SQL: &str = "SELECT r.event_id FROM rsvps r JOIN events e ON e.id = r.event_id \
                           WHERE r.user_id = $1 AND r.status = 'going' AND e.ends_at > $2";
        Ok(
            with_pool!(self, pool, _d => sqlx::query_scalar::<_, Uuid>(SQL).bind(user).bind(now_ms()).fetch_all(pool).await?),
        )
    }
}
