//! `rest`: event search and RSVPs at a fixed, stated rate on a server filled with the demo world.
//! Requests are sent on schedule whether or not earlier ones have answered (an open loop), and
//! each latency counts from the moment its request was due, so a stalled server shows as the
//! queue it causes rather than hiding it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use protocol::events::RsvpIntent;
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::crowd;
use crate::mingle::{Account, Api};
use crate::procstat::Sampler;
use crate::stats::{micros_histogram, Summary};

/// Accounts that RSVP during the run.
const ACCOUNTS: usize = 32;
/// Requests in flight at most (a browser-facing node would see far more clients than this).
const IN_FLIGHT: usize = 512;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RestResult {
    pub backend: String,
    pub secs: f64,
    pub search_rate: f64,
    pub rsvp_rate: f64,
    pub search: Summary,
    pub rsvp: Summary,
    pub search_errors: u64,
    pub rsvp_errors: u64,
    /// RSVPs answered 409 (the event started or is full): expected answers, not errors.
    pub rsvp_conflicts: u64,
    pub server_cpu_percent: f64,
}

/// Words of upcoming event titles, as prefixes people type.
fn queries(events: &[serde_json::Value]) -> Vec<String> {
    let mut words: Vec<String> = events
        .iter()
        .filter_map(|e| e["title"].as_str())
        .flat_map(|t| t.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()))
        .filter(|w| w.chars().count() >= 4)
        .map(|w| w.chars().take(5).collect())
        .collect();
    words.sort_unstable();
    words.dedup();
    if words.is_empty() {
        words.push("meet".to_owned());
    }
    words
}

pub async fn run(
    api: &Api,
    pid: u32,
    backend: &str,
    length: Duration,
    search_rate: f64,
    rsvp_rate: f64,
) -> anyhow::Result<RestResult> {
    Ok(Traffic::prepare(api, backend).await?.run(pid, length, search_rate, rsvp_rate).await)
}

/// The REST traffic set up on one server: the words searched for, the demo world's upcoming
/// events and the accounts that RSVP to them.
#[derive(Debug)]
pub struct Traffic {
    api: Api,
    backend: String,
    words: Arc<Vec<String>>,
    event_ids: Arc<Vec<uuid::Uuid>>,
    accounts: Arc<Vec<Account>>,
    progress: bool,
}

impl Traffic {
    /// Reads the upcoming events and registers the accounts.
    pub async fn prepare(api: &Api, backend: &str) -> anyhow::Result<Self> {
        let events = api.upcoming(100).await?;
        let event_ids: Vec<uuid::Uuid> =
            events.iter().filter_map(|e| e["id"].as_str().and_then(|id| id.parse().ok())).collect();
        anyhow::ensure!(!event_ids.is_empty(), "the demo world has no upcoming events");
        let words = queries(&events);
        let bar = crowd::bar(ACCOUNTS as u64, format!("REST ({backend}): accounts"));
        let mut accounts: Vec<Account> = Vec::with_capacity(ACCOUNTS);
        for i in 0..ACCOUNTS {
            accounts.push(api.register(&format!("rest-{i}@bench.mingle.test"), &format!("Rest {i}")).await?);
            bar.inc(1);
        }
        bar.finish_and_clear();
        Ok(Self {
            api: api.clone(),
            backend: backend.to_owned(),
            words: Arc::new(words),
            event_ids: Arc::new(event_ids),
            accounts: Arc::new(accounts),
            progress: true,
        })
    }

    /// The same traffic without its progress bar, for a run that shows its own beside it.
    pub fn without_progress(self) -> Self {
        Self { progress: false, ..self }
    }

    /// The upcoming events of the demo world that the RSVPs go to.
    pub fn event_ids(&self) -> &[uuid::Uuid] {
        &self.event_ids
    }

    /// Sends the searches and RSVPs for `length` and waits for the last answer.
    pub async fn run(&self, pid: u32, length: Duration, search_rate: f64, rsvp_rate: f64) -> RestResult {
        let search = Arc::new(Mutex::new(micros_histogram()));
        let rsvp = Arc::new(Mutex::new(micros_histogram()));
        let (search_errors, rsvp_errors, conflicts) =
            (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let permits = Arc::new(Semaphore::new(IN_FLIGHT));
        let sampler = Sampler::start(pid);
        let total_rate = search_rate + rsvp_rate;
        let total = (length.as_secs_f64() * total_rate).round() as u64;
        let bar = if self.progress {
            crowd::bar(total, format!("REST ({})", self.backend))
        } else {
            indicatif::ProgressBar::hidden()
        };
        let start = Instant::now();
        let mut tasks = Vec::with_capacity(total as usize);
        for k in 0..total {
            let due = start + Duration::from_secs_f64(k as f64 / total_rate);
            tokio::time::sleep_until(due).await;
            let Ok(permit) = Arc::clone(&permits).acquire_owned().await else { break };
            // Interleave the two kinds in proportion to their rates.
            let is_rsvp =
                ((k + 1) as f64 * rsvp_rate / total_rate).floor() > (k as f64 * rsvp_rate / total_rate).floor();
            let (api, words, accounts, event_ids, bar) = (
                self.api.clone(),
                Arc::clone(&self.words),
                Arc::clone(&self.accounts),
                Arc::clone(&self.event_ids),
                bar.clone(),
            );
            let (search, rsvp, search_errors, rsvp_errors, conflicts) = (
                Arc::clone(&search),
                Arc::clone(&rsvp),
                Arc::clone(&search_errors),
                Arc::clone(&rsvp_errors),
                Arc::clone(&conflicts),
            );
            tasks.push(tokio::spawn(async move {
                let k = k as usize;
                if is_rsvp {
                    let account = &accounts[k % accounts.len()];
                    let event = event_ids[(k / accounts.len()) % event_ids.len()];
                    let status = if (k / accounts.len() / event_ids.len()).is_multiple_of(2) {
                        RsvpIntent::Going
                    } else {
                        RsvpIntent::Interested
                    };
                    match api.rsvp(&account.token, event, status).await {
                        Ok(s) if s.is_success() => {}
                        Ok(s) if s == reqwest::StatusCode::CONFLICT => {
                            conflicts.fetch_add(1, Ordering::Relaxed);
                        }
                        _ => {
                            rsvp_errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    record(&rsvp, due);
                } else {
                    match api.search(&words[k % words.len()]).await {
                        Ok(s) if s.is_success() => {}
                        _ => {
                            search_errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    record(&search, due);
                }
                drop(permit);
                bar.inc(1);
            }));
        }
        for task in tasks {
            let _ = task.await;
        }
        bar.finish_and_clear();
        let usage = sampler.lap();
        let summary = |h: &Mutex<hdrhistogram::Histogram<u64>>| {
            Summary::of(&h.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
        };
        RestResult {
            backend: self.backend.clone(),
            secs: length.as_secs_f64(),
            search_rate,
            rsvp_rate,
            search: summary(&search),
            rsvp: summary(&rsvp),
            search_errors: search_errors.load(Ordering::Acquire),
            rsvp_errors: rsvp_errors.load(Ordering::Acquire),
            rsvp_conflicts: conflicts.load(Ordering::Acquire),
            server_cpu_percent: usage.cpu_percent,
        }
    }
}

fn record(histogram: &Mutex<hdrhistogram::Histogram<u64>>, due: Instant) {
    let micros = u64::try_from(due.elapsed().as_micros()).unwrap_or(u64::MAX).max(1);
    histogram.lock().unwrap_or_else(std::sync::PoisonError::into_inner).saturating_record(micros);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_distinct_word_prefixes() {
        let events = vec![
            serde_json::json!({ "title": "Rust Meetup: Async!" }),
            serde_json::json!({ "title": "Climate & Rust meetup" }),
        ];
        assert_eq!(queries(&events), ["async", "clima", "meetu", "rust"]);
        assert_eq!(queries(&[]), ["meet"]);
    }
}
