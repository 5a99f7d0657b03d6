//! Refresh tokens: stored as SHA-256 hashes, single use, grouped into families so that reuse of
//! an old token (a sign it was stolen) revokes every token descended from the same login.

use uuid::Uuid;

use super::{now_ms, with_pool, Store, StoreResult};

/// Result of presenting a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotateOutcome {
    /// The token was valid; the new one has been stored in its family.
    Rotated { user_id: Uuid },
    /// The token had already been used or revoked; its whole family is now revoked.
    Reused,
    /// The token has expired.
    Expired,
    /// No such token.
    Unknown,
}

impl Store {
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
                    RotateOutcome::Rotated { user_id }
                }
            };
            tx.commit().await?;
            outcome
        });
        Ok(outcome)
    }

    /// Revokes the family of the token hashed `hash` (logout). Unknown tokens are ignored so
    /// logout is idempotent.
    pub async fn revoke_refresh_family(&self, hash: &[u8]) -> StoreResult<()> {
        const SQL: &str = "UPDATE refresh_tokens SET revoked_at = $2 WHERE revoked_at IS NULL AND family_id = \
                           (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)";
        with_pool!(self, pool, _d => {
            sqlx::query(SQL).bind(hash).bind(now_ms()).execute(pool).await?;
        });
        Ok(())
    }

    /// Deletes tokens that expired more than a day ago.
    pub async fn purge_expired_refresh_tokens(&self) -> StoreResult<u64> {
        const SQL: &str = "DELETE FROM refresh_tokens WHERE expires_at < $1";
        let cutoff = now_ms() - 86_400_000;
        Ok(with_pool!(self, pool, _d => sqlx::query(SQL).bind(cutoff).execute(pool).await?.rows_affected()))
    }
}
