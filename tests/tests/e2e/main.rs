//! End-to-end tests, one binary: the store suite and the HTTP API, each case run against SQLite
//! and PostgreSQL.

/// Expands `async fn name(backend)` into a test per backend: `name::sqlite`, `name::postgres`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(tests::Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(tests::Backend::Postgres).await;
                }
            }
        )*
    };
}

mod accounts;
mod analytics;
mod cache;
mod capacity;
mod chaos;
mod cluster;
mod conversations;
mod deploy;
mod events;
mod hardening;
mod identity;
mod malformed;
mod meetings;
mod passkeys;
mod providers;
mod realtime;
mod recommendations;
mod signup;
mod store;
mod suggestions;
mod web;
