//! `/auth/oidc/...` and `/me/identities`: signing in, signing up and linking through identity
//! providers. The browser goes `start` → provider → `callback` → signed in (the refresh token in
//! its cookie, the app restores the session from it). An app passes its own `redirect_uri` and
//! PKCE `code_challenge` to `start`; the callback sends it a one-time code, which
//! `POST /auth/oidc/token` exchanges (with the verifier) for the usual token pair.
//!
//! Which account a provider's identity signs in to: the one it was linked to; else, when the
//! provider vouches for the address, the account with that address if that account's address
//! is verified too (an unverified one could be someone else's pre-registration), or a new
//! account. A sign-up still waiting for the address (verify-first sign-up) is given to the
//! provider's user, without the password its registrant chose. A signed-in person links an
//! identity explicitly from their profile.

use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use protocol::auth::{
    AppTokenRequest, CallbackQuery, IdentityList, LinkedIdentity, LoginAnswer, ProviderInfo, ProviderKind,
    ProviderList, ProviderRedirect, StartQuery,
};
use protocol::error::ErrorBody;
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::accounts::{answer, mfa_challenge, new_session, session_cookie, ttl_ms, Device};
use crate::auth::providers::{self, ExternalIdentity, ProviderConfig, ProviderError};
use crate::auth::secrets::{self, MAX_TOKEN_LEN};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, AuthUser, ClientAddr};
use crate::render::utc;
use crate::state::AppState;
use crate::store::{now_ms, NewUser, ProviderLogin, StoreError, UserRow};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_providers))
        .routes(routes!(start))
        .routes(routes!(callback))
        .routes(routes!(start_link))
        .routes(routes!(app_token))
        .routes(routes!(list_identities))
        .routes(routes!(unlink))
}

/// How long a sign-in may stay at the provider.
const LOGIN_TTL: Duration = Duration::from_secs(600);
/// How long an app has to exchange its one-time code.
const APP_CODE_TTL: Duration = Duration::from_secs(60);

fn provider<'a>(state: &'a AppState, id: &str) -> ApiResult<&'a ProviderConfig> {
    state
        .providers
        .get(id)
        .ok_or_else(|| ApiError::NotFound("unknown_provider", format!("no identity provider {id:?} is configured")))
}

fn callback_url(state: &AppState, provider: &str) -> String {
    format!("{}/api/v1/auth/oidc/{provider}/callback", state.settings.public_base)
}

fn provider_unavailable(e: &ProviderError) -> ApiError {
    tracing::warn!(error = %e, "identity provider");
    ApiError::Unprocessable("provider_error", "the identity provider could not be reached; try again".to_owned())
}

/// The identity providers people may sign in with.
#[utoipa::path(get, path = "/auth/providers", tag = "auth", responses((status = 200, body = ProviderList)))]
async fn list_providers(State(state): State<AppState>) -> Json<ProviderList> {
    let items = state
        .providers
        .list()
        .iter()
        .map(|p| ProviderInfo {
            id: p.id.clone(),
            name: p.name.clone(),
            kind: match p.kind {
                providers::ProviderKind::Oidc { .. } => ProviderKind::Oidc,
                providers::ProviderKind::GitHub => ProviderKind::Oauth2,
            },
        })
        .collect();
    Json(ProviderList { items, passkey_rp_id: state.passkeys.as_ref().map(|p| p.rp_id().to_owned()) })
}

/// Sign in (or sign up) through a provider: redirects the browser to it.
#[utoipa::path(get, path = "/auth/oidc/{provider}/start", tag = "auth",
    params(("provider" = String, Path), StartQuery),
    responses(
        (status = 303, description = "To the provider"),
        (status = 404, description = "`unknown_provider`", body = ErrorBody),
        (status = 422, description = "`invalid_redirect_uri`, `code_challenge_required`, `provider_error`", body = ErrorBody),
    ))]
async fn start(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<StartQuery>,
) -> ApiResult<Response> {
    let config = provider(&state, &id)?;
    let app = match query.redirect_uri {
        None => None,
        Some(redirect) => {
            if !state.settings.app_redirect_uris.contains(&redirect) {
                return Err(ApiError::Unprocessable(
                    "invalid_redirect_uri",
                    "this redirect URI is not one the operator allowed (MINGLE_APP_REDIRECT_URIS)".to_owned(),
                ));
            }
            let challenge = query.code_challenge.filter(|c| c.len() == 43 && URL_SAFE_NO_PAD.decode(c).is_ok());
            let (Some(challenge), Some("S256")) = (challenge, query.code_challenge_method.as_deref()) else {
                return Err(ApiError::Unprocessable(
                    "code_challenge_required",
                    "apps must send a PKCE code_challenge (S256)".to_owned(),
                ));
            };
            Some((redirect, challenge))
        }
    };
    let url = begin(&state, config, None, app).await?;
    Ok(Redirect::to(&url).into_response())
}

/// Link a provider to the signed-in account: answers the URL to send the browser to.
#[utoipa::path(post, path = "/auth/oidc/{provider}/link", tag = "auth", security(("bearer" = [])),
    params(("provider" = String, Path)),
    responses((status = 200, body = ProviderRedirect), (status = 404, description = "`unknown_provider`", body = ErrorBody)))]
async fn start_link(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ProviderRedirect>> {
    let config = provider(&state, &id)?;
    Ok(Json(ProviderRedirect { url: begin(&state, config, Some(user.id), None).await? }))
}

/// Stores the sign-in and answers the provider's authorization URL.
async fn begin(
    state: &AppState,
    config: &ProviderConfig,
    link_user: Option<Uuid>,
    app: Option<(String, String)>,
) -> ApiResult<String> {
    let authorization = state
        .providers
        .authorize(config, &callback_url(state, &config.id))
        .await
        .map_err(|e| provider_unavailable(&e))?;
    let login = ProviderLogin {
        provider: config.id.clone(),
        pkce_verifier: authorization.pkce_verifier,
        nonce: authorization.nonce,
        link_user,
        app,
    };
    state
        .store
        .create_provider_login(&secrets::hash(&authorization.state), &login, now_ms() + ttl_ms(LOGIN_TTL))
        .await?;
    Ok(authorization.url)
}

/// Where a provider sends the browser back. Signs in (the refresh token in the web app's
/// cookie) and redirects to the app: `/` on success, `/signin#mfa_ticket=...` when the second
/// factor is next, `/signin?provider_error={code}` on failure; a link goes back to
/// `/account/security?linked={provider}` (or `?link_error={code}`); an app's sign-in goes to its
/// redirect URI with `?code=` (or `?error=`).
#[utoipa::path(get, path = "/auth/oidc/{provider}/callback", tag = "auth",
    params(("provider" = String, Path), CallbackQuery),
    responses((status = 303, description = "Back to the web app or the app")))]
async fn callback(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<CallbackQuery>,
) -> Response {
    let Some(returned_state) = query.state.filter(|s| !s.is_empty() && s.len() <= MAX_TOKEN_LEN) else {
        return fail_web("state_mismatch");
    };
    let login = match state.store.take_provider_login(&secrets::hash(&returned_state)).await {
        Ok(Some(login)) if login.provider == id => login,
        Ok(_) => return fail_web("state_mismatch"),
        Err(e) => {
            tracing::error!(error = %e, "reading a provider sign-in");
            return fail_web("unavailable");
        }
    };
    let fail = |code: &str| match (&login.app, login.link_user) {
        (Some((redirect, _)), _) => Redirect::to(&with_query(redirect, "error", code)).into_response(),
        (None, Some(_)) => Redirect::to(&format!("/account/security?link_error={code}")).into_response(),
        (None, None) => fail_web(code),
    };
    if let Some(error) = query.error {
        tracing::info!(provider = %id, %error, "the provider refused the sign-in");
        return fail("provider_refused");
    }
    let (Some(config), Some(code)) = (state.providers.get(&id), query.code.filter(|c| c.len() <= 2048)) else {
        return fail("provider_error");
    };
    let identity = match state
        .providers
        .finish(config, &callback_url(&state, &id), &code, &login.pkce_verifier, &login.nonce)
        .await
    {
        Ok(identity) => identity,
        Err(ProviderError::NonceMismatch) => {
            tracing::warn!(provider = %id, "the ID token's nonce did not match");
            return fail("nonce_mismatch");
        }
        Err(ProviderError::Invalid(why)) => {
            tracing::warn!(provider = %id, %why, "the provider's answer did not check out");
            return fail("invalid_id_token");
        }
        Err(e) => {
            tracing::warn!(provider = %id, error = %e, "finishing a provider sign-in failed");
            return fail("provider_error");
        }
    };
    if let Some(user) = login.link_user {
        let email = identity.email.clone().unwrap_or_default();
        return match state.store.link_identity(&id, &identity.subject, user, &email).await {
            Ok(()) => Redirect::to(&format!("/account/security?linked={id}")).into_response(),
            Err(StoreError::Conflict(conflict)) => fail(conflict.code()),
            Err(e) => {
                tracing::error!(error = %e, "linking an identity");
                fail("unavailable")
            }
        };
    }
    let account = match account_for(&state, &id, &identity).await {
        Ok(account) => account,
        Err(code) => return fail(code),
    };
    let device = Device::of(&headers, address);
    if let Some((redirect, challenge)) = &login.app {
        let (one_time, hash) = secrets::new_token();
        return match state.store.create_app_code(&hash, account.id, challenge, now_ms() + ttl_ms(APP_CODE_TTL)).await {
            Ok(()) => Redirect::to(&with_query(redirect, "code", &one_time)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "storing an app code");
                fail("unavailable")
            }
        };
    }
    let factors = match super::accounts::second_factors(&state, &account).await {
        Ok(factors) => factors,
        Err(_) => return fail("unavailable"),
    };
    if !factors.is_empty() {
        return match mfa_challenge(&state, &account, &device, factors).await {
            // In the fragment: never sent to a server, never in a log.
            Ok(challenge) => {
                let methods: Vec<&str> = challenge.methods.iter().map(|m| m.as_str()).collect();
                Redirect::to(&format!("/signin#mfa_ticket={}&methods={}", challenge.ticket, methods.join(",")))
                    .into_response()
            }
            Err(_) => fail("unavailable"),
        };
    }
    match new_session(&state, &account, &device).await {
        Ok(session) => {
            let cookie = session_cookie(&state, &session);
            (StatusCode::SEE_OTHER, [(header::LOCATION, "/".to_owned()), (header::SET_COOKIE, cookie)]).into_response()
        }
        Err(_) => fail("unavailable"),
    }
}

fn fail_web(code: &str) -> Response {
    Redirect::to(&format!("/signin?provider_error={code}")).into_response()
}

fn with_query(uri: &str, key: &str, value: &str) -> String {
    let separator = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{separator}{key}={value}")
}

/// The account `identity` signs in to (creating one when nobody has its address), or the code
/// of why it may not.
async fn account_for(state: &AppState, provider: &str, identity: &ExternalIdentity) -> Result<UserRow, &'static str> {
    let unavailable = |e: StoreError| {
        tracing::error!(error = %e, "signing in through a provider");
        "unavailable"
    };
    if let Some(user) = state.store.identity_user(provider, &identity.subject).await.map_err(unavailable)? {
        return state
            .store
            .user_by_id(user)
            .await
            .map_err(unavailable)?
            .filter(|u| u.deleted_at.is_none())
            .ok_or("account_closed");
    }
    let (Some(email), true) = (identity.email.as_deref(), identity.email_verified) else {
        return Err("unverified_email");
    };
    let email = crate::validate::email(email).map_err(|_| "unverified_email")?;
    let account = match state.store.user_by_email(&email).await.map_err(unavailable)? {
        Some(waiting) if waiting.pending() => claim(state, &waiting, &email, provider).await?,
        // Only an address both sides have verified joins the two: an unverified account with
        // this address may have been registered by someone else, waiting for its owner.
        Some(existing) if existing.email_verified_at.is_some() => existing,
        Some(_) => return Err("unverified_email"),
        None => {
            let name = identity
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| email.split('@').next().unwrap_or("Someone").to_owned());
            let name: String = name.trim().chars().filter(|c| !c.is_control()).take(80).collect();
            // No password: this account signs in through the provider (or a reset link).
            let user = state.store.create_user(&NewUser::registered(email.clone(), String::new(), name)).await;
            let user = match user {
                Ok(user) => user,
                // A sign-up for the address arrived meanwhile: it is the provider's user's too.
                Err(StoreError::Conflict(_)) => match state.store.user_by_email(&email).await.map_err(unavailable)? {
                    Some(waiting) if waiting.pending() => {
                        return claim_and_link(state, &waiting, &email, provider, identity).await
                    }
                    _ => return Err("email_taken"),
                },
                Err(e) => return Err(unavailable(e)),
            };
            state.store.mark_email_verified(user.id, &email).await.map_err(unavailable)?;
            state.analytics.record(Some(user.id), protocol::analytics::UsageEvent::SignedUp);
            tracing::info!(user = %user.id, %provider, "account created through a provider");
            state.store.user_by_id(user.id).await.map_err(unavailable)?.ok_or("unavailable")?
        }
    };
    link(state, account, &email, provider, identity).await
}

/// Links `identity` to `account`, answering the account.
async fn link(
    state: &AppState,
    account: UserRow,
    email: &str,
    provider: &str,
    identity: &ExternalIdentity,
) -> Result<UserRow, &'static str> {
    match state.store.link_identity(provider, &identity.subject, account.id, email).await {
        Ok(()) => Ok(account),
        Err(StoreError::Conflict(c)) => Err(c.code()),
        Err(e) => {
            tracing::error!(error = %e, "linking an identity");
            Err("unavailable")
        }
    }
}

/// [`claim`], then [`link`].
async fn claim_and_link(
    state: &AppState,
    waiting: &UserRow,
    email: &str,
    provider: &str,
    identity: &ExternalIdentity,
) -> Result<UserRow, &'static str> {
    let account = claim(state, waiting, email, provider).await?;
    link(state, account, email, provider, identity).await
}

/// Gives the sign-up `waiting` for `email` to the provider's user, who proved the address: its
/// password goes (it was chosen by someone who never proved the address, perhaps to take over
/// the account once its owner starts using it), the address is verified, and the account is in
/// use. Answers the account as it is now.
async fn claim(state: &AppState, waiting: &UserRow, email: &str, provider: &str) -> Result<UserRow, &'static str> {
    let unavailable = |e: StoreError| {
        tracing::error!(error = %e, "claiming a waiting sign-up");
        "unavailable"
    };
    if state.store.claim_pending_signup(waiting.id, email).await.map_err(unavailable)? {
        tracing::info!(user = %waiting.id, %provider, "waiting sign-up claimed through a provider");
    }
    // Claimed here, or finished meanwhile through its link: either way verified now.
    let account = state.store.user_by_id(waiting.id).await.map_err(unavailable)?;
    account
        .filter(|a| a.deleted_at.is_none() && a.email_verified_at.is_some() && !a.pending())
        .ok_or("unverified_email")
}

/// An app exchanges its one-time code and PKCE verifier for the session (or, with a second
/// factor, a ticket for `POST /auth/mfa`).
#[utoipa::path(post, path = "/auth/oidc/token", tag = "auth", request_body = AppTokenRequest,
    responses(
        (status = 200, body = LoginAnswer),
        (status = 400, description = "`invalid_code` (unknown, used, expired, or the verifier does not match)", body = ErrorBody),
    ))]
async fn app_token(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AppTokenRequest>,
) -> ApiResult<Response> {
    let invalid =
        || ApiError::BadRequest("invalid_code", "this sign-in code is not valid any more; sign in again".to_owned());
    if body.code.is_empty() || body.code.len() > MAX_TOKEN_LEN || body.code_verifier.len() > 128 {
        return Err(invalid());
    }
    state.limiter.check_address(address)?;
    let (user, challenge) = state.store.take_app_code(&secrets::hash(&body.code)).await?.ok_or_else(invalid)?;
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(body.code_verifier.as_bytes()));
    if computed != challenge {
        return Err(invalid());
    }
    let account = state.store.user_by_id(user).await?.filter(|u| u.deleted_at.is_none()).ok_or_else(invalid)?;
    let device = Device::of(&headers, address);
    let factors = super::accounts::second_factors(&state, &account).await?;
    if !factors.is_empty() {
        let challenge = mfa_challenge(&state, &account, &device, factors).await?;
        return Ok(Json(LoginAnswer::MfaRequired(challenge)).into_response());
    }
    let session = new_session(&state, &account, &device).await?;
    Ok(answer(&state, &headers, StatusCode::OK, session))
}

/// The identities linked to the signed-in account.
#[utoipa::path(get, path = "/me/identities", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = IdentityList)))]
async fn list_identities(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<IdentityList>> {
    let account = super::account_security::account(&state, &user).await?;
    let items = linked_identities(&state, user.id).await?;
    Ok(Json(IdentityList { items, has_password: !account.password_hash.is_empty() }))
}

/// The identities linked to `user`, as their owner sees them.
pub(crate) async fn linked_identities(state: &AppState, user: Uuid) -> ApiResult<Vec<LinkedIdentity>> {
    Ok(state
        .store
        .identities_of(user)
        .await?
        .into_iter()
        .map(|row| LinkedIdentity {
            provider_name: state.providers.get(&row.provider).map_or_else(|| row.provider.clone(), |p| p.name.clone()),
            provider: row.provider,
            email: row.email,
            created_at: utc(row.created_at),
            last_used_at: utc(row.last_used_at),
        })
        .collect())
}

/// Unlink a provider. Refused (409 `last_sign_in_method`) when it is the account's only way to
/// sign in.
#[utoipa::path(delete, path = "/me/identities/{provider}", tag = "auth", security(("bearer" = [])),
    params(("provider" = String, Path)),
    responses(
        (status = 204, description = "Unlinked"),
        (status = 404, description = "Not linked", body = ErrorBody),
        (status = 409, description = "`last_sign_in_method`", body = ErrorBody),
    ))]
async fn unlink(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(provider): ApiPath<String>,
) -> ApiResult<StatusCode> {
    if state.store.unlink_identity(user.id, &provider).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("linked identity"))
    }
}
