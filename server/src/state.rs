//! Shared application state handed to every handler.

use std::sync::Arc;

use crate::auth::{AuthLimiter, Passwords, TokenKeys};
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
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub tokens: Arc<TokenKeys>,
    pub passwords: Arc<Passwords>,
    pub limiter: AuthLimiter,
    pub settings: Arc<Settings>,
    pub realtime: Arc<Realtime>,
    pub suggester: Arc<crate::suggest::Suggester>,
    pub recommender: Arc<crate::recommend::Recommender>,
    /// The text model, shared by suggestions and recommendations.
    pub model: Arc<crate::model::Model>,
    /// The process's shutdown, which every background loop and connection follows.
    pub shutdown: crate::shutdown::Shutdown,
}
