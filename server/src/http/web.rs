//! The web app: the built client (`clients/web/dist`, `MINGLE_WEB_DIR`) served at `/`. Files are
//! served as they are; any other GET outside the API is answered with the app's `index.html`,
//! so that a reload or a shared link on a client-side route (`/events/{id}`) opens the app there.
//! An event's page carries the event's title and summary in its `<head>` (title, description,
//! Open Graph), so that a shared link shows a proper preview in chat apps and search results.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt as _;
use tower_http::services::{ServeDir, ServeFile};

use crate::error::ApiError;
use crate::render;
use crate::store::{EventRow, Store};

/// The built client in `dir`, or `None` when it has not been built (no `index.html`).
pub fn built_client(dir: &Path) -> Option<PathBuf> {
    dir.join("index.html").is_file().then(|| dir.to_path_buf())
}

/// Answers a request that no API route took: a file of the client, the client's `index.html`
/// for an app route, or the API's JSON 404.
pub async fn serve(dir: PathBuf, store: Store, request: Request) -> Response {
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
    if let Some(page) = event_page(&dir, &store, path).await {
        return page;
    }
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

/// The app's page for `/events/{id}` (and its sub-pages) with the event in its `<head>`; `None`
/// for other paths, unknown events, or when the event cannot be read (then the plain page).
async fn event_page(dir: &Path, store: &Store, path: &str) -> Option<Response> {
    let id = path.strip_prefix("/events/")?.split('/').next()?.parse::<uuid::Uuid>().ok()?;
    let event = store.event(id).await.ok()??;
    let index = tokio::fs::read_to_string(dir.join("index.html")).await.ok()?;
    let page = with_preview(&index, &event)?;
    let mut response = axum::response::Html(page).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Some(response)
}

/// `index` with its `<title>` replaced by the event's and a description and Open Graph tags
/// added, every value escaped; `None` when the page has no `<title>` to replace.
fn with_preview(index: &str, event: &EventRow) -> Option<String> {
    let start = index.find("<title>")?;
    let end = start + index[start..].find("</title>")? + "</title>".len();
    let when = render::local(event.starts_at, &event.timezone).format("%a %-d %b %Y, %H:%M").to_string();
    let place = match (&event.venue_name, &event.online_url) {
        (Some(venue), Some(_)) => format!("{venue} and online"),
        (Some(venue), None) => venue.clone(),
        (None, _) => "Online".to_owned(),
    };
    let summary: String = event.description.split_whitespace().collect::<Vec<_>>().join(" ");
    let summary = match summary.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", summary[..cut].trim_end()),
        None => summary,
    };
    let description = format!("{when} · {place}. {summary}");
    let title = html_escape::encode_double_quoted_attribute(&event.title);
    let description = html_escape::encode_double_quoted_attribute(description.trim_end_matches(". "));
    let head = format!(
        "<title>{title} · Mingle</title>\n    <meta name=\"description\" content=\"{description}\" />\n    \
         <meta property=\"og:type\" content=\"website\" />\n    \
         <meta property=\"og:site_name\" content=\"Mingle\" />\n    \
         <meta property=\"og:title\" content=\"{title}\" />\n    \
         <meta property=\"og:description\" content=\"{description}\" />\n    \
         <meta name=\"twitter:card\" content=\"summary\" />"
    );
    Some(format!("{}{head}{}", &index[..start], &index[end..]))
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

    #[test]
    fn an_event_page_previews_the_event_with_every_value_escaped() {
        let index = "<!doctype html>\n<html>\n  <head>\n    <title>Mingle</title>\n  </head>\n</html>";
        // 2026-12-10T15:00:00Z.
        let mut event =
            crate::store::EventRow::example(uuid::Uuid::new_v4(), "Rust & <Friends> \"night\"", 1_796_914_800_000);
        event.description = "Talks\n\nand   <script>alert(1)</script> pizza. ".repeat(20);
        event.timezone = "Europe/Berlin".to_owned();
        event.venue_name = Some("c-base".to_owned());
        let page = super::with_preview(index, &event).expect("a title to replace");
        assert!(page.contains("<title>Rust &amp; &lt;Friends&gt; &quot;night&quot; · Mingle</title>"), "{page}");
        assert!(
            page.contains("<meta property=\"og:title\" content=\"Rust &amp; &lt;Friends&gt; &quot;night&quot;\" />")
        );
        assert!(page.contains("content=\"Thu 10 Dec 2026, 16:00 · c-base. Talks and &lt;script&gt;"), "{page}");
        assert!(!page.contains("<script>"), "nothing from the event runs");
        assert!(page.contains("…\" />"), "a long description is cut");
        assert_eq!(page.matches("<title>").count(), 1);
        assert!(super::with_preview("<html></html>", &event).is_none());
    }

    #[tokio::test]
    async fn a_name_too_long_for_any_file_is_a_json_404() {
        let dir = std::env::temp_dir().join(format!("mingle-web-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("index.html"), "<!doctype html>").expect("index");
        let store = crate::store::Store::connect(&crate::store::Store::sqlite_url(&dir.join("db.sqlite")))
            .await
            .expect("store");
        let long = "a".repeat(300);
        for path in [format!("/assets/{long}.js"), format!("/{long}"), format!("/events/{long}")] {
            let request = axum::extract::Request::get(path.as_str()).body(axum::body::Body::empty()).expect("request");
            let response = super::serve(dir.clone(), store.clone(), request).await;
            assert_eq!(response.status(), axum::http::StatusCode::NOT_FOUND, "{path}");
            let body = axum::body::to_bytes(response.into_body(), 4096).await.expect("body");
            let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
            assert_eq!(body["error"]["code"], "route_not_found");
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
