//! Announcements: what organizers post to everyone at an event, listed newest first.

use sqlx::{FromRow, QueryBuilder};
use uuid::Uuid;

use super::{new_id, now_ms, with_pool, Store, StoreResult};

#[derive(Debug, Clone, FromRow)]
pub struct AnnouncementRow {
    pub id: Uuid,
    pub event_id: Uuid,
    pub author_id: Uuid,
    pub body: String,
    pub created_at: i64,
}

impl Store {
    pub async fn create_announcement(&self, event: Uuid, author: Uuid, body: &str) -> StoreResult<AnnouncementRow> {
        const SQL: &str = "INSERT INTO announcements (id, event_id, author_id, body, created_at) \
                           VALUES ($1, $2, $3, $4, $5) RETURNING id, event_id, author_id, body, created_at";
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, AnnouncementRow>(SQL)
                .bind(new_id())
                .bind(event)
                .bind(author)
                .bind(body)
                .bind(now_ms())
                .fetch_one(pool)
                .await?
        }))
    }

    /// One page of announcements, newest first, older than `before` when given.
    pub async fn announcements(
        &self,
        event: Uuid,
        before: Option<(i64, Uuid)>,
        limit: i64,
    ) -> StoreResult<Vec<AnnouncementRow>> {
        Ok(with_pool!(self, pool, _d => {
            let mut qb = QueryBuilder::new(
                "SELECT id, event_id, author_id, body, created_at FROM announcements WHERE event_id = ",
            );
            qb.push_bind(event);
            if let Some((at, id)) = before {
                qb.push(" AND (created_at, id) < (");
                qb.push_bind(at);
                qb.push(", ");
                qb.push_bind(id);
                qb.push(")");
            }
            qb.push(" ORDER BY created_at DESC, id DESC LIMIT ");
            qb.push_bind(limit + 1);
            qb.build_query_as::<AnnouncementRow>().fetch_all(pool).await?
        }))
    }
}
