//! Events, their organizers, and event search.
//!
//! An event's seats are counted in [`EVENT_SELECT`] from the RSVPs; who holds them changes in
//! `rsvps.rs`, which an edit that raises the capacity calls into to promote the waitlist.

use std::collections::HashMap;

use protocol::events::{EventVisibility, RsvpStatus};
use sqlx::{FromRow, QueryBuilder};
use uuid::Uuid;

use super::names::{parse, Name};
use super::rsvps::promote_waitlist;
use super::{json_list, new_id, now_ms, with_pool, Store, StoreError, StoreResult};

/// Binds the organizer-settable fields of `$f` (an [`EventFields`]) to `$query`, in column order
/// `title, description, tags, starts_at, ends_at, timezone, venue_name, venue_address, lat, lon,
/// online_url, capacity, visibility, venue_city`, the order both the insert and the update
/// statement use.
macro_rules! bind_event_fields {
    ($query:expr, $f:expr) => {{
        let f: &EventFields = $f;
        $query
            .bind(&f.title)
            .bind(&f.description)
            .bind(json_list(&f.tags))
            .bind(f.starts_at)
            .bind(f.ends_at)
            .bind(&f.timezone)
            .bind(f.venue.as_ref().map(|v| v.name.clone()))
            .bind(f.venue.as_ref().map(|v| v.address.clone()))
            .bind(f.venue.as_ref().map(|v| v.lat))
            .bind(f.venue.as_ref().map(|v| v.lon))
            .bind(f.online_url.as_deref())
            .bind(f.capacity)
            .bind(f.visibility.as_str())
            .bind(f.venue.as_ref().map(|v| v.city.clone()))
    }};
}

/// Indexes an event's tags for filtering, inside the caller's transaction.
macro_rules! insert_tags {
    ($tx:expr, $event:expr, $tags:expr) => {
        for tag in $tags {
            sqlx::query("INSERT INTO event_tags (event_id, tag) VALUES ($1, $2)")
                .bind($event)
                .bind(tag)
                .execute(&mut *$tx)
                .await?;
        }
    };
}

pub(super) const EVENT_SELECT: &str =
    "SELECT e.id, e.owner_id, e.title, e.description, e.tags, e.starts_at, e.ends_at, \
    e.timezone, e.venue_name, e.venue_address, e.venue_city, e.lat, e.lon, e.online_url, e.capacity, \
    e.visibility, e.checkin_code, e.created_at, e.updated_at, e.cancelled_at, \
    (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id AND r.status = 'going') AS going_count, \
    (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id AND r.status = 'waitlisted') AS waitlist_count, \
    (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id AND r.status = 'interested') AS interested_count, \
    (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id AND r.checked_in_at IS NOT NULL) AS checked_in_count \
    FROM events e";

/// An event of a day's calendar, with who is going.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayEvent {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub starts_at: i64,
    pub ends_at: i64,
    pub going: Vec<Uuid>,
}

/// An event's seat counters: what every RSVP and check-in changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow, serde::Serialize, serde::Deserialize)]
pub struct EventCounts {
    pub id: Uuid,
    pub going_count: i64,
    pub waitlist_count: i64,
    pub interested_count: i64,
    pub checked_in_count: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct EventRow {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub title: String,
    pub description: String,
    pub tags: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub timezone: String,
    pub venue_name: Option<String>,
    pub venue_address: Option<String>,
    pub venue_city: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub online_url: Option<String>,
    pub capacity: Option<i64>,
    #[sqlx(try_from = "Name")]
    pub visibility: EventVisibility,
    pub checkin_code: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// When the event was cancelled (its organizer closed their account, nobody else runs it).
    pub cancelled_at: Option<i64>,
    pub going_count: i64,
    pub waitlist_count: i64,
    pub interested_count: i64,
    pub checked_in_count: i64,
}

/// The fields an organizer sets, validated and normalized by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct EventFields {
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub starts_at: i64,
    pub ends_at: i64,
    pub timezone: String,
    pub venue: Option<VenueFields>,
    pub online_url: Option<String>,
    pub capacity: Option<i64>,
    pub visibility: EventVisibility,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VenueFields {
    pub name: String,
    pub address: String,
    pub city: String,
    pub lat: f64,
    pub lon: f64,
}

impl EventRow {
    /// The organizer-settable fields of this row.
    pub fn fields(&self) -> EventFields {
        EventFields {
            title: self.title.clone(),
            description: self.description.clone(),
            tags: super::parse_list(&self.tags),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            timezone: self.timezone.clone(),
            venue: self.venue(),
            online_url: self.online_url.clone(),
            capacity: self.capacity,
            visibility: self.visibility,
        }
    }

    /// The venue, when the event has one (a name and a position).
    pub fn venue(&self) -> Option<VenueFields> {
        let (name, lat, lon) = (self.venue_name.as_ref()?, self.lat?, self.lon?);
        Some(VenueFields {
            name: name.clone(),
            address: self.venue_address.clone().unwrap_or_default(),
            city: self.venue_city.clone().unwrap_or_default(),
            lat,
            lon,
        })
    }

    /// An online event as a test fixture: `title`, starting at `starts_at` (Unix ms) for an
    /// hour, public, with nobody going yet.
    #[cfg(test)]
    pub fn example(id: Uuid, title: &str, starts_at: i64) -> Self {
        Self {
            id,
            owner_id: Uuid::from_u128(99),
            title: title.to_owned(),
            description: String::new(),
            tags: "[]".to_owned(),
            starts_at,
            ends_at: starts_at + 3_600_000,
            timezone: "UTC".to_owned(),
            venue_name: None,
            venue_address: None,
            venue_city: None,
            lat: None,
            lon: None,
            online_url: None,
            capacity: None,
            visibility: EventVisibility::Public,
            checkin_code: String::new(),
            created_at: 0,
            updated_at: 0,
            cancelled_at: None,
            going_count: 0,
            waitlist_count: 0,
            interested_count: 0,
            checked_in_count: 0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewEvent {
    pub owner_id: Uuid,
    pub fields: EventFields,
    pub checkin_code: String,
}

/// Changes applied by [`Store::update_event`]; the closure it takes builds them from the current
/// row inside the transaction, so concurrent partial updates never overwrite each other.
pub type EventChanges = EventFields;

/// Search over events: public ones, or (with `member`) one user's own events, unlisted included.
/// Results are ordered by start time, then id.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Only events this user organizes or has RSVPed to.
    pub member: Option<(Uuid, Membership)>,
    /// Words to match (already split into plain alphanumeric tokens); all must match, each as a
    /// prefix.
    pub words: Option<Vec<String>>,
    pub tag: Option<String>,
    /// Events ending at or after this instant.
    pub from: Option<i64>,
    /// Events starting at or before this instant.
    pub to: Option<i64>,
    /// `(lat, lon, radius_km)`.
    pub near: Option<(f64, f64, f64)>,
    /// Keyset cursor: only events after `(starts_at, id)`.
    pub after: Option<(i64, Uuid)>,
    pub limit: i64,
}

/// Which of a user's events [`EventFilter::member`] selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    Organizing,
    Attending,
    Either,
}

impl Store {
    /// Creates an event with its owner as first organizer.
    pub async fn create_event(&self, event: &NewEvent) -> StoreResult<EventRow> {
        let id = new_id();
        let now = now_ms();
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let f = &event.fields;
            bind_event_fields!(sqlx::query(
                "INSERT INTO events (id, title, description, tags, starts_at, ends_at, timezone, venue_name, \
                 venue_address, lat, lon, online_url, capacity, visibility, venue_city, owner_id, checkin_code, \
                 created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)",
            ).bind(id), f)
            .bind(event.owner_id)
            .bind(&event.checkin_code)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            insert_tags!(tx, id, &f.tags);
            sqlx::query("INSERT INTO event_organizers (event_id, user_id, added_at) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(event.owner_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        self.event(id).await?.ok_or(StoreError::NotFound)
    }

    pub async fn event(&self, id: Uuid) -> StoreResult<Option<EventRow>> {
        let sql = format!("{EVENT_SELECT} WHERE e.id = $1");
        Ok(with_pool!(self, pool, _d => sqlx::query_as::<_, EventRow>(&sql).bind(id).fetch_optional(pool).await?))
    }

    /// Updates an event. `apply` receives the current row (locked) and answers the new fields or
    /// its own error, which is passed back untouched. Raising the capacity promotes the
    /// waitlist in the same transaction.
    pub async fn update_event<E>(
        &self,
        id: Uuid,
        apply: impl FnOnce(&EventRow) -> Result<EventChanges, E>,
    ) -> StoreResult<Result<(EventRow, Vec<Uuid>), E>> {
        let now = now_ms();
        let promoted = with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let lock = format!("SELECT id FROM events WHERE id = $1{}", d.for_update);
            sqlx::query(&lock).bind(id).execute(&mut *tx).await?;
            let sql = format!("{EVENT_SELECT} WHERE e.id = $1");
            let Some(current) = sqlx::query_as::<_, EventRow>(&sql).bind(id).fetch_optional(&mut *tx).await? else {
                return Err(StoreError::NotFound);
            };
            let f = match apply(&current) {
                Ok(f) => f,
                Err(e) => return Ok(Err(e)),
            };
            bind_event_fields!(sqlx::query(
                "UPDATE events SET title = $2, description = $3, tags = $4, starts_at = $5, ends_at = $6, \
                 timezone = $7, venue_name = $8, venue_address = $9, lat = $10, lon = $11, online_url = $12, \
                 capacity = $13, visibility = $14, venue_city = $15, updated_at = $16 WHERE id = $1",
            ).bind(id), &f)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM event_tags WHERE event_id = $1").bind(id).execute(&mut *tx).await?;
            insert_tags!(tx, id, &f.tags);
            let promoted = promote_waitlist!(tx, id, f.capacity, now);
            tx.commit().await?;
            promoted
        });
        let row = self.event(id).await?.ok_or(StoreError::NotFound)?;
        Ok(Ok((row, promoted)))
    }

    /// Deletes an event with its RSVPs, organizers and announcements; answers whether it existed.
    pub async fn delete_event(&self, id: Uuid) -> StoreResult<bool> {
        let n = with_pool!(self, pool, _d => {
            sqlx::query("DELETE FROM events WHERE id = $1").bind(id).execute(pool).await?.rows_affected()
        });
        Ok(n > 0)
    }

    /// One page of public events matching `filter`, at most `filter.limit + 1` rows so the caller
    /// can tell whether there is a next page.
    pub async fn search_events(&self, filter: &EventFilter) -> StoreResult<Vec<EventRow>> {
        Ok(with_pool!(self, pool, d => {
            let mut qb = QueryBuilder::new(EVENT_SELECT);
            match filter.member {
                None => {
                    // Cancelled events leave public search; their attendees still see them.
                    qb.push(" WHERE e.visibility = 'public' AND e.cancelled_at IS NULL");
                }
                Some((user, membership)) => {
                    qb.push(" WHERE (");
                    if membership != Membership::Attending {
                        qb.push("e.id IN (SELECT event_id FROM event_organizers WHERE user_id = ");
                        qb.push_bind(user);
                        qb.push(")");
                    }
                    if membership == Membership::Either {
                        qb.push(" OR ");
                    }
                    if membership != Membership::Organizing {
                        qb.push("e.id IN (SELECT event_id FROM rsvps WHERE user_id = ");
                        qb.push_bind(user);
                        qb.push(")");
                    }
                    qb.push(")");
                }
            }
            if let Some(words) = &filter.words {
                if words.is_empty() {
                    qb.push(" AND 1 = 0");
                } else if d.for_update.is_empty() {
                    // SQLite FTS5: every word quoted (so no operator can be injected), as a prefix.
                    let query = words.iter().map(|w| format!("\"{w}\"*")).collect::<Vec<_>>().join(" ");
                    qb.push(" AND e.seq IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ");
                    qb.push_bind(query);
                    qb.push(")");
                } else {
                    // PostgreSQL: the words are alphanumeric, so the tsquery cannot be malformed.
                    let query = words.iter().map(|w| format!("{w}:*")).collect::<Vec<_>>().join(" & ");
                    qb.push(" AND e.search @@ to_tsquery('english', ");
                    qb.push_bind(query);
                    qb.push(")");
                }
            }
            if let Some(tag) = &filter.tag {
                qb.push(" AND EXISTS (SELECT 1 FROM event_tags t WHERE t.event_id = e.id AND t.tag = ");
                qb.push_bind(tag.clone());
                qb.push(")");
            }
            if let Some(from) = filter.from {
                qb.push(" AND e.ends_at >= ");
                qb.push_bind(from);
            }
            if let Some(to) = filter.to {
                qb.push(" AND e.starts_at <= ");
                qb.push_bind(to);
            }
            if let Some((lat, lon, radius_km)) = filter.near {
                // A latitude band first (cheap, indexed), then the great-circle distance.
                let band = radius_km / 111.0 + 0.01;
                qb.push(" AND e.lat BETWEEN ");
                qb.push_bind(lat - band);
                qb.push(" AND ");
                qb.push_bind(lat + band);
                qb.push(format!(" AND 6371.0088 * 2 * asin({}(1.0, sqrt(power(sin(radians(e.lat - ", d.least));
                qb.push_bind(lat);
                qb.push(") / 2), 2) + cos(radians(");
                qb.push_bind(lat);
                qb.push(")) * cos(radians(e.lat)) * power(sin(radians(e.lon - ");
                qb.push_bind(lon);
                qb.push(") / 2), 2)))) <= ");
                qb.push_bind(radius_km);
            }
            if let Some((starts_at, id)) = filter.after {
                qb.push(" AND (e.starts_at, e.id) > (");
                qb.push_bind(starts_at);
                qb.push(", ");
                qb.push_bind(id);
                qb.push(")");
            }
            qb.push(" ORDER BY e.starts_at, e.id LIMIT ");
            qb.push_bind(filter.limit + 1);
            qb.build_query_as::<EventRow>().fetch_all(pool).await?
        }))
    }

    /// Organizers of each event in `events`, owner first.
    pub async fn organizers_of(&self, events: &[Uuid]) -> StoreResult<Vec<(Uuid, Uuid)>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, pool, _d => {
            let mut qb = QueryBuilder::new("SELECT o.event_id, o.user_id FROM event_organizers o WHERE o.event_id IN (");
            let mut list = qb.separated(", ");
            for id in events {
                list.push_bind(*id);
            }
            qb.push(") ORDER BY o.added_at, o.user_id");
            qb.build_query_as::<(Uuid, Uuid)>().fetch_all(pool).await?
        }))
    }

    /// Events not cancelled starting from `from` to `to` (ms), each with its owner, start and end,
    /// and who is going: the day's calendar the read cache forecasts from.
    pub async fn day_events(&self, from: i64, to: i64) -> StoreResult<Vec<DayEvent>> {
        const EVENTS: &str = "SELECT id, owner_id, starts_at, ends_at FROM events \
             WHERE starts_at >= $1 AND starts_at < $2 AND cancelled_at IS NULL ORDER BY starts_at, id";
        const GOING: &str = "SELECT r.event_id, r.user_id FROM rsvps r JOIN events e ON e.id = r.event_id \
             WHERE e.starts_at >= $1 AND e.starts_at < $2 AND e.cancelled_at IS NULL AND r.status = 'going'";
        let (events, going) = with_pool!(self, pool, _d => {
            let events = sqlx::query_as::<_, (Uuid, Uuid, i64, i64)>(EVENTS).bind(from).bind(to).fetch_all(pool).await?;
            let going = sqlx::query_as::<_, (Uuid, Uuid)>(GOING).bind(from).bind(to).fetch_all(pool).await?;
            (events, going)
        });
        let mut attendees: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (event, user) in going {
            attendees.entry(event).or_default().push(user);
        }
        Ok(events
            .into_iter()
            .map(|(id, owner_id, starts_at, ends_at)| DayEvent {
                id,
                owner_id,
                starts_at,
                ends_at,
                going: attendees.remove(&id).unwrap_or_default(),
            })
            .collect())
    }

    /// The seat counters of each event in `events` that exists.
    pub async fn event_counts(&self, events: &[Uuid]) -> StoreResult<Vec<EventCounts>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, pool, _d => {
            let mut qb = QueryBuilder::new(
                "SELECT e.id, \
                 (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id AND r.status = 'going') AS going_count, \
                 (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id AND r.status = 'waitlisted') AS waitlist_count, \
                 (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id AND r.status = 'interested') AS interested_count, \
                 (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id AND r.checked_in_at IS NOT NULL) AS checked_in_count \
                 FROM events e WHERE e.id IN (",
            );
            let mut list = qb.separated(", ");
            for id in events {
                list.push_bind(*id);
            }
            qb.push(")");
            qb.build_query_as::<EventCounts>().fetch_all(pool).await?
        }))
    }

    pub async fn is_organizer(&self, event: Uuid, user: Uuid) -> StoreResult<bool> {
        const SQL: &str = "SELECT EXISTS (SELECT 1 FROM event_organizers WHERE event_id = $1 AND user_id = $2)";
        Ok(
            with_pool!(self, pool, _d => sqlx::query_scalar::<_, bool>(SQL).bind(event).bind(user).fetch_one(pool).await?),
        )
    }

    /// What access to an event's chat and presence depends on, in one query: `None` when the
    /// event does not exist, else whether `user` organizes it and their RSVP status, if any.
    pub async fn event_access(&self, event: Uuid, user: Uuid) -> StoreResult<Option<(bool, Option<RsvpStatus>)>> {
        const SQL: &str =
            "SELECT EXISTS (SELECT 1 FROM event_organizers o WHERE o.event_id = e.id AND o.user_id = $2), \
             (SELECT r.status FROM rsvps r WHERE r.event_id = e.id AND r.user_id = $2) \
             FROM events e WHERE e.id = $1";
        let row = with_pool!(self, pool, _d => {
            sqlx::query_as::<_, (bool, Option<Name>)>(SQL).bind(event).bind(user).fetch_optional(pool).await?
        });
        Ok(match row {
            None => None,
            Some((organizer, status)) => Some((organizer, status.map(parse).transpose()?)),
        })
    }

    /// Everyone with access to the event's chat and presence: its organizers and the people
    /// holding a seat (RSVP going).
    pub async fn event_members(&self, event: Uuid) -> StoreResult<Vec<Uuid>> {
        const SQL: &str = "SELECT user_id FROM event_organizers WHERE event_id = $1 \
                           UNION SELECT user_id FROM rsvps WHERE event_id = $1 AND status = 'going'";
        Ok(with_pool!(self, pool, _d => sqlx::query_scalar::<_, Uuid>(SQL).bind(event).fetch_all(pool).await?))
    }

    /// Whether the event exists.
    pub async fn event_exists(&self, event: Uuid) -> StoreResult<bool> {
        const SQL: &str = "SELECT EXISTS (SELECT 1 FROM events WHERE id = $1)";
        Ok(with_pool!(self, pool, _d => sqlx::query_scalar::<_, bool>(SQL).bind(event).fetch_one(pool).await?))
    }

    /// Adds a co-organizer; adding one twice is not an error.
    pub async fn add_organizer(&self, event: Uuid, user: Uuid) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO event_organizers (event_id, user_id, added_at) VALUES ($1, $2, $3) \
                           ON CONFLICT (event_id, user_id) DO NOTHING";
        with_pool!(self, pool, _d => {
            sqlx::query(SQL).bind(event).bind(user).bind(now_ms()).execute(pool).await?;
        });
        Ok(())
    }

    /// Removes a co-organizer; answers whether they were one. The caller keeps the owner.
    pub async fn remove_organizer(&self, event: Uuid, user: Uuid) -> StoreResult<bool> {
        const SQL: &str = "DELETE FROM event_organizers WHERE event_id = $1 AND user_id = $2";
        let n =
            with_pool!(self, pool, _d => sqlx::query(SQL).bind(event).bind(user).execute(pool).await?.rows_affected());
        Ok(n > 0)
    }
}
