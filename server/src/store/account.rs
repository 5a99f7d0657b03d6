//! What keeps an account verified, recoverable and protected: e-mail links, passwords, the TOTP
//! second factor with its recovery codes, and the ticket between a password and a second
//! factor. Every secret is stored as its SHA-256 and redeemed at most once, inside one
//! transaction.

use uuid::Uuid;

use super::{is_unique_violation, now_ms, with_pool, Store, StoreError, StoreResult};
use crate::conflict::Conflict;

/// Replaces the recovery codes of `$user` with `$hashes` inside the caller's transaction. A
/// macro so it expands once per backend like [`with_pool!`] bodies do.
macro_rules! replace_codes {
    ($tx:expr, $user:expr, $hashes:expr) => {{
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind($user).execute(&mut *$tx).await?;
        for hash in $hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind($user)
                .bind(hash.as_slice())
                .execute(&mut *$tx)
                .await?;
        }
    }};
}

/// Ends every session of `$user` (and its refresh tokens) inside the caller's transaction, and
/// evaluates to the sessions that were open (whose tokens and sockets the caller ends).
macro_rules! end_all_sessions {
    ($tx:expr, $user:expr, $now:expr) => {{
        let ended: Vec<Uuid> = sqlx::query_scalar(
            "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING id",
        )
        .bind($user)
        .bind($now)
        .fetch_all(&mut *$tx)
        .await?;
        sqlx::query("UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
            .bind($user)
            .bind($now)
            .execute(&mut *$tx)
            .await?;
        ended
    }};
}
pub(crate) use end_all_sessions;
pub(crate) use replace_codes;

/// What an e-mail link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Confirm the account's current address.
    Verify,
    /// Move the account to a new address (confirmed by the link sent to it).
    Change,
    /// Set a new password.
    Reset,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verify => "verify",
            Self::Change => "change",
            Self::Reset => "reset",
        }
    }
}

/// What redeeming a link does.
#[derive(Debug, Clone)]
pub enum LinkAction {
    Verify,
    Change,
    /// Sets this (already hashed) password.
    Reset {
        password_hash: String,
    },
}

impl LinkAction {
    pub fn purpose(&self) -> LinkPurpose {
        match self {
            Self::Verify => LinkPurpose::Verify,
            Self::Change => LinkPurpose::Change,
            Self::Reset { .. } => LinkPurpose::Reset,
        }
    }
}

/// Why a link, ticket or code was not accepted, or what redeeming a link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    /// Done, for this user and address; a reset also ended these sessions. `activated`: the
    /// account was a sign-up waiting for this address, and is now in use.
    Done {
        user: Uuid,
        email: String,
        ended: Vec<Uuid>,
        activated: bool,
    },
    /// Already used once.
    Used,
    Expired,
    /// Not a link of this kind.
    Unknown,
}

/// A sign-in waiting for its second factor.
#[derive(Debug, Clone)]
pub struct Ticket {
    pub user: Uuid,
    pub user_agent: String,
    pub address: String,
}

/// Why a ticket cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketRefused {
    Unknown,
    Used,
    Expired,
    /// Too many wrong codes for this ticket.
    TooManyAttempts,
}

/// Wrong codes one ticket may take before it is spent.
pub const TICKET_ATTEMPTS: i64 = 5;

impl Store {
    /// Stores a single-use e-mail link for `user`, replacing earlier unused links of the same
    /// purpose (only the newest mail works).
    pub async fn create_email_link(
        &self,
        hash: &[u8],
        user: Uuid,
        purpose: LinkPurpose,
        email: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        const CLEAR: &str = "DELETE FROM email_tokens WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL";
        const INSERT: &str = "INSERT INTO email_tokens (token_hash, user_id, purpose, email, created_at, expires_at) \
                              VALUES ($1, $2, $3, $4, $5, $6)";
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            sqlx::query(CLEAR).bind(user).bind(purpose.as_str()).execute(&mut *tx).await?;
            sqlx::query(INSERT)
                .bind(hash)
                .bind(user)
                .bind(purpose.as_str())
                .bind(email)
                .bind(now_ms())
                .bind(expires_at)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Redeems the link hashed `hash` if it is for `action`'s purpose, and applies it in the
    /// same transaction: marks the address verified (`Verify`), moves the account to the new
    /// address and marks it verified (`Change`; [`Conflict::EmailTaken`] if someone registered
    /// it meanwhile), or sets the new password and ends every session (`Reset`).
    ///
    /// A sign-up waiting for the address the link went to is finished by `Verify` and `Reset`
    /// alike: both prove the mailbox is the registrant's. A contested one (two passwords were
    /// offered for it) keeps neither after `Verify`: its password is cleared.
    pub async fn redeem_email_link(&self, hash: &[u8], action: &LinkAction) -> StoreResult<Redeemed> {
        let now = now_ms();
        let purpose = action.purpose();
        let result: Result<Redeemed, StoreError> = with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let sql = format!(
                "SELECT user_id, email, expires_at, used_at FROM email_tokens WHERE token_hash = $1 AND purpose = $2{}",
                d.for_update
            );
            let row: Option<(Uuid, String, i64, Option<i64>)> =
                sqlx::query_as(&sql).bind(hash).bind(purpose.as_str()).fetch_optional(&mut *tx).await?;
            let outcome = match row {
                None => Redeemed::Unknown,
                Some((_, _, _, Some(_))) => Redeemed::Used,
                Some((_, _, expires_at, None)) if expires_at <= now => Redeemed::Expired,
                Some((user, email, _, None)) => {
                    let mut ended = Vec::new();
                    // Whether the account is a sign-up waiting for this very address.
                    let waiting: Option<bool> = sqlx::query_scalar(
                        "SELECT pending_since IS NOT NULL FROM users WHERE id = $1 AND email = $2 \
                         AND deleted_at IS NULL",
                    )
                    .bind(user)
                    .bind(&email)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let activated = waiting == Some(true) && purpose != LinkPurpose::Change;
                    sqlx::query("UPDATE email_tokens SET used_at = $2 WHERE token_hash = $1")
                        .bind(hash)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    match action {
                        LinkAction::Verify => {
                            // Only the address the link was sent to: a link for an old address
                            // verifies nothing after the account moved.
                            sqlx::query(
                                "UPDATE users SET email_verified_at = $3, \
                                 password_hash = CASE WHEN pending_contested THEN '' ELSE password_hash END, \
                                 pending_since = NULL, pending_contested = FALSE \
                                 WHERE id = $1 AND email = $2 AND deleted_at IS NULL",
                            )
                            .bind(user)
                            .bind(&email)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                        }
                        LinkAction::Change => {
                            let moved = sqlx::query(
                                "UPDATE users SET email = $2, email_verified_at = $3, updated_at = $3 \
                                 WHERE id = $1 AND deleted_at IS NULL",
                            )
                            .bind(user)
                            .bind(&email)
                            .bind(now)
                            .execute(&mut *tx)
                            .await;
                            match moved {
                                Err(e) if is_unique_violation(&e) => {
                                    return Err(StoreError::Conflict(Conflict::EmailTaken));
                                }
                                other => other?,
                            };
                        }
                        LinkAction::Reset { password_hash } => {
                            sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
                                .bind(user)
                                .bind(password_hash)
                                .bind(now)
                                .execute(&mut *tx)
                                .await?;
                            if activated {
                                sqlx::query(
                                    "UPDATE users SET email_verified_at = $2, pending_since = NULL, \
                                     pending_contested = FALSE WHERE id = $1",
                                )
                                .bind(user)
                                .bind(now)
                                .execute(&mut *tx)
                                .await?;
                            }
                            // Whoever knew the old password is signed out everywhere.
                            ended = end_all_sessions!(tx, user, now);
                        }
                    }
                    Redeemed::Done { user, email, ended, activated }
                }
            };
            tx.commit().await?;
            Ok(outcome)
        });
        result
    }

    /// Gives the sign-up waiting for `email` to whoever a provider vouched owns the address:
    /// verified, in use, and without the password the registrant chose (whoever registered never
    /// proved the address, and may not be its owner). `false` when `user` is not such a sign-up.
    pub async fn claim_pending_signup(&self, user: Uuid, email: &str) -> StoreResult<bool> {
        const SQL: &str = "UPDATE users SET password_hash = '', email_verified_at = $3, pending_since = NULL, \
                           pending_contested = FALSE, updated_at = $3 \
                           WHERE id = $1 AND email = $2 AND pending_since IS NOT NULL AND deleted_at IS NULL";
        Ok(with_pool!(self, pool, _d => {
            sqlx::query(SQL).bind(user).bind(email).bind(now_ms()).execute(pool).await?.rows_affected() == 1
        }))
    }

    /// Marks the sign-up waiting as `user` contested (it was repeated with another password),
    /// and takes back its unused confirmation links: opening one would keep the password of
    /// whoever registered first.
    pub async fn contest_pending_signup(&self, user: Uuid) -> StoreResult<()> {
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            sqlx::query("UPDATE users SET pending_contested = TRUE WHERE id = $1 AND pending_since IS NOT NULL")
                .bind(user)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM email_tokens WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL")
                .bind(user)
                .bind(LinkPurpose::Verify.as_str())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Marks `email` verified for `user` (a provider vouched for it).
    pub async fn mark_email_verified(&self, user: Uuid, email: &str) -> StoreResult<()> {
        const SQL: &str = "UPDATE users SET email_verified_at = $3 WHERE id = $1 AND email = $2";
        with_pool!(self, pool, _d => {
            sqlx::query(SQL).bind(user).bind(email).bind(now_ms()).execute(pool).await?;
        });
        Ok(())
    }

    /// Sets a new password; ends every session but `keep`, answering the ended ones.
    pub async fn set_password(&self, user: Uuid, password_hash: &str, keep: Option<Uuid>) -> StoreResult<Vec<Uuid>> {
        const SQL: &str = "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1";
        sqlx_exec(self, SQL, user, password_hash).await?;
        self.revoke_sessions(user, super::SessionSelector::AllBut(keep)).await
    }

    /// Starts a TOTP enrolment: the secret waits for its first code.
    pub async fn set_pending_totp(&self, user: Uuid, secret: &str) -> StoreResult<()> {
        const SQL: &str = "UPDATE users SET totp_pending = $2 WHERE id = $1";
        sqlx_exec(self, SQL, user, secret).await
    }

    /// The confirmed secret, the pending one, and the last step a code was accepted for.
    pub async fn totp_state(&self, user: Uuid) -> StoreResult<(Option<String>, Option<String>, Option<i64>)> {
        const SQL: &str = "SELECT totp_secret, totp_pending, totp_last_step FROM users WHERE id = $1";
        let row = with_pool!(self, pool, _d => sqlx::query_as(SQL).bind(user).fetch_optional(pool).await?);
        row.ok_or(StoreError::NotFound)
    }

    /// Confirms the pending enrolment with the step of its first code and stores the recovery
    /// codes (hashed). [`Conflict::NothingPending`] when there is no pending secret.
    pub async fn confirm_totp(&self, user: Uuid, step: i64, recovery_hashes: &[Vec<u8>]) -> StoreResult<()> {
        const SQL: &str = "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $2, \
                           updated_at = $3 WHERE id = $1 AND totp_pending IS NOT NULL";
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let confirmed = sqlx::query(SQL).bind(user).bind(step).bind(now_ms()).execute(&mut *tx).await?;
            if confirmed.rows_affected() == 0 {
                return Err(StoreError::Conflict(Conflict::NothingPending));
            }
            replace_codes!(tx, user, recovery_hashes);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Accepts a code's time step if no code for it or a later step was accepted before (a
    /// code works once). Answers whether it was accepted.
    pub async fn accept_totp_step(&self, user: Uuid, step: i64) -> StoreResult<bool> {
        const SQL: &str = "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_secret IS NOT NULL \
                           AND (totp_last_step IS NULL OR totp_last_step < $2)";
        Ok(with_pool!(self, pool, _d => {
            sqlx::query(SQL).bind(user).bind(step).execute(pool).await?.rows_affected() == 1
        }))
    }

    /// Spends one recovery code; answers whether it was an unused code of `user`.
    pub async fn use_recovery_code(&self, user: Uuid, hash: &[u8]) -> StoreResult<bool> {
        const SQL: &str =
            "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL";
        Ok(with_pool!(self, pool, _d => {
            sqlx::query(SQL).bind(user).bind(hash).bind(now_ms()).execute(pool).await?.rows_affected() == 1
        }))
    }

    /// Replaces every recovery code of `user` (the old ones stop working).
    pub async fn replace_recovery_codes(&self, user: Uuid, hashes: &[Vec<u8>]) -> StoreResult<()> {
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            replace_codes!(tx, user, hashes);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Unused recovery codes left.
    pub async fn recovery_codes_left(&self, user: Uuid) -> StoreResult<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL";
        Ok(with_pool!(self, pool, _d => sqlx::query_scalar(SQL).bind(user).fetch_one(pool).await?))
    }

    /// Removes the authenticator app, and the recovery codes unless passkeys remain.
    pub async fn disable_totp(&self, user: Uuid) -> StoreResult<()> {
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            sqlx::query("UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL, updated_at = $2 WHERE id = $1")
                .bind(user)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            // Passkeys left keep two-step sign-in on, and with it the recovery codes.
            sqlx::query(
                "DELETE FROM recovery_codes WHERE user_id = $1 AND NOT EXISTS (SELECT 1 FROM passkeys WHERE user_id = $1)",
            )
            .bind(user)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Stores a sign-in ticket (after a correct password, before the second factor).
    pub async fn create_ticket(
        &self,
        hash: &[u8],
        user: Uuid,
        user_agent: &str,
        address: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        const SQL: &str =
            "INSERT INTO mfa_tickets (ticket_hash, user_id, created_at, expires_at, user_agent, address) \
                           VALUES ($1, $2, $3, $4, $5, $6)";
        with_pool!(self, pool, _d => {
            sqlx::query(SQL)
                .bind(hash)
                .bind(user)
                .bind(now_ms())
                .bind(expires_at)
                .bind(user_agent)
                .bind(address)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The account of a ticket that may still be used, without counting an attempt (starting a
    /// passkey check is not a guess).
    pub async fn peek_ticket(&self, hash: &[u8]) -> StoreResult<Result<Uuid, TicketRefused>> {
        const SQL: &str = "SELECT user_id, expires_at, used_at, attempts FROM mfa_tickets WHERE ticket_hash = $1";
        let row: Option<(Uuid, i64, Option<i64>, i64)> =
            with_pool!(self, pool, _d => sqlx::query_as(SQL).bind(hash).fetch_optional(pool).await?);
        Ok(match row {
            None => Err(TicketRefused::Unknown),
            Some((user, expires_at, used_at, attempts)) => {
                usable(expires_at, used_at, attempts, now_ms()).map(|()| user)
            }
        })
    }

    /// Counts one attempt on the ticket and answers it while it may still be used.
    pub async fn attempt_ticket(&self, hash: &[u8]) -> StoreResult<Result<Ticket, TicketRefused>> {
        let now = now_ms();
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let sql = format!(
                "SELECT user_id, expires_at, used_at, attempts, user_agent, address FROM mfa_tickets \
                 WHERE ticket_hash = $1{}",
                d.for_update
            );
            let row: Option<(Uuid, i64, Option<i64>, i64, String, String)> =
                sqlx::query_as(&sql).bind(hash).fetch_optional(&mut *tx).await?;
            let outcome = match row {
                None => Err(TicketRefused::Unknown),
                Some((user, expires_at, used_at, attempts, user_agent, address)) => {
                    match usable(expires_at, used_at, attempts, now) {
                        Ok(()) => {
                            sqlx::query("UPDATE mfa_tickets SET attempts = attempts + 1 WHERE ticket_hash = $1")
                                .bind(hash)
                                .execute(&mut *tx)
                                .await?;
                            Ok(Ticket { user, user_agent, address })
                        }
                        Err(refused) => Err(refused),
                    }
                }
            };
            tx.commit().await?;
            Ok(outcome)
        })
    }

    /// Spends the ticket after its second factor was accepted; `false` when it was spent
    /// meanwhile (two requests raced with one ticket: only one signs in).
    pub async fn spend_ticket(&self, hash: &[u8]) -> StoreResult<bool> {
        const SQL: &str = "UPDATE mfa_tickets SET used_at = $2 WHERE ticket_hash = $1 AND used_at IS NULL";
        Ok(with_pool!(self, pool, _d => {
            sqlx::query(SQL).bind(hash).bind(now_ms()).execute(pool).await?.rows_affected() == 1
        }))
    }

    /// Deletes links, tickets and passkey ceremonies that expired more than a day ago.
    pub async fn purge_expired_links(&self) -> StoreResult<u64> {
        let cutoff = now_ms() - 86_400_000;
        Ok(with_pool!(self, pool, _d => {
            let links = sqlx::query("DELETE FROM email_tokens WHERE expires_at < $1").bind(cutoff).execute(pool).await?;
            let tickets = sqlx::query("DELETE FROM mfa_tickets WHERE expires_at < $1").bind(cutoff).execute(pool).await?;
            let ceremonies =
                sqlx::query("DELETE FROM passkey_challenges WHERE expires_at < $1").bind(cutoff).execute(pool).await?;
            links.rows_affected() + tickets.rows_affected() + ceremonies.rows_affected()
        }))
    }
}

/// Whether a ticket with this state may still be used at `now`, and if not, why.
fn usable(expires_at: i64, used_at: Option<i64>, attempts: i64, now: i64) -> Result<(), TicketRefused> {
    if used_at.is_some() {
        Err(TicketRefused::Used)
    } else if expires_at <= now {
        Err(TicketRefused::Expired)
    } else if attempts >= TICKET_ATTEMPTS {
        Err(TicketRefused::TooManyAttempts)
    } else {
        Ok(())
    }
}

/// Runs `sql` with `$1 = user`, `$2 = value`, `$3 = now`.
async fn sqlx_exec(store: &Store, sql: &str, user: Uuid, value: &str) -> StoreResult<()> {
    with_pool!(store, pool, _d => {
        sqlx::query(sql).bind(user).bind(value).bind(now_ms()).execute(pool).await?;
    });
    Ok(())
}
