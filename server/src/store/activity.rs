//! When things happened at an event, across RSVPs, check-ins and meetings, for the organizer's
//! activity charts.

use uuid::Uuid;

use super::{with_pool, Store, StoreResult};

impl Store {
    /// When things happened at `event`, as (kind, Unix ms) pairs: 0 an RSVP was made (as it
    /// stands now), 1 a check-in, 2 a meeting request, 3 someone's first meeting request, 4 a
    /// meeting accepted (or accepted and later cancelled: its last change, as no acceptance
    /// time is kept apart).
    pub async fn activity_times(&self, event: Uuid) -> StoreResult<Vec<(i64, i64)>> {
        const SQL: &str = "SELECT CAST(0 AS BIGINT), created_at FROM rsvps WHERE event_id = $1 \
             UNION ALL SELECT CAST(1 AS BIGINT), checked_in_at FROM rsvps WHERE event_id = $1 AND checked_in_at IS NOT NULL \
             UNION ALL SELECT CAST(2 AS BIGINT), created_at FROM meetings WHERE event_id = $1 \
             UNION ALL SELECT CAST(3 AS BIGINT), MIN(created_at) FROM meetings WHERE event_id = $1 GROUP BY from_user \
             UNION ALL SELECT CAST(4 AS BIGINT), updated_at FROM meetings WHERE event_id = $1 AND status = 'accepted'";
        Ok(with_pool!(self, pool, _d => sqlx::query_as::<_, (i64, i64)>(SQL).bind(event).fetch_all(pool).await?))
    }
}
