//! `live-match`: check-ins streaming into a live event with thousands of attendees, timed from
//! the check-in request to the newcomer's "people to meet" list arriving on their `user:{id}`
//! channel. That path is the whole product loop: REST check-in, the matcher's debounce and
//! one-person update (embedding the newcomer, re-picking the lists they touch), storing the
//! list, and the WebSocket push.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use futures_util::{SinkExt as _, StreamExt as _};
use protocol::realtime::{Channel, ChannelMessage, ClientFrame, MessageBody, ServerFrame};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::Semaphore;
use tokio::time::{timeout, Instant};
use tokio_tungstenite::tungstenite::Message;

use crate::crowd;
use crate::mingle::{counter_total, Account, Api};
use crate::net::{websocket, SourceAddresses};
use crate::procstat::Sampler;
use crate::stats::{micros_histogram, Summary};

/// Requests in flight while setting up.
const SETUP_CONCURRENCY: usize = 8;
/// How long a newcomer waits for their list before it counts as missing.
const PUSH_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LiveMatchResult {
    /// Attendees checked in before the measured arrivals.
    pub attendees: usize,
    pub arrivals: usize,
    pub rate_per_sec: f64,
    /// Check-in sent to list received.
    pub check_in_to_push: Summary,
    /// The check-in request alone.
    pub check_in_request: Summary,
    pub missing: usize,
    pub setup_secs: f64,
    pub settle_secs: f64,
    pub server_cpu_percent: f64,
    pub server_peak_rss_kib: u64,
}

const INTERESTS: &[&str] = &[
    "rust",
    "python",
    "design",
    "climate",
    "robotics",
    "music",
    "startups",
    "data",
    "security",
    "biology",
    "gaming",
    "photography",
    "finance",
    "education",
    "health",
    "cycling",
    "cooking",
    "writing",
    "ai",
    "cloud",
];
const PHRASES: &[&str] = &[
    "a cofounder",
    "a mentor",
    "investors",
    "a new job",
    "hiring engineers",
    "feedback on my product",
    "design help",
    "a side project",
    "climate startups",
    "open source contributors",
    "research partners",
    "a speaking slot",
    "beta testers",
    "career advice",
    "a study group",
    "a band",
];

/// A varied but small profile for attendee `i` (short texts keep the embedding cost of setting
/// up thousands of attendees low; the matcher's per-update work is the same).
fn profile(i: usize) -> serde_json::Value {
    let pick = |list: &[&'static str], k: usize| list[(i * 7 + k * 13 + i / list.len()) % list.len()];
    json!({
        "headline": format!("{} person", pick(INTERESTS, 0)),
        "interests": [pick(INTERESTS, 0), pick(INTERESTS, 1), pick(INTERESTS, 2)],
        "seeking": [pick(PHRASES, 0)],
        "offering": [pick(PHRASES, 3)],
        "matchmaking": true,
    })
}

/// Registers `count` accounts numbered from `first`, with profiles opted in to matchmaking.
async fn attendees(api: &Api, first: usize, count: usize, label: &str) -> anyhow::Result<Vec<Account>> {
    let bar = crowd::bar(count as u64, label);
    let permits = Arc::new(Semaphore::new(SETUP_CONCURRENCY));
    let mut tasks = Vec::with_capacity(count);
    for i in first..first + count {
        let permit = Arc::clone(&permits).acquire_owned().await?;
        let (api, bar) = (api.clone(), bar.clone());
        tasks.push(tokio::spawn(async move {
            let account = api.register(&format!("attendee-{i}@bench.mingle.test"), &format!("Attendee {i}")).await?;
            api.update_profile(&account.token, &profile(i)).await?;
            drop(permit);
            bar.inc(1);
            anyhow::Ok(account)
        }));
    }
    let mut accounts = Vec::with_capacity(count);
    for task in tasks {
        accounts.push(task.await??);
    }
    bar.finish_and_clear();
    Ok(accounts)
}

/// Runs `step` for every account, `SETUP_CONCURRENCY` at a time.
async fn for_each<F, Fut>(accounts: &[Account], label: &str, step: F) -> anyhow::Result<()>
where
    F: Fn(Account) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let bar = crowd::bar(accounts.len() as u64, label);
    let permits = Arc::new(Semaphore::new(SETUP_CONCURRENCY * 2));
    let mut tasks = Vec::with_capacity(accounts.len());
    for account in accounts {
        let permit = Arc::clone(&permits).acquire_owned().await?;
        let work = step(account.clone());
        let bar = bar.clone();
        tasks.push(tokio::spawn(async move {
            let result = work.await;
            drop(permit);
            bar.inc(1);
            result
        }));
    }
    for task in tasks {
        task.await??;
    }
    bar.finish_and_clear();
    Ok(())
}

/// Waits until the matcher has been idle for three seconds: no job running (a full build of a
/// large event runs for a while without a visible update), no update, nothing posted.
async fn settle(api: &Api) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let bar = crowd::bar(0, "matcher settling");
    let mut last = (-1.0, -1.0);
    let mut quiet_since = Instant::now();
    while started.elapsed() < Duration::from_secs(1800) {
        let text = api.metrics().await?;
        let now =
            (counter_total(&text, "matcher_updates_total"), counter_total(&text, "realtime_messages_posted_total"));
        bar.set_message(format!("matcher settling: {} updates", now.0));
        let running = counter_total(&text, "matcher_jobs_running");
        if now != last || running > 0.0 {
            last = now;
            quiet_since = Instant::now();
        } else if quiet_since.elapsed() >= Duration::from_secs(3) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    bar.finish_and_clear();
    Ok(started.elapsed())
}

/// Sets up an event that started half an hour ago with `attendees` checked in, then checks in
/// `arrivals` more at `rate` per second and times each one's list.
pub async fn run(
    api: &Api,
    addr: std::net::SocketAddr,
    pid: u32,
    sources: &SourceAddresses,
    attendee_count: usize,
    arrivals: usize,
    rate: f64,
) -> anyhow::Result<LiveMatchResult> {
    let setup = Instant::now();
    let organizer = api.register("organizer-live@bench.mingle.test", "Organizer").await?;
    let now = chrono::Utc::now();
    let event = api
        .create_event(
            &organizer.token,
            "Live matchmaking night",
            &["networking"],
            now - chrono::Duration::minutes(30),
            now + chrono::Duration::hours(6),
        )
        .await?;
    let present = attendees(api, 0, attendee_count, "live-match: attendees").await?;
    let newcomers = attendees(api, attendee_count, arrivals, "live-match: arrivals").await?;
    let everyone: Vec<Account> = present.iter().chain(&newcomers).cloned().collect();
    let going = |account: Account| {
        let api = api.clone();
        async move { api.going(&account.token, event.id).await }
    };
    for_each(&everyone, "live-match: RSVPs", going).await?;
    let code = event.checkin_code.clone();
    let check_in = |account: Account| {
        let (api, code) = (api.clone(), code.clone());
        async move { api.check_in(&account.token, event.id, &code).await }
    };
    for_each(&present, "live-match: check-ins", check_in).await?;
    let setup_secs = setup.elapsed().as_secs_f64();
    let settle_secs = settle(api).await?.as_secs_f64();

    // Every newcomer listens on their own channel before anyone checks in.
    let mut sockets = Vec::with_capacity(newcomers.len());
    for account in &newcomers {
        let headers = [
            ("authorization", format!("Bearer {}", account.token)),
            ("sec-websocket-protocol", "mingle.v1".to_owned()),
        ];
        let mut ws = websocket(sources.next(), addr, "/api/v1/ws", &headers).await?;
        let frame = ClientFrame::Subscribe {
            id: "me".to_owned(),
            channel: Channel::User(account.id).to_string(),
            since: None,
            epoch: None,
        };
        ws.send(Message::text(serde_json::to_string(&frame)?)).await?;
        loop {
            let message = timeout(Duration::from_secs(30), ws.next()).await?.context("closed while subscribing")??;
            if let Message::Text(text) = message {
                match server_frame(text.as_str())? {
                    ServerFrame::Reply(reply) if reply.id == "me" => break,
                    ServerFrame::Error(error) => anyhow::bail!("subscribe refused: {} ({})", error.message, error.code),
                    _ => {}
                }
            }
        }
        sockets.push(ws);
    }

    let sampler = Sampler::start(pid);
    let pushes = Arc::new(std::sync::Mutex::new(micros_histogram()));
    let requests = Arc::new(std::sync::Mutex::new(micros_histogram()));
    let missing = Arc::new(AtomicUsize::new(0));
    let bar = crowd::bar(arrivals as u64, "live-match: arrivals checking in");
    let start = Instant::now() + Duration::from_millis(500);
    let mut tasks = Vec::new();
    for (i, (account, mut ws)) in newcomers.into_iter().zip(sockets).enumerate() {
        let at = start + Duration::from_secs_f64(i as f64 / rate);
        let (api, code, bar) = (api.clone(), code.clone(), bar.clone());
        let (pushes, requests, missing) = (Arc::clone(&pushes), Arc::clone(&requests), Arc::clone(&missing));
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(at).await;
            let sent = Instant::now();
            let checked = api.check_in(&account.token, event.id, &code).await;
            let micros = |since: Instant| u64::try_from(since.elapsed().as_micros()).unwrap_or(u64::MAX).max(1);
            lock(&requests).saturating_record(micros(sent));
            let arrived = checked.is_ok()
                && timeout(PUSH_TIMEOUT, async {
                    while let Some(Ok(message)) = ws.next().await {
                        // One list per newcomer: reading it whole costs nothing next to what
                        // the push measures.
                        if let Message::Text(text) = message {
                            if let Ok(ServerFrame::Message(ChannelMessage {
                                body: MessageBody::Suggestions { .. },
                                ..
                            })) = server_frame(text.as_str())
                            {
                                return true;
                            }
                        }
                    }
                    false
                })
                .await
                .unwrap_or(false);
            if arrived {
                lock(&pushes).saturating_record(micros(sent));
            } else {
                missing.fetch_add(1, Ordering::Relaxed);
            }
            bar.inc(1);
            let _ = ws.close(None).await;
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    bar.finish_and_clear();
    let usage = sampler.lap();
    let check_in_to_push = Summary::of(&lock(&pushes));
    let check_in_request = Summary::of(&lock(&requests));
    Ok(LiveMatchResult {
        attendees: attendee_count,
        arrivals,
        rate_per_sec: rate,
        check_in_to_push,
        check_in_request,
        missing: missing.load(Ordering::Acquire),
        setup_secs,
        settle_secs,
        server_cpu_percent: usage.cpu_percent,
        server_peak_rss_kib: usage.peak_rss_kib,
    })
}

/// A frame from the server, as the protocol types.
fn server_frame(text: &str) -> anyhow::Result<ServerFrame> {
    serde_json::from_str(text).with_context(|| format!("unexpected frame: {text}"))
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_vary_and_opt_in() {
        let a = profile(1);
        let b = profile(2);
        assert_ne!(a["interests"], b["interests"]);
        assert_eq!(a["matchmaking"], true);
        assert_eq!(a["interests"].as_array().map(Vec::len), Some(3));
    }
}
