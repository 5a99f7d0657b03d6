//! Passkeys: the credentials registered to each account, and the WebAuthn ceremonies in flight.
//!
//! The credential itself (public key, signature counter) is the WebAuthn library's own JSON;
//! the store only keys it by account and by the authenticator's credential id. A ceremony's
//! state is taken (deleted and read in one statement) when it finishes, so no challenge can be
//! answered twice, whichever node the answer reaches.

use uuid::Uuid;

use super::{is_unique_violation, now_ms, with_pool, Store, StoreError, StoreResult};
use crate::conflict::Conflict;

/// A registered passkey.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PasskeyRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub credential_id: String,
    pub name: String,
    /// The library's serialized credential.
    pub credential: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

const PASSKEY_COLUMNS: &str = "id, user_id, credential_id, name, credential, created_at, last_used_at";

/// What a WebAuthn ceremony is for; a challenge started for one purpose finishes only that one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CeremonyPurpose {
    /// Adding a passkey to a signed-in account.
    Register,
    /// Signing in with a passkey alone.
    SignIn,
    /// Finishing a sign-in (password or provider) with a passkey as the second factor.
    SecondFactor,
    /// Proving, while signed in, that the owner is at the keyboard.
    Confirm,
}

impl CeremonyPurpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::SignIn => "sign_in",
            Self::SecondFactor => "second_factor",
            Self::Confirm => "confirm",
        }
    }
}

/// A ceremony taken back for finishing.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Ceremony {
    /// The account it was started for (none for a sign-in with a passkey alone).
    #[sqlx(rename = "user_id")]
    pub user: Option<Uuid>,
    /// The sign-in ticket a second factor finishes.
    pub ticket_hash: Option<Vec<u8>>,
    /// The library's serialized state.
    pub state: String,
    pub expires_at: i64,
}

/// A new passkey for [`Store::add_passkey`].
#[derive(Debug, Clone)]
pub struct NewPasskey<'a> {
    pub id: Uuid,
    pub user: Uuid,
    pub credential_id: &'a str,
    pub name: &'a str,
    pub credential: &'a str,
}

impl Store {
    /// The passkeys of `user`, oldest first.
    pub async fn passkeys_of(&self, user: Uuid) -> StoreResult<Vec<PasskeyRow>> {
        let sql = format!("SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY created_at, id");
        Ok(with_pool!(self, pool, _d => sqlx::query_as::<_, PasskeyRow>(&sql).bind(user).fetch_all(pool).await?))
    }

    /// The passkey with this credential id, whoever owns it.
    pub async fn passkey_by_credential(&self, credential_id: &str) -> StoreResult<Option<PasskeyRow>> {
        let sql = format!("SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE credential_id = $1");
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, PasskeyRow>(&sql).bind(credential_id).fetch_optional(pool).await?
        }))
    }

    /// Registers a passkey. When it is the account's first second factor (no authenticator app,
    /// no other passkey), two-step sign-in turns on and `recovery_hashes` become its recovery
    /// codes: answers whether they did. [`Conflict::PasskeyExists`] when the credential is
    /// registered already (to any account). Answers the stored passkey too.
    pub async fn add_passkey(
        &self,
        passkey: &NewPasskey<'_>,
        recovery_hashes: &[Vec<u8>],
    ) -> StoreResult<(PasskeyRow, bool)> {
        let insert = format!(
            "INSERT INTO passkeys (id, user_id, credential_id, name, credential, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {PASSKEY_COLUMNS}"
        );
        const TWO_STEP: &str = "SELECT totp_secret IS NOT NULL OR EXISTS (SELECT 1 FROM passkeys WHERE user_id = $1) \
                                FROM users WHERE id = $1";
        let outcome: Result<(PasskeyRow, bool), sqlx::Error> = with_pool!(self, pool, d => async {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let two_step: bool = sqlx::query_scalar(TWO_STEP).bind(passkey.user).fetch_one(&mut *tx).await?;
            let row = sqlx::query_as::<_, PasskeyRow>(&insert)
                .bind(passkey.id)
                .bind(passkey.user)
                .bind(passkey.credential_id)
                .bind(passkey.name)
                .bind(passkey.credential)
                .bind(now_ms())
                .fetch_one(&mut *tx)
                .await?;
            if !two_step {
                super::account::replace_codes!(tx, passkey.user, recovery_hashes);
            }
            tx.commit().await?;
            Ok((row, !two_step))
        }
        .await);
        match outcome {
            Ok(added) => Ok(added),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict(Conflict::PasskeyExists)),
            Err(e) => Err(e.into()),
        }
    }

    /// Notes a sign-in with a passkey and stores its updated credential (signature counter).
    pub async fn passkey_used(&self, id: Uuid, credential: Option<&str>) -> StoreResult<()> {
        const SQL: &str = "UPDATE passkeys SET last_used_at = $2, credential = COALESCE($3, credential) WHERE id = $1";
        with_pool!(self, pool, _d => {
            sqlx::query(SQL).bind(id).bind(now_ms()).bind(credential).execute(pool).await?;
        });
        Ok(())
    }

    /// Renames one of `user`'s passkeys; `None` when they have no such passkey.
    pub async fn rename_passkey(&self, user: Uuid, id: Uuid, name: &str) -> StoreResult<Option<PasskeyRow>> {
        let sql = format!("UPDATE passkeys SET name = $3 WHERE id = $1 AND user_id = $2 RETURNING {PASSKEY_COLUMNS}");
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, PasskeyRow>(&sql).bind(id).bind(user).bind(name).fetch_optional(pool).await?
        }))
    }

    /// Removes one of `user`'s passkeys, unless it is their last way to sign in (no password,
    /// no provider, no other passkey): [`Conflict::LastSignInMethod`]. The last second factor
    /// gone, the recovery codes go too. Answers whether there was such a passkey.
    pub async fn remove_passkey(&self, user: Uuid, id: Uuid) -> StoreResult<bool> {
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let sql = format!("SELECT password_hash <> '', totp_secret IS NOT NULL FROM users WHERE id = $1{}", d.for_update);
            let (has_password, has_totp): (bool, bool) =
                sqlx::query_as(&sql).bind(user).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            let removed = sqlx::query("DELETE FROM passkeys WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if removed == 0 {
                return Ok(false);
            }
            let (passkeys, identities): (i64, i64) = sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM passkeys WHERE user_id = $1), (SELECT COUNT(*) FROM identities WHERE user_id = $1)",
            )
            .bind(user)
            .fetch_one(&mut *tx)
            .await?;
            if !has_password && passkeys == 0 && identities == 0 {
                return Err(StoreError::Conflict(Conflict::LastSignInMethod));
            }
            if passkeys == 0 && !has_totp {
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// How many passkeys `user` has.
    pub async fn passkey_count(&self, user: Uuid) -> StoreResult<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM passkeys WHERE user_id = $1";
        Ok(with_pool!(self, pool, _d => sqlx::query_scalar(SQL).bind(user).fetch_one(pool).await?))
    }

    /// Keeps a ceremony's state until it is finished or expires.
    pub async fn start_ceremony(
        &self,
        id: Uuid,
        purpose: CeremonyPurpose,
        user: Option<Uuid>,
        ticket_hash: Option<&[u8]>,
        state: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO passkey_challenges (id, purpose, user_id, ticket_hash, state, expires_at) \
                           VALUES ($1, $2, $3, $4, $5, $6)";
        with_pool!(self, pool, _d => {
            sqlx::query(SQL)
                .bind(id)
                .bind(purpose.as_str())
                .bind(user)
                .bind(ticket_hash)
                .bind(state)
                .bind(expires_at)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Takes a ceremony started for `purpose` back, once: a second answer finds nothing.
    pub async fn take_ceremony(&self, id: Uuid, purpose: CeremonyPurpose) -> StoreResult<Option<Ceremony>> {
        const SQL: &str = "DELETE FROM passkey_challenges WHERE id = $1 AND purpose = $2 \
                           RETURNING user_id, ticket_hash, state, expires_at";
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, Ceremony>(SQL).bind(id).bind(purpose.as_str()).fetch_optional(pool).await?
        }))
    }
}
