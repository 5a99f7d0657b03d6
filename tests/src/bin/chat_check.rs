//! `chat-check`: a client from outside a deployment, for checking it while it changes under
//! load (a rolling restart behind the gateway). It signs up a writer and a reader through the
//! public API, creates an event, and while the writer chats (each line retried, on a new
//! connection when needed, until acknowledged) the reader follows the chat live, resuming from
//! its last offset whenever its connection ends. When told to stop it reads the whole channel
//! once more from the start and checks that every acknowledged line arrived exactly once, in
//! order, to both readings. It prints what it counted as one JSON line and exits non-zero on any
//! loss, duplicate or reordering.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context as _};
use clap::Parser as _;
use protocol::realtime::{ClientFrame, MessageBody, PublishBody, ServerFrame};
use rustls::pki_types::pem::PemObject as _;
use tests::{Client, Incoming, Ws};

/// Chats through a deployment while it changes, and checks what arrived.
#[derive(Debug, clap::Parser)]
struct Args {
    /// Where people open Mingle: `https://host:port` (the gateway) or `http://...`.
    #[arg(long)]
    base: String,
    /// A PEM certificate to trust for `https://` (the gateway's self-signed one, or its CA).
    #[arg(long)]
    ca_cert: Option<PathBuf>,
    /// Create this file once the first line is acknowledged (the check is under way: start
    /// changing the deployment).
    #[arg(long)]
    started_file: Option<PathBuf>,
    /// Stop writing once this file exists (the deployment's change is done)...
    #[arg(long)]
    stop_file: Option<PathBuf>,
    /// ...or after this many seconds, whichever comes first.
    #[arg(long, default_value_t = 60)]
    max_secs: u64,
    /// Pause between two lines, in milliseconds.
    #[arg(long, default_value_t = 100)]
    pace_ms: u64,
    /// Longest a line may take to be acknowledged (retries included) before the run fails.
    #[arg(long, default_value_t = 60)]
    ack_within_secs: u64,
}

/// What both connections saw, for the report.
#[derive(Default)]
struct Counts {
    writer_connections: AtomicU64,
    reader_connections: AtomicU64,
    /// Connections the server closed with 1012 ("service restart": the node drained).
    restart_closes: AtomicU64,
    /// Lines sent again because their connection ended or the node answered with an error.
    retries: AtomicU64,
    /// Lines sent again because the writer was over its chat rate (MINGLE_CHAT_PER_MINUTE).
    rate_limited: AtomicU64,
}

/// How the clients reach the deployment.
#[derive(Clone)]
struct Dial {
    base: String,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl Dial {
    async fn ws(&self, token: &str) -> Option<Ws> {
        let connector = self.tls.clone().map(tokio_tungstenite::Connector::Rustls);
        Ws::try_connect_with(&self.base, Some(token), connector).await.ok()
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut http = reqwest::Client::builder().timeout(Duration::from_secs(30));
    let mut tls = None;
    if let Some(path) = &args.ca_cert {
        let pem = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        http = http.add_root_certificate(reqwest::Certificate::from_pem(&pem)?);
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls::pki_types::CertificateDer::pem_slice_iter(&pem) {
            roots.add(cert.context("a PEM certificate")?)?;
        }
        tls = Some(Arc::new(rustls::ClientConfig::builder().with_root_certificates(roots).with_no_client_auth()));
    }
    let client = Client { http: http.build()?, base: args.base.clone(), token: None };
    let dial = Dial { base: args.base.clone(), tls };

    // A deployment just brought up may answer before its database does (503 `unavailable`):
    // wait until the nodes behind the gateway say they are ready, several times in a row.
    let ready_by = Instant::now() + Duration::from_secs(120);
    let mut ready_in_a_row = 0;
    while ready_in_a_row < 3 {
        let ready = client.http.get(format!("{}/readyz", args.base)).send().await.is_ok_and(|r| r.status() == 200);
        ready_in_a_row = if ready { ready_in_a_row + 1 } else { 0 };
        ensure!(Instant::now() < ready_by, "the deployment was not ready within 120 s");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    // Fresh names every run, so the check can run again against the same deployment.
    let run = uuid::Uuid::new_v4().simple().to_string();
    let (organizer, _) = client.register(&format!("Olga {}", &run[..12])).await;
    let (_, writer) = client.register(&format!("Wes {}", &run[..12])).await;
    let (_, reader) = client.register(&format!("Ann {}", &run[..12])).await;
    let event =
        organizer.create_online_event("Rolling restart", chrono::Duration::hours(1), chrono::Duration::hours(3)).await;
    let event = event["id"].as_str().context("event id")?.to_owned();
    for session in [&writer, &reader] {
        client.with_token(&session.access_token).go_to(&event).await;
    }
    let channel = format!("event:{event}:chat");
    let counts = Arc::new(Counts::default());

    let stop = Arc::new(AtomicBool::new(false));
    let live = tokio::spawn(follow(
        dial.clone(),
        reader.access_token.clone(),
        channel.clone(),
        Arc::clone(&stop),
        Arc::clone(&counts),
    ));
    let started = Instant::now();
    let acked = write(&dial, &writer.access_token, &channel, &args, &counts).await?;
    let through = *acked.keys().last().context("nothing was acknowledged")?;
    // The live reader stops once it has everything up to the last acknowledged offset.
    LAST_ACKED.store(u64::try_from(through)?, Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    let live =
        tokio::time::timeout(Duration::from_secs(90), live).await.context("live reader caught up within 90 s")???;
    let replay = read_from(&dial, &reader.access_token, &channel, 0, through, &counts).await?;

    for (name, seen) in [("live", &live), ("replay", &replay)] {
        for (offset, text) in &acked {
            ensure!(
                seen.get(offset) == Some(text),
                "{name}: acknowledged line at offset {offset} ({text}) not delivered as sent"
            );
        }
    }
    let report = serde_json::json!({
        "acknowledged": acked.len(),
        "last_offset": through,
        "stored_unacknowledged": usize::try_from(through)? - acked.len(),
        "delivered_live": live.len(),
        "delivered_replay": replay.len(),
        "writer_connections": counts.writer_connections.load(Ordering::SeqCst),
        "reader_connections": counts.reader_connections.load(Ordering::SeqCst),
        "closes_1012": counts.restart_closes.load(Ordering::SeqCst),
        "retries": counts.retries.load(Ordering::SeqCst),
        "rate_limited": counts.rate_limited.load(Ordering::SeqCst),
        "seconds": started.elapsed().as_secs(),
    });
    std::io::Write::write_all(&mut std::io::stdout(), format!("{report}\n").as_bytes())?;
    Ok(())
}

/// The last offset the writer had acknowledged when it stopped; 0 while it writes.
static LAST_ACKED: AtomicU64 = AtomicU64::new(0);

/// Writes numbered lines until the stop file appears or time is up; answers the acknowledged
/// ones by offset. A line whose reply is lost is sent again, so the channel may hold it twice
/// (at an offset nobody acknowledged); what must hold is that acknowledged offsets arrive.
async fn write(
    dial: &Dial,
    token: &str,
    channel: &str,
    args: &Args,
    counts: &Counts,
) -> anyhow::Result<BTreeMap<i64, String>> {
    let mut acked = BTreeMap::new();
    let mut ws: Option<Ws> = None;
    let end = Instant::now() + Duration::from_secs(args.max_secs);
    let mut i = 0u64;
    while Instant::now() < end && !args.stop_file.as_ref().is_some_and(|f| f.exists()) {
        i += 1;
        let text = format!("line {i}");
        let deadline = Instant::now() + Duration::from_secs(args.ack_within_secs);
        loop {
            ensure!(Instant::now() < deadline, "{text} acknowledged within {} s", args.ack_within_secs);
            if ws.is_none() {
                ws = dial.ws(token).await;
                if ws.is_some() {
                    counts.writer_connections.fetch_add(1, Ordering::SeqCst);
                }
            }
            let Some(socket) = ws.as_mut() else {
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            };
            let id = format!("p{i}-{}", uuid::Uuid::new_v4().simple());
            socket
                .send(&ClientFrame::Publish {
                    id: id.clone(),
                    channel: channel.to_owned(),
                    body: PublishBody { text: text.clone() },
                })
                .await;
            match answer(socket, &id, counts).await {
                Some(Ok(offset)) => {
                    acked.insert(offset, text);
                    if acked.len() == 1 {
                        if let Some(path) = &args.started_file {
                            std::fs::write(path, b"").with_context(|| format!("creating {}", path.display()))?;
                        }
                    }
                    break;
                }
                // The node's chat limit refills one line per minute / MINGLE_CHAT_PER_MINUTE.
                Some(Err(code)) if code == "rate_limited" => {
                    counts.rate_limited.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Some(Err(_)) => {
                    counts.retries.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                None => {
                    counts.retries.fetch_add(1, Ordering::SeqCst);
                    ws = None;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(args.pace_ms)).await;
    }
    Ok(acked)
}

/// The reply to request `id`: its offset, an error's code, or `None` when the connection ends or
/// says nothing for 10 s.
async fn answer(ws: &mut Ws, id: &str, counts: &Counts) -> Option<Result<i64, String>> {
    loop {
        match ws.next_within(Duration::from_secs(10)).await? {
            Incoming::Frame(ServerFrame::Reply(reply)) if reply.id == id => {
                return Some(reply.offset.ok_or_else(|| "no offset".to_owned()))
            }
            Incoming::Frame(ServerFrame::Error(error)) if error.id.as_deref() == Some(id) => {
                return Some(Err(error.code))
            }
            Incoming::Frame(_) => {}
            Incoming::Closed(code) => {
                if code == Some(1012) {
                    counts.restart_closes.fetch_add(1, Ordering::SeqCst);
                }
                return None;
            }
        }
    }
}

/// Follows the channel live from its start until the writer has stopped and everything it
/// acknowledged has arrived.
async fn follow(
    dial: Dial,
    token: String,
    channel: String,
    stop: Arc<AtomicBool>,
    counts: Arc<Counts>,
) -> anyhow::Result<BTreeMap<i64, String>> {
    let mut seen = BTreeMap::new();
    let mut last = 0;
    loop {
        let through =
            if stop.load(Ordering::SeqCst) { i64::try_from(LAST_ACKED.load(Ordering::SeqCst))? } else { i64::MAX };
        if last >= through {
            return Ok(seen);
        }
        let part = read_from(&dial, &token, &channel, last, through, &counts).await;
        match part {
            Ok(part) => {
                last = part.keys().last().copied().unwrap_or(last).max(last);
                seen.extend(part);
            }
            Err(e) => return Err(e),
        }
    }
}

/// Subscribes from offset `since` and reads until `through` (or until the connection ends, or
/// until 2 s pass with nothing new while `through` is unbounded), reconnecting while nothing was
/// read; checks every message is the next offset.
async fn read_from(
    dial: &Dial,
    token: &str,
    channel: &str,
    since: i64,
    through: i64,
    counts: &Counts,
) -> anyhow::Result<BTreeMap<i64, String>> {
    let mut seen = BTreeMap::new();
    let mut last = since;
    let deadline = Instant::now() + Duration::from_secs(120);
    while last < through {
        ensure!(Instant::now() < deadline, "{channel}: offsets up to {through} within 120 s (got {last})");
        let Some(mut ws) = dial.ws(token).await else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        counts.reader_connections.fetch_add(1, Ordering::SeqCst);
        let Ok(reply) = ws.subscribe(channel, Some(last)).await else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        ensure!(reply.recovered == Some(true), "nothing acknowledged is ever lost: {reply:?}");
        loop {
            if last >= through {
                return Ok(seen);
            }
            match ws.next_within(Duration::from_secs(2)).await {
                Some(Incoming::Frame(ServerFrame::Message(message))) if message.channel == channel => {
                    if message.offset != last + 1 {
                        bail!("{channel}: offset {} after {last}: out of order, a gap or a duplicate", message.offset);
                    }
                    last = message.offset;
                    let MessageBody::Chat { text } = message.body else { bail!("a chat line at {}", message.offset) };
                    seen.insert(message.offset, text);
                }
                Some(Incoming::Frame(_)) => {}
                Some(Incoming::Closed(code)) => {
                    if code == Some(1012) {
                        counts.restart_closes.fetch_add(1, Ordering::SeqCst);
                    }
                    break;
                }
                // Quiet for 2 s: hand back what arrived so the caller can look at the stop flag.
                None if through == i64::MAX => return Ok(seen),
                None => break,
            }
        }
    }
    Ok(seen)
}
