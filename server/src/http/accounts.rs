//! `/auth`: register, login, refresh, logout.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use protocol::auth::{LoginRequest, RefreshRequest, RegisterRequest, Session};
use protocol::error::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{hash_refresh_token, new_refresh_token};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ClientAddr};
use crate::render;
use crate::state::AppState;
use crate::store::{now_ms, RotateOutcome, UserRow};
use crate::validate::{self, Problems};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
}

/// Refresh tokens are 43 characters; anything much longer is not one of ours.
const MAX_REFRESH_TOKEN_LEN: usize = 256;

fn validate_password(problems: &mut Problems, password: &str) {
    let n = password.chars().count();
    if !(8..=128).contains(&n) {
        problems.add("password", "must be 8 to 128 characters");
    }
}

/// Answers a new session for `user`: an access token and the first refresh token of a new family.
async fn new_session(state: &AppState, user: &UserRow) -> ApiResult<Session> {
    let (refresh_token, hash) = new_refresh_token();
    let expires_at = now_ms() + ttl_ms(state.tokens.refresh_ttl);
    state.store.insert_refresh_token(&hash, uuid::Uuid::now_v7(), user.id, expires_at).await?;
    session(state, user, refresh_token)
}

fn session(state: &AppState, user: &UserRow, refresh_token: String) -> ApiResult<Session> {
    Ok(Session {
        access_token: state.tokens.issue_access(user.id)?,
        token_type: "Bearer".to_owned(),
        expires_in: state.tokens.access_ttl.as_secs(),
        refresh_token,
        user: render::me(user),
    })
}

fn ttl_ms(ttl: std::time::Duration) -> i64 {
    i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2)
}

/// Create an account and sign in.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created and signed in", body = Session),
        (status = 409, description = "E-mail already registered (`email_taken`)", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
        (status = 429, description = "Too many attempts from this address", body = ErrorBody),
    ))]
async fn register(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> ApiResult<(StatusCode, Json<Session>)> {
    let mut problems = Problems::default();
    let email = validate::email(&body.email).unwrap_or_else(|message| {
        problems.add("email", message);
        String::new()
    });
    validate_password(&mut problems, &body.password);
    let display_name = problems.line("display_name", &body.display_name, 1, 80);
    problems.finish()?;
    state.limiter.check_address(address)?;

    let hash = state.passwords.hash(body.password).await?;
    let user = state.store.create_user(&crate::store::NewUser::registered(email, hash, display_name)).await?;
    tracing::info!(user = %user.id, "account registered");
    Ok((StatusCode::CREATED, Json(new_session(&state, &user).await?)))
}

/// Sign in with e-mail and password.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = Session),
        (status = 401, description = "Wrong e-mail or password (`invalid_credentials`)", body = ErrorBody),
        (status = 429, description = "Too many attempts for this account or address", body = ErrorBody),
    ))]
async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    ApiJson(body): ApiJson<LoginRequest>,
) -> ApiResult<Json<Session>> {
    let email = body.email.trim().to_lowercase();
    if email.is_empty() || email.len() > 254 || email.chars().any(char::is_control) || body.password.len() > 1024 {
        return Err(ApiError::Unauthorized("invalid_credentials", "wrong e-mail or password".to_owned()));
    }
    state.limiter.check_address(address)?;
    state.limiter.check_login(&email, address)?;

    let user = state.store.user_by_email(&email).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    if !state.passwords.verify(body.password, hash).await? {
        return Err(ApiError::Unauthorized("invalid_credentials", "wrong e-mail or password".to_owned()));
    }
    let user = user.ok_or_else(|| anyhow::anyhow!("verified a password without an account"))?;
    state.limiter.signed_in(&email, address);
    Ok(Json(new_session(&state, &user).await?))
}

/// Exchange a refresh token for a new access token and a new refresh token.
///
/// Refresh tokens are single use. Presenting one that was already used revokes every token of
/// that session, which signs out both a thief and the real user.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = Session),
        (status = 401, description = "`invalid_refresh_token`, `refresh_token_expired` or `refresh_token_reused`", body = ErrorBody),
    ))]
async fn refresh(State(state): State<AppState>, ApiJson(body): ApiJson<RefreshRequest>) -> ApiResult<Json<Session>> {
    let invalid = || ApiError::Unauthorized("invalid_refresh_token", "refresh token not recognized".to_owned());
    if body.refresh_token.is_empty() || body.refresh_token.len() > MAX_REFRESH_TOKEN_LEN {
        return Err(invalid());
    }
    let old = hash_refresh_token(&body.refresh_token);
    let (new_token, new_hash) = new_refresh_token();
    let expires_at = now_ms() + ttl_ms(state.tokens.refresh_ttl);
    match state.store.rotate_refresh_token(&old, &new_hash, expires_at).await? {
        RotateOutcome::Rotated { user_id } => {
            let user = state.store.user_by_id(user_id).await?.ok_or_else(invalid)?;
            Ok(Json(session(&state, &user, new_token)?))
        }
        RotateOutcome::Reused => {
            tracing::warn!("refresh token reused; session revoked");
            Err(ApiError::Unauthorized(
                "refresh_token_reused",
                "this refresh token was already used; the session has been revoked, sign in again".to_owned(),
            ))
        }
        RotateOutcome::Expired => {
            Err(ApiError::Unauthorized("refresh_token_expired", "refresh token expired; sign in again".to_owned()))
        }
        RotateOutcome::Unknown => Err(invalid()),
    }
}

/// Sign out: revokes the session the refresh token belongs to. Idempotent.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "Signed out")))]
async fn logout(State(state): State<AppState>, ApiJson(body): ApiJson<RefreshRequest>) -> ApiResult<StatusCode> {
    if !body.refresh_token.is_empty() && body.refresh_token.len() <= MAX_REFRESH_TOKEN_LEN {
        state.store.revoke_refresh_family(&hash_refresh_token(&body.refresh_token)).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
