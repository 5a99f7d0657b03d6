//! Users, profiles, profile visibility and blocks.

use protocol::users::ProfileVisibility;
use sqlx::FromRow;
use uuid::Uuid;

use super::names::Name;
use super::{is_unique_violation, json_list, new_id, now_ms, with_pool, Store, StoreError, StoreResult};
use crate::conflict::Conflict;

/// The columns of a [`UserRow`], for every query that reads one.
pub(super) const USER_COLUMNS: &str = "id, email, password_hash, display_name, headline, bio, interests, seeking, \
                                       offering, visibility, matchmaking, created_at, updated_at, email_verified_at, \
                                       totp_secret IS NOT NULL AS totp_enabled, deleted_at, pending_since, \
                                       pending_contested";

/// [`USER_COLUMNS`] of the table aliased `u` (in a join).
pub(super) const USER_COLUMNS_U: &str = "u.id, u.email, u.password_hash, u.display_name, u.headline, u.bio, \
                                         u.interests, u.seeking, u.offering, u.visibility, u.matchmaking, \
                                         u.created_at, u.updated_at, u.email_verified_at, \
                                         u.totp_secret IS NOT NULL AS totp_enabled, u.deleted_at, u.pending_since, \
                                         u.pending_contested";

const INSERT_USER: &str = "INSERT INTO users (id, email, password_hash, display_name, headline, bio, interests, \
                           seeking, offering, visibility, created_at, updated_at, matchmaking, pending_since) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13)";

/// Binds a [`NewUser`] as parameters `$2..=$13` of [`INSERT_USER`].
macro_rules! bind_new_user {
    ($query:expr, $user:expr) => {{
        let user: &NewUser = $user;
        $query
            .bind(&user.email)
            .bind(&user.password_hash)
            .bind(&user.display_name)
            .bind(&user.headline)
            .bind(&user.bio)
            .bind(json_list(&user.interests))
            .bind(json_list(&user.seeking))
            .bind(json_list(&user.offering))
            .bind(user.visibility.as_str())
            .bind(user.created_at)
            .bind(user.matchmaking)
            .bind(user.pending_since)
    }};
}

#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub headline: String,
    pub bio: String,
    pub interests: String,
    pub seeking: String,
    pub offering: String,
    #[sqlx(try_from = "Name")]
    pub visibility: ProfileVisibility,
    /// Opted in to "people to meet" suggestions.
    pub matchmaking: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// When the current e-mail address was confirmed through a link sent to it.
    pub email_verified_at: Option<i64>,
    /// A confirmed TOTP second factor is enrolled.
    pub totp_enabled: bool,
    /// The account was closed: the row stays as "Deleted user" for what others see.
    pub deleted_at: Option<i64>,
    /// A sign-up waiting for its address to be confirmed (since then): nobody signs in to it yet.
    pub pending_since: Option<i64>,
    /// The waiting sign-up was repeated with another password: it finishes only by choosing a
    /// password through a link mailed to the address.
    pub pending_contested: bool,
}

impl UserRow {
    /// Whether this account is a sign-up still waiting for its address.
    pub fn pending(&self) -> bool {
        self.pending_since.is_some()
    }
}

/// Already validated and normalized profile fields to change; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct ProfileChanges {
    pub display_name: Option<String>,
    pub headline: Option<String>,
    pub bio: Option<String>,
    pub interests: Option<Vec<String>>,
    pub seeking: Option<Vec<String>>,
    pub offering: Option<Vec<String>>,
    pub visibility: Option<ProfileVisibility>,
    pub matchmaking: Option<bool>,
}

/// Profile fields a newly registered or generated user starts with.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub headline: String,
    pub bio: String,
    pub interests: Vec<String>,
    pub seeking: Vec<String>,
    pub offering: Vec<String>,
    pub visibility: ProfileVisibility,
    pub matchmaking: bool,
    pub created_at: i64,
    /// `Some(created_at)` for a sign-up that waits for its address before anyone signs in.
    pub pending_since: Option<i64>,
}

impl NewUser {
    pub fn registered(email: String, password_hash: String, display_name: String) -> Self {
        Self {
            email,
            password_hash,
            display_name,
            headline: String::new(),
            bio: String::new(),
            interests: Vec::new(),
            seeking: Vec::new(),
            offering: Vec::new(),
            visibility: ProfileVisibility::Public,
            matchmaking: false,
            created_at: now_ms(),
            pending_since: None,
        }
    }

    /// The same account, waiting for its address to be confirmed before anyone signs in to it.
    pub fn pending(self) -> Self {
        Self { pending_since: Some(self.created_at), ..self }
    }
}

impl Store {
    /// Creates a user; [`Conflict::EmailTaken`] when the e-mail is already registered.
    pub async fn create_user(&self, user: &NewUser) -> StoreResult<UserRow> {
        let id = new_id();
        let sql = format!("{INSERT_USER} RETURNING {USER_COLUMNS}");
        let result = with_pool!(self, pool, _d => {
            bind_new_user!(sqlx::query_as::<_, UserRow>(&sql).bind(id), user)
                .fetch_one(pool)
                .await
        });
        result.map_err(|e| if is_unique_violation(&e) { StoreError::Conflict(Conflict::EmailTaken) } else { e.into() })
    }

    pub async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserRow>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1 AND deleted_at IS NULL");
        Ok(with_pool!(self, pool, _d => sqlx::query_as::<_, UserRow>(&sql).bind(email).fetch_optional(pool).await?))
    }

    /// Whether any account has an e-mail address at `domain`.
    pub async fn has_users_at_domain(&self, domain: &str) -> StoreResult<bool> {
        const SQL: &str = "SELECT EXISTS (SELECT 1 FROM users WHERE email LIKE $1)";
        let pattern = format!("%@{domain}");
        Ok(with_pool!(self, pool, _d => sqlx::query_scalar::<_, bool>(SQL).bind(&pattern).fetch_one(pool).await?))
    }

    pub async fn user_by_id(&self, id: Uuid) -> StoreResult<Option<UserRow>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        Ok(with_pool!(self, pool, _d => sqlx::query_as::<_, UserRow>(&sql).bind(id).fetch_optional(pool).await?))
    }

    /// Applies `changes` and answers the updated row.
    pub async fn update_profile(&self, id: Uuid, changes: &ProfileChanges) -> StoreResult<UserRow> {
        let sql = format!(
            "UPDATE users SET \
               display_name = COALESCE($2, display_name), headline = COALESCE($3, headline), \
               bio = COALESCE($4, bio), interests = COALESCE($5, interests), seeking = COALESCE($6, seeking), \
               offering = COALESCE($7, offering), visibility = COALESCE($8, visibility), updated_at = $9, \
               matchmaking = COALESCE($10, matchmaking) \
             WHERE id = $1 RETURNING {USER_COLUMNS}"
        );
        let row = with_pool!(self, pool, _d => {
            sqlx::query_as::<_, UserRow>(&sql)
                .bind(id)
                .bind(changes.display_name.as_deref())
                .bind(changes.headline.as_deref())
                .bind(changes.bio.as_deref())
                .bind(changes.interests.as_deref().map(json_list))
                .bind(changes.seeking.as_deref().map(json_list))
                .bind(changes.offering.as_deref().map(json_list))
                .bind(changes.visibility.map(ProfileVisibility::as_str))
                .bind(now_ms())
                .bind(changes.matchmaking)
                .fetch_optional(pool)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Whether `viewer` may see `target`'s profile: never across a block; always their own;
    /// `public` to everyone; `attendees` to people sharing an event with them (going or
    /// organizing); `hidden` to nobody else.
    pub async fn can_view_profile(&self, viewer: Uuid, target: &UserRow) -> StoreResult<bool> {
        if viewer == target.id {
            return Ok(true);
        }
        if self.is_blocked_either_way(viewer, target.id).await? {
            return Ok(false);
        }
        match target.visibility {
            ProfileVisibility::Public => Ok(true),
            ProfileVisibility::Attendees => self.share_an_event(viewer, target.id).await,
            ProfileVisibility::Hidden => Ok(false),
        }
    }

    /// Whether `a` and `b` both attend (RSVP going) or organize at least one common event.
    pub async fn share_an_event(&self, a: Uuid, b: Uuid) -> StoreResult<bool> {
        const SQL: &str = "SELECT EXISTS ( \
               SELECT 1 FROM \
                 (SELECT event_id FROM rsvps WHERE user_id = $1 AND status = 'going' \
                  UNION SELECT event_id FROM event_organizers WHERE user_id = $1) mine \
               JOIN \
                 (SELECT event_id FROM rsvps WHERE user_id = $2 AND status = 'going' \
                  UNION SELECT event_id FROM event_organizers WHERE user_id = $2) theirs \
               ON mine.event_id = theirs.event_id)";
        Ok(with_pool!(self, pool, _d => sqlx::query_scalar::<_, bool>(SQL).bind(a).bind(b).fetch_one(pool).await?))
    }

    /// Everyone `user` has blocked or been blocked by.
    pub async fn blocked_either_way(&self, user: Uuid) -> StoreResult<Vec<Uuid>> {
        const SQL: &str = "SELECT blocked_id FROM blocks WHERE blocker_id = $1 \
                           UNION SELECT blocker_id FROM blocks WHERE blocked_id = $1";
        Ok(with_pool!(self, pool, _d => sqlx::query_scalar::<_, Uuid>(SQL).bind(user).fetch_all(pool).await?))
    }

    pub async fn is_blocked_either_way(&self, a: Uuid, b: Uuid) -> StoreResult<bool> {
        const SQL: &str = "SELECT EXISTS (SELECT 1 FROM blocks WHERE (blocker_id = $1 AND blocked_id = $2) \
                           OR (blocker_id = $2 AND blocked_id = $1))";
        Ok(with_pool!(self, pool, _d => sqlx::query_scalar::<_, bool>(SQL).bind(a).bind(b).fetch_one(pool).await?))
    }

    /// Blocks `blocked` for `blocker`; blocking twice is not an error. Answers when the block
    /// was created.
    pub async fn block(&self, blocker: Uuid, blocked: Uuid) -> StoreResult<i64> {
        const SQL: &str = "INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3) \
                           ON CONFLICT (blocker_id, blocked_id) DO UPDATE SET created_at = blocks.created_at \
                           RETURNING created_at";
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_scalar::<_, i64>(SQL).bind(blocker).bind(blocked).bind(now_ms()).fetch_one(pool).await?
        }))
    }

    /// Removes a block; answers whether there was one.
    pub async fn unblock(&self, blocker: Uuid, blocked: Uuid) -> StoreResult<bool> {
        const SQL: &str = "DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2";
        let done = with_pool!(self, pool, _d => sqlx::query(SQL).bind(blocker).bind(blocked).execute(pool).await?.rows_affected());
        Ok(done > 0)
    }

    /// The users `blocker` has blocked, most recent first.
    pub async fn blocks(&self, blocker: Uuid) -> StoreResult<Vec<(Uuid, String, i64)>> {
        const SQL: &str = "SELECT b.blocked_id, u.display_name, b.created_at FROM blocks b \
                           JOIN users u ON u.id = b.blocked_id WHERE b.blocker_id = $1 \
                           ORDER BY b.created_at DESC, b.blocked_id";
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, (Uuid, String, i64)>(SQL).bind(blocker).fetch_all(pool).await?
        }))
    }

    /// Inserts many users in one transaction (demo data). Faster than one call each.
    pub async fn create_users_bulk(&self, users: &[NewUser]) -> StoreResult<Vec<Uuid>> {
        let mut ids = Vec::with_capacity(users.len());
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            for user in users {
                let id = new_id();
                bind_new_user!(sqlx::query(INSERT_USER).bind(id), user)
                    .execute(&mut *tx)
                    .await?;
                ids.push(id);
            }
            tx.commit().await?;
        });
        Ok(ids)
    }
}
