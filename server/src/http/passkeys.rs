//! Passkeys: `/auth/passkey...` signs in with one (alone, or as the second factor after a
//! password or a provider), `/me/passkeys...` registers, names and removes them and proves the
//! owner is present for changes that need it.
//!
//! Each ceremony is two requests: `.../options` answers a [`PasskeyChallenge`] for the
//! browser's `navigator.credentials` call, and the next request brings the authenticator's
//! answer with the challenge id. A challenge is taken from the store by its first answer, right
//! or wrong, so none can be replayed.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use protocol::auth::{
    PasskeyAdded, PasskeyAnswer, PasskeyChallenge, PasskeyInfo, PasskeyList, PasskeyRegistration, PasskeyRename,
    PasskeySignInStart,
};
use protocol::error::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use webauthn_rs::prelude::Passkey;

use super::account_security::{account, confirm};
use super::accounts::{answer, new_session, ttl_ms, Device};
use crate::auth::passkeys::{credential_id, credential_of, Passkeys, Refusal, CEREMONY_TTL};
use crate::auth::secrets::{self, MAX_TOKEN_LEN};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, AuthUser, ClientAddr};
use crate::mail::Mail;
use crate::render::utc;
use crate::state::AppState;
use crate::store::{Ceremony, CeremonyPurpose, NewPasskey, PasskeyRow, TicketRefused};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in_options))
        .routes(routes!(sign_in))
        .routes(routes!(list, add))
        .routes(routes!(registration_options))
        .routes(routes!(confirmation_options))
        .routes(routes!(rename, remove))
}

/// Recovery codes issued when a passkey turns two-step sign-in on.
const RECOVERY_CODES: usize = 10;

/// The deployment's passkeys, or 404 `passkeys_unavailable`.
fn relying_party(state: &AppState) -> ApiResult<&Passkeys> {
    state.passkeys.as_deref().ok_or_else(|| {
        ApiError::NotFound(
            "passkeys_unavailable",
            "passkeys are not available on this server (it is not reached at a domain name)".to_owned(),
        )
    })
}

pub(crate) fn info(row: &PasskeyRow) -> PasskeyInfo {
    PasskeyInfo {
        id: row.id,
        name: row.name.clone(),
        created_at: utc(row.created_at),
        last_used_at: row.last_used_at.map(utc),
    }
}

/// The library's credential of a stored passkey; `None` (logged) when it no longer reads.
fn key(row: &PasskeyRow) -> Option<Passkey> {
    serde_json::from_str::<Passkey>(&row.credential)
        .inspect_err(|e| tracing::error!(passkey = %row.id, error = %e, "stored passkey does not read"))
        .ok()
}

/// The credentials of stored passkeys (a row that no longer reads is skipped).
fn keys(rows: &[PasskeyRow]) -> Vec<Passkey> {
    rows.iter().filter_map(key).collect()
}

async fn start(
    state: &AppState,
    purpose: CeremonyPurpose,
    user: Option<Uuid>,
    ticket_hash: Option<&[u8]>,
    (options, ceremony): (serde_json::Value, String),
) -> ApiResult<PasskeyChallenge> {
    let challenge_id = Uuid::new_v4();
    let expires_at = crate::store::now_ms() + ttl_ms(CEREMONY_TTL);
    state.store.start_ceremony(challenge_id, purpose, user, ticket_hash, &ceremony, expires_at).await?;
    Ok(PasskeyChallenge { challenge_id, options })
}

/// The ceremony an answer belongs to, taken (so it is never answered twice) and unexpired.
/// Refused with `status` codes fitting the caller: 401 while signing in, 403 when signed in.
async fn take(
    state: &AppState,
    answer: &PasskeyAnswer,
    purpose: CeremonyPurpose,
    signed_in: bool,
) -> ApiResult<Ceremony> {
    let refuse = |code: &'static str, message: &str| {
        if signed_in {
            ApiError::Forbidden(code, message.to_owned())
        } else {
            ApiError::Unauthorized(code, message.to_owned())
        }
    };
    let Some(ceremony) = state.store.take_ceremony(answer.challenge_id, purpose).await? else {
        return Err(refuse(
            "invalid_challenge",
            "this passkey request is unknown or was already answered; start again",
        ));
    };
    if ceremony.expires_at <= crate::store::now_ms() {
        return Err(refuse("challenge_expired", "the passkey request timed out; start again"));
    }
    Ok(ceremony)
}

fn refused(refusal: &Refusal, signed_in: bool) -> ApiError {
    tracing::info!(reason = %refusal, "passkey answer refused");
    let message = match refusal {
        Refusal::Malformed(_) => "that is not an answer from a passkey",
        Refusal::Failed(_) => "the passkey's answer did not check out; try again",
    };
    if signed_in {
        ApiError::Forbidden("passkey_failed", message.to_owned())
    } else {
        ApiError::Unauthorized("passkey_failed", message.to_owned())
    }
}

fn not_recognized() -> ApiError {
    ApiError::Unauthorized(
        "passkey_not_recognized",
        "this passkey does not belong to a Mingle account here (it may have been removed); sign in another way"
            .to_owned(),
    )
}

/// Start signing in with a passkey. Without a ticket: any passkey this site registered, no
/// e-mail needed. With the ticket from `POST /auth/login` (or a provider sign-in): one of that
/// account's passkeys, as the second factor, finished with `POST /auth/mfa`.
#[utoipa::path(post, path = "/auth/passkey/options", tag = "auth", request_body(content = Option<PasskeySignInStart>),
    responses(
        (status = 200, body = PasskeyChallenge),
        (status = 401, description = "`invalid_ticket`, `ticket_expired`, `ticket_used`, or `no_passkeys` (the account has none)", body = ErrorBody),
        (status = 404, description = "`passkeys_unavailable`", body = ErrorBody),
        (status = 429, body = ErrorBody),
    ))]
async fn sign_in_options(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    body: axum::body::Bytes,
) -> ApiResult<Json<PasskeyChallenge>> {
    let passkeys = relying_party(&state)?;
    state.limiter.check_address(address)?;
    // The body is optional: none (or `{}`) signs in with a passkey alone.
    let start_with: PasskeySignInStart = if body.iter().all(u8::is_ascii_whitespace) {
        PasskeySignInStart::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::BadRequest("invalid_json", format!("the body is not a valid request: {e}")))?
    };
    let ticket = start_with.ticket.filter(|t| !t.is_empty());
    let Some(ticket) = ticket else {
        return Ok(Json(start(&state, CeremonyPurpose::SignIn, None, None, passkeys.start_discoverable()?).await?));
    };
    if ticket.len() > MAX_TOKEN_LEN {
        return Err(super::accounts::ticket_refused(TicketRefused::Unknown));
    }
    let hash = secrets::hash(&ticket);
    let owner = match state.store.peek_ticket(&hash).await? {
        Ok(owner) => owner,
        Err(refusal) => return Err(super::accounts::ticket_refused(refusal)),
    };
    let rows = state.store.passkeys_of(owner).await?;
    if rows.is_empty() {
        return Err(ApiError::Unauthorized(
            "no_passkeys",
            "this account has no passkey; finish with a code instead".to_owned(),
        ));
    }
    let ceremony = passkeys.start_authentication(&keys(&rows))?;
    Ok(Json(start(&state, CeremonyPurpose::SecondFactor, Some(owner), Some(&hash), ceremony).await?))
}

/// Sign in with a passkey alone: the answer to a challenge from `POST /auth/passkey/options`
/// (without a ticket). A passkey verifies its user, so no second factor follows.
#[utoipa::path(post, path = "/auth/passkey", tag = "auth", request_body = PasskeyAnswer,
    responses(
        (status = 200, description = "Signed in", body = protocol::auth::Session),
        (status = 401, description = "`passkey_not_recognized`, `passkey_failed`, `invalid_challenge` or `challenge_expired`", body = ErrorBody),
        (status = 404, description = "`passkeys_unavailable`", body = ErrorBody),
        (status = 429, body = ErrorBody),
    ))]
async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PasskeyAnswer>,
) -> ApiResult<Response> {
    let passkeys = relying_party(&state)?;
    state.limiter.check_address(address)?;
    let ceremony = take(&state, &body, CeremonyPurpose::SignIn, false).await?;
    let (credential, id, handle) = credential_of(&body.credential).map_err(|r| refused(&r, false))?;
    let row = state.store.passkey_by_credential(&id).await?.ok_or_else(not_recognized)?;
    // The authenticator names the account it made the passkey for; it must be the owner.
    if handle != Some(row.user_id) {
        return Err(not_recognized());
    }
    let user =
        state.store.user_by_id(row.user_id).await?.filter(|u| u.deleted_at.is_none()).ok_or_else(not_recognized)?;
    state.limiter.check_login(&user.email, address)?;
    let key = key(&row).ok_or_else(not_recognized)?;
    let result = passkeys.finish_discoverable(&credential, &ceremony.state, &key).map_err(|r| refused(&r, false))?;
    record_use(&state, &row, key, &result).await?;
    state.limiter.signed_in(&user.email, address);
    tracing::info!(user = %user.id, "signed in with a passkey");
    let session = new_session(&state, &user, &Device::of(&headers, address)).await?;
    Ok(answer(&state, &headers, StatusCode::OK, session))
}

/// Stores the passkey's new signature counter (and backup state) after a use.
async fn record_use(
    state: &AppState,
    row: &PasskeyRow,
    mut key: Passkey,
    result: &webauthn_rs::prelude::AuthenticationResult,
) -> ApiResult<()> {
    let changed = key.update_credential(result).unwrap_or(false);
    let credential = if changed { Some(serde_json::to_string(&key).map_err(anyhow::Error::from)?) } else { None };
    state.store.passkey_used(row.id, credential.as_deref()).await?;
    Ok(())
}

/// Checks a passkey as the second factor of the sign-in `ticket_hash` belongs to (for
/// `POST /auth/mfa`). Answers whether it is one of `user`'s passkeys and its answer checks out.
pub(crate) async fn second_factor(
    state: &AppState,
    ticket_hash: &[u8],
    user: Uuid,
    answer: &PasskeyAnswer,
) -> ApiResult<bool> {
    let passkeys = relying_party(state)?;
    let ceremony = take(state, answer, CeremonyPurpose::SecondFactor, false).await?;
    if ceremony.user != Some(user) || ceremony.ticket_hash.as_deref() != Some(ticket_hash) {
        return Err(ApiError::Unauthorized(
            "invalid_challenge",
            "this passkey request belongs to another sign-in; start again".to_owned(),
        ));
    }
    verify_owned(state, passkeys, &ceremony, user, answer, false).await
}

/// Checks a passkey as proof that the signed-in owner is present (a [`protocol::auth::Confirmation`]).
pub(crate) async fn confirmation(state: &AppState, user: Uuid, answer: &PasskeyAnswer) -> ApiResult<bool> {
    let passkeys = relying_party(state)?;
    let ceremony = take(state, answer, CeremonyPurpose::Confirm, true).await?;
    if ceremony.user != Some(user) {
        return Err(ApiError::Forbidden(
            "invalid_challenge",
            "this passkey request was made for another account".to_owned(),
        ));
    }
    verify_owned(state, passkeys, &ceremony, user, answer, true).await
}

/// Whether `answer` is from one of `user`'s passkeys and answers `ceremony`.
async fn verify_owned(
    state: &AppState,
    passkeys: &Passkeys,
    ceremony: &Ceremony,
    user: Uuid,
    answer: &PasskeyAnswer,
    signed_in: bool,
) -> ApiResult<bool> {
    let (credential, id, _) = credential_of(&answer.credential).map_err(|r| refused(&r, signed_in))?;
    let Some(row) = state.store.passkey_by_credential(&id).await?.filter(|row| row.user_id == user) else {
        return Ok(false);
    };
    let Some(key) = key(&row) else { return Ok(false) };
    match passkeys.finish_authentication(&credential, &ceremony.state) {
        Ok(result) => {
            record_use(state, &row, key, &result).await?;
            Ok(true)
        }
        Err(refusal) => Err(refused(&refusal, signed_in)),
    }
}

/// The account's passkeys, oldest first.
#[utoipa::path(get, path = "/me/passkeys", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = PasskeyList), (status = 401, body = ErrorBody)))]
async fn list(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<PasskeyList>> {
    let rows = state.store.passkeys_of(user.id).await?;
    Ok(Json(PasskeyList { items: rows.iter().map(info).collect() }))
}

/// Start adding a passkey: options for `navigator.credentials.create()`. An authenticator that
/// already holds one of the account's passkeys is left out by the browser.
#[utoipa::path(post, path = "/me/passkeys/options", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, body = PasskeyChallenge),
        (status = 404, description = "`passkeys_unavailable`", body = ErrorBody),
        (status = 422, description = "`too_many_passkeys`", body = ErrorBody),
    ))]
async fn registration_options(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<PasskeyChallenge>> {
    let passkeys = relying_party(&state)?;
    let account = account(&state, &user).await?;
    let rows = state.store.passkeys_of(user.id).await?;
    if rows.len() >= MAX_PASSKEYS {
        return Err(ApiError::Unprocessable(
            "too_many_passkeys",
            format!("an account holds at most {MAX_PASSKEYS} passkeys; remove one first"),
        ));
    }
    let ceremony = passkeys.start_registration(user.id, &account.email, &account.display_name, &keys(&rows))?;
    Ok(Json(start(&state, CeremonyPurpose::Register, Some(user.id), None, ceremony).await?))
}

/// Passkeys one account may hold: enough for every device a person has.
const MAX_PASSKEYS: usize = 20;

/// Finish adding a passkey with the authenticator's answer. The account's first second factor
/// turns two-step sign-in on: the answer then carries ten recovery codes, shown this once.
#[utoipa::path(post, path = "/me/passkeys", tag = "auth", security(("bearer" = [])), request_body = PasskeyRegistration,
    responses(
        (status = 201, body = PasskeyAdded),
        (status = 403, description = "`passkey_failed`, `invalid_challenge` or `challenge_expired`", body = ErrorBody),
        (status = 409, description = "`passkey_exists`", body = ErrorBody),
        (status = 422, description = "Name too long", body = ErrorBody),
    ))]
async fn add(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<PasskeyRegistration>,
) -> ApiResult<(StatusCode, Json<PasskeyAdded>)> {
    let passkeys = relying_party(&state)?;
    let name = passkey_name(&body.name)?;
    let ceremony = take(&state, &body.answer, CeremonyPurpose::Register, true).await?;
    if ceremony.user != Some(user.id) {
        return Err(ApiError::Forbidden(
            "invalid_challenge",
            "this passkey request was made for another account".to_owned(),
        ));
    }
    let account = account(&state, &user).await?;
    let key = passkeys.finish_registration(&body.answer.credential, &ceremony.state).map_err(|r| refused(&r, true))?;
    let id = Uuid::now_v7();
    let credential = serde_json::to_string(&key).map_err(anyhow::Error::from)?;
    let (codes, hashes) = secrets::recovery_code_set(RECOVERY_CODES);
    let passkey = NewPasskey {
        id,
        user: user.id,
        credential_id: &credential_id(key.cred_id().as_ref()),
        name: &name,
        credential: &credential,
    };
    let (row, codes_issued) = state.store.add_passkey(&passkey, &hashes).await?;
    tracing::info!(user = %user.id, passkey = %id, "passkey added");
    state.mailer.send(Mail {
        to: account.email,
        subject: "A passkey was added to your Mingle account".to_owned(),
        body: format!(
            "Hello {},\n\nA passkey named \"{name}\" was just added to your Mingle account: it can sign in on its own, \
             and signing in with your password now also asks for a passkey or a code. If this was not you, reset \
             your password and remove the passkey from your account's security page.\n",
            account.display_name
        ),
    });
    Ok((StatusCode::CREATED, Json(PasskeyAdded { passkey: info(&row), recovery_codes: codes_issued.then_some(codes) })))
}

fn passkey_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.chars().count() > 60 || name.chars().any(char::is_control) {
        return Err(ApiError::invalid("name", "must be at most 60 characters, on one line"));
    }
    Ok(if name.is_empty() { "Passkey".to_owned() } else { name.to_owned() })
}

/// Rename a passkey.
#[utoipa::path(patch, path = "/me/passkeys/{id}", tag = "auth", security(("bearer" = [])), request_body = PasskeyRename,
    params(("id" = Uuid, Path, description = "Passkey id")),
    responses(
        (status = 200, body = PasskeyInfo),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
async fn rename(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<PasskeyRename>,
) -> ApiResult<Json<PasskeyInfo>> {
    if body.name.trim().is_empty() {
        return Err(ApiError::invalid("name", "must not be empty"));
    }
    let name = passkey_name(&body.name)?;
    let row = state.store.rename_passkey(user.id, id, &name).await?.ok_or_else(|| ApiError::not_found("passkey"))?;
    Ok(Json(info(&row)))
}

/// Remove a passkey. Needs a [`protocol::auth::Confirmation`]; refused (409
/// `last_sign_in_method`) when it is the account's only way to sign in. The last second factor
/// gone, two-step sign-in turns off and the recovery codes stop working.
#[utoipa::path(delete, path = "/me/passkeys/{id}", tag = "auth", security(("bearer" = [])),
    request_body = protocol::auth::Confirmation,
    params(("id" = Uuid, Path, description = "Passkey id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "`wrong_password`, `invalid_code`, `passkey_failed` or `reauthentication_required`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`last_sign_in_method`", body = ErrorBody),
    ))]
async fn remove(
    State(state): State<AppState>,
    user: AuthUser,
    ClientAddr(address): ClientAddr,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<protocol::auth::Confirmation>,
) -> ApiResult<StatusCode> {
    let account = account(&state, &user).await?;
    confirm(&state, &user, &account, &body, address).await?;
    if !state.store.remove_passkey(user.id, id).await? {
        return Err(ApiError::not_found("passkey"));
    }
    tracing::info!(user = %user.id, passkey = %id, "passkey removed");
    Ok(StatusCode::NO_CONTENT)
}

/// Start proving with a passkey that the owner is present, for a change that needs a
/// [`protocol::auth::Confirmation`] (send the answer as its `passkey`).
#[utoipa::path(post, path = "/me/passkeys/challenge", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, body = PasskeyChallenge),
        (status = 404, description = "`passkeys_unavailable`", body = ErrorBody),
        (status = 409, description = "`no_passkeys`: the account has none", body = ErrorBody),
    ))]
async fn confirmation_options(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<PasskeyChallenge>> {
    let passkeys = relying_party(&state)?;
    let rows = state.store.passkeys_of(user.id).await?;
    if rows.is_empty() {
        return Err(ApiError::Conflict(crate::conflict::Conflict::NoPasskeys));
    }
    let ceremony = passkeys.start_authentication(&keys(&rows))?;
    Ok(Json(start(&state, CeremonyPurpose::Confirm, Some(user.id), None, ceremony).await?))
}
