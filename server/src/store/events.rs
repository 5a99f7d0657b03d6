//! Events, organizers, RSVPs with capacity and waitlist, check-in, attendee lists and
//! announcements.
//!
//! Every change to who holds a seat runs in one write transaction that first locks the event
//! row, so capacity is never exceeded and the waitlist is promoted strictly in the order people
//! joined it, whatever the concurrency.

use sqlx::{FromRow, QueryBuilder};
use uuid::Uuid;

use super::{json_list, new_id, now_ms, with_pool, Store, StoreError, StoreResult};

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

/// Binds the organizer-settable fields of `$f` (an [`EventFields`]) to `$query`, in column order
/// `title, description, tags, starts_at, ends_at, timezone, venue_name, venue_address, lat, lon,
/// online_url, capacity, visibility`, the order both the insert and the update statement use.
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
            .bind(f.visibility)
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

/// Check-in opens this long before an event starts: the day before, so badge pick-up and early
/// arrivals work across time zones, while a check-in for next month's event is refused.
pub const CHECKIN_OPENS_BEFORE_MS: i64 = 24 * 60 * 60 * 1000;

pub(super) const EVENT_SELECT: &str =
    "SELECT e.id, e.owner_id, e.title, e.description, e.tags, e.starts_at, e.ends_at, \
    e.timezone, e.venue_name, e.venue_address, e.lat, e.lon, e.online_url, e.capacity, e.visibility, \
    e.checkin_code, e.created_at, e.updated_at, \
    (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id AND r.status = 'going') AS going_count, \
    (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id AND r.status = 'waitlisted') AS waitlist_count, \
    (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id AND r.status = 'interested') AS interested_count, \
    (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id AND r.checked_in_at IS NOT NULL) AS checked_in_count \
    FROM events e";

const RSVP_COLUMNS: &str =
    "event_id, user_id, status, personal_code, waitlisted_at, checked_in_at, created_at, updated_at";

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
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub online_url: Option<String>,
    pub capacity: Option<i64>,
    pub visibility: String,
    pub checkin_code: String,
    pub created_at: i64,
    pub updated_at: i64,
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
    pub visibility: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VenueFields {
    pub name: String,
    pub address: String,
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
            venue: match (&self.venue_name, self.lat, self.lon) {
                (Some(name), Some(lat), Some(lon)) => Some(VenueFields {
                    name: name.clone(),
                    address: self.venue_address.clone().unwrap_or_default(),
                    lat,
                    lon,
                }),
                _ => None,
            },
            online_url: self.online_url.clone(),
            capacity: self.capacity,
            visibility: if self.visibility == "unlisted" { "unlisted" } else { "public" },
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

#[derive(Debug, Clone, FromRow)]
pub struct RsvpRow {
    pub event_id: Uuid,
    pub user_id: Uuid,
    pub status: String,
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
    pub status: String,
    pub checked_in_at: Option<i64>,
    pub waitlisted_at: Option<i64>,
    pub rsvp_created_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct AnnouncementRow {
    pub id: Uuid,
    pub event_id: Uuid,
    pub author_id: Uuid,
    pub body: String,
    pub created_at: i64,
}

/// Random code of unambiguous upper-case letters and digits.
pub fn random_code(len: usize) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..len).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
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
                 venue_address, lat, lon, online_url, capacity, visibility, owner_id, checkin_code, created_at, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)",
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
                 capacity = $13, visibility = $14, updated_at = $15 WHERE id = $1",
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
                    qb.push(" WHERE e.visibility = 'public'");
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

    /// `user`'s RSVP status for each of `events` they answered.
    pub async fn rsvp_statuses(&self, user: Uuid, events: &[Uuid]) -> StoreResult<Vec<(Uuid, String)>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, pool, _d => {
            let mut qb = QueryBuilder::new("SELECT r.event_id, r.status FROM rsvps r WHERE r.user_id = ");
            qb.push_bind(user);
            qb.push(" AND r.event_id IN (");
            let mut list = qb.separated(", ");
            for id in events {
                list.push_bind(*id);
            }
            qb.push(")");
            qb.build_query_as::<(Uuid, String)>().fetch_all(pool).await?
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
    pub async fn event_access(&self, event: Uuid, user: Uuid) -> StoreResult<Option<(bool, Option<String>)>> {
        const SQL: &str =
            "SELECT EXISTS (SELECT 1 FROM event_organizers o WHERE o.event_id = e.id AND o.user_id = $2), \
             (SELECT r.status FROM rsvps r WHERE r.event_id = e.id AND r.user_id = $2) \
             FROM events e WHERE e.id = $1";
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, (bool, Option<String>)>(SQL).bind(event).bind(user).fetch_optional(pool).await?
        }))
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

    /// Records `user`'s wish to go to or follow `event`. Going takes a seat when one is free and
    /// joins the waitlist otherwise (keeping an existing place in it); switching away from going
    /// frees the seat for the next person waiting.
    pub async fn set_rsvp(&self, event: Uuid, user: Uuid, going: bool) -> StoreResult<RsvpChange> {
        let now = now_ms();
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let sql = format!("SELECT capacity, ends_at FROM events WHERE id = $1{}", d.for_update);
            let Some((capacity, ends_at)) =
                sqlx::query_as::<_, (Option<i64>, i64)>(&sql).bind(event).fetch_optional(&mut *tx).await?
            else {
                return Err(StoreError::NotFound);
            };
            if ends_at <= now {
                return Err(StoreError::Conflict("event_ended"));
            }
            let sql = format!("SELECT {RSVP_COLUMNS} FROM rsvps WHERE event_id = $1 AND user_id = $2");
            let existing = sqlx::query_as::<_, RsvpRow>(&sql).bind(event).bind(user).fetch_optional(&mut *tx).await?;
            let old_status = existing.as_ref().map(|r| r.status.as_str());
            let (status, waitlisted_at) = if going {
                match (old_status, existing.as_ref().and_then(|r| r.waitlisted_at)) {
                    (Some("going"), _) => ("going", None),
                    (Some("waitlisted"), at) => ("waitlisted", at.or(Some(now))),
                    _ => {
                        let going_now: i64 =
                            sqlx::query_scalar("SELECT COUNT(*) FROM rsvps WHERE event_id = $1 AND status = 'going'")
                                .bind(event)
                                .fetch_one(&mut *tx)
                                .await?;
                        if capacity.is_none_or(|c| going_now < c) {
                            ("going", None)
                        } else {
                            ("waitlisted", Some(now))
                        }
                    }
                }
            } else {
                if existing.as_ref().is_some_and(|r| r.checked_in_at.is_some()) {
                    return Err(StoreError::Conflict("already_checked_in"));
                }
                ("interested", None)
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
                .bind(status)
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
                None => return Err(StoreError::Conflict("no_rsvp")),
                Some(Some(_)) => return Err(StoreError::Conflict("already_checked_in")),
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

    /// 1-based place of a waitlisted RSVP.
    pub async fn waitlist_position(&self, rsvp: &RsvpRow) -> StoreResult<Option<i64>> {
        let Some(at) = rsvp.waitlisted_at.filter(|_| rsvp.status == "waitlisted") else {
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
            let sql = format!("SELECT starts_at, ends_at FROM events WHERE id = $1{}", d.for_update);
            let Some((starts_at, ends_at)) =
                sqlx::query_as::<_, (i64, i64)>(&sql).bind(event).fetch_optional(&mut *tx).await?
            else {
                return Err(StoreError::NotFound);
            };
            if now < starts_at - CHECKIN_OPENS_BEFORE_MS || now > ends_at {
                return Err(StoreError::Conflict("checkin_closed"));
            }
            let row: Option<(String, Option<i64>)> =
                sqlx::query_as("SELECT status, checked_in_at FROM rsvps WHERE event_id = $1 AND user_id = $2")
                    .bind(event)
                    .bind(user)
                    .fetch_optional(&mut *tx)
                    .await?;
            let outcome = match row {
                Some((_, Some(at))) => CheckinOutcome::AlreadyCheckedIn { at },
                Some((status, None)) if status == "going" => {
                    sqlx::query("UPDATE rsvps SET checked_in_at = $3, updated_at = $3 WHERE event_id = $1 AND user_id = $2")
                        .bind(event)
                        .bind(user)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    CheckinOutcome::CheckedIn { at: now }
                }
                _ => return Err(StoreError::Conflict("not_going")),
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
            viewer_is_organizer || self.rsvp(event, viewer).await?.is_some_and(|r| r.status == "going");
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

    /// When things happened at `event`, as (kind, Unix ms) pairs: 0 an RSVP was made (as it
    /// stands now), 1 a check-in, 2 a meeting request.
    pub async fn activity_times(&self, event: Uuid) -> StoreResult<Vec<(i64, i64)>> {
        const SQL: &str = "SELECT CAST(0 AS BIGINT), created_at FROM rsvps WHERE event_id = $1 \
             UNION ALL SELECT CAST(1 AS BIGINT), checked_in_at FROM rsvps WHERE event_id = $1 AND checked_in_at IS NOT NULL \
             UNION ALL SELECT CAST(2 AS BIGINT), created_at FROM meetings WHERE event_id = $1";
        Ok(with_pool!(self, pool, _d => sqlx::query_as::<_, (i64, i64)>(SQL).bind(event).fetch_all(pool).await?))
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
                    .bind(&r.status)
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
