//! What the matcher needs from storage: who at an event takes part in matchmaking, which pairs
//! must never be suggested, and attendees' feedback on suggestions.

use protocol::suggestions::Verdict;
use uuid::Uuid;

use super::users::{USER_COLUMNS, USER_COLUMNS_U};
use super::{now_ms, with_pool, Store, StoreResult, UserRow};

impl Store {
    /// People at `event` who opted in to matchmaking and are not hidden: checked in once the event
    /// has started (`checked_in_only`), going before.
    pub async fn matchmaking_attendees(&self, event: Uuid, checked_in_only: bool) -> StoreResult<Vec<UserRow>> {
        let sql = attendee_sql(checked_in_only, "");
        Ok(with_pool!(self, pool, _d => sqlx::query_as::<_, UserRow>(&sql).bind(event).fetch_all(pool).await?))
    }

    /// `user`, when they are one of [`Store::matchmaking_attendees`].
    pub async fn matchmaking_attendee(
        &self,
        event: Uuid,
        user: Uuid,
        checked_in_only: bool,
    ) -> StoreResult<Option<UserRow>> {
        let sql = attendee_sql(checked_in_only, " AND u.id = $2");
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, UserRow>(&sql).bind(event).bind(user).fetch_optional(pool).await?
        }))
    }

    /// Pairs (either order) never to suggest at `event`: blocks, declined meetings and meetings
    /// already arranged there, "not relevant" or "met" feedback there, and anyone who has
    /// already met: an accepted meeting or "met" at any event.
    pub async fn excluded_pairs(&self, event: Uuid) -> StoreResult<Vec<(Uuid, Uuid)>> {
        let sql = format!("SELECT * FROM ({EXCLUDED}) x");
        Ok(with_pool!(self, pool, _d => sqlx::query_as::<_, (Uuid, Uuid)>(&sql).bind(event).fetch_all(pool).await?))
    }

    /// The people `user` must never be suggested with at `event`, as in [`Store::excluded_pairs`].
    pub async fn excluded_partners(&self, event: Uuid, user: Uuid) -> StoreResult<Vec<Uuid>> {
        let sql =
            format!("SELECT CASE WHEN x.a = $2 THEN x.b ELSE x.a END FROM ({EXCLUDED}) x WHERE x.a = $2 OR x.b = $2");
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_scalar::<_, Uuid>(&sql).bind(event).bind(user).fetch_all(pool).await?
        }))
    }

    /// Shared-context keys of the people at `event` (or only `user`): `event:{id}` for each
    /// other event they checked in to, `contact:{id}` for each person they have met (an accepted
    /// meeting, or "met" feedback either way).
    pub async fn context_keys(&self, event: Uuid, user: Option<Uuid>) -> StoreResult<Vec<(Uuid, String)>> {
        let who = if user.is_some() { "r.user_id = $2" } else { "TRUE" };
        let sql = format!(
            "SELECT r.user_id, 'event', o.event_id FROM rsvps r \
               JOIN rsvps o ON o.user_id = r.user_id AND o.event_id <> r.event_id AND o.checked_in_at IS NOT NULL \
               WHERE r.event_id = $1 AND {who} \
             UNION SELECT r.user_id, 'contact', c.other FROM rsvps r JOIN ( \
                 SELECT from_user AS one, to_user AS other FROM meetings WHERE status = 'accepted' \
                 UNION SELECT to_user, from_user FROM meetings WHERE status = 'accepted' \
                 UNION SELECT user_id, target_id FROM suggestion_feedback WHERE verdict = 'met' \
                 UNION SELECT target_id, user_id FROM suggestion_feedback WHERE verdict = 'met') c ON c.one = r.user_id \
               WHERE r.event_id = $1 AND {who}"
        );
        let rows = with_pool!(self, pool, _d => {
            let query = sqlx::query_as::<_, (Uuid, String, Uuid)>(&sql).bind(event);
            match user {
                Some(user) => query.bind(user).fetch_all(pool).await?,
                None => query.fetch_all(pool).await?,
            }
        });
        Ok(rows.into_iter().map(|(user, kind, id)| (user, format!("{kind}:{id}"))).collect())
    }

    /// Outcomes of pairs that met through matching, newest first, at most `limit`: accepted
    /// meetings and "met" feedback went well (`true`); declined meetings and "not relevant"
    /// feedback did not (`false`). Pending and cancelled meetings say nothing either way.
    pub async fn pair_outcomes(&self, limit: i64) -> StoreResult<Vec<(Uuid, Uuid, bool)>> {
        let sql = format!("SELECT a, b, good FROM ({OUTCOMES}) o");
        Ok(
            with_pool!(self, pool, _d => sqlx::query_as::<_, (Uuid, Uuid, bool)>(&sql).bind(limit).fetch_all(pool).await?),
        )
    }

    /// The people of [`Store::pair_outcomes`] (same `limit`).
    pub async fn pair_outcome_people(&self, limit: i64) -> StoreResult<Vec<UserRow>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users \
             WHERE id IN (SELECT a FROM ({OUTCOMES}) o UNION SELECT b FROM ({OUTCOMES}) p)"
        );
        Ok(with_pool!(self, pool, _d => sqlx::query_as::<_, UserRow>(&sql).bind(limit).fetch_all(pool).await?))
    }

    /// Records `user`'s verdict on `target` at `event` (the latest verdict wins).
    pub async fn record_suggestion_feedback(
        &self,
        event: Uuid,
        user: Uuid,
        target: Uuid,
        verdict: Verdict,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO suggestion_feedback (event_id, user_id, target_id, verdict, created_at) \
                           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id, user_id, target_id) \
                           DO UPDATE SET verdict = excluded.verdict, created_at = excluded.created_at";
        with_pool!(self, pool, _d => {
            sqlx::query(SQL).bind(event).bind(user).bind(target).bind(verdict.as_str()).bind(now_ms()).execute(pool).await?;
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

fn attendee_sql(checked_in_only: bool, and: &str) -> String {
    format!(
        "SELECT {USER_COLUMNS_U} FROM rsvps r JOIN users u ON u.id = r.user_id \
         WHERE r.event_id = $1 AND r.status = 'going' AND u.matchmaking AND u.visibility <> 'hidden'{}{and} \
         ORDER BY u.id",
        if checked_in_only { " AND r.checked_in_at IS NOT NULL" } else { "" }
    )
}

/// Outcomes of pairs `(a, b, good)`, newest first, at most `$1`; see [`Store::pair_outcomes`].
const OUTCOMES: &str = "SELECT a, b, good FROM ( \
       SELECT from_user AS a, to_user AS b, status = 'accepted' AS good, created_at AS at FROM meetings \
         WHERE status IN ('accepted', 'declined') \
       UNION ALL SELECT user_id, target_id, verdict = 'met', created_at FROM suggestion_feedback) x \
     ORDER BY at DESC LIMIT $1";

/// Pairs `(a, b)` never to suggest at the event `$1`; see [`Store::excluded_pairs`].
const EXCLUDED: &str = "SELECT b.blocker_id AS a, b.blocked_id AS b FROM blocks b \
       WHERE b.blocker_id IN (SELECT user_id FROM rsvps WHERE event_id = $1) \
         AND b.blocked_id IN (SELECT user_id FROM rsvps WHERE event_id = $1) \
     UNION SELECT m.from_user, m.to_user FROM meetings m \
       WHERE (m.event_id = $1 AND m.status IN ('declined', 'accepted')) \
          OR (m.status = 'accepted' AND m.from_user IN (SELECT user_id FROM rsvps WHERE event_id = $1) \
              AND m.to_user IN (SELECT user_id FROM rsvps WHERE event_id = $1)) \
     UNION SELECT f.user_id, f.target_id FROM suggestion_feedback f \
       WHERE f.event_id = $1 \
          OR (f.verdict = 'met' AND f.user_id IN (SELECT user_id FROM rsvps WHERE event_id = $1) \
              AND f.target_id IN (SELECT user_id FROM rsvps WHERE event_id = $1))";
