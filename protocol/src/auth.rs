//! Accounts and sessions: register, login (with a second factor when enrolled), refresh,
//! logout, the devices signed in, e-mail verification, password reset and change, the TOTP
//! second factor, exporting one's data and deleting the account.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::users::Me;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RegisterRequest {
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    /// 8 to 128 characters.
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    #[schema(min_length = 1, max_length = 80)]
    pub display_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RefreshRequest {
    /// The refresh token; empty (or absent) when the web app keeps it in its cookie and sends
    /// `X-Refresh-Cookie: 1`.
    #[serde(default)]
    pub refresh_token: String,
}

/// Answer to `POST /auth/register` when sign-up confirms the address first: the same whether or
/// not the address already has an account, so it tells nobody who has one. A mail to the address
/// says what comes next (a link that finishes signing up, or a note to an account's owner).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SignupPending {
    /// The address the mail went to, as the server normalized it.
    pub email: String,
    /// Always `true`: the account works once the link mailed to `email` is opened.
    pub verification_required: bool,
}

/// `POST /auth/email/resend`: mail a new link that finishes signing up to `email`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VerificationResend {
    pub email: String,
}

/// Answer to register (without address confirmation first), login and refresh.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Session {
    /// Short-lived JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until `access_token` expires.
    pub expires_in: u64,
    /// Single-use token for `POST /auth/refresh`. Each refresh returns a new one; presenting an
    /// already used one revokes the whole session. Empty when the request sent
    /// `X-Refresh-Cookie: 1`: the token is then in the `HttpOnly` cookie `mingle_refresh`.
    pub refresh_token: String,
    pub user: Me,
}

/// Answer to `POST /auth/login`: the session, or, when the account has a second factor, a
/// ticket to finish signing in with `POST /auth/mfa`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum LoginAnswer {
    Session(Box<Session>),
    MfaRequired(MfaChallenge),
}

/// The password was right; the second factor is next.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MfaChallenge {
    /// Always `true`.
    pub mfa_required: bool,
    /// Single use, valid for `expires_in` seconds and a few wrong codes.
    pub ticket: String,
    pub methods: Vec<MfaMethod>,
    pub expires_in: u64,
}

/// A second factor a sign-in can finish with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MfaMethod {
    /// A six-digit code from an authenticator app.
    Totp,
    /// One of the single-use recovery codes shown when two-step sign-in was turned on.
    RecoveryCode,
    /// A passkey registered to the account (`POST /auth/passkey/options` with the ticket).
    Passkey,
}

impl MfaMethod {
    /// The method as it is written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Totp => "totp",
            Self::RecoveryCode => "recovery_code",
            Self::Passkey => "passkey",
        }
    }
}

/// `POST /auth/mfa`: the ticket and one of `code`, `recovery_code` or `passkey`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct MfaRequest {
    pub ticket: String,
    /// Six digits from the authenticator app.
    pub code: Option<String>,
    pub recovery_code: Option<String>,
    /// A passkey's answer to the challenge from `POST /auth/passkey/options` with this ticket.
    pub passkey: Option<PasskeyAnswer>,
}

/// Proof that the person at the keyboard owns the account, for changes that need it (change
/// the password, delete the account, remove a second factor): the current password, a fresh
/// code from the authenticator app, a recovery code, or a passkey (challenge from
/// `POST /me/passkeys/challenge`). An account with none of these (made through a provider)
/// confirms by having signed in within the last 10 minutes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct Confirmation {
    pub password: Option<String>,
    pub code: Option<String>,
    pub recovery_code: Option<String>,
    pub passkey: Option<PasskeyAnswer>,
}

/// `POST /me/password`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PasswordChange {
    #[serde(flatten)]
    pub confirmation: Confirmation,
    /// 8 to 128 characters.
    #[schema(min_length = 8, max_length = 128)]
    pub new_password: String,
}

/// `POST /me/email`: move the account to a new address (it changes once the link sent there is
/// opened; the old address is told).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EmailChange {
    #[schema(format = "email", max_length = 254)]
    pub new_email: String,
    /// The current password, or a code from the authenticator app (an account made through a
    /// provider has no password).
    #[serde(flatten)]
    pub confirmation: Confirmation,
}

/// `POST /auth/password/forgot`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PasswordForgot {
    pub email: String,
}

/// `POST /auth/password/reset`: the token from the mailed link and the new password.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PasswordReset {
    pub token: String,
    #[schema(min_length = 8, max_length = 128)]
    pub new_password: String,
}

/// `POST /auth/email/verify`: the token from the mailed link.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EmailVerification {
    pub token: String,
}

/// What a mailed link did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EmailVerified {
    /// The address now verified (and, after a change, the account's address).
    pub email: String,
    /// When the link finished a sign-up: the new account's session (as after signing in).
    /// Absent for an account that was already in use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<Session>,
}

/// One device signed in to the account.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionInfo {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    /// The browser or app, as it named itself.
    pub user_agent: String,
    /// The address it signed in from.
    pub address: String,
    /// The session of the token making this request.
    pub current: bool,
}

/// `GET /me/sessions`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionList {
    pub items: Vec<SessionInfo>,
}

/// `POST /me/totp`: a new secret to add to an authenticator app, confirmed by its first code.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TotpEnrolment {
    /// Base32, for typing into the app by hand.
    pub secret: String,
    /// `otpauth://totp/...`, what the QR code holds.
    pub otpauth_uri: String,
}

/// A code from the authenticator app.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TotpCode {
    pub code: String,
}

/// Single-use recovery codes, shown once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}

/// The state of the account's second factor.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SecurityOverview {
    pub email_verified: bool,
    pub totp_enabled: bool,
    /// Passkeys registered (each is a way to sign in and a second factor).
    pub passkeys: i64,
    /// Whether signing in with a password or a provider asks for a second factor (an
    /// authenticator app or a passkey is set up).
    pub two_step: bool,
    /// Unused recovery codes left.
    pub recovery_codes_left: i64,
    /// Signed-in devices.
    pub sessions: i64,
}

/// How Mingle speaks to an identity provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// OpenID Connect (Google, Microsoft, any other issuer).
    Oidc,
    /// Plain OAuth 2 (GitHub).
    Oauth2,
}

/// An identity provider people may sign in with.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProviderInfo {
    /// In `/auth/oidc/{id}/start`.
    pub id: String,
    /// For the button: "Google".
    pub name: String,
    pub kind: ProviderKind,
}

/// `GET /auth/providers`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProviderList {
    pub items: Vec<ProviderInfo>,
    /// The domain passkeys belong to (the WebAuthn relying party id), when this deployment
    /// offers passkeys: pages on that domain or below it can use them.
    pub passkey_rp_id: Option<String>,
}

/// Where to send the browser to link a provider to the signed-in account.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProviderRedirect {
    pub url: String,
}

/// `POST /auth/oidc/token`: an app's one-time code (from its redirect URI) and the PKCE
/// verifier of the `code_challenge` it started with.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AppTokenRequest {
    pub code: String,
    pub code_verifier: String,
}

/// An identity at a provider linked to the account.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LinkedIdentity {
    pub provider: String,
    /// The provider's name, when it is still configured.
    pub provider_name: String,
    /// The address the provider gave.
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
}

/// `GET /me/identities`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IdentityList {
    pub items: Vec<LinkedIdentity>,
    /// The account also has a password.
    pub has_password: bool,
}

/// Query of `GET /auth/oidc/{provider}/start`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartQuery {
    /// An app's redirect URI (one of `MINGLE_APP_REDIRECT_URIS`); absent for the web app.
    pub redirect_uri: Option<String>,
    /// The app's PKCE challenge (S256: base64url of the SHA-256 of its verifier), with
    /// `redirect_uri`.
    pub code_challenge: Option<String>,
    /// Only `S256`.
    pub code_challenge_method: Option<String>,
}

/// Query of a provider's redirect back to `GET /auth/oidc/{provider}/callback`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    /// The provider's error, when the person declined or it failed.
    pub error: Option<String>,
}

/// A WebAuthn ceremony the server started: pass `options` to `navigator.credentials.create()`
/// (registration) or `navigator.credentials.get()` (sign-in), after decoding its base64url
/// fields (`challenge`, `user.id`, each credential `id`), then send the credential back with
/// `challenge_id`. Single use, valid for 5 minutes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PasskeyChallenge {
    pub challenge_id: Uuid,
    /// `{publicKey: {...}}`: WebAuthn's `PublicKeyCredentialCreationOptions` or
    /// `PublicKeyCredentialRequestOptions`, binary fields as unpadded base64url.
    #[schema(value_type = Object)]
    pub options: serde_json::Value,
}

/// The authenticator's answer to a [`PasskeyChallenge`].
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PasskeyAnswer {
    pub challenge_id: Uuid,
    /// The `PublicKeyCredential` as JSON (`PublicKeyCredential.toJSON()`): `id`, `rawId`,
    /// `type` and `response` with its binary fields as unpadded base64url.
    #[schema(value_type = Object)]
    pub credential: serde_json::Value,
}

/// `POST /auth/passkey/options`: sign in with a passkey alone (no body, or no ticket), or finish
/// a sign-in with a passkey as the second factor (the ticket from login).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PasskeySignInStart {
    pub ticket: Option<String>,
}

/// `POST /me/passkeys`: the registration's answer and a name for the passkey.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PasskeyRegistration {
    #[serde(flatten)]
    pub answer: PasskeyAnswer,
    /// What the owner calls it ("Phone", "Laptop"); up to 60 characters. Default: "Passkey".
    #[serde(default)]
    #[schema(max_length = 60)]
    pub name: String,
}

/// A registered passkey.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PasskeyInfo {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// `GET /me/passkeys`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PasskeyList {
    pub items: Vec<PasskeyInfo>,
}

/// Answer to `POST /me/passkeys`: the new passkey and, when it turned two-step sign-in on,
/// the ten recovery codes, shown this once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PasskeyAdded {
    pub passkey: PasskeyInfo,
    pub recovery_codes: Option<Vec<String>>,
}

/// `PATCH /me/passkeys/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PasskeyRename {
    #[schema(min_length = 1, max_length = 60)]
    pub name: String,
}
