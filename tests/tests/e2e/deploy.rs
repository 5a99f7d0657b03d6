//! What a deployment runs besides the nodes: `mingle migrate`, the job that applies migrations
//! before a rollout.

use tests::{Backend, Node, TestDb};

/// `mingle migrate` brings an empty PostgreSQL database to the current schema and exits; run
/// again, it has nothing to do and still succeeds (a re-run job, a node starting beside it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_applies_every_migration_once() {
    let db = TestDb::new(Backend::Postgres).await;
    for _ in 0..2 {
        let status = tokio::process::Command::new(Node::binary())
            .args(["migrate", "--database-url", &db.url])
            .env("RUST_LOG", "warn")
            .status()
            .await
            .expect("run mingle migrate");
        assert!(status.success(), "mingle migrate exits 0");
    }
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/postgres"))
        .expect("migrations")
        .filter(|entry| entry.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql")))
        .count();
    let pool = sqlx::PgPool::connect(&db.url).await.expect("connect");
    let (applied,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM _sqlx_migrations WHERE success").fetch_one(&pool).await.expect("count");
    assert_eq!(applied, i64::try_from(files).expect("a count"), "every migration applied once");
    pool.close().await;
}
