//! HTTP surface: the `/api/v1` routers, the OpenAPI document and its interactive page, health
//! and metrics endpoints, and the middleware every request passes through.

mod account_data;
mod account_security;
mod accounts;
mod activity;
mod analytics;
pub(crate) mod cached;
mod channels;
mod events;
mod export;
mod meetings;
mod ops;
mod passkeys;
mod providers;
mod recommendations;
pub mod security;
mod segments;
mod suggestions;
mod users;
mod web;

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{middleware, Json, Router};
use protocol::error::{ErrorBody, ErrorDetail};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::ApiError;
use crate::state::AppState;

/// Largest request body accepted. Every body the API takes is small JSON.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mingle API",
        description = "Organizers announce events, attendees find the events worth going to and meet the people worth meeting. \
                       Every error answers `{\"error\": {\"code\", \"message\"}}`; list endpoints answer `{items, next_cursor}`.",
    ),
    modifiers(&BearerAuth),
    components(schemas(protocol::events::MyEventsRole)),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "profiles", description = "Profiles, visibility and blocks"),
        (name = "events", description = "Events, search, announcements and organizers"),
        (name = "rsvp", description = "RSVPs, waitlist, check-in and attendee lists"),
        (name = "suggestions", description = "People to meet at an event, with reasons, and feedback on them"),
        (name = "meetings", description = "Meetings between attendees: request, accept, decline, cancel"),
        (name = "recommendations", description = "Upcoming events for the signed-in user, with reasons"),
        (name = "analytics", description = "Usage events from clients, and the organizer's event dashboard (docs/analytics.md)"),
        (name = "operations", description = "Liveness, readiness and the recommendation model (`/ops/*` need `MINGLE_OPS_TOKEN`); `/metrics` is Prometheus text"),
        (name = "realtime", description = "Channel history and conversations; live delivery is over `GET /api/v1/ws` (see docs/protocol.md)"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        // The operator endpoints take the deployment's MINGLE_OPS_TOKEN, not a user's token.
        components.add_security_scheme("ops", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// Documents the answers every operation can give whatever its handler does: a malformed
/// request (400), a missing or bad token where one is needed (401), invalid fields (422), an
/// oversized body (413), a body that is not JSON (415), too many requests (429).
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                )
                .build()
        };
        // The operations endpoints take no input a client could get wrong, apart from the token.
        for (_, item) in openapi.paths.paths.iter_mut().filter(|(path, _)| path.starts_with("/api/")) {
            let operations =
                [item.get.as_mut(), item.post.as_mut(), item.put.as_mut(), item.patch.as_mut(), item.delete.as_mut()];
            for operation in operations.into_iter().flatten() {
                let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
                let has_body = operation.request_body.is_some();
                let responses = &mut operation.responses.responses;
                let mut add = |status: &str, description: &str| {
                    responses.entry(status.to_owned()).or_insert_with(|| error(description).into());
                };
                add("400", "Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`)");
                add(
                    "422",
                    "Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`)",
                );
                if secured {
                    add("401", "Missing, invalid or expired access token");
                }
                if has_body {
                    add("413", "Body larger than 64 KiB");
                    add("415", "Body not sent as `application/json`");
                }
                add("429", "Too many requests");
            }
        }
    }
}

/// The OpenAPI document of the whole API, generated from the handlers' annotations.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}

/// The API routes and their document. Operations are only known once the routers are merged, so
/// the responses common to all of them are added here rather than by an `#[openapi]` modifier.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut openapi) = api_router().split_for_parts();
    CommonResponses.modify(&mut openapi);
    (router, openapi)
}

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).merge(ops::router()).nest(
        "/api/v1",
        OpenApiRouter::new()
            .merge(accounts::router())
            .merge(account_security::router())
            .merge(providers::router())
            .merge(passkeys::router())
            .merge(users::router())
            .merge(events::router())
            .merge(channels::router())
            .merge(meetings::router())
            .merge(suggestions::router())
            .merge(recommendations::router())
            .merge(segments::router())
            .merge(export::router())
            .merge(activity::router())
            .merge(analytics::router()),
    )
}

/// The complete application; tests drive it in-process or behind a real listener.
pub fn app(state: AppState) -> Router {
    let (api, openapi) = api();
    let router = Router::new()
        .merge(api)
        .merge(SwaggerUi::new("/docs").url("/openapi.json", openapi))
        .merge(ops::metrics_router())
        .route("/api/v1/ws", get(crate::realtime::gateway::upgrade));
    // The built web app when there is one; otherwise a landing page that points at the docs.
    let router = match state.settings.web_dir.as_deref().and_then(web::built_client) {
        Some(dir) => {
            let store = state.store.clone();
            router.fallback(move |request: Request| web::serve(dir.clone(), store.clone(), request))
        }
        None => router.route("/", get(home)).fallback(not_found),
    };
    router
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(crate::metrics::track))
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn_with_state(state.clone(), security::headers))
        .with_state(state)
}

async fn home() -> Html<&'static str> {
    Html(include_str!("home.html"))
}

async fn not_found() -> ApiError {
    ApiError::NotFound("route_not_found", "no such endpoint".to_owned())
}

async fn method_not_allowed() -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: "method_not_allowed".to_owned(),
            message: "this endpoint does not accept that method".to_owned(),
            fields: Vec::new(),
        },
    };
    (StatusCode::METHOD_NOT_ALLOWED, Json(body)).into_response()
}

/// A panic in a handler is a bug; the client still gets the usual error body.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    let mut response = ApiError::Internal(anyhow::anyhow!("handler panicked")).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// How long the server waits for in-flight requests on shutdown.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

#[cfg(test)]
mod tests {
    /// `docs/openapi.json` is what `mingle openapi` prints, and what the web app's types are
    /// generated from; regenerate it with `cargo run -p server -- openapi > docs/openapi.json`
    /// after changing a REST type or handler.
    #[test]
    fn published_openapi_document_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.json");
        let published = std::fs::read_to_string(path).expect("docs/openapi.json exists");
        let published: serde_json::Value = serde_json::from_str(&published).expect("valid JSON");
        let current = serde_json::to_value(super::openapi()).expect("the document serializes");
        assert!(
            published == current,
            "docs/openapi.json is stale: run `cargo run -p server -- openapi > docs/openapi.json`"
        );
    }
}
