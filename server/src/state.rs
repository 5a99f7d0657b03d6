//! Shared application state handed to every handler.

use std::sync::Arc;

use crate::auth::{AccessClaims, AuthLimiter, Passwords, Revocations, TokenKeys};
use crate::error::ApiError;
use crate::realtime::Realtime;
use crate::store::Store;

/// Settings that shape request handling, fixed at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    pub trust_forwarded_for: bool,
    /// Directory of the built web app, served at `/` when it holds an `index.html`.
    pub web_dir: Option<std::path::PathBuf>,
    /// Token that the `/ops/...` endpoints require; `None` disables them.
    pub ops_token: Option<String>,
    /// Page origins allowed to open WebSockets, and whether the public origin is HTTPS.
    pub origins: crate::http::security::Origins,
    /// What one HTTP connection may cost (timeouts, connections per address).
    pub connections: crate::serve::ConnectionLimits,
    /// Where people open Mingle (`scheme://host[:port]`), for links in mails.
    pub public_base: String,
    /// Sign-up confirms the address before the account works, and answers the same whether or
    /// not the address has an account.
    pub signup_verify_first: bool,
    /// Organizers need a second factor to create or edit events.
    pub require_organizer_mfa: bool,
    /// Where apps may receive a one-time sign-in code.
    pub app_redirect_uris: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub tokens: Arc<TokenKeys>,
    /// Seals authenticator-app secrets at rest.
    pub sealer: Arc<crate::auth::sealed::Sealer>,
    /// Sessions ended before their tokens expire.
    pub revocations: Arc<Revocations>,
    pub passwords: Arc<Passwords>,
    pub mailer: crate::mail::Mailer,
    /// Identity providers people may sign in with.
    pub providers: Arc<crate::auth::providers::Providers>,
    /// The passkey relying party; `None` where passkeys cannot work (an IP-address origin).
    pub passkeys: Option<Arc<crate::auth::passkeys::Passkeys>>,
    pub limiter: AuthLimiter,
    pub settings: Arc<Settings>,
    pub realtime: Arc<Realtime>,
    pub suggester: Arc<crate::suggest::Suggester>,
    pub recommender: Arc<crate::recommend::Recommender>,
    /// The text model, shared by suggestions and recommendations.
    pub model: Arc<crate::model::Model>,
    /// Usage analytics: where handlers record what people were shown and did.
    pub analytics: crate::analytics::Analytics,
    /// The capacity forecast, made in the background, answered by `GET /ops/capacity`.
    pub capacity: Arc<crate::capacity::Forecaster>,
    /// The read cache: event pages, profiles, lists, dropped on every node by the writes that
    /// change them.
    pub cache: Arc<crate::readcache::ReadCache>,
    /// The process's shutdown, which every background loop and connection follows.
    pub shutdown: crate::shutdown::Shutdown,
}

impl AppState {
    /// Checks an access token: signature, expiry, and that its session was not ended since.
    pub fn authenticate(&self, token: &str) -> Result<AccessClaims, ApiError> {
        let claims = self.tokens.verify_access_claims(token)?;
        if self.revocations.is_revoked(claims.session) {
            return Err(ApiError::Unauthorized(
                "session_revoked",
                "this session was signed out (from another device, by a password change, or the account was closed); sign in again"
                    .to_owned(),
            ));
        }
        Ok(claims)
    }
}
