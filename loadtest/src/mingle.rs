//! Mingle's REST API as the scenarios use it to set up: accounts, profiles, events, RSVPs and
//! check-ins, and the requests the REST, analytics and cache scenarios time.

use anyhow::{bail, Context as _};
use chrono::{DateTime, Utc};
use protocol::analytics::{AnalyticsBatch, BatchAccepted};
use protocol::auth::{LoginRequest, RegisterRequest, Session};
use protocol::events::{CheckinRequest, CreateEvent, EventVisibility, RsvpIntent, RsvpRequest};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

/// The password of every account the tool registers (only ever on a throwaway database).
const PASSWORD: &str = "load-test-password";
/// The password of every account of the demo world (`mingle demo-data`).
pub const DEMO_PASSWORD: &str = "demo-password";

#[derive(Debug, Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
}

/// A signed-in account.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: Uuid,
    pub token: String,
}

/// An event the tool created, with the check-in code its organizer sees.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: Uuid,
    pub checkin_code: String,
}

impl Api {
    pub fn new(addr: std::net::SocketAddr) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .pool_max_idle_per_host(256)
            .build()?;
        Ok(Self { http, base: format!("http://{addr}/api/v1") })
    }

    async fn expect(response: reqwest::Response, what: &str) -> anyhow::Result<reqwest::Response> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let body = response.text().await.unwrap_or_default();
        bail!("{what}: {status} {body}")
    }

    /// Registers `email` and answers the signed-in account.
    pub async fn register(&self, email: &str, display_name: &str) -> anyhow::Result<Account> {
        let body = RegisterRequest {
            email: email.to_owned(),
            password: PASSWORD.to_owned(),
            display_name: display_name.to_owned(),
        };
        let response = self.http.post(format!("{}/auth/register", self.base)).json(&body).send().await?;
        let session: Session = Self::expect(response, "register").await?.json().await?;
        Ok(Account { id: session.user.id, token: session.access_token })
    }

    /// Signs in `email` with `password` and answers the signed-in account. An account with a
    /// second factor answers a ticket instead of a session, which reads as an error here.
    pub async fn login(&self, email: &str, password: &str) -> anyhow::Result<Account> {
        let body = LoginRequest { email: email.to_owned(), password: password.to_owned() };
        let response = self.http.post(format!("{}/auth/login", self.base)).json(&body).send().await?;
        let session: Session = Self::expect(response, "login")
            .await?
            .json()
            .await
            .with_context(|| format!("signing in {email}: no session in the answer (a second factor?)"))?;
        Ok(Account { id: session.user.id, token: session.access_token })
    }

    pub async fn update_profile(&self, token: &str, profile: &Value) -> anyhow::Result<()> {
        let response = self.http.patch(format!("{}/me", self.base)).bearer_auth(token).json(profile).send().await?;
        Self::expect(response, "PATCH /me").await.map(drop)
    }

    /// A public event with no seat limit, held from `starts_at` to `ends_at`.
    pub async fn create_event(
        &self,
        token: &str,
        title: &str,
        tags: &[&str],
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
    ) -> anyhow::Result<Event> {
        let body = CreateEvent {
            title: title.to_owned(),
            description: format!("{title}: a room the load test fills."),
            tags: tags.iter().map(|&tag| tag.to_owned()).collect(),
            starts_at: starts_at.fixed_offset(),
            ends_at: ends_at.fixed_offset(),
            timezone: "Europe/Berlin".to_owned(),
            venue: None,
            online_url: Some("https://example.test/stream".to_owned()),
            capacity: None,
            visibility: EventVisibility::Public,
        };
        let response = self.http.post(format!("{}/events", self.base)).bearer_auth(token).json(&body).send().await?;
        let event: protocol::events::Event = Self::expect(response, "create event").await?.json().await?;
        Ok(Event { id: event.id, checkin_code: event.checkin_code.context("the organizer sees the check-in code")? })
    }

    /// RSVPs and answers the HTTP status (the REST scenario counts conflicts apart from errors).
    pub async fn rsvp(&self, token: &str, event: Uuid, status: RsvpIntent) -> anyhow::Result<StatusCode> {
        let response = self
            .http
            .post(format!("{}/events/{event}/rsvp", self.base))
            .bearer_auth(token)
            .json(&RsvpRequest { status })
            .send()
            .await?;
        let status = response.status();
        let _ = response.bytes().await;
        Ok(status)
    }

    pub async fn going(&self, token: &str, event: Uuid) -> anyhow::Result<()> {
        let status = self.rsvp(token, event, RsvpIntent::Going).await?;
        anyhow::ensure!(status.is_success(), "RSVP answered {status}");
        Ok(())
    }

    pub async fn check_in(&self, token: &str, event: Uuid, code: &str) -> anyhow::Result<()> {
        let status = self.check_in_status(token, event, code).await?;
        anyhow::ensure!(status.is_success(), "check-in answered {status}");
        Ok(())
    }

    /// Checks in with the event's code and answers the HTTP status (a second check-in is a 409).
    pub async fn check_in_status(&self, token: &str, event: Uuid, code: &str) -> anyhow::Result<StatusCode> {
        let response = self
            .http
            .post(format!("{}/events/{event}/checkin", self.base))
            .bearer_auth(token)
            .json(&CheckinRequest { user_id: None, code: Some(code.to_owned()) })
            .send()
            .await?;
        let status = response.status();
        let _ = response.bytes().await;
        Ok(status)
    }

    /// `GET {path}` under `/api/v1`, signed in when a token is given; answers the HTTP status.
    pub async fn get_status(&self, path: &str, token: Option<&str>) -> anyhow::Result<StatusCode> {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await?;
        let status = response.status();
        let _ = response.bytes().await;
        Ok(status)
    }

    /// `GET {path}` under `/api/v1`, signed in when a token is given; answers the HTTP status and
    /// the body, read to its end (a timed request counts until its last byte).
    pub async fn get_text(&self, path: &str, token: Option<&str>) -> anyhow::Result<(StatusCode, String)> {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await?;
        let status = response.status();
        Ok((status, response.text().await?))
    }

    /// `GET /ops/cache` with the operator token the server was started with: its read cache's
    /// counters, as JSON.
    pub async fn ops_cache(&self, ops_token: &str) -> anyhow::Result<Value> {
        let base = self.base.trim_end_matches("/api/v1");
        let response = self.http.get(format!("{base}/ops/cache")).bearer_auth(ops_token).send().await?;
        Ok(Self::expect(response, "GET /ops/cache").await?.json().await?)
    }

    /// `GET /events?q=...` and answers the HTTP status.
    pub async fn search(&self, query: &str) -> anyhow::Result<StatusCode> {
        let response =
            self.http.get(format!("{}/events", self.base)).query(&[("q", query), ("limit", "20")]).send().await?;
        let status = response.status();
        let _ = response.bytes().await;
        Ok(status)
    }

    /// `POST /analytics/events` as the account of `token`; answers how many events the server
    /// took.
    pub async fn analytics_events(&self, token: &str, batch: &AnalyticsBatch) -> anyhow::Result<u32> {
        let response =
            self.http.post(format!("{}/analytics/events", self.base)).bearer_auth(token).json(batch).send().await?;
        let answer: BatchAccepted = Self::expect(response, "POST /analytics/events").await?.json().await?;
        Ok(answer.accepted)
    }

    /// Upcoming public events (first page), as JSON.
    pub async fn upcoming(&self, limit: usize) -> anyhow::Result<Vec<Value>> {
        let response =
            self.http.get(format!("{}/events", self.base)).query(&[("limit", limit.to_string())]).send().await?;
        let page: Value = Self::expect(response, "GET /events").await?.json().await?;
        Ok(page["items"].as_array().cloned().unwrap_or_default())
    }

    /// The server's Prometheus text.
    pub async fn metrics(&self) -> anyhow::Result<String> {
        let base = self.base.trim_end_matches("/api/v1");
        Ok(self.http.get(format!("{base}/metrics")).send().await?.text().await?)
    }

    pub async fn healthy(&self) -> bool {
        let base = self.base.trim_end_matches("/api/v1");
        matches!(self.http.get(format!("{base}/healthz")).send().await, Ok(r) if r.status().is_success())
    }
}

/// The sum of every sample of a Prometheus counter in `text`.
pub fn counter_total(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|line| line.starts_with(name) && line[name.len()..].starts_with([' ', '{']))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_counter_samples_by_exact_name() {
        let text = "# TYPE matcher_updates_total counter\nmatcher_updates_total{kind=\"full\"} 2\nmatcher_updates_total{kind=\"incremental\"} 40\nmatcher_updates_total_extra 9\n";
        assert_eq!(counter_total(text, "matcher_updates_total"), 42.0);
        assert_eq!(counter_total(text, "absent_total"), 0.0);
    }
}
