//! `/auth`: register, login (with the second factor when enrolled), refresh, logout, and the
//! links mailed for verifying an address and resetting a forgotten password.
//!
//! With `MINGLE_SIGNUP_VERIFY_FIRST`, sign-up confirms the address before the account works, and
//! its answer is the same whether or not the address has an account: only the mailbox learns
//! which it was. The account waits (`pending`) until a link mailed to the address is opened.

use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use protocol::auth::{
    EmailVerification, EmailVerified, LoginAnswer, LoginRequest, MfaChallenge, MfaMethod, MfaRequest, PasswordForgot,
    PasswordReset, RefreshRequest, RegisterRequest, Session, SignupPending, VerificationResend,
};
use protocol::error::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::secrets::{self, MAX_TOKEN_LEN};
use crate::auth::totp;
use crate::conflict::Conflict;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ClientAddr};
use crate::mail::Mail;
use crate::render;
use crate::state::AppState;
use crate::store::{
    now_ms, LinkAction, LinkPurpose, NewUser, Redeemed, RotateOutcome, StoreError, TicketRefused, UserRow,
};
use crate::validate::{self, Problems};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(mfa))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(verify_email))
        .routes(routes!(resend_signup_link))
        .routes(routes!(forgot_password))
        .routes(routes!(reset_password))
}

/// The cookie that holds the web app's refresh token, out of reach of the page's scripts.
const REFRESH_COOKIE: &str = "mingle_refresh";
/// Sent as `X-Refresh-Cookie: 1` by the web app: answer the refresh token in the cookie rather
/// than the body, and read it from the cookie on refresh and logout. A page on another site
/// cannot send a custom header without a CORS preflight, which this server never grants: that,
/// with `SameSite=Strict`, is the CSRF protection of the endpoints that read the cookie.
pub const COOKIE_MODE_HEADER: &str = "x-refresh-cookie";

fn cookie_mode(headers: &HeaderMap) -> bool {
    headers.get(COOKIE_MODE_HEADER).is_some_and(|v| v.as_bytes() == b"1")
}

/// The refresh token of a cookie-mode request: from the cookie when the body has none.
fn presented_refresh_token(state: &AppState, headers: &HeaderMap, body: &RefreshRequest) -> Result<String, ApiError> {
    if !body.refresh_token.is_empty() || !cookie_mode(headers) {
        return Ok(body.refresh_token.clone());
    }
    // Browsers send `Origin` on POST: only pages this server serves or trusts may use the cookie.
    state.settings.origins.check(headers)?;
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == REFRESH_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    Ok(token)
}

/// Answers a new session: as JSON, or in cookie mode with the refresh token moved into an
/// `HttpOnly; SameSite=Strict` cookie scoped to `/api/v1/auth` (`Secure` behind HTTPS).
pub(crate) fn answer(state: &AppState, headers: &HeaderMap, status: StatusCode, session: Session) -> Response {
    answer_holding(state, headers, status, session, |session| session)
}

/// Like [`answer`], for a body that `wrap` makes around the session.
fn answer_holding<T: serde::Serialize>(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    mut session: Session,
    wrap: impl FnOnce(Session) -> T,
) -> Response {
    if !cookie_mode(headers) {
        return (status, Json(wrap(session))).into_response();
    }
    let token = std::mem::take(&mut session.refresh_token);
    let max_age = i64::try_from(state.tokens.refresh_ttl.as_secs()).unwrap_or(i64::MAX / 2);
    let cookie = refresh_cookie(token, cookie::time::Duration::seconds(max_age), state.settings.origins.https());
    (status, [(header::SET_COOKIE, cookie)], Json(wrap(session))).into_response()
}

/// The `Set-Cookie` value that hands `session`'s refresh token to the browser, for a sign-in that
/// ends in a redirect rather than a JSON answer.
pub(crate) fn session_cookie(state: &AppState, session: &Session) -> String {
    let max_age = i64::try_from(state.tokens.refresh_ttl.as_secs()).unwrap_or(i64::MAX / 2);
    refresh_cookie(
        session.refresh_token.clone(),
        cookie::time::Duration::seconds(max_age),
        state.settings.origins.https(),
    )
}

fn refresh_cookie(value: String, max_age: cookie::time::Duration, secure: bool) -> String {
    cookie::Cookie::build((REFRESH_COOKIE, value))
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .path("/api/v1/auth")
        .max_age(max_age)
        .secure(secure)
        .build()
        .to_string()
}

/// What a wrong or replayed second-factor code answers.
pub(crate) const WRONG_CODE: &str =
    "that code is wrong or was already used; enter the current code from your authenticator app";

/// How long the links in mails work.
pub(crate) const VERIFY_LINK_TTL: Duration = Duration::from_secs(48 * 3600);
pub(crate) const CHANGE_LINK_TTL: Duration = Duration::from_secs(24 * 3600);
const RESET_LINK_TTL: Duration = Duration::from_secs(3600);
/// How long a sign-in waits for its second factor.
const TICKET_TTL: Duration = Duration::from_secs(300);

pub(crate) fn validate_password(problems: &mut Problems, field: &str, password: &str) {
    let n = password.chars().count();
    if !(8..=128).contains(&n) {
        problems.add(field, "must be 8 to 128 characters");
    }
}

/// The device a session is started from, as the list of devices shows it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Device {
    pub user_agent: String,
    pub address: String,
}

impl Device {
    pub fn of(headers: &HeaderMap, address: Option<std::net::IpAddr>) -> Self {
        let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        Self { user_agent, address: address.map(|a| a.to_string()).unwrap_or_default() }
    }
}

/// Starts a session for `user` on `device`: an access token and the first refresh token of a
/// new family (the session's id).
pub(crate) async fn new_session(state: &AppState, user: &UserRow, device: &Device) -> ApiResult<Session> {
    let session_id = Uuid::now_v7();
    state.store.create_session(session_id, user.id, &device.user_agent, &device.address).await?;
    let (refresh_token, hash) = secrets::new_token();
    let expires_at = now_ms() + ttl_ms(state.tokens.refresh_ttl);
    state.store.insert_refresh_token(&hash, session_id, user.id, expires_at).await?;
    session(state, user, session_id, refresh_token)
}

fn session(state: &AppState, user: &UserRow, session_id: Uuid, refresh_token: String) -> ApiResult<Session> {
    Ok(Session {
        access_token: state.tokens.issue_access(user.id, session_id)?,
        token_type: "Bearer".to_owned(),
        expires_in: state.tokens.access_ttl.as_secs(),
        refresh_token,
        user: render::me(user),
    })
}

pub(crate) fn ttl_ms(ttl: Duration) -> i64 {
    i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2)
}

/// Mails `email` a link to confirm it (`Verify`) or to move the account to it (`Change`).
pub(crate) async fn send_address_link(
    state: &AppState,
    user: &UserRow,
    email: &str,
    purpose: LinkPurpose,
) -> ApiResult<()> {
    let (token, hash) = secrets::new_token();
    let ttl = if purpose == LinkPurpose::Change { CHANGE_LINK_TTL } else { VERIFY_LINK_TTL };
    state.store.create_email_link(&hash, user.id, purpose, email, now_ms() + ttl_ms(ttl)).await?;
    let link = format!("{}/verify-email?token={token}", state.settings.public_base);
    let (subject, body) = match purpose {
        LinkPurpose::Change => (
            "Confirm your new e-mail address for Mingle",
            format!(
                "Hello {},\n\nOpen this link to use {email} for your Mingle account from now on:\n\n{link}\n\n\
                 The link works once, for 24 hours. If you did not ask for this, ignore this mail: nothing changes.\n",
                user.display_name
            ),
        ),
        _ => (
            "Confirm your e-mail address for Mingle",
            format!(
                "Hello {},\n\nOpen this link to confirm {email} for your Mingle account:\n\n{link}\n\n\
                 The link works once, for 48 hours. If you did not sign up for Mingle, ignore this mail.\n",
                user.display_name
            ),
        ),
    };
    state.mailer.send(Mail { to: email.to_owned(), subject: subject.to_owned(), body });
    Ok(())
}

/// Create an account. Without address confirmation first: signed in at once (201), a link to
/// confirm the address mailed to it. With it (`MINGLE_SIGNUP_VERIFY_FIRST`): 202 and the same
/// body whether or not the address has an account; the mail says what comes next, and the
/// account works once the link in it is opened.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created and signed in (sign-up without address confirmation first)", body = Session),
        (status = 202, description = "Sign-up confirms the address first: a mail is on its way to it, whether or not it has an account", body = SignupPending),
        (status = 409, description = "E-mail already registered (`email_taken`; only without address confirmation first)", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
        (status = 429, description = "Too many attempts from this address, or mails to this e-mail address", body = ErrorBody),
    ))]
async fn register(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> ApiResult<Response> {
    let mut problems = Problems::default();
    let email = validate::email(&body.email).unwrap_or_else(|message| {
        problems.add("email", message);
        String::new()
    });
    validate_password(&mut problems, "password", &body.password);
    let display_name = problems.line("display_name", &body.display_name, 1, 80);
    problems.finish()?;
    state.limiter.check_address(address)?;

    if state.settings.signup_verify_first {
        // Every answer mails the address: no more often than a password reset may.
        state.limiter.check_login(&format!("mail:{email}"), address)?;
        sign_up_verify_first(&state, &email, body.password, display_name).await?;
        let pending = SignupPending { email, verification_required: true };
        return Ok((StatusCode::ACCEPTED, Json(pending)).into_response());
    }
    let hash = state.passwords.hash(body.password).await?;
    let user = state.store.create_user(&NewUser::registered(email, hash, display_name)).await?;
    tracing::info!(user = %user.id, "account registered");
    state.analytics.record(Some(user.id), protocol::analytics::UsageEvent::SignedUp);
    send_address_link(&state, &user, &user.email, LinkPurpose::Verify).await?;
    let session = new_session(&state, &user, &Device::of(&headers, address)).await?;
    Ok(answer(&state, &headers, StatusCode::CREATED, session))
}

/// A sign-up that confirms the address first. What happens depends on the address, and only its
/// mailbox learns which: a new address gets a waiting account and the link that finishes it; an
/// account in use gets a note that someone tried (nothing changes); a sign-up already waiting gets
/// a new link, or, when this attempt's password differs from the first one, a link to choose the
/// password (nobody can tell which attempt was the owner's). Each way costs one Argon2
/// computation, so the time taken tells nothing either.
async fn sign_up_verify_first(state: &AppState, email: &str, password: String, display_name: String) -> ApiResult<()> {
    let existing = match state.store.user_by_email(email).await? {
        Some(existing) => existing,
        None => {
            let hash = state.passwords.hash(password.clone()).await?;
            match state.store.create_user(&NewUser::registered(email.to_owned(), hash, display_name).pending()).await {
                Ok(user) => {
                    tracing::info!(user = %user.id, "sign-up waiting for its address");
                    // Its cohort counts it once it is active: a sign-up never finished is not.
                    state.analytics.record(Some(user.id), protocol::analytics::UsageEvent::SignedUp);
                    return send_address_link(state, &user, email, LinkPurpose::Verify).await;
                }
                // Registered by another request meanwhile: answered as a taken address.
                Err(StoreError::Conflict(Conflict::EmailTaken)) => {
                    state.store.user_by_email(email).await?.ok_or_else(|| anyhow::anyhow!("{email} vanished"))?
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    if !existing.pending() {
        // The same work as a new sign-up, thrown away.
        state.passwords.hash(password).await?;
        mail_signup_attempt(state, &existing);
        return Ok(());
    }
    let stored = Some(existing.password_hash.clone()).filter(|hash| !hash.is_empty());
    let same_password = state.passwords.verify(password, stored).await?;
    if same_password && !existing.pending_contested {
        return send_address_link(state, &existing, email, LinkPurpose::Verify).await;
    }
    if !existing.pending_contested {
        tracing::info!(user = %existing.id, "a waiting sign-up was repeated with another password");
        state.store.contest_pending_signup(existing.id).await?;
    }
    send_finish_link(state, &existing).await
}

/// Tells the owner of `user` that someone tried to sign up with their address.
fn mail_signup_attempt(state: &AppState, user: &UserRow) {
    let base = &state.settings.public_base;
    state.mailer.send(Mail {
        to: user.email.clone(),
        subject: "Someone tried to sign up for Mingle with your address".to_owned(),
        body: format!(
            "Hello {},\n\nSomeone tried to create a Mingle account with this address. If it was you, sign in \
             at {base}/signin, or reset your password at {base}/forgot-password. If not, ignore this mail: \
             nothing changed.\n",
            user.display_name
        ),
    });
}

/// Mails the address of a contested sign-up (see [`sign_up_verify_first`]) a link to choose its
/// password: a reset link, whose use also confirms the address and finishes the sign-up. It
/// names nobody: the name came with a sign-up that may not be the owner's.
async fn send_finish_link(state: &AppState, user: &UserRow) -> ApiResult<()> {
    let (token, hash) = secrets::new_token();
    let expires_at = now_ms() + ttl_ms(VERIFY_LINK_TTL);
    state.store.create_email_link(&hash, user.id, LinkPurpose::Reset, &user.email, expires_at).await?;
    let link = format!("{}/reset-password?token={token}", state.settings.public_base);
    state.mailer.send(Mail {
        to: user.email.clone(),
        subject: "Finish signing up for Mingle".to_owned(),
        body: format!(
            "Hello,\n\nSomeone signed up for Mingle with this address more than once, with different passwords. \
             Only the owner of the address can say which is right, so neither is kept: open this link to \
             choose your password and finish signing up:\n\n{link}\n\nThe link works once, for 48 hours. \
             If you did not sign up for Mingle, ignore this mail: nobody can sign in with this address \
             until the link is opened.\n"
        ),
    });
    Ok(())
}

/// Sign in with e-mail and password. When the account has a second factor, the answer is a
/// ticket for `POST /auth/mfa` instead of the session.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in, or the second factor is next (`mfa_required: true`)", body = LoginAnswer),
        (status = 401, description = "Wrong e-mail or password (`invalid_credentials`)", body = ErrorBody),
        (status = 403, description = "The password is right, but the sign-up waits for its address to be confirmed (`email_not_verified`)", body = ErrorBody),
        (status = 429, description = "Too many attempts for this account or address", body = ErrorBody),
    ))]
async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let email = body.email.trim().to_lowercase();
    if email.is_empty() || email.len() > 254 || email.chars().any(char::is_control) || body.password.len() > 1024 {
        return Err(ApiError::Unauthorized("invalid_credentials", "wrong e-mail or password".to_owned()));
    }
    state.limiter.check_address(address)?;
    state.limiter.check_login(&email, address)?;

    let user = state.store.user_by_email(&email).await?;
    // An account made through a provider has no password: it answers like a wrong one.
    let hash = user.as_ref().map(|u| u.password_hash.clone()).filter(|h| !h.is_empty());
    if !state.passwords.verify(body.password, hash).await? {
        return Err(ApiError::Unauthorized("invalid_credentials", "wrong e-mail or password".to_owned()));
    }
    let user = user.ok_or_else(|| anyhow::anyhow!("verified a password without an account"))?;
    // Told only to whoever knows the password: it reveals nothing to anyone else.
    if user.pending() {
        return Err(ApiError::Forbidden(
            "email_not_verified",
            "confirm your address first: open the link we mailed you, or ask for a new one".to_owned(),
        ));
    }
    state.limiter.signed_in(&email, address);
    let device = Device::of(&headers, address);
    let factors = second_factors(&state, &user).await?;
    if !factors.is_empty() {
        let challenge = LoginAnswer::MfaRequired(mfa_challenge(&state, &user, &device, factors).await?);
        return Ok(Json(challenge).into_response());
    }
    let session = new_session(&state, &user, &device).await?;
    Ok(answer(&state, &headers, StatusCode::OK, session))
}

/// The second factors `user` has set up (an authenticator app, passkeys). Any at all turns
/// two-step sign-in on: a password or a provider then signs in only with one of them.
pub(crate) async fn second_factors(state: &AppState, user: &UserRow) -> ApiResult<Vec<MfaMethod>> {
    let mut factors = Vec::new();
    if user.totp_enabled {
        factors.push(MfaMethod::Totp);
    }
    if state.store.passkey_count(user.id).await? > 0 {
        factors.push(MfaMethod::Passkey);
    }
    Ok(factors)
}

/// Whether two-step sign-in is on for `user`.
pub(crate) async fn two_step(state: &AppState, user: &UserRow) -> ApiResult<bool> {
    Ok(!second_factors(state, user).await?.is_empty())
}

/// The ticket a sign-in gets when the password (or a provider) was right and one of `factors`
/// (from [`second_factors`]) is next. Recovery codes always finish it; passkeys only where this
/// deployment offers them.
pub(crate) async fn mfa_challenge(
    state: &AppState,
    user: &UserRow,
    device: &Device,
    factors: Vec<MfaMethod>,
) -> ApiResult<MfaChallenge> {
    let (ticket, hash) = secrets::new_token();
    let expires_at = now_ms() + ttl_ms(TICKET_TTL);
    state.store.create_ticket(&hash, user.id, &device.user_agent, &device.address, expires_at).await?;
    let mut methods: Vec<MfaMethod> =
        factors.into_iter().filter(|f| *f != MfaMethod::Passkey || state.passkeys.is_some()).collect();
    methods.push(MfaMethod::RecoveryCode);
    Ok(MfaChallenge { mfa_required: true, ticket, methods, expires_in: TICKET_TTL.as_secs() })
}

/// Finish signing in with the second factor: the ticket from login and a code from the
/// authenticator app (`code`), a recovery code (`recovery_code`), or a passkey's answer
/// (`passkey`, to a challenge from `POST /auth/passkey/options` with the ticket).
#[utoipa::path(post, path = "/auth/mfa", tag = "auth", request_body = MfaRequest,
    responses(
        (status = 200, description = "Signed in", body = Session),
        (status = 401, description = "`invalid_code` (wrong or already used code), `passkey_failed`, `invalid_challenge`, `invalid_ticket`, `ticket_expired`, `ticket_used` or `too_many_attempts`", body = ErrorBody),
        (status = 422, description = "Not exactly one of `code`, `recovery_code` and `passkey`", body = ErrorBody),
        (status = 429, description = "Too many attempts for this account", body = ErrorBody),
    ))]
async fn mfa(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MfaRequest>,
) -> ApiResult<Response> {
    let answers = usize::from(body.code.is_some())
        + usize::from(body.recovery_code.is_some())
        + usize::from(body.passkey.is_some());
    if answers != 1 {
        return Err(ApiError::Unprocessable(
            "code_required",
            "send one of `code` (from the authenticator app), `recovery_code` or `passkey`".to_owned(),
        ));
    }
    if body.ticket.is_empty() || body.ticket.len() > MAX_TOKEN_LEN {
        return Err(ApiError::Unauthorized(
            "invalid_ticket",
            "sign-in ticket not recognized; sign in again".to_owned(),
        ));
    }
    state.limiter.check_address(address)?;
    let hash = secrets::hash(&body.ticket);
    let ticket = match state.store.attempt_ticket(&hash).await? {
        Ok(ticket) => ticket,
        Err(refused) => return Err(ticket_refused(refused)),
    };
    state.limiter.check_login(&format!("mfa:{}", ticket.user), address)?;
    let accepted = match (&body.code, &body.recovery_code, &body.passkey) {
        (Some(code), _, _) => accept_totp(&state, ticket.user, code).await?,
        (_, Some(code), _) => accept_recovery_code(&state, ticket.user, code).await?,
        (_, _, Some(answer)) => super::passkeys::second_factor(&state, &hash, ticket.user, answer).await?,
        _ => false,
    };
    if !accepted {
        return Err(ApiError::Unauthorized("invalid_code", WRONG_CODE.to_owned()));
    }
    if !state.store.spend_ticket(&hash).await? {
        return Err(ticket_refused(TicketRefused::Used));
    }
    let user = state.store.user_by_id(ticket.user).await?.filter(|u| u.deleted_at.is_none()).ok_or_else(|| {
        ApiError::Unauthorized("invalid_ticket", "sign-in ticket not recognized; sign in again".to_owned())
    })?;
    let device = Device { user_agent: ticket.user_agent, address: ticket.address };
    let session = new_session(&state, &user, &device).await?;
    Ok(answer(&state, &headers, StatusCode::OK, session))
}

pub(crate) fn ticket_refused(refused: TicketRefused) -> ApiError {
    let (code, message) = match refused {
        TicketRefused::Unknown => ("invalid_ticket", "sign-in ticket not recognized; sign in again"),
        TicketRefused::Used => ("ticket_used", "this sign-in ticket was already used; sign in again"),
        TicketRefused::Expired => ("ticket_expired", "the sign-in took too long; sign in again"),
        TicketRefused::TooManyAttempts => ("too_many_attempts", "too many wrong codes for this sign-in; sign in again"),
    };
    ApiError::Unauthorized(code, message.to_owned())
}

/// Whether `code` is the current TOTP code of `user` and was not used before (accepting it).
pub(crate) async fn accept_totp(state: &AppState, user: Uuid, code: &str) -> ApiResult<bool> {
    let (secret, _, _) = state.store.totp_state(user).await?;
    let Some(secret) = secret else { return Ok(false) };
    // A secret sealed under another key (the token secret changed) matches no code: the owner
    // still gets in with a recovery code or a passkey.
    let secret = match state.sealer.open(&secret) {
        Ok(secret) => secret,
        Err(e) => {
            tracing::error!(user = %user, error = %e, "authenticator-app secret does not open");
            return Ok(false);
        }
    };
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0);
    match totp::matching_step(&secret, code, now)? {
        Some(step) => Ok(state.store.accept_totp_step(user, step).await?),
        None => Ok(false),
    }
}

/// Whether `code` is an unused recovery code of `user` (spending it).
pub(crate) async fn accept_recovery_code(state: &AppState, user: Uuid, code: &str) -> ApiResult<bool> {
    let Some(code) = secrets::normalize_recovery_code(code) else { return Ok(false) };
    let used = state.store.use_recovery_code(user, &secrets::hash(&code)).await?;
    if used {
        tracing::info!(user = %user, "recovery code used");
    }
    Ok(used)
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
async fn refresh(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> ApiResult<Response> {
    let invalid = || ApiError::Unauthorized("invalid_refresh_token", "refresh token not recognized".to_owned());
    let presented = presented_refresh_token(&state, &headers, &body)?;
    if presented.is_empty() || presented.len() > MAX_TOKEN_LEN {
        return Err(invalid());
    }
    let old = secrets::hash(&presented);
    let (new_token, new_hash) = secrets::new_token();
    let expires_at = now_ms() + ttl_ms(state.tokens.refresh_ttl);
    match state.store.rotate_refresh_token(&old, &new_hash, expires_at).await? {
        RotateOutcome::Rotated { user_id, session: session_id } => {
            let user = state.store.user_by_id(user_id).await?.filter(|u| u.deleted_at.is_none()).ok_or_else(invalid)?;
            Ok(answer(&state, &headers, StatusCode::OK, session(&state, &user, session_id, new_token)?))
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

/// Sign out: ends the session the refresh token belongs to, its access tokens and sockets
/// included. Idempotent.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "Signed out")))]
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> ApiResult<Response> {
    let presented = presented_refresh_token(&state, &headers, &body)?;
    if !presented.is_empty() && presented.len() <= MAX_TOKEN_LEN {
        if let Some(ended) = state.store.revoke_refresh_family(&secrets::hash(&presented)).await? {
            state.revocations.revoked(&[ended], &state.realtime.access);
        }
    }
    if cookie_mode(&headers) {
        let gone = refresh_cookie(String::new(), cookie::time::Duration::ZERO, state.settings.origins.https());
        return Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, gone)]).into_response());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Open a link mailed to confirm an address, or to move the account to a new one. A link that
/// finishes a sign-up also signs in: the answer carries the session (in the web app's cookie
/// with `X-Refresh-Cookie: 1`, as after login).
#[utoipa::path(post, path = "/auth/email/verify", tag = "auth", request_body = EmailVerification,
    responses(
        (status = 200, description = "The address is verified (and, after a change, the account's address); after a sign-up, with the session", body = EmailVerified),
        (status = 400, description = "`invalid_link`, `link_expired` or `link_used`", body = ErrorBody),
        (status = 409, description = "The new address was registered by someone else meanwhile (`email_taken`)", body = ErrorBody),
    ))]
async fn verify_email(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<EmailVerification>,
) -> ApiResult<Response> {
    if body.token.is_empty() || body.token.len() > MAX_TOKEN_LEN {
        return Err(link_refused(&Redeemed::Unknown));
    }
    let hash = secrets::hash(&body.token);
    let mut outcome = state.store.redeem_email_link(&hash, &LinkAction::Verify).await?;
    if outcome == Redeemed::Unknown {
        outcome = state.store.redeem_email_link(&hash, &LinkAction::Change).await?;
    }
    match outcome {
        Redeemed::Done { user, email, activated: false, .. } => {
            tracing::info!(user = %user, "e-mail address verified");
            Ok(Json(EmailVerified { email, session: None }).into_response())
        }
        Redeemed::Done { user, email, activated: true, .. } => {
            tracing::info!(user = %user, "sign-up finished: e-mail address verified");
            let account = state.store.user_by_id(user).await?.ok_or_else(|| anyhow::anyhow!("verified no account"))?;
            let session = new_session(&state, &account, &Device::of(&headers, address)).await?;
            Ok(answer_holding(&state, &headers, StatusCode::OK, session, |session| EmailVerified {
                email,
                session: Some(session),
            }))
        }
        refused => Err(link_refused(&refused)),
    }
}

/// Ask for a new link that finishes signing up. Answers 202 whatever the address, and mails a
/// link only when a sign-up waits for it.
#[utoipa::path(post, path = "/auth/email/resend", tag = "auth", request_body = VerificationResend,
    responses(
        (status = 202, description = "If a sign-up waits for the address, a new link is on its way"),
        (status = 422, description = "Not an e-mail address", body = ErrorBody),
        (status = 429, description = "Too many requests from this address or for this e-mail address", body = ErrorBody),
    ))]
async fn resend_signup_link(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    ApiJson(body): ApiJson<VerificationResend>,
) -> ApiResult<StatusCode> {
    let email = validate::email(&body.email).map_err(|message| ApiError::invalid("email", message))?;
    state.limiter.check_address(address)?;
    state.limiter.check_login(&format!("mail:{email}"), address)?;
    if let Some(user) = state.store.user_by_email(&email).await?.filter(UserRow::pending) {
        if user.pending_contested {
            send_finish_link(&state, &user).await?;
        } else {
            send_address_link(&state, &user, &email, LinkPurpose::Verify).await?;
        }
    }
    Ok(StatusCode::ACCEPTED)
}

fn link_refused(outcome: &Redeemed) -> ApiError {
    let (code, message) = match outcome {
        Redeemed::Used => ("link_used", "this link was already used; links work once"),
        Redeemed::Expired => ("link_expired", "this link has expired; ask for a new one"),
        _ => ("invalid_link", "this link is not valid; check that the whole link was opened, or ask for a new one"),
    };
    ApiError::BadRequest(code, message.to_owned())
}

/// Ask for a password-reset link. Answers 202 whether or not the address has an account, and
/// mails a link only when it has.
#[utoipa::path(post, path = "/auth/password/forgot", tag = "auth", request_body = PasswordForgot,
    responses(
        (status = 202, description = "If the address has an account, a link is on its way"),
        (status = 422, description = "Not an e-mail address", body = ErrorBody),
        (status = 429, description = "Too many requests from this address or for this account", body = ErrorBody),
    ))]
async fn forgot_password(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    ApiJson(body): ApiJson<PasswordForgot>,
) -> ApiResult<StatusCode> {
    let email = validate::email(&body.email).map_err(|message| ApiError::invalid("email", message))?;
    state.limiter.check_address(address)?;
    state.limiter.check_login(&format!("mail:{email}"), address)?;
    if let Some(user) = state.store.user_by_email(&email).await? {
        let (token, hash) = secrets::new_token();
        state
            .store
            .create_email_link(&hash, user.id, LinkPurpose::Reset, &email, now_ms() + ttl_ms(RESET_LINK_TTL))
            .await?;
        let link = format!("{}/reset-password?token={token}", state.settings.public_base);
        state.mailer.send(Mail {
            to: email,
            subject: "Reset your Mingle password".to_owned(),
            body: format!(
                "Hello {},\n\nOpen this link to choose a new password for Mingle:\n\n{link}\n\n\
                 The link works once, for one hour; setting a new password signs you out everywhere. \
                 If you did not ask for this, ignore this mail: your password stays as it is.\n",
                user.display_name
            ),
        });
    }
    Ok(StatusCode::ACCEPTED)
}

/// Set a new password with the token from a reset link. Every session of the account ends. For a
/// sign-up still waiting for its address, the link proves the mailbox: the address is verified
/// and the account works from now on.
#[utoipa::path(post, path = "/auth/password/reset", tag = "auth", request_body = PasswordReset,
    responses(
        (status = 204, description = "Password changed (and a waiting sign-up finished); sign in with it"),
        (status = 400, description = "`invalid_link`, `link_expired` or `link_used`", body = ErrorBody),
        (status = 422, description = "Password too short or too long", body = ErrorBody),
    ))]
async fn reset_password(State(state): State<AppState>, ApiJson(body): ApiJson<PasswordReset>) -> ApiResult<StatusCode> {
    let mut problems = Problems::default();
    validate_password(&mut problems, "new_password", &body.new_password);
    problems.finish()?;
    if body.token.is_empty() || body.token.len() > MAX_TOKEN_LEN {
        return Err(link_refused(&Redeemed::Unknown));
    }
    let password_hash = state.passwords.hash(body.new_password).await?;
    match state.store.redeem_email_link(&secrets::hash(&body.token), &LinkAction::Reset { password_hash }).await? {
        Redeemed::Done { user, ended, activated, .. } => {
            tracing::info!(user = %user, finished_sign_up = activated, "password reset by e-mail");
            super::account_security::ended(&state, user, &ended);
            Ok(StatusCode::NO_CONTENT)
        }
        refused => Err(link_refused(&refused)),
    }
}
