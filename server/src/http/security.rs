//! Browser security: the headers every response carries (a Content-Security-Policy that allows
//! no inline or foreign script, no framing, no MIME sniffing, no referrer sent off-site, no
//! powerful features the app does not use, HSTS when served over HTTPS), and the `Origin`
//! check of the WebSocket upgrade, which browsers do not subject to the same-origin policy.

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::ApiError;
use crate::state::AppState;

/// Scripts, connections, fonts and frames from this origin only; images also as `data:` URLs
/// (icons) and over HTTPS (people's avatars). Styles allow inline attributes and blocks, which
/// React, the API page and the landing page set; scripts never run inline.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; font-src 'self'; \
     connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Features the app never asks for are off; location only for this origin ("near me").
const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(self), payment=(), usb=(), serial=(), bluetooth=(), \
     midi=(), magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=()";

/// HSTS lifetime when the public origin is HTTPS: two years, the preload lists' minimum.
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Adds the security headers to every response that does not set its own.
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    set(HeaderName::from_static("permissions-policy"), PERMISSIONS_POLICY);
    set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    if state.settings.origins.https() {
        set(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    response
}

/// Which page origins may open a WebSocket: the server's own (the request's `Host`, or the
/// configured public origin behind a proxy that rewrites it) and those configured in
/// `MINGLE_ALLOWED_ORIGINS`. Origins are compared as `scheme://host[:port]`, lowercased.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    public: Option<String>,
    allowed: Vec<String>,
}

impl Origins {
    /// `public` is `MINGLE_PUBLIC_ORIGIN`, `allowed` the comma-separated `MINGLE_ALLOWED_ORIGINS`.
    pub fn new(public: Option<&str>, allowed: &[String]) -> anyhow::Result<Self> {
        let parse = |origin: &str| -> anyhow::Result<String> {
            let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
            anyhow::ensure!(
                (origin.starts_with("https://") || origin.starts_with("http://"))
                    && origin.split_once("://").is_some_and(|(_, rest)| !rest.is_empty() && !rest.contains('/')),
                "{origin:?} is not an origin: write scheme://host[:port], e.g. https://mingle.example.com"
            );
            Ok(origin)
        };
        let public = public.filter(|p| !p.trim().is_empty()).map(parse).transpose()?;
        let allowed = allowed.iter().filter(|a| !a.trim().is_empty()).map(|a| parse(a)).collect::<Result<_, _>>()?;
        Ok(Self { public, allowed })
    }

    /// Whether the public origin is HTTPS, so browsers should never use plain HTTP for it.
    pub fn https(&self) -> bool {
        self.public.as_deref().is_some_and(|p| p.starts_with("https://"))
    }

    /// Whether a request with these headers may upgrade: no `Origin` (not a browser), or one
    /// this server serves or trusts.
    pub fn check(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let Some(origin) = headers.get(header::ORIGIN) else { return Ok(()) };
        let origin = origin.to_str().unwrap_or_default().to_ascii_lowercase();
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_ascii_lowercase);
        let same_host = |host: &str| origin.split_once("://").is_some_and(|(_, authority)| authority == host);
        let allowed = host.as_deref().is_some_and(same_host)
            || self.public.as_deref() == Some(origin.as_str())
            || self.allowed.contains(&origin);
        if allowed {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "origin_not_allowed",
                format!(
                    "pages from {origin} may not open a connection here; the operator can add it to MINGLE_ALLOWED_ORIGINS"
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_str(host).expect("host"));
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, HeaderValue::from_str(origin).expect("origin"));
        }
        headers
    }

    #[test]
    fn same_origin_and_non_browsers_may_connect() {
        let origins = Origins::default();
        assert!(origins.check(&headers(None, "127.0.0.1:8080")).is_ok());
        assert!(origins.check(&headers(Some("http://127.0.0.1:8080"), "127.0.0.1:8080")).is_ok());
        assert!(origins.check(&headers(Some("HTTPS://Mingle.Example"), "mingle.example")).is_ok());
    }

    #[test]
    fn other_origins_are_refused_unless_configured() {
        let refused = Origins::default().check(&headers(Some("https://evil.example"), "mingle.example"));
        assert!(matches!(refused, Err(ApiError::Forbidden("origin_not_allowed", _))));
        assert!(Origins::default().check(&headers(Some("null"), "mingle.example")).is_err());
        assert!(Origins::default().check(&headers(Some("http://mingle.example:81"), "mingle.example")).is_err());
        let origins =
            Origins::new(Some("https://mingle.example/"), &["https://app.example".to_owned()]).expect("valid");
        assert!(origins.check(&headers(Some("https://mingle.example"), "10.0.0.7:8080")).is_ok());
        assert!(origins.check(&headers(Some("https://app.example"), "10.0.0.7:8080")).is_ok());
        assert!(origins.check(&headers(Some("https://evil.example"), "10.0.0.7:8080")).is_err());
        assert!(origins.https());
    }

    #[test]
    fn origins_that_are_not_origins_are_refused_at_start() {
        for bad in ["mingle.example", "https://", "https://a.example/path", "ftp://a.example"] {
            assert!(Origins::new(Some(bad), &[]).is_err(), "{bad}");
        }
        assert!(!Origins::new(Some("http://localhost:8080"), &[]).expect("valid").https());
    }
}
