//! Leaving: everything stored about a person, for them to take (export), and closing their
//! account (delete), which erases their personal data but keeps the row as "Deleted user" so
//! the messages they wrote stay readable in other people's conversations.

use uuid::Uuid;

use super::account::end_all_sessions;
use super::{now_ms, with_pool, Store, StoreResult};

/// Name shown for a closed account.
pub const DELETED_NAME: &str = "Deleted user";

/// What closing an account changed, for the caller to announce.
#[derive(Debug, Clone, Default)]
pub struct ClosedAccount {
    /// Sessions that were open (their tokens and sockets must end now).
    pub sessions: Vec<Uuid>,
    /// Upcoming events nobody else organizes, now cancelled.
    pub cancelled_events: Vec<Uuid>,
    /// Events handed to a co-organizer: (event, new owner).
    pub handed_over: Vec<(Uuid, Uuid)>,
    /// Meetings ahead that were cancelled (the other side is told).
    pub cancelled_meetings: Vec<Uuid>,
    /// People whose meetings with them were cancelled.
    pub met_with: Vec<Uuid>,
}

/// The person's rows, for `GET /me/export`.
#[derive(Debug, Clone, Default)]
pub struct ExportRows {
    /// (event, title, status, checked in at, created at)
    pub rsvps: Vec<(Uuid, String, String, Option<i64>, i64)>,
    /// (event, title, starts at, owner)
    pub events: Vec<(Uuid, String, i64, bool)>,
    /// (channel, body, sent at)
    pub messages: Vec<(String, String, i64)>,
    /// (event, target, verdict, created at)
    pub feedback: Vec<(Uuid, Uuid, String, i64)>,
}

impl Store {
    /// Reads everything stored about `user` that the other store calls do not already answer.
    pub async fn export_rows(&self, user: Uuid) -> StoreResult<ExportRows> {
        const RSVPS: &str = "SELECT r.event_id, e.title, r.status, r.checked_in_at, r.created_at FROM rsvps r \
                             JOIN events e ON e.id = r.event_id WHERE r.user_id = $1 ORDER BY r.created_at";
        const EVENTS: &str = "SELECT e.id, e.title, e.starts_at, e.owner_id = $1 FROM events e WHERE e.owner_id = $1 \
                              OR e.id IN (SELECT event_id FROM event_organizers WHERE user_id = $1) ORDER BY e.starts_at";
        const MESSAGES: &str =
            "SELECT channel, body, sent_at FROM channel_messages WHERE sender = $1 ORDER BY sent_at, channel, seq";
        const FEEDBACK: &str = "SELECT event_id, target_id, verdict, created_at FROM suggestion_feedback \
                                WHERE user_id = $1 ORDER BY created_at";
        Ok(with_pool!(self, pool, _d => ExportRows {
            rsvps: sqlx::query_as(RSVPS).bind(user).fetch_all(pool).await?,
            events: sqlx::query_as(EVENTS).bind(user).fetch_all(pool).await?,
            messages: sqlx::query_as(MESSAGES).bind(user).fetch_all(pool).await?,
            feedback: sqlx::query_as(FEEDBACK).bind(user).fetch_all(pool).await?,
        }))
    }

    /// Closes `user`'s account in one transaction. Their RSVPs to events still ahead should be
    /// withdrawn first ([`Store::cancel_rsvp`], which gives the seats to the waitlist); any left
    /// are deleted here.
    pub async fn close_account(&self, user: Uuid) -> StoreResult<ClosedAccount> {
        const OWNED: &str = "SELECT id, ends_at FROM events WHERE owner_id = $1";
        const CO_ORGANIZER: &str = "SELECT o.user_id FROM event_organizers o JOIN users u ON u.id = o.user_id \
                                    WHERE o.event_id = $1 AND o.user_id <> $2 AND u.deleted_at IS NULL \
                                    ORDER BY o.added_at, o.user_id LIMIT 1";
        const MEETINGS: &str = "SELECT id, from_user, to_user FROM meetings WHERE (from_user = $1 OR to_user = $1) \
                                AND status IN ('pending', 'accepted') AND ends_at > $2";
        const SCRUB: &str = "UPDATE users SET email = $2, password_hash = '', display_name = $3, headline = '', \
                             bio = '', interests = '[]', seeking = '[]', offering = '[]', visibility = 'hidden', \
                             matchmaking = FALSE, email_verified_at = NULL, totp_secret = NULL, totp_pending = NULL, \
                             totp_last_step = NULL, deleted_at = $4, updated_at = $4 WHERE id = $1";
        let now = now_ms();
        with_pool!(self, pool, d => {
            let mut tx = pool.begin_with(d.begin_write).await?;
            let mut closed = ClosedAccount::default();
            let owned: Vec<(Uuid, i64)> = sqlx::query_as(OWNED).bind(user).fetch_all(&mut *tx).await?;
            for (event, ends_at) in owned {
                let next: Option<Uuid> =
                    sqlx::query_scalar(CO_ORGANIZER).bind(event).bind(user).fetch_optional(&mut *tx).await?;
                if let Some(next) = next {
                    sqlx::query("UPDATE events SET owner_id = $2, updated_at = $3 WHERE id = $1")
                        .bind(event)
                        .bind(next)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    closed.handed_over.push((event, next));
                } else if ends_at > now {
                    sqlx::query("UPDATE events SET cancelled_at = $2, updated_at = $2 WHERE id = $1 AND cancelled_at IS NULL")
                        .bind(event)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    closed.cancelled_events.push(event);
                }
            }
            let meetings: Vec<(Uuid, Uuid, Uuid)> =
                sqlx::query_as(MEETINGS).bind(user).bind(now).fetch_all(&mut *tx).await?;
            for (meeting, from, to) in meetings {
                sqlx::query("UPDATE meetings SET status = 'cancelled', updated_at = $2 WHERE id = $1")
                    .bind(meeting)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                closed.cancelled_meetings.push(meeting);
                closed.met_with.push(if from == user { to } else { from });
            }
            for sql in [
                "DELETE FROM event_organizers WHERE user_id = $1",
                "DELETE FROM rsvps WHERE user_id = $1",
                "DELETE FROM blocks WHERE blocker_id = $1 OR blocked_id = $1",
                "DELETE FROM suggestion_feedback WHERE user_id = $1 OR target_id = $1",
                "DELETE FROM recovery_codes WHERE user_id = $1",
                "DELETE FROM email_tokens WHERE user_id = $1",
                "DELETE FROM mfa_tickets WHERE user_id = $1",
                "DELETE FROM passkeys WHERE user_id = $1",
                "DELETE FROM passkey_challenges WHERE user_id = $1",
                "DELETE FROM identities WHERE user_id = $1",
            ] {
                sqlx::query(sql).bind(user).execute(&mut *tx).await?;
            }
            closed.sessions = end_all_sessions!(tx, user, now);
            sqlx::query(SCRUB)
                .bind(user)
                .bind(format!("deleted-{}@deleted.invalid", user.simple()))
                .bind(DELETED_NAME)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(closed)
        })
    }

    /// Events ahead that `user` has an RSVP for (withdrawn before the account closes).
    pub async fn upcoming_rsvp_events(&self, user: Uuid) -> StoreResult<Vec<Uuid>> {
        const SQL: &str = "SELECT r.event_id FROM rsvps r JOIN events e ON e.id = r.event_id \
                           WHERE r.user_id = $1 AND e.ends_at > $2 AND r.checked_in_at IS NULL";
        Ok(with_pool!(self, pool, _d => sqlx::query_scalar(SQL).bind(user).bind(now_ms()).fetch_all(pool).await?))
    }
}
