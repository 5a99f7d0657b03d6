//! The soak: a mixed, realistic load held for a long time against one Mingle server, to show
//! that nothing grows that should not (memory, descriptors, threads) and that latency holds.
//!
//! The load, all at once, for the whole run: people connecting for a few seconds to a minute,
//! following their event's chat and their own channel, then leaving (a connection comes and
//! goes about every 0.3 s); one writer per event chatting once a second, each line timed from
//! send to acknowledgement; and REST traffic of about 24 requests a second: searches, event
//! pages, RSVPs switched between going and interested, check-ins, "people to meet" and event
//! recommendations. Every 10 s the server is sampled from /proc (anonymous memory, open
//! descriptors, threads) and /metrics (open WebSockets), with the window's p99 latencies.
//! The report states each quantity's growth per hour: the least-squares slope over the samples
//! after the first fifth of the run (warm-up: caches filling, pools opening).

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use futures_util::{SinkExt as _, StreamExt as _};
use hdrhistogram::Histogram;
use plotters::style::RGBColor;
use protocol::events::RsvpIntent;
use rand::{Rng as _, SeedableRng as _};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::mingle::{Account, Api, Event};
use crate::report::{line_chart, register_font, Series};
use crate::stats::micros_histogram;
use crate::table::{Align, Table};

const PEOPLE: usize = 200;
const EVENTS: usize = 8;
/// Connections coming and going at once.
const VISITORS: usize = 120;
/// REST clients, each asking every 250 ms.
const REST_CLIENTS: usize = 6;
const SAMPLE_EVERY: Duration = Duration::from_secs(10);

/// One sample of the server.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    pub minute: f64,
    pub rss_anon_mib: f64,
    pub descriptors: f64,
    pub threads: f64,
    pub sockets: f64,
    pub rest_p99_ms: f64,
    pub chat_p99_ms: f64,
    pub requests: u64,
    pub errors: u64,
}

/// What the load's tasks record, taken by the sampler every window.
#[derive(Default)]
struct Tally {
    rest: Mutex<Option<Histogram<u64>>>,
    chat: Mutex<Option<Histogram<u64>>>,
    requests: AtomicU64,
    errors: AtomicU64,
    /// The first error seen, for the report.
    first_error: Mutex<Option<String>>,
}

impl Tally {
    fn record(slot: &Mutex<Option<Histogram<u64>>>, took: Duration) {
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX).max(1);
        let mut slot = slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = slot.get_or_insert_with(micros_histogram).record(micros.min(60_000_000));
    }

    fn take_p99(slot: &Mutex<Option<Histogram<u64>>>) -> f64 {
        let taken = slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        taken.filter(|h| !h.is_empty()).map_or(0.0, |h| h.value_at_quantile(0.99) as f64 / 1000.0)
    }

    fn error(&self, what: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let mut first = self.first_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        first.get_or_insert(what);
    }
}

/// Runs the soak for `minutes` against a fresh server from `binary` and writes `report` (and
/// its plot beside it, in a folder of the same name without `.md`).
pub async fn run(binary: &Path, minutes: f64, report: &Path) -> anyhow::Result<()> {
    let server = crate::servers::start_mingle(binary, "soak", None, false).await?;
    let outcome = soak(&server, minutes).await;
    server.stop().await;
    let (samples, first_error) = outcome?;
    let build = if binary.components().any(|c| c.as_os_str() == "release") { "release build" } else { "debug build" };
    write_report(report, minutes, build, &samples, first_error.as_deref())
}

async fn soak(server: &crate::servers::Server, minutes: f64) -> anyhow::Result<(Vec<Sample>, Option<String>)> {
    let api = Api::new(server.addr)?;
    let (people, events) = world(&api).await?;
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for i in 0..VISITORS {
        tasks.push(tokio::spawn(visitor(server.addr, people.clone(), events.clone(), i as u64, Arc::clone(&stop))));
    }
    for (i, event) in events.iter().enumerate() {
        let writer = people[i].clone();
        tasks.push(tokio::spawn(writer_loop(server.addr, writer, event.id, Arc::clone(&tally), Arc::clone(&stop))));
    }
    for i in 0..REST_CLIENTS {
        let (api, people, events) = (api.clone(), people.clone(), events.clone());
        tasks.push(tokio::spawn(rest_loop(api, people, events, i as u64, Arc::clone(&tally), Arc::clone(&stop))));
    }
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(minutes * 60.0);
    let bar = crate::crowd::bar((minutes * 6.0).ceil() as u64, "soak");
    let mut samples = Vec::new();
    while Instant::now() < deadline {
        tokio::time::sleep(SAMPLE_EVERY).await;
        let sample = sample(server.pid, &api, &tally, start).await;
        bar.set_message(format!(
            "soak: {:.0} MiB anon, {} descriptors, {} sockets, REST p99 {:.0} ms",
            sample.rss_anon_mib, sample.descriptors, sample.sockets, sample.rest_p99_ms
        ));
        bar.inc(1);
        samples.push(sample);
    }
    bar.finish_and_clear();
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(70), task).await;
    }
    let first_error = tally.first_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    Ok((samples, first_error))
}

/// People with profiles open to matchmaking, and events that started ten minutes ago (so
/// check-in is open), each person going to one of them.
async fn world(api: &Api) -> anyhow::Result<(Arc<Vec<Account>>, Arc<Vec<Event>>)> {
    let run = uuid::Uuid::new_v4().simple().to_string();
    let organizer = api.register(&format!("soak-organizer-{run}@example.test"), "Organizer").await?;
    let start = chrono::Utc::now() - chrono::Duration::minutes(10);
    let mut events = Vec::new();
    for i in 0..EVENTS {
        let end = start + chrono::Duration::hours(48);
        events.push(api.create_event(&organizer.token, &format!("Soak room {i}"), &["soak"], start, end).await?);
    }
    let interests = [["rust", "climate-tech"], ["design", "startups"], ["jazz", "piano"], ["climbing", "travel"]];
    let mut people = Vec::with_capacity(PEOPLE);
    for i in 0..PEOPLE {
        let person = api.register(&format!("soak-{i}-{run}@example.test"), &format!("Person {i}")).await?;
        let profile = json!({
            "headline": format!("Attendee {i}"),
            "interests": interests[i % interests.len()],
            "seeking": [format!("people into {}", interests[(i + 1) % interests.len()][0])],
            "offering": [format!("talks about {}", interests[i % interests.len()][0])],
            "matchmaking": true,
        });
        api.update_profile(&person.token, &profile).await?;
        let event = &events[i % EVENTS];
        api.going(&person.token, event.id).await?;
        api.check_in(&person.token, event.id, &event.checkin_code).await?;
        people.push(person);
    }
    Ok((Arc::new(people), Arc::new(events)))
}

/// One person after another connecting, following their event's chat and their own channel
/// for 5 to 60 seconds, then leaving.
async fn visitor(
    addr: std::net::SocketAddr,
    people: Arc<Vec<Account>>,
    events: Arc<Vec<Event>>,
    seed: u64,
    stop: Arc<AtomicBool>,
) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    while !stop.load(Ordering::Relaxed) {
        let who = rng.gen_range(0..people.len());
        let person = &people[who];
        let event = &events[who % events.len()];
        let stay = Duration::from_secs(rng.gen_range(5..=60));
        let headers = [
            ("authorization", format!("Bearer {}", person.token)),
            ("sec-websocket-protocol", protocol::realtime::SUBPROTOCOL.to_owned()),
        ];
        let Ok(mut ws) = crate::net::websocket(std::net::Ipv4Addr::LOCALHOST, addr, "/api/v1/ws", &headers).await
        else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        for (i, channel) in [format!("event:{}:chat", event.id), format!("user:{}", person.id)].iter().enumerate() {
            let frame = json!({"type": "subscribe", "id": format!("s{i}"), "channel": channel});
            let _ = ws.send(Message::text(frame.to_string())).await;
        }
        let until = tokio::time::Instant::now() + stay;
        while !stop.load(Ordering::Relaxed) {
            match tokio::time::timeout_at(until.min(tokio::time::Instant::now() + Duration::from_secs(1)), ws.next())
                .await
            {
                Ok(Some(Ok(_))) => {}
                Ok(_) => break,
                Err(_) if tokio::time::Instant::now() >= until => break,
                Err(_) => {}
            }
        }
        let _ = ws.close(None).await;
    }
}

/// A person chatting in their event once a second, each line timed to its acknowledgement.
async fn writer_loop(
    addr: std::net::SocketAddr,
    person: Account,
    event: uuid::Uuid,
    tally: Arc<Tally>,
    stop: Arc<AtomicBool>,
) {
    let channel = format!("event:{event}:chat");
    let headers = [
        ("authorization", format!("Bearer {}", person.token)),
        ("sec-websocket-protocol", protocol::realtime::SUBPROTOCOL.to_owned()),
    ];
    let mut n: u64 = 0;
    while !stop.load(Ordering::Relaxed) {
        let mut ws = match crate::net::websocket(std::net::Ipv4Addr::LOCALHOST, addr, "/api/v1/ws", &headers).await {
            Ok(ws) => ws,
            Err(e) => {
                tally.error(format!("chat connect: {e:#}"));
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        while !stop.load(Ordering::Relaxed) {
            n += 1;
            let id = format!("c{n}");
            let frame = json!({"type": "publish", "id": id, "channel": channel, "body": {"text": format!("line {n}")}});
            let sent = Instant::now();
            if ws.send(Message::text(frame.to_string())).await.is_err() {
                break;
            }
            let answered = tokio::time::timeout(Duration::from_secs(30), async {
                while let Some(Ok(message)) = ws.next().await {
                    if let Message::Text(text) = message {
                        if text.as_str().contains(&format!("\"id\":\"{id}\"")) {
                            return Some(text.as_str().contains("\"type\":\"reply\""));
                        }
                    }
                }
                None
            })
            .await;
            match answered {
                Ok(Some(true)) => Tally::record(&tally.chat, sent.elapsed()),
                Ok(Some(false)) => tally.error("chat: an error frame instead of an acknowledgement".to_owned()),
                Ok(None) | Err(_) => {
                    tally.error("chat: no acknowledgement within 30 s".to_owned());
                    break;
                }
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

/// REST traffic: a request every 250 ms, of the kinds people send on an event day.
async fn rest_loop(
    api: Api,
    people: Arc<Vec<Account>>,
    events: Arc<Vec<Event>>,
    seed: u64,
    tally: Arc<Tally>,
    stop: Arc<AtomicBool>,
) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1000 + seed);
    let words = ["soak", "room", "rust", "design", "jazz", "climbing", "night"];
    while !stop.load(Ordering::Relaxed) {
        let who = rng.gen_range(0..people.len());
        let person = &people[who];
        let event = &events[who % events.len()];
        let started = Instant::now();
        let outcome = match rng.gen_range(0..100) {
            0..40 => api.search(words[rng.gen_range(0..words.len())]).await,
            40..55 => api.get_status(&format!("/events/{}", event.id), Some(&person.token)).await,
            55..70 => {
                let intent = if rng.gen_bool(0.5) { RsvpIntent::Going } else { RsvpIntent::Interested };
                api.rsvp(&person.token, event.id, intent).await
            }
            70..80 => api.check_in_status(&person.token, event.id, &event.checkin_code).await,
            80..95 => api.get_status(&format!("/events/{}/suggestions", event.id), Some(&person.token)).await,
            _ => api.get_status("/recommendations/events?limit=10", Some(&person.token)).await,
        };
        tally.requests.fetch_add(1, Ordering::Relaxed);
        match outcome {
            Ok(status) if status.is_server_error() => tally.error(format!("REST answered {status}")),
            Ok(_) => Tally::record(&tally.rest, started.elapsed()),
            Err(e) => tally.error(format!("REST: {e:#}")),
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn sample(pid: u32, api: &Api, tally: &Tally, start: Instant) -> Sample {
    let memory = crate::procstat::status_memory(pid).unwrap_or_default();
    let descriptors = std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count);
    let threads = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("Threads:").and_then(|v| v.trim().parse::<f64>().ok())))
        .unwrap_or(0.0);
    let sockets = api.metrics().await.map_or(0.0, |text| crate::mingle::counter_total(&text, "realtime_connections"));
    Sample {
        minute: start.elapsed().as_secs_f64() / 60.0,
        rss_anon_mib: memory.rss_anon_kib as f64 / 1024.0,
        descriptors: descriptors as f64,
        threads,
        sockets,
        rest_p99_ms: Tally::take_p99(&tally.rest),
        chat_p99_ms: Tally::take_p99(&tally.chat),
        requests: tally.requests.swap(0, Ordering::Relaxed),
        errors: tally.errors.swap(0, Ordering::Relaxed),
    }
}

/// Least-squares slope of `y` over minutes, per hour, over the samples after the first fifth.
pub fn growth_per_hour(samples: &[Sample], y: impl Fn(&Sample) -> f64) -> f64 {
    let Some(last) = samples.last() else { return 0.0 };
    let settled: Vec<(f64, f64)> =
        samples.iter().filter(|s| s.minute >= last.minute * 0.2).map(|s| (s.minute, y(s))).collect();
    let n = settled.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let mean_x = settled.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = settled.iter().map(|p| p.1).sum::<f64>() / n;
    let covariance: f64 = settled.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let variance: f64 = settled.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    if variance == 0.0 {
        0.0
    } else {
        covariance / variance * 60.0
    }
}

fn write_report(
    path: &Path,
    minutes: f64,
    build: &str,
    samples: &[Sample],
    first_error: Option<&str>,
) -> anyhow::Result<()> {
    use std::fmt::Write as _;
    anyhow::ensure!(!samples.is_empty(), "the soak took no sample");
    let plots = path.with_extension("");
    std::fs::create_dir_all(&plots).with_context(|| format!("creating {}", plots.display()))?;
    register_font()?;
    let series = |legend: &str, color: RGBColor, y: fn(&Sample) -> f64| Series {
        legend: legend.to_owned(),
        color,
        points: samples.iter().map(|s| (s.minute, y(s))).collect(),
    };
    line_chart(
        &plots.join("resources.png"),
        "Server resources over the soak",
        "minutes",
        "MiB (memory) / count",
        &[
            series("anonymous memory, MiB", RGBColor(79, 70, 229), |s| s.rss_anon_mib),
            series("open descriptors", RGBColor(16, 185, 129), |s| s.descriptors),
            series("threads", RGBColor(234, 88, 12), |s| s.threads),
            series("open WebSockets", RGBColor(100, 116, 139), |s| s.sockets),
        ],
    )?;
    line_chart(
        &plots.join("latency.png"),
        "p99 latency per 10 s window",
        "minutes",
        "ms",
        &[
            series("REST", RGBColor(79, 70, 229), |s| s.rest_p99_ms),
            series("chat acknowledgement", RGBColor(234, 88, 12), |s| s.chat_p99_ms),
        ],
    )?;
    let first = samples[0];
    let last = samples[samples.len() - 1];
    let requests: u64 = samples.iter().map(|s| s.requests).sum();
    let errors: u64 = samples.iter().map(|s| s.errors).sum();
    let folder = plots.file_name().map_or_else(String::new, |f| f.to_string_lossy().into_owned());
    let mut text = String::new();
    writeln!(text, "# Soak\n")?;
    writeln!(
        text,
        "One Mingle server (`mingle serve`, {build}, SQLite) under a mixed load for {minutes:.0} minutes on \
         this machine ({} cores), written by `./dev soak --minutes {minutes:.0}` on {}. The load: {VISITORS} people \
         at a time connecting for 5 to 60 s each (following their event's chat and their own channel), {EVENTS} \
         chat writers at one line a second, and about {} REST requests a second (searches, event pages, RSVPs \
         switched between going and interested, check-ins, people to meet, recommendations), from {PEOPLE} \
         accounts in {EVENTS} running events. Growth per hour is the least-squares slope over the samples after \
         the first fifth of the run.\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        chrono::Utc::now().format("%Y-%m-%d"),
        REST_CLIENTS * 4,
    )?;
    let mut table = Table::new(&[
        ("", Align::Left),
        ("first sample", Align::Right),
        ("last sample", Align::Right),
        ("growth per hour", Align::Right),
    ]);
    table.row([
        "anonymous memory (RssAnon)".to_owned(),
        format!("{:.1} MiB", first.rss_anon_mib),
        format!("{:.1} MiB", last.rss_anon_mib),
        format!("{:+.1} MiB", growth_per_hour(samples, |s| s.rss_anon_mib)),
    ]);
    table.row([
        "open descriptors".to_owned(),
        format!("{:.0}", first.descriptors),
        format!("{:.0}", last.descriptors),
        format!("{:+.1}", growth_per_hour(samples, |s| s.descriptors)),
    ]);
    table.row([
        "threads".to_owned(),
        format!("{:.0}", first.threads),
        format!("{:.0}", last.threads),
        format!("{:+.1}", growth_per_hour(samples, |s| s.threads)),
    ]);
    table.row([
        "open WebSockets".to_owned(),
        format!("{:.0}", first.sockets),
        format!("{:.0}", last.sockets),
        format!("{:+.1}", growth_per_hour(samples, |s| s.sockets)),
    ]);
    table.row([
        "REST p99".to_owned(),
        format!("{:.1} ms", first.rest_p99_ms),
        format!("{:.1} ms", last.rest_p99_ms),
        format!("{:+.1} ms", growth_per_hour(samples, |s| s.rest_p99_ms)),
    ]);
    table.row([
        "chat acknowledgement p99".to_owned(),
        format!("{:.1} ms", first.chat_p99_ms),
        format!("{:.1} ms", last.chat_p99_ms),
        format!("{:+.1} ms", growth_per_hour(samples, |s| s.chat_p99_ms)),
    ]);
    write!(text, "{}", table.render())?;
    writeln!(
        text,
        "\n{requests} REST requests; {errors} errors (transport failures, 5xx, chat lines not acknowledged){}.\n",
        first_error.map_or_else(String::new, |e| format!("; the first: {e}"))
    )?;
    writeln!(text, "![resources]({folder}/resources.png)\n\n![latency]({folder}/latency.png)")?;
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_is_the_slope_after_the_warm_up_per_hour() {
        let samples: Vec<Sample> = (0..=60)
            .map(|m| Sample {
                minute: f64::from(m),
                rss_anon_mib: if m < 10 { 500.0 } else { 100.0 + 0.5 * f64::from(m) },
                ..Sample::default()
            })
            .collect();
        let growth = growth_per_hour(&samples, |s| s.rss_anon_mib);
        assert!((growth - 30.0).abs() < 1e-9, "{growth}");
        assert_eq!(growth_per_hour(&samples[..1], |s| s.rss_anon_mib), 0.0);
    }
}
