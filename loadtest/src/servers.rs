//! The servers under test, started by the tool itself so that it knows their process ids and
//! gives each a fresh, throwaway state: Mingle (`mingle serve` on SQLite in a temporary
//! directory, or on a given PostgreSQL database) and the Socket.IO peer (`node server.js`).

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
    let dir = scratch_dir(name)?;
    let log = dir.join("server.log");
    if demo {
        demo_data(binary, &dir, database_url, &dir.join("demo-data.log")).await?;
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
        .kill_on_drop(true);
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
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

/// Starts the Socket.IO peer (`node server.js` in `dir`).
pub async fn start_socketio(node: &Path, dir: &Path) -> anyhow::Result<Server> {
    anyhow::ensure!(
        dir.join("node_modules/socket.io").exists(),
        "{} has no node_modules: run `npm ci` there (./dev bench does)",
        dir.display()
    );
    let scratch = scratch_dir("socketio")?;
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
            bail!("{} exited while starting; see {}", server.name, server.log.display());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    bail!("{} did not become ready in 120 s; see {}", server.name, server.log.display())
}
