//! `/me/...`: keeping an account safe. The devices signed in (list, sign out one or all
//! others), the password and the e-mail address, the TOTP second factor and its recovery codes.
//! Changes that could lock the owner out need a [`Confirmation`]: the current password or a
//! fresh second-factor code.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use protocol::auth::{
    Confirmation, EmailChange, PasswordChange, RecoveryCodes, SecurityOverview, SessionInfo, SessionList, TotpCode,
    TotpEnrolment,
};
use protocol::error::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::accounts::{accept_recovery_code, accept_totp, send_address_link, validate_password, WRONG_CODE};
use crate::auth::{secrets, totp};
use crate::conflict::Conflict;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, AuthUser, ClientAddr};
use crate::mail::Mail;
use crate::render::utc;
use crate::state::AppState;
use crate::store::{LinkPurpose, SessionRow, SessionSelector, UserRow};
use crate::validate::{self, Problems};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(overview))
        .routes(routes!(list_sessions, revoke_other_sessions))
        .routes(routes!(revoke_session))
        .routes(routes!(change_password))
        .routes(routes!(change_email))
        .routes(routes!(resend_verification))
        .routes(routes!(start_totp, remove_totp))
        .routes(routes!(confirm_totp))
        .routes(routes!(new_recovery_codes))
}

/// Recovery codes issued at a time.
const RECOVERY_CODES: usize = 10;

/// The signed-in account, or 401 when it was closed meanwhile.
pub(crate) async fn account(state: &AppState, user: &AuthUser) -> ApiResult<UserRow> {
    state
        .store
        .user_by_id(user.id)
        .await?
        .filter(|row| row.deleted_at.is_none())
        .ok_or_else(|| ApiError::unauthorized("account no longer exists"))
}

/// Checks that the person at the keyboard owns `account`: its password, a fresh code from its
/// authenticator app, one of its recovery codes, or one of its passkeys. An account with none
/// of these (made through a provider) has only its sign-in to go by: a session younger than
/// [`RECENT_SIGN_IN`] confirms. Wrong answers are a 403 (not a 401, which would read as "signed
/// out"), rate-limited like sign-ins.
pub(crate) async fn confirm(
    state: &AppState,
    user: &AuthUser,
    account: &UserRow,
    proof: &Confirmation,
    address: Option<std::net::IpAddr>,
) -> ApiResult<()> {
    state.limiter.check_login(&account.email, address)?;
    if let Some(password) = &proof.password {
        // An account made through a provider has no password to confirm with.
        if !account.password_hash.is_empty()
            && password.len() <= 1024
            && state.passwords.verify(password.clone(), Some(account.password_hash.clone())).await?
        {
            return Ok(());
        }
        return Err(ApiError::Forbidden("wrong_password", "that is not your current password".to_owned()));
    }
    if let Some(code) = &proof.code {
        if accept_totp(state, account.id, code).await? {
            return Ok(());
        }
        return Err(ApiError::Forbidden("invalid_code", WRONG_CODE.to_owned()));
    }
    if let Some(code) = &proof.recovery_code {
        if accept_recovery_code(state, account.id, code).await? {
            return Ok(());
        }
        return Err(ApiError::Forbidden("invalid_code", "that recovery code is wrong or was already used".to_owned()));
    }
    if let Some(answer) = &proof.passkey {
        if super::passkeys::confirmation(state, account.id, answer).await? {
            return Ok(());
        }
        return Err(ApiError::Forbidden("passkey_failed", "that passkey does not belong to this account".to_owned()));
    }
    let can_prove =
        !account.password_hash.is_empty() || account.totp_enabled || state.store.passkey_count(account.id).await? > 0;
    if can_prove {
        return Err(ApiError::Unprocessable(
            "confirmation_required",
            "confirm with your current password (`password`), a code from your authenticator app (`code`), a \
             recovery code (`recovery_code`) or a passkey (`passkey`)"
                .to_owned(),
        ));
    }
    let signed_in_at = match user.session {
        Some(session) => {
            state.store.sessions_of(user.id).await?.into_iter().find(|row| row.id == session).map(|row| row.created_at)
        }
        None => None,
    };
    let recent = signed_in_at.is_some_and(|at| crate::store::now_ms() - at < super::accounts::ttl_ms(RECENT_SIGN_IN));
    if recent {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "reauthentication_required",
            "to confirm, sign out and sign in again with your provider, then repeat this within 10 minutes".to_owned(),
        ))
    }
}

/// How recent a sign-in confirms a change for an account with nothing else to confirm with.
const RECENT_SIGN_IN: std::time::Duration = std::time::Duration::from_secs(600);

/// Ends `sessions` of `user` here and now: their access tokens stop working and their sockets
/// close (other nodes follow within a second).
pub(crate) fn ended(state: &AppState, user: Uuid, sessions: &[Uuid]) {
    let pairs: Vec<(Uuid, Uuid)> = sessions.iter().map(|s| (*s, user)).collect();
    state.revocations.revoked(&pairs, &state.realtime.access);
}

pub(crate) fn session_info(row: &SessionRow, current: Option<Uuid>) -> SessionInfo {
    SessionInfo {
        id: row.id,
        created_at: utc(row.created_at),
        last_used_at: utc(row.last_used_at),
        user_agent: row.user_agent.clone(),
        address: row.address.clone(),
        current: current == Some(row.id),
    }
}

/// The account's security at a glance: verified address, second factor, recovery codes left,
/// devices signed in.
#[utoipa::path(get, path = "/me/security", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = SecurityOverview), (status = 401, body = ErrorBody)))]
async fn overview(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<SecurityOverview>> {
    let account = account(&state, &user).await?;
    let passkeys = state.store.passkey_count(user.id).await?;
    Ok(Json(SecurityOverview {
        email_verified: account.email_verified_at.is_some(),
        totp_enabled: account.totp_enabled,
        passkeys,
        two_step: account.totp_enabled || passkeys > 0,
        recovery_codes_left: state.store.recovery_codes_left(user.id).await?,
        sessions: i64::try_from(state.store.sessions_of(user.id).await?.len()).unwrap_or(i64::MAX),
    }))
}

/// The devices signed in to the account, most recently used first.
#[utoipa::path(get, path = "/me/sessions", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = SessionList), (status = 401, body = ErrorBody)))]
async fn list_sessions(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<SessionList>> {
    let rows = state.store.sessions_of(user.id).await?;
    Ok(Json(SessionList { items: rows.iter().map(|row| session_info(row, user.session)).collect() }))
}

/// Sign out one device. Its tokens stop working and its live connections close (code 4001)
/// within a second.
#[utoipa::path(delete, path = "/me/sessions/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 204, description = "Signed out"), (status = 404, description = "No such open session", body = ErrorBody)))]
async fn revoke_session(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    let ended_now = state.store.revoke_sessions(user.id, SessionSelector::One(id)).await?;
    if ended_now.is_empty() {
        return Err(ApiError::not_found("session"));
    }
    ended(&state, user.id, &ended_now);
    Ok(StatusCode::NO_CONTENT)
}

/// Sign out every other device (this one stays signed in).
#[utoipa::path(delete, path = "/me/sessions", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "Every other session ended")))]
async fn revoke_other_sessions(State(state): State<AppState>, user: AuthUser) -> ApiResult<StatusCode> {
    let ended_now = state.store.revoke_sessions(user.id, SessionSelector::AllBut(user.session)).await?;
    ended(&state, user.id, &ended_now);
    Ok(StatusCode::NO_CONTENT)
}

/// Change the password. Needs the current password or a fresh second-factor code; every other
/// device is signed out.
#[utoipa::path(post, path = "/me/password", tag = "auth", security(("bearer" = [])), request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed; other sessions ended"),
        (status = 403, description = "`wrong_password` or `invalid_code`", body = ErrorBody),
        (status = 422, description = "New password too short or too long, or no confirmation", body = ErrorBody),
    ))]
async fn change_password(
    State(state): State<AppState>,
    user: AuthUser,
    ClientAddr(address): ClientAddr,
    ApiJson(body): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    let mut problems = Problems::default();
    validate_password(&mut problems, "new_password", &body.new_password);
    problems.finish()?;
    let account = account(&state, &user).await?;
    confirm(&state, &user, &account, &body.confirmation, address).await?;
    let hash = state.passwords.hash(body.new_password).await?;
    let ended_now = state.store.set_password(user.id, &hash, user.session).await?;
    ended(&state, user.id, &ended_now);
    state.mailer.send(Mail {
        to: account.email.clone(),
        subject: "Your Mingle password was changed".to_owned(),
        body: format!(
            "Hello {},\n\nThe password of your Mingle account was just changed, and every other device was signed \
             out. If this was not you, reset your password now from the sign-in page.\n",
            account.display_name
        ),
    });
    Ok(StatusCode::NO_CONTENT)
}

/// Move the account to a new e-mail address. The change happens when the link mailed to the new
/// address is opened; the current address is told. Answers 202 even when the new address has an
/// account (so nobody learns who has one); that account's owner is told instead.
#[utoipa::path(post, path = "/me/email", tag = "auth", security(("bearer" = [])), request_body = EmailChange,
    responses(
        (status = 202, description = "A link is on its way to the new address"),
        (status = 403, description = "`wrong_password` or `invalid_code`", body = ErrorBody),
        (status = 422, description = "Not an e-mail address, the same as now, or no confirmation", body = ErrorBody),
    ))]
async fn change_email(
    State(state): State<AppState>,
    user: AuthUser,
    ClientAddr(address): ClientAddr,
    ApiJson(body): ApiJson<EmailChange>,
) -> ApiResult<StatusCode> {
    let email = validate::email(&body.new_email).map_err(|message| ApiError::invalid("new_email", message))?;
    let account = account(&state, &user).await?;
    if email == account.email {
        return Err(ApiError::invalid("new_email", "is already your address"));
    }
    confirm(&state, &user, &account, &body.confirmation, address).await?;
    if state.store.user_by_email(&email).await?.is_some() {
        state.mailer.send(Mail {
            to: email.clone(),
            subject: "Someone tried to use this address for Mingle".to_owned(),
            body: "Someone asked to move another Mingle account to this address, which already has an account. \
                   Nothing changed. If it was you, sign in with this address instead.\n"
                .to_owned(),
        });
    } else {
        send_address_link(&state, &account, &email, LinkPurpose::Change).await?;
    }
    state.mailer.send(Mail {
        to: account.email.clone(),
        subject: "Your Mingle e-mail address is about to change".to_owned(),
        body: format!(
            "Hello {},\n\nSomeone signed in to your Mingle account asked to move it to {email}. It moves once the \
             link sent there is opened. If this was not you, change your password now.\n",
            account.display_name
        ),
    });
    Ok(StatusCode::ACCEPTED)
}

/// Mail the link that confirms the account's address again.
#[utoipa::path(post, path = "/me/email/verification", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 202, description = "A new link is on its way (earlier ones stop working)"),
        (status = 422, description = "Already verified (`already_verified`)", body = ErrorBody),
        (status = 429, body = ErrorBody),
    ))]
async fn resend_verification(
    State(state): State<AppState>,
    user: AuthUser,
    ClientAddr(address): ClientAddr,
) -> ApiResult<StatusCode> {
    let account = account(&state, &user).await?;
    if account.email_verified_at.is_some() {
        return Err(ApiError::Unprocessable("already_verified", "this address is already verified".to_owned()));
    }
    state.limiter.check_login(&format!("mail:{}", account.email), address)?;
    send_address_link(&state, &account, &account.email, LinkPurpose::Verify).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Start setting up an authenticator app: a new secret (as text and as the `otpauth://` URI a
/// QR code holds). It takes effect once `POST /me/totp/confirm` gets its first code.
#[utoipa::path(post, path = "/me/totp", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, body = TotpEnrolment),
        (status = 409, description = "An app is already set up (`already_enrolled`)", body = ErrorBody),
    ))]
async fn start_totp(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<TotpEnrolment>> {
    let account = account(&state, &user).await?;
    if account.totp_enabled {
        return Err(ApiError::Conflict(Conflict::AlreadyEnrolled));
    }
    let secret = totp::new_secret();
    let otpauth_uri = totp::uri(&secret, &account.email)?;
    state.store.set_pending_totp(user.id, &state.sealer.seal(&secret)?).await?;
    Ok(Json(TotpEnrolment { secret, otpauth_uri }))
}

/// Finish setting up the authenticator app with its first code. Answers the ten recovery
/// codes, shown this once.
#[utoipa::path(post, path = "/me/totp/confirm", tag = "auth", security(("bearer" = [])), request_body = TotpCode,
    responses(
        (status = 200, body = RecoveryCodes),
        (status = 403, description = "Wrong code (`invalid_code`)", body = ErrorBody),
        (status = 409, description = "Nothing to confirm (`nothing_pending`)", body = ErrorBody),
    ))]
async fn confirm_totp(
    State(state): State<AppState>,
    user: AuthUser,
    ClientAddr(address): ClientAddr,
    ApiJson(body): ApiJson<TotpCode>,
) -> ApiResult<Json<RecoveryCodes>> {
    let account = account(&state, &user).await?;
    let (_, pending, _) = state.store.totp_state(user.id).await?;
    let Some(pending) = pending else { return Err(ApiError::Conflict(Conflict::NothingPending)) };
    let pending = state.sealer.open(&pending)?;
    state.limiter.check_login(&format!("mfa:{}", user.id), address)?;
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0);
    let Some(step) = totp::matching_step(&pending, &body.code, now)? else {
        return Err(ApiError::Forbidden(
            "invalid_code",
            "that code does not match; check that the app shows the account just added, and enter its current code"
                .to_owned(),
        ));
    };
    let (codes, hashes) = secrets::recovery_code_set(RECOVERY_CODES);
    state.store.confirm_totp(user.id, step, &hashes).await?;
    tracing::info!(user = %user.id, "authenticator app set up");
    state.mailer.send(Mail {
        to: account.email,
        subject: "Two-step sign-in is on for your Mingle account".to_owned(),
        body: "Signing in to your Mingle account now asks for a code from your authenticator app. Keep your \
               recovery codes somewhere safe. If this was not you, reset your password now.\n"
            .to_owned(),
    });
    Ok(Json(RecoveryCodes { codes }))
}

/// Remove the authenticator app (and its recovery codes, unless passkeys keep two-step sign-in
/// on). Needs a confirmation.
#[utoipa::path(delete, path = "/me/totp", tag = "auth", security(("bearer" = [])), request_body = Confirmation,
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "`wrong_password` or `invalid_code`", body = ErrorBody),
    ))]
async fn remove_totp(
    State(state): State<AppState>,
    user: AuthUser,
    ClientAddr(address): ClientAddr,
    ApiJson(body): ApiJson<Confirmation>,
) -> ApiResult<StatusCode> {
    let account = account(&state, &user).await?;
    confirm(&state, &user, &account, &body, address).await?;
    state.store.disable_totp(user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// New recovery codes (the old ones stop working). Needs the password or a code.
#[utoipa::path(post, path = "/me/recovery-codes", tag = "auth", security(("bearer" = [])), request_body = Confirmation,
    responses(
        (status = 200, body = RecoveryCodes),
        (status = 403, description = "`wrong_password` or `invalid_code`", body = ErrorBody),
        (status = 409, description = "Two-step sign-in is off: no authenticator app or passkey (`two_step_off`)", body = ErrorBody),
    ))]
async fn new_recovery_codes(
    State(state): State<AppState>,
    user: AuthUser,
    ClientAddr(address): ClientAddr,
    ApiJson(body): ApiJson<Confirmation>,
) -> ApiResult<Json<RecoveryCodes>> {
    let account = account(&state, &user).await?;
    if !super::accounts::two_step(&state, &account).await? {
        return Err(ApiError::Conflict(Conflict::TwoStepOff));
    }
    confirm(&state, &user, &account, &body, address).await?;
    let (codes, hashes) = secrets::recovery_code_set(RECOVERY_CODES);
    state.store.replace_recovery_codes(user.id, &hashes).await?;
    Ok(Json(RecoveryCodes { codes }))
}
