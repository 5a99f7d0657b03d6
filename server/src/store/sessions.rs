//! Sessions and refresh tokens. A session is one sign-in on one device; its refresh tokens are
//! stored as SHA-256 hashes, single use, and form one family (the session's id), so that reuse
//! of an old token (a sign it was stolen) revokes the session and every token in it.

use sqlx::FromRow;
use uuid::Uuid;

use super::{now_ms, with_pool, Store, StoreResult};

/// One sign-in, as its owner sees it in the list of devices.
#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub id: Uuid,
    pub created_at: i64,
    pub last_used_at: i64,
    pub user_agent: String,
    pub address: String,
}

/// Longest user agent kept for a session.
const MAX_USER_AGENT: usize = 300;

/// Which sessions [`Store::revoke_sessions`] ends.
#[derive(Debug, Clone, Copy)]
pub enum SessionSelector {
    One(Uuid),
    /// Every session except this one (every session when `None`).
    AllBut(Option<Uuid>),
}

/// Result of presenting a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotateOutcome {
    /// The token was valid; the new one has been stored in its family.
    Rotated { user_id: Uuid, session: Uuid },
    /// The token had already been used or revoked; its whole family is now revoked.
    Reused,
    /// The token has expired.
    Expired,
    /// No such token.
    Unknown,
}

impl Store {
    /// Starts a session for `user` from a device (its user agent and address, as shown in the
    /// list of devices).
    pub async fn create_session(&self, id: Uuid, user: Uuid, user_agent: &str, address: &str) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO sessions (id, user_id, created_at, last_used_at, user_agent, address) \
                           VALUES ($1, $2, $3, $3, $4, $5)";
        let user_agent: String = user_agent.chars().filter(|c| !c.is_control()).take(MAX_USER_AGENT).collect();
        with_pool!(self, pool, _d => {
            sqlx::query(SQL).bind(id).bind(user).bind(now_ms()).bind(&user_agent).bind(address).execute(pool).await?;
        });
        Ok(())
    }

    /// The sessions of `user` still open, most recently used first.
    pub async fn sessions_of(&self, user: Uuid) -> StoreResult<Vec<SessionRow>> {
        const SQL: &str = "SELECT id, created_at, last_used_at, user_agent, address FROM sessions \
                           WHERE user_id = $1 AND revoked_at IS NULL AND id IN \
                           (SELECT family_id FROM refresh_tokens WHERE expires_at > $2) \
                           ORDER BY last_used_at DESC, id";
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, SessionRow>(SQL).bind(user).bind(now_ms()).fetch_all(pool).await?
        }))
    }

    /// Ends sessions of `user`: the one named, or all of them except `keep` (all when `None`).
    /// Answers the sessions that were open and are now revoked.
    pub async fn revoke_sessions(&self, user: Uuid, which: SessionSelector) -> StoreResult<Vec<Uuid>> {
        let now = now_ms();
        let (filter, other) = match which {
            SessionSelector::One(id) => ("id = $3", Some(id)),
            SessionSelector::AllBut(keep) => ("($3 IS NULL OR id <> $3)", keep),
        };
        let update = format!(
            "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND {filter} RETURNING id"
        );
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let ids: Vec<Uuid> =
                sqlx::query_scalar(&update).bind(user).bind(now).bind(other).fetch_all(&mut *tx).await?;
            for id in &ids {
                sqlx::query("UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL")
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(ids)
        })
    }

    /// Sessions revoked at or after `since` (Unix ms): (session, user, when).
    pub async fn sessions_revoked_since(&self, since: i64) -> StoreResult<Vec<(Uuid, Uuid, i64)>> {
        const SQL: &str = "SELECT id, user_id, revoked_at FROM sessions WHERE revoked_at >= $1";
        Ok(with_pool!(self, pool, _d => sqlx::query_as(SQL).bind(since).fetch_all(pool).await?))
    }

    /// Stores a new refresh token in `family` (a new family on login).
    pub async fn insert_refresh_token(
        &self,
        hash: &[u8],
        family: Uuid,
        user_id: Uuid,
        expires_at: i64,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at) \
                           VALUES ($1, $2, $3, $4, $5)";
        with_pool!(self, pool, _d => {
            sqlx::query(SQL).bind(hash).bind(family).bind(user_id).bind(now_ms()).bind(expires_at).execute(pool).await?;
        });
        Ok(())
    }

    /// Consumes the token hashed `old` and stores `new` in its family, atomically. A token used
    /// twice revokes the family, so a thief and the victim both lose the session and the victim
    /// signs in again.
    pub async fn rotate_refresh_token(
        &self,
        old: &[u8],
        new: &[u8],
        new_expires_at: i64,
    ) -> StoreResult<RotateOutcome> {
        let now = now_ms();
        let outcome = with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let sql = format!(
                "SELECT family_id, user_id, expires_at, used_at, revoked_at FROM refresh_tokens \
                 WHERE token_hash = $1{}",
                d.for_update
            );
            let row = sqlx::query_as::<_, (Uuid, Uuid, i64, Option<i64>, Option<i64>)>(&sql)
                .bind(old)
                .fetch_optional(&mut *tx)
                .await?;
            let outcome = match row {
                None => RotateOutcome::Unknown,
                Some((family, _, _, used, revoked)) if used.is_some() || revoked.is_some() => {
                    sqlx::query("UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL")
                        .bind(family)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
                        .bind(family)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    RotateOutcome::Reused
                }
                Some((_, _, expires_at, _, _)) if expires_at <= now => RotateOutcome::Expired,
                Some((family, user_id, _, _, _)) => {
                    sqlx::query("UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1")
                        .bind(old)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(new)
                    .bind(family)
                    .bind(user_id)
                    .bind(now)
                    .bind(new_expires_at)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("UPDATE sessions SET last_used_at = $2 WHERE id = $1")
                        .bind(family)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    RotateOutcome::Rotated { user_id, session: family }
                }
            };
            tx.commit().await?;
            outcome
        });
        Ok(outcome)
    }

    /// Revokes the session of the token hashed `hash` (logout), answering (session, user) when
    /// one was open. Unknown tokens are ignored so logout is idempotent.
    pub async fn revoke_refresh_family(&self, hash: &[u8]) -> StoreResult<Option<(Uuid, Uuid)>> {
        const FAMILY: &str = "SELECT family_id, user_id FROM refresh_tokens WHERE token_hash = $1";
        const TOKENS: &str = "UPDATE refresh_tokens SET revoked_at = $2 WHERE revoked_at IS NULL AND family_id = $1";
        const SESSION: &str = "UPDATE sessions SET revoked_at = $2 WHERE revoked_at IS NULL AND id = $1";
        let now = now_ms();
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let found: Option<(Uuid, Uuid)> = sqlx::query_as(FAMILY).bind(hash).fetch_optional(&mut *tx).await?;
            let mut revoked = None;
            if let Some((family, user)) = found {
                sqlx::query(TOKENS).bind(family).bind(now).execute(&mut *tx).await?;
                let ended = sqlx::query(SESSION).bind(family).bind(now).execute(&mut *tx).await?.rows_affected();
                revoked = (ended > 0).then_some((family, user));
            }
            tx.commit().await?;
            Ok(revoked)
        })
    }

    /// Deletes tokens that expired more than a day ago, and sessions left without a token.
    pub async fn purge_expired_refresh_tokens(&self) -> StoreResult<u64> {
        const SQL: &str = "DELETE FROM refresh_tokens WHERE expires_at < $1";
        const SESSIONS: &str = "DELETE FROM sessions WHERE last_used_at < $1 AND NOT EXISTS \
                                (SELECT 1 FROM refresh_tokens WHERE family_id = sessions.id)";
        let cutoff = now_ms() - 86_400_000;
        Ok(with_pool!(self, pool, _d => {
            let tokens = sqlx::query(SQL).bind(cutoff).execute(pool).await?.rows_affected();
            sqlx::query(SESSIONS).bind(cutoff).execute(pool).await?;
            tokens
        }))
    }
}
