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

/// A real SMTP server (`aiosmtpd` from the project's virtualenv) that keeps every mail it
/// receives in a Maildir, for tests to read. Killed when dropped.
#[derive(Debug)]
pub struct MailServer {
    child: std::process::Child,
    dir: tempfile::TempDir,
    pub port: u16,
}

/// One received mail, decoded.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl ReceivedMail {
    /// The token of the first link in the mail whose path is `path` (`/verify-email`).
    pub fn token(&self, path: &str) -> Option<String> {
        let start = self.body.find(&format!("{path}?token="))? + path.len() + "?token=".len();
        Some(self.body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect())
    }
}

impl MailServer {
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let port = free_port();
        let python = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd is installed in .venv (./dev test installs it)");
        let this = Self { child, dir, port };
        assert!(accepting(port, Duration::from_secs(20)).await, "aiosmtpd accepts connections");
        this
    }

    /// `MINGLE_SMTP_URL` for this server.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every mail received so far.
    pub fn mails(&self) -> Vec<ReceivedMail> {
        let new = self.dir.path().join("maildir/new");
        let Ok(entries) = std::fs::read_dir(new) else { return Vec::new() };
        let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort_by_key(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok());
        files.iter().filter_map(|path| std::fs::read_to_string(path).ok()).map(|raw| parse_mail(&raw)).collect()
    }

    /// Waits (up to 10 s) for the `n`th mail (counting from 1) to `to` whose subject contains
    /// `subject`.
    pub async fn wait_for(&self, to: &str, subject: &str, n: usize) -> ReceivedMail {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let matching: Vec<ReceivedMail> =
                self.mails().into_iter().filter(|m| m.to.contains(to) && m.subject.contains(subject)).collect();
            if matching.len() >= n {
                return matching[n - 1].clone();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no mail {n} to {to} about {subject:?}: {:?}",
                self.mails()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// How many mails went to `to`.
    pub fn count_to(&self, to: &str) -> usize {
        self.mails().iter().filter(|m| m.to.contains(to)).count()
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Headers and body of a plain-text mail, the body decoded (quoted-printable or base64).
fn parse_mail(raw: &str) -> ReceivedMail {
    let raw = raw.replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
    // Unfold continuation lines.
    let head = head.replace("\n ", " ").replace("\n\t", " ");
    let header = |name: &str| {
        head.lines()
            .find_map(|line| {
                let (key, value) = line.split_once(':')?;
                key.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
            })
            .unwrap_or_default()
    };
    let encoding = header("Content-Transfer-Encoding").to_ascii_lowercase();
    let body = match encoding.as_str() {
        "quoted-printable" => decode_quoted_printable(body),
        "base64" => {
            use base64::Engine as _;
            let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            let bytes = base64::engine::general_purpose::STANDARD.decode(compact).unwrap_or_default();
            String::from_utf8_lossy(&bytes).into_owned()
        }
        _ => body.to_owned(),
    };
    ReceivedMail { to: header("To"), subject: header("Subject"), body }
}

fn decode_quoted_printable(text: &str) -> String {
    let text = text.replace("=\n", "");
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 3 <= bytes.len() && text.is_char_boundary(i + 3) {
            if let Ok(byte) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A real OpenID Provider (`oidc-provider`, run by Node from `tests/oidc/`) with one client and
/// the test users of `tests/oidc/provider.mjs`. Killed when dropped.
#[derive(Debug)]
pub struct OidcProvider {
    child: std::process::Child,
    pub port: u16,
}

impl OidcProvider {
    /// Starts it on `port`; answers what it printed on its error output when it did not start
    /// listening there (the port was taken in the meantime, say), so the caller can try another.
    pub async fn start_on(port: u16, client_id: &str, client_secret: &str, redirect_uri: &str) -> Result<Self, String> {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("oidc/provider.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .args([&port.to_string(), client_id, client_secret, redirect_uri])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("node is installed and tests/oidc has its packages (./dev test installs them)");
        let stdout = child.stdout.take().expect("the provider's output is piped");
        let mut stderr = child.stderr.take().expect("the provider's error output is piped");
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
            text
        });
        // It prints `ready` once it listens: then it is this provider that answers on the port,
        // not whatever else took the port first. Its output is read to the end (a closed pipe
        // would end it at its next line).
        let (said_ready, ready) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            use std::io::BufRead as _;
            let mut said_ready = Some(said_ready);
            for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
                if line == "ready" {
                    if let Some(tell) = said_ready.take() {
                        let _ = tell.send(());
                    }
                }
            }
        });
        if let Ok(Ok(())) = tokio::time::timeout(Duration::from_secs(20), ready).await {
            return Ok(Self { child, port });
        }
        let _ = child.kill();
        let _ = child.wait();
        Err(errors.join().unwrap_or_default())
    }

    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser for sign-in flows: keeps cookies, follows no redirect by itself.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// Follows a sign-in from `url` (Mingle's `start`, or a provider URL) through the provider's
/// login page as `login`, like a person in a browser, and answers Mingle's response to the
/// provider's redirect back (not followed), or the first response that leaves both.
pub async fn through_provider(browser: &reqwest::Client, url: &str, login: &str) -> reqwest::Response {
    let mut url = url.to_owned();
    for _ in 0..20 {
        let response = browser.get(&url).send().await.expect("request");
        if response.status().is_redirection() {
            let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default();
            let next = reqwest::Url::parse(&url).and_then(|base| base.join(location)).expect("a redirect");
            if next.path().ends_with("/callback") || !next.scheme().starts_with("http") {
                return browser.get(next.as_str()).send().await.expect("callback");
            }
            url = next.to_string();
            continue;
        }
        let page = response.text().await.expect("page");
        let Some(action) = attribute(&page, "<form", "action") else {
            panic!("no form on the provider's page: {page}")
        };
        let mut fields: Vec<(String, String)> = Vec::new();
        for input in page.split("<input").skip(1) {
            let Some(name) = attribute(input, "", "name") else { continue };
            let value = match name.as_str() {
                "login" => login.to_owned(),
                "password" => "any password".to_owned(),
                _ => attribute(input, "", "value").unwrap_or_default(),
            };
            fields.push((name, value));
        }
        let target = reqwest::Url::parse(&url).and_then(|base| base.join(&action)).expect("form action");
        let posted = browser.post(target.as_str()).form(&fields).send().await.expect("form");
        let location = posted.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default();
        url = target.join(location).expect("a redirect after the form").to_string();
    }
    panic!("the sign-in did not come back within 20 steps");
}

/// The value of attribute `name` in the first tag that starts at `tag` in `html`.
fn attribute(html: &str, tag: &str, name: &str) -> Option<String> {
    let start = html.find(tag)?;
    let rest = &html[start..];
    let end = rest.find('>').unwrap_or(rest.len());
    let element = &rest[..end];
    let key = format!("{name}=\"");
    let from = element.find(&key)? + key.len();
    let value = &element[from..];
    Some(value[..value.find('"')?].replace("&amp;", "&"))
}
