//! The web app: the built client (`clients/web/dist`, `MINGLE_WEB_DIR`) served at `/`. Files are
//! served as they are; any other GET outside the API is answered with the app's `index.html`,
//! so that a reload or a shared link on a client-side route (`/events/{id}`) opens the app there.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt as _;
use tower_http::services::{ServeDir, ServeFile};

use crate::error::ApiError;

/// The built client in `dir`, or `None` when it has not been built (no `index.html`).
pub fn built_client(dir: &Path) -> Option<PathBuf> {
    dir.join("index.html").is_file().then(|| dir.to_path_buf())
}

/// Answers a request that no API route took: a file of the client, the client's `index.html`
/// for an app route, or the API's JSON 404.
pub async fn serve(dir: PathBuf, request: Request) -> Response {
    let path = request.uri().path();
    // No file system allows names over 255 bytes: such a path is not a file of ours, and asking
    // the file system would fail with an error, not a "not found".
    if !matches!(*request.method(), Method::GET | Method::HEAD)
        || is_reserved(path)
        || path.split('/').any(|s| s.len() > 255)
    {
        return not_found();
    }
    let is_file = path.rsplit('/').next().is_some_and(|last| last.contains('.'));
    let immutable = path.starts_with("/assets/");
    // A missing file (`/assets/old-hash.js`) is a 404; an unknown app route gets the app.
    let response = if is_file {
        ServeDir::new(&dir).oneshot(request).await
    } else {
        ServeDir::new(&dir).fallback(ServeFile::new(dir.join("index.html"))).oneshot(request).await
    };
    let mut response = match response {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND {
        return not_found();
    }
    // Vite names bundles by content hash, so they never change; the page itself must be
    // revalidated to pick up a new build.
    let cache = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// Paths that belong to the server, never to the app: an unknown one stays a JSON 404.
fn is_reserved(path: &str) -> bool {
    ["/api", "/docs", "/openapi.json", "/healthz", "/readyz", "/metrics", "/ops"]
        .iter()
        .any(|prefix| path == *prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/')))
}

fn not_found() -> Response {
    ApiError::NotFound("route_not_found", "no such endpoint".to_owned()).into_response()
}

#[cfg(test)]
mod tests {
    use super::is_reserved;

    #[test]
    fn api_and_operations_paths_are_reserved() {
        for path in ["/api", "/api/v1/nope", "/docs", "/docs/x", "/openapi.json", "/healthz", "/metrics", "/ops/x"] {
            assert!(is_reserved(path), "{path}");
        }
        for path in ["/", "/events/1", "/apiary", "/profile", "/documents", "/opsy"] {
            assert!(!is_reserved(path), "{path}");
        }
    }

    #[tokio::test]
    async fn a_name_too_long_for_any_file_is_a_json_404() {
        let dir = std::env::temp_dir().join(format!("mingle-web-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("index.html"), "<!doctype html>").expect("index");
        let long = "a".repeat(300);
        for path in [format!("/assets/{long}.js"), format!("/{long}"), format!("/events/{long}")] {
            let request = axum::extract::Request::get(path.as_str()).body(axum::body::Body::empty()).expect("request");
            let response = super::serve(dir.clone(), request).await;
            assert_eq!(response.status(), axum::http::StatusCode::NOT_FOUND, "{path}");
            let body = axum::body::to_bytes(response.into_body(), 4096).await.expect("body");
            let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
            assert_eq!(body["error"]["code"], "route_not_found");
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
