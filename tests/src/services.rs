//! Private PostgreSQL and Redis servers that a test owns and may crash and restart, without
//! disturbing the shared ones every other test uses. Each runs from the binaries `./dev test`
//! installs, on a free loopback port, with its files in a temporary directory.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A free TCP port on the loopback interface (free when asked; the caller binds it soon).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("address").port()
}

/// Waits until something accepts TCP connections on `port`.
async fn accepting(port: u16, within: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    while tokio::time::Instant::now() < deadline {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// A PostgreSQL server of its own (trust authentication on 127.0.0.1), stopped when dropped.
#[derive(Debug)]
pub struct PrivatePostgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    pub port: u16,
}

impl PrivatePostgres {
    /// Creates a cluster with `initdb` and starts it.
    pub async fn start() -> Self {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL is installed (./dev test installs it)")
            .filter_map(Result::ok)
            .map(|version| version.path().join("bin"))
            .filter(|bin| bin.join("initdb").exists())
            .max()
            .expect("a PostgreSQL version with initdb");
        let dir = tempfile::tempdir().expect("temporary directory");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).expect("data directory");
        if let Some(uid) = server_user() {
            // PostgreSQL refuses to run as root: the cluster belongs to the `postgres` user.
            for path in [dir.path(), data.as_path()] {
                std::os::unix::fs::chown(path, Some(uid), Some(uid)).expect("chown to postgres");
            }
        }
        let this = Self { bin, dir, port: free_port() };
        this.run("initdb", &["-D", &this.data(), "-A", "trust", "-U", "postgres", "--no-sync"]);
        this.start_server().await;
        this
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// The admin URL (database `postgres`).
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// A PostgreSQL program, to be run as the cluster's owner, its output discarded.
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        let mut command = if server_user().is_some() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&program);
            command
        } else {
            Command::new(&program)
        };
        command.stdout(Stdio::null()).stderr(Stdio::null());
        command
    }

    /// Runs a PostgreSQL program as the cluster's owner, waiting for it.
    fn run(&self, program: &str, args: &[&str]) {
        let status = self.command(program).args(args).status().expect("run PostgreSQL");
        assert!(status.success(), "{program} {args:?} failed");
    }

    async fn start_server(&self) {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", self.port, self.data());
        let log = self.dir.path().join("log").display().to_string();
        self.run("pg_ctl", &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "start"]);
        assert!(accepting(self.port, Duration::from_secs(30)).await, "PostgreSQL accepts connections");
    }

    /// Stops the server the hard way (`immediate`: every connection cut, no checkpoint, like a
    /// crash), answering once it is down.
    pub fn kill(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "immediate", "-w", "stop"]);
    }

    /// Starts it again after [`Self::kill`] (crash recovery runs first).
    pub async fn restart(&self) {
        self.start_server().await;
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = self.command("pg_ctl").args(["-D", &self.data(), "-m", "immediate", "stop"]).status();
    }
}

/// The `postgres` user's id when running as root (PostgreSQL must then run as that user).
fn server_user() -> Option<u32> {
    let me = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&me.stdout).trim() != "0" {
        return None;
    }
    let id = Command::new("id").args(["-u", "postgres"]).output().ok()?;
    String::from_utf8_lossy(&id.stdout).trim().parse().ok()
}

/// A Redis server of its own (no persistence), killed when dropped.
#[derive(Debug)]
pub struct PrivateRedis {
    child: Option<std::process::Child>,
    dir: tempfile::TempDir,
    pub port: u16,
}

impl PrivateRedis {
    pub async fn start() -> Self {
        let mut this = Self { child: None, dir: tempfile::tempdir().expect("temporary directory"), port: free_port() };
        this.start_server().await;
        this
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    async fn start_server(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server is installed (./dev test installs it)");
        self.child = Some(child);
        assert!(accepting(self.port, Duration::from_secs(10)).await, "Redis accepts connections");
    }

    /// Kills the server (SIGKILL): every connection, subscription and key is gone.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts an empty server on the same port after [`Self::kill`].
    pub async fn restart(&mut self) {
        self.start_server().await;
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.kill();
    }
}
