//! The servers under test, started by the tool itself so that it knows their process ids and
//! gives each a fresh, throwaway state: Mingle (`mingle serve` on SQLite in a temporary
//! directory, or on a given PostgreSQL database or one made beside it) and the Socket.IO peer
//! (`node server.js`).
//! When one process cannot hold a scenario's connections, several: a Mingle cluster
//! ([`start_mingle_cluster`]) or as many Socket.IO processes.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context as _};
use tokio::process::{Child, Command};

/// Limits the benchmark lifts on the Mingle server it starts, each through the server's own
/// configuration. They bound abuse from one client address or one account; here every
/// connection comes from a handful of loopback addresses and a few hundred accounts.
pub const MINGLE_BENCH_ENV: &[(&str, &str)] = &[
    ("MINGLE_WS_CONNECTS_PER_ADDRESS_PER_MINUTE", "100000000"),
    ("MINGLE_CHAT_PER_MINUTE", "100000000"),
    ("MINGLE_AUTH_PER_ADDRESS_PER_MINUTE", "100000000"),
    ("MINGLE_LOGIN_PER_ACCOUNT_PER_MINUTE", "100000000"),
    ("MINGLE_LOGIN_PER_ACCOUNT_PER_HOUR", "100000000"),
    ("MINGLE_MAX_CONNECTIONS_PER_ADDRESS", "0"),
    ("MINGLE_ANALYTICS_BATCHES_PER_MINUTE", "100000000"),
    // Runs last longer than the default 15-minute token life.
    ("MINGLE_ACCESS_TOKEN_TTL_SECS", "14400"),
];

#[derive(Debug)]
pub struct Server {
    pub name: &'static str,
    pub addr: SocketAddr,
    pub pid: u32,
    child: Child,
    /// The temporary state directory, removed when the server stops.
    dir: Option<PathBuf>,
    pub log: PathBuf,
}

impl Server {
    /// Stops the server and removes its temporary state.
    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Drop for Server {
    /// A server dropped without [`Server::stop`] (a failed start, an error on the way) is killed
    /// by `kill_on_drop`; its temporary state goes with it.
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Several server processes that together hold one scenario's connections.
#[derive(Debug)]
pub struct Cluster {
    pub nodes: Vec<Server>,
    /// What the nodes share, in words for the report ("one PostgreSQL database and Redis").
    pub sharing: String,
    /// Why the nodes share less than a production cluster would, when they do.
    pub note: Option<String>,
}

impl Cluster {
    pub fn pids(&self) -> Vec<u32> {
        self.nodes.iter().map(|n| n.pid).collect()
    }

    pub async fn stop(self) {
        futures_util::future::join_all(self.nodes.into_iter().map(Server::stop)).await;
    }
}

/// What a Mingle node shares with the other nodes of its cluster; nothing for a lone node.
#[derive(Debug, Clone, Default)]
struct Shared {
    /// Signs access tokens: a token from one node is good on every node.
    jwt_secret: Option<String>,
    database_url: Option<String>,
    redis_url: Option<String>,
}

/// A free loopback port (released again at once, then taken by the server).
fn free_port() -> anyhow::Result<SocketAddr> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

fn scratch_dir(name: &str) -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("mingle-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Runs `mingle demo-data` (the default world: 3,000 users, 300 events) against the database of
/// `database_url` (SQLite in `data_dir` when `None`).
async fn demo_data(binary: &Path, data_dir: &Path, database_url: Option<&str>, log: &Path) -> anyhow::Result<()> {
    let mut command = Command::new(binary);
    command.arg("demo-data").env("MINGLE_DATA_DIR", data_dir).env("RUST_LOG", "warn");
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    let out = std::fs::File::create(log)?;
    let status = command.stdout(out.try_clone()?).stderr(out).status().await.context("running mingle demo-data")?;
    anyhow::ensure!(status.success(), "mingle demo-data failed; see {}", log.display());
    Ok(())
}

/// Starts `mingle serve` with fresh state. `demo` first fills the database with the demo world.
pub async fn start_mingle(binary: &Path, name: &str, database_url: Option<&str>, demo: bool) -> anyhow::Result<Server> {
    start_mingle_with(binary, name, database_url, demo, &[]).await
}

/// [`start_mingle`] with more of the server's configuration in `env` (`MINGLE_ANALYTICS`).
pub async fn start_mingle_with(
    binary: &Path,
    name: &str,
    database_url: Option<&str>,
    demo: bool,
    env: &[(&str, &str)],
) -> anyhow::Result<Server> {
    let shared = Shared { database_url: database_url.map(str::to_owned), ..Shared::default() };
    start_mingle_node(binary, name, demo, &shared, env).await
}

async fn start_mingle_node(
    binary: &Path,
    name: &str,
    demo: bool,
    shared: &Shared,
    env: &[(&str, &str)],
) -> anyhow::Result<Server> {
    let dir = scratch_dir(name)?;
    let log = dir.join("server.log");
    if demo {
        demo_data(binary, &dir, shared.database_url.as_deref(), &dir.join("demo-data.log")).await?;
    }
    let addr = free_port()?;
    let mut command = Command::new(binary);
    command
        .arg("serve")
        .env("MINGLE_LISTEN", addr.to_string())
        .env("MINGLE_DATA_DIR", &dir)
        .env("RUST_LOG", "warn")
        .envs(MINGLE_BENCH_ENV.iter().copied())
        .env_remove("REDIS_URL")
        .env_remove("DATABASE_URL")
        .env_remove("MINGLE_JWT_SECRET")
        .envs(env.iter().copied())
        .kill_on_drop(true);
    if let Some(url) = &shared.database_url {
        command.env("DATABASE_URL", url);
    }
    if let Some(url) = &shared.redis_url {
        // Suggestions stay on each node: with Redis alone Mingle would hand them to
        // `mingle matcher` workers, which the benchmark does not run.
        command.env("REDIS_URL", url).env("MINGLE_MATCHER", "in-process");
    }
    if let Some(secret) = &shared.jwt_secret {
        command.env("MINGLE_JWT_SECRET", secret);
    }
    let out = std::fs::File::create(&log)?;
    command.stdout(out.try_clone()?).stderr(out).stdin(Stdio::null());
    let child = command.spawn().with_context(|| format!("starting {}", binary.display()))?;
    let pid = child.id().context("server pid")?;
    let mut server = Server { name: "Mingle", addr, pid, child, dir: Some(dir), log };
    let api = crate::mingle::Api::new(addr)?;
    wait_ready(&mut server, || api.healthy()).await?;
    Ok(server)
}

/// Starts `count` Mingle nodes (`mingle serve`, each on its own loopback port, each with fresh
/// state of its own) that accept each other's access tokens: every node gets the same
/// `MINGLE_JWT_SECRET`, as every node of a production cluster must.
///
/// With a PostgreSQL database (`postgres_url`) and a Redis answering at `redis_url`, the nodes
/// share both, as Mingle is deployed to scale out: one database, Redis carrying fan-out and
/// presence between the nodes. That is the cluster whose cost per connection the report should
/// state, so it is preferred whenever both are at hand. Without them each node keeps its own
/// SQLite database and only the secret is shared; a node opens a socket only for an account it
/// knows, so the caller registers accounts on each node. Such nodes would not deliver each
/// other's messages, which an idle connection never asks for.
pub async fn start_mingle_cluster(
    binary: &Path,
    count: usize,
    postgres_url: Option<&str>,
    redis_url: &str,
) -> anyhow::Result<Cluster> {
    // Two UUIDs give 64 hex characters (244 random bits), above Mingle's minimum of 32 bytes.
    let secret = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let mut shared = Shared { jwt_secret: Some(secret), ..Shared::default() };
    let why_apart = match postgres_url {
        None => Some("no --postgres-url".to_owned()),
        Some(postgres) => match reachable(redis_url).await {
            Ok(()) => {
                shared.database_url = Some(postgres.to_owned());
                shared.redis_url = Some(redis_url.to_owned());
                None
            }
            Err(e) => Some(format!("{e:#}")),
        },
    };
    let (sharing, note) = match why_apart {
        None => ("one PostgreSQL database and Redis".to_owned(), None),
        Some(why) => (
            "the JWT secret only, each on its own SQLite database".to_owned(),
            Some(format!("idle: the Mingle nodes share only the JWT secret, each on its own SQLite database: {why}")),
        ),
    };
    // The first node alone first: on a shared database it applies the migrations, which the
    // others then find done instead of racing over them.
    let first = start_mingle_node(binary, "idle-node-0", false, &shared, &[]).await?;
    let others = futures_util::future::join_all((1..count).map(|i| {
        let shared = &shared;
        async move { start_mingle_node(binary, &format!("idle-node-{i}"), false, shared, &[]).await }
    }))
    .await;
    let mut nodes = vec![first];
    for (i, node) in others.into_iter().enumerate() {
        nodes.push(node.with_context(|| format!("starting Mingle node {}", i + 1))?);
    }
    Ok(Cluster { nodes, sharing, note })
}

/// A PostgreSQL database of one server's own, made beside the one `--postgres-url` names (on the
/// same server, as the same role, with `psql`, which `./dev bench` installs) and dropped after:
/// a scenario that starts several servers on the demo world needs an empty database for each.
#[derive(Debug)]
pub struct ScratchDatabase {
    /// The database the scratch one is made from and dropped through.
    admin_url: String,
    name: String,
    pub url: String,
}

/// Runs `run` on a database of its own: a scratch one made beside `admin_url` and dropped after,
/// or, without PostgreSQL, `None` (the server's own SQLite file).
pub async fn on_scratch_database<T, F, Fut>(admin_url: Option<&str>, suffix: &str, run: F) -> anyhow::Result<T>
where
    F: FnOnce(Option<String>) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let database = match admin_url {
        Some(url) => Some(ScratchDatabase::create(url, suffix).await?),
        None => None,
    };
    let outcome = run(database.as_ref().map(|d| d.url.clone())).await;
    if let Some(database) = database {
        database.remove().await;
    }
    outcome
}

impl ScratchDatabase {
    /// Creates (again, when an earlier run left it) the database `{name of admin_url}_{suffix}`.
    pub async fn create(admin_url: &str, suffix: &str) -> anyhow::Result<Self> {
        let mut url = url::Url::parse(admin_url).context("reading --postgres-url")?;
        let base = url.path().trim_start_matches('/');
        let base =
            if !base.is_empty() && base.len() <= 40 && base.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                base.to_owned()
            } else {
                "mingle".to_owned()
            };
        let name = format!("{base}_{suffix}");
        anyhow::ensure!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "{name:?} is no database name");
        psql(
            admin_url,
            &[&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"), &format!("CREATE DATABASE \"{name}\"")],
        )
        .await?;
        url.set_path(&format!("/{name}"));
        Ok(Self { admin_url: admin_url.to_owned(), name, url: url.to_string() })
    }

    /// Drops the database (its server has stopped); a failure leaves it for the next run's
    /// [`ScratchDatabase::create`].
    pub async fn remove(self) {
        let _ = psql(&self.admin_url, &[&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name)]).await;
    }
}

/// The e-mail addresses of up to `limit` accounts of the demo world in `server`'s database, in
/// address order (two servers with the same world give the same ones). The API shows nobody's
/// address to anyone else, so they are read from the database itself: with `sqlite3` from the
/// SQLite file in the server's state directory, or with `psql` from `database_url`.
pub async fn demo_emails(server: &Server, database_url: Option<&str>, limit: usize) -> anyhow::Result<Vec<String>> {
    let sql = format!("SELECT email FROM users WHERE email LIKE '%@demo.mingle.test' ORDER BY email LIMIT {limit}");
    let mut command = match database_url {
        Some(url) => {
            let mut command = Command::new("psql");
            command.args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", &sql]);
            command
        }
        None => {
            let dir = server.dir.as_deref().context("the server keeps no state directory")?;
            let mut command = Command::new("sqlite3");
            command.arg("-batch").arg(dir.join("mingle.db")).arg(&sql);
            command
        }
    };
    let tool = if database_url.is_some() { "psql (Debian: postgresql-client)" } else { "sqlite3 (Debian: sqlite3)" };
    let out = command.stdin(Stdio::null()).output().await.with_context(|| format!("running {tool}"))?;
    anyhow::ensure!(
        out.status.success(),
        "reading demo accounts failed: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Runs each statement with `psql` against the database of `url`, stopping at the first error.
async fn psql(url: &str, statements: &[&str]) -> anyhow::Result<()> {
    let mut command = Command::new("psql");
    command.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url]);
    for statement in statements {
        command.args(["-c", statement]);
    }
    let out = command.stdin(Stdio::null()).output().await.context("running psql (Debian: postgresql-client)")?;
    anyhow::ensure!(out.status.success(), "psql failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    Ok(())
}

/// `count` Socket.IO peer processes, each on its own port. Idle connections need nothing from
/// each other, so they share nothing (no cross-process room adapter).
pub async fn start_socketio_cluster(node: &Path, dir: &Path, count: usize) -> anyhow::Result<Cluster> {
    let started = futures_util::future::join_all(
        (0..count).map(|i| async move { start_socketio(node, dir, &format!("socketio-{i}")).await }),
    )
    .await;
    let mut nodes = Vec::with_capacity(count);
    for (i, process) in started.into_iter().enumerate() {
        nodes.push(process.with_context(|| format!("starting Socket.IO process {i}"))?);
    }
    Ok(Cluster { nodes, sharing: "nothing (independent processes)".to_owned(), note: None })
}

/// Whether something on this machine accepts connections at the host and port of `url`
/// (`redis://host:port/...`).
async fn reachable(url: &str) -> anyhow::Result<()> {
    let parsed = url::Url::parse(url).with_context(|| format!("reading the Redis URL {url:?}"))?;
    let host = parsed.host_str().filter(|h| !h.is_empty()).with_context(|| format!("{url:?} names no host"))?;
    let port = parsed.port().unwrap_or(6379);
    tokio::time::timeout(Duration::from_secs(2), tokio::net::TcpStream::connect((host, port)))
        .await
        .with_context(|| format!("Redis at {host}:{port} did not answer in 2 s"))?
        .with_context(|| format!("Redis at {host}:{port} not reachable"))?;
    Ok(())
}

/// Starts the Socket.IO peer (`node server.js` in `dir`); `name` names its scratch directory.
pub async fn start_socketio(node: &Path, dir: &Path, name: &str) -> anyhow::Result<Server> {
    anyhow::ensure!(
        dir.join("node_modules/socket.io").exists(),
        "{} has no node_modules: run `npm ci` there (./dev bench does)",
        dir.display()
    );
    let scratch = scratch_dir(name)?;
    let log = scratch.join("server.log");
    let addr = free_port()?;
    let out = std::fs::File::create(&log)?;
    let child = Command::new(node)
        // A large heap, so that 100,000 connections measure the server and not V8's default cap.
        .arg("--max-old-space-size=16384")
        .arg("server.js")
        .current_dir(dir)
        .env("PORT", addr.port().to_string())
        .env("HOST", addr.ip().to_string())
        .stdout(out.try_clone()?)
        .stderr(out)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", node.display()))?;
    let pid = child.id().context("node pid")?;
    let mut server = Server { name: "Socket.IO", addr, pid, child, dir: Some(scratch), log };
    wait_ready(&mut server, || async move { tokio::net::TcpStream::connect(addr).await.is_ok() }).await?;
    Ok(server)
}

async fn wait_ready<F, Fut>(server: &mut Server, ready: F) -> anyhow::Result<()>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while tokio::time::Instant::now() < deadline {
        if ready().await {
            return Ok(());
        }
        if server.child.try_wait().ok().flatten().is_some() {
            bail!("{} exited while starting; its log ends: {}", server.name, log_tail(&server.log));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    bail!("{} did not become ready in 120 s; its log ends: {}", server.name, log_tail(&server.log))
}

/// The last lines of a server's log, for an error: the log goes with the server's scratch
/// directory.
fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(5)..].join(" | ");
    if tail.is_empty() {
        "(empty)".to_owned()
    } else {
        tail
    }
}
