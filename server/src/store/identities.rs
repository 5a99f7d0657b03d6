//! Identities at external providers, the sign-ins waiting for a provider's answer, and the
//! one-time codes apps exchange for a session.

use uuid::Uuid;

use super::{is_unique_violation, now_ms, with_pool, Store, StoreError, StoreResult};
use crate::conflict::Conflict;

/// A sign-in sent to a provider.
#[derive(Debug, Clone)]
pub struct ProviderLogin {
    pub provider: String,
    pub pkce_verifier: String,
    pub nonce: String,
    /// Linking to this signed-in account rather than signing in.
    pub link_user: Option<Uuid>,
    /// An app's redirect URI and its PKCE challenge (mobile flow).
    pub app: Option<(String, String)>,
}

/// An identity as its owner sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IdentityRow {
    pub provider: String,
    pub email: String,
    pub created_at: i64,
    pub last_used_at: i64,
}

impl Store {
    /// The account an identity signs in to, noting its use.
    pub async fn identity_user(&self, provider: &str, subject: &str) -> StoreResult<Option<Uuid>> {
        const SQL: &str =
            "UPDATE identities SET last_used_at = $3 WHERE provider = $1 AND subject = $2 RETURNING user_id";
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_scalar(SQL).bind(provider).bind(subject).bind(now_ms()).fetch_optional(pool).await?
        }))
    }

    /// Links an identity to `user`. [`Conflict::IdentityTaken`] when it belongs to another
    /// account; linking it again to the same account is harmless.
    pub async fn link_identity(&self, provider: &str, subject: &str, user: Uuid, email: &str) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO identities (provider, subject, user_id, email, created_at, last_used_at) \
                           VALUES ($1, $2, $3, $4, $5, $5)";
        if let Some(owner) = self.identity_user(provider, subject).await? {
            return if owner == user { Ok(()) } else { Err(StoreError::Conflict(Conflict::IdentityTaken)) };
        }
        let inserted = with_pool!(self, pool, _d => {
            sqlx::query(SQL).bind(provider).bind(subject).bind(user).bind(email).bind(now_ms()).execute(pool).await.map(|_| ())
        });
        match inserted {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict(Conflict::IdentityTaken)),
            Err(e) => Err(e.into()),
        }
    }

    /// The identities linked to `user`.
    pub async fn identities_of(&self, user: Uuid) -> StoreResult<Vec<IdentityRow>> {
        const SQL: &str = "SELECT provider, email, created_at, last_used_at FROM identities WHERE user_id = $1 \
                           ORDER BY created_at, provider";
        Ok(with_pool!(self, pool, _d => sqlx::query_as::<_, IdentityRow>(SQL).bind(user).fetch_all(pool).await?))
    }

    /// Unlinks `user`'s identity at `provider`, unless it is their last way to sign in (no
    /// password, no other identity, no passkey): [`Conflict::LastSignInMethod`]. Answers whether one was
    /// linked.
    pub async fn unlink_identity(&self, user: Uuid, provider: &str) -> StoreResult<bool> {
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let sql = format!("SELECT password_hash <> '' FROM users WHERE id = $1{}", d.for_update);
            let has_password: bool =
                sqlx::query_scalar(&sql).bind(user).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            let others: i64 = sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM identities WHERE user_id = $1 AND provider <> $2) \
                 + (SELECT COUNT(*) FROM passkeys WHERE user_id = $1)",
            )
                    .bind(user)
                    .bind(provider)
                    .fetch_one(&mut *tx)
                    .await?;
            let removed = sqlx::query("DELETE FROM identities WHERE user_id = $1 AND provider = $2")
                .bind(user)
                .bind(provider)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if removed > 0 && !has_password && others == 0 {
                return Err(StoreError::Conflict(Conflict::LastSignInMethod));
            }
            tx.commit().await?;
            Ok(removed > 0)
        })
    }

    /// Remembers a sign-in sent to a provider, under the hash of its `state`.
    pub async fn create_provider_login(
        &self,
        state_hash: &[u8],
        login: &ProviderLogin,
        expires_at: i64,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO provider_logins (state_hash, provider, pkce_verifier, nonce, link_user, \
                           app_redirect, app_challenge, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
        let (redirect, challenge) = login.app.clone().unzip();
        with_pool!(self, pool, _d => {
            sqlx::query(SQL)
                .bind(state_hash)
                .bind(&login.provider)
                .bind(&login.pkce_verifier)
                .bind(&login.nonce)
                .bind(login.link_user)
                .bind(redirect)
                .bind(challenge)
                .bind(now_ms())
                .bind(expires_at)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Takes the sign-in whose `state` hashes to `state_hash`: once, before it expires.
    pub async fn take_provider_login(&self, state_hash: &[u8]) -> StoreResult<Option<ProviderLogin>> {
        type Row = (String, String, String, Option<Uuid>, Option<String>, Option<String>);
        const SQL: &str = "UPDATE provider_logins SET used_at = $2 WHERE state_hash = $1 AND used_at IS NULL \
                           AND expires_at > $2 RETURNING provider, pkce_verifier, nonce, link_user, app_redirect, app_challenge";
        let row: Option<Row> = with_pool!(self, pool, _d => sqlx::query_as(SQL).bind(state_hash).bind(now_ms()).fetch_optional(pool).await?);
        Ok(row.map(|(provider, pkce_verifier, nonce, link_user, redirect, challenge)| ProviderLogin {
            provider,
            pkce_verifier,
            nonce,
            link_user,
            app: redirect.zip(challenge),
        }))
    }

    /// Stores a one-time code for an app, bound to its PKCE challenge.
    pub async fn create_app_code(&self, hash: &[u8], user: Uuid, challenge: &str, expires_at: i64) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO app_codes (code_hash, user_id, app_challenge, created_at, expires_at) \
                           VALUES ($1, $2, $3, $4, $5)";
        with_pool!(self, pool, _d => {
            sqlx::query(SQL).bind(hash).bind(user).bind(challenge).bind(now_ms()).bind(expires_at).execute(pool).await?;
        });
        Ok(())
    }

    /// Takes an app's one-time code: once, before it expires; answers (user, PKCE challenge).
    pub async fn take_app_code(&self, hash: &[u8]) -> StoreResult<Option<(Uuid, String)>> {
        const SQL: &str = "UPDATE app_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL \
                           AND expires_at > $2 RETURNING user_id, app_challenge";
        Ok(with_pool!(self, pool, _d => sqlx::query_as(SQL).bind(hash).bind(now_ms()).fetch_optional(pool).await?))
    }

    /// Deletes provider sign-ins and app codes that expired more than a day ago.
    pub async fn purge_expired_provider_logins(&self) -> StoreResult<u64> {
        let cutoff = now_ms() - 86_400_000;
        Ok(with_pool!(self, pool, _d => {
            let logins = sqlx::query("DELETE FROM provider_logins WHERE expires_at < $1").bind(cutoff).execute(pool).await?;
            let codes = sqlx::query("DELETE FROM app_codes WHERE expires_at < $1").bind(cutoff).execute(pool).await?;
            logins.rows_affected() + codes.rows_affected()
        }))
    }
}
