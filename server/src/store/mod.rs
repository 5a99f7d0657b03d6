//! The one storage API of the server, with SQLite and PostgreSQL behind it.
//!
//! Both backends run the same SQL wherever the engines agree (almost everywhere: `$n`
//! placeholders, `RETURNING`, row-value comparisons and Unix-millisecond timestamps work in
//! both). The [`with_pool!`] macro expands a body once per backend so the compiler checks it
//! against each driver; the few places where the engines differ (full-text search, row locks,
//! write transactions) read their SQL from a [`Dialect`].

mod account;
mod activity;
mod analytics;
mod announcements;
mod capacity;
mod channels;
mod closing;
mod events;
mod identities;
mod matching;
mod meetings;
mod models;
mod names;
mod passkeys;
mod recommendations;
mod rsvps;
mod sessions;
mod users;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use uuid::Uuid;

use crate::conflict::Conflict;

pub use account::{LinkAction, LinkPurpose, Redeemed, Ticket, TicketRefused, TICKET_ATTEMPTS};
pub use analytics::{week_of, ActiveRow, AnalyticsRow, CohortRow, HourlySum, StageRow, DAY_MS as ANALYTICS_DAY_MS};
pub use announcements::AnnouncementRow;
pub use capacity::{CalendarRow, PastEventRow, ARRIVAL_BIN_MS};
pub use channels::{ChannelHead, StoredMessage, CHANNEL_RETENTION};
pub use closing::{ClosedAccount, ExportRows, DELETED_NAME};
pub use events::{
    DayEvent, EventChanges, EventCounts, EventFields, EventFilter, EventRow, Membership, NewEvent, VenueFields,
};
pub use identities::{IdentityRow, ProviderLogin};
pub use meetings::{MeetingAction, MeetingRow, NewMeeting};
pub use models::{ArmSums, DecisionRow, ModelRow};
pub use passkeys::{Ceremony, CeremonyPurpose, NewPasskey, PasskeyRow};
pub use rsvps::{AttendeeRow, CheckinOutcome, RsvpChange, RsvpRow, CHECKIN_OPENS_BEFORE_MS};
pub use sessions::{RotateOutcome, SessionRow, SessionSelector};
pub use users::{NewUser, ProfileChanges, UserRow};

/// Which engine a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// SQL that differs between the engines.
pub(crate) struct Dialect {
    /// Statement that opens a transaction which will write. SQLite must take the write lock up
    /// front: a deferred transaction that reads and then writes fails with `SQLITE_BUSY` when
    /// another connection committed in between, and no busy timeout helps with that.
    begin_write: &'static str,
    /// Suffix that locks the selected rows until commit (PostgreSQL); SQLite's write transaction
    /// already serializes writers.
    for_update: &'static str,
    /// Two-argument minimum.
    least: &'static str,
}

const SQLITE: Dialect = Dialect { begin_write: "BEGIN IMMEDIATE", for_update: "", least: "min" };
const POSTGRES: Dialect = Dialect { begin_write: "BEGIN", for_update: " FOR UPDATE", least: "least" };

/// Runs `$body` with `$pool` bound to the backend's pool and `$d` to its [`Dialect`]. The body is
/// type-checked once per backend.
macro_rules! with_pool {
    ($store:expr, $pool:ident, $d:ident => $body:expr) => {
        match &$store.db {
            $crate::store::Db::Sqlite($pool) => {
                #[allow(unused_variables)]
                let $d = &$crate::store::SQLITE;
                $body
            }
            $crate::store::Db::Postgres($pool) => {
                #[allow(unused_variables)]
                let $d = &$crate::store::POSTGRES;
                $body
            }
        }
    };
}
pub(crate) use with_pool;

#[derive(Clone)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Errors the store reports. A conflict says which rule refused the change; the HTTP layer
/// passes it on as it is.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {}", .0.code())]
    Conflict(Conflict),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// Whether the database could not be reached (down, restarting, no connection to be had in
    /// time), as opposed to a query that failed: the request may succeed when retried.
    pub fn is_unavailable(&self) -> bool {
        let Self::Database(e) = self else { return false };
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => true,
            sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => true,
            // Connection exceptions (08...) and the server shutting down or starting (57P01-03).
            sqlx::Error::Database(e) => {
                e.code().is_some_and(|code| code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03"))
            }
            _ => false,
        }
    }
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: Db,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend()).finish()
    }
}

impl Store {
    /// Connects to `url` (`sqlite:` path or `postgres://`), and applies pending migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let store = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            // While the database is unreachable a request waits at most `acquire_timeout` for a
            // connection, then answers 503: clients see a clear error, not a hang.
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(options)
                .await?;
            sqlx::migrate!("../migrations/postgres").run(&pool).await?;
            Self { db: Db::Postgres(pool) }
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            // Distance search needs SQLite's math functions; fail at start rather than on the
            // first query when the library was built without them.
            sqlx::query("SELECT asin(sin(0.5))").execute(&pool).await.map_err(|e| {
                anyhow::anyhow!("SQLite lacks math functions (build with SQLITE_ENABLE_MATH_FUNCTIONS): {e}")
            })?;
            sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
            Self { db: Db::Sqlite(pool) }
        } else {
            anyhow::bail!("unsupported database URL {url:?}: expected sqlite:... or postgres://...");
        };
        Ok(store)
    }

    /// SQLite URL for a database file at `path`, created when missing.
    pub fn sqlite_url(path: &Path) -> String {
        format!("sqlite://{}", path.display())
    }

    pub fn backend(&self) -> Backend {
        match self.db {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Cheap round trip used by `/readyz`.
    pub async fn ping(&self) -> StoreResult<()> {
        with_pool!(self, pool, _d => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    pub async fn close(&self) {
        with_pool!(self, pool, _d => pool.close().await);
    }
}

/// Milliseconds since the Unix epoch, the storage format of every timestamp.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub(crate) fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}

pub fn parse_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error().is_some_and(|e| e.is_unique_violation())
}

pub(crate) fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// Random code of unambiguous upper-case letters and digits.
pub fn random_code(len: usize) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..len).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}
