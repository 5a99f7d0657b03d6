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

/// Answer to register, login and refresh.
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
    /// One of the single-use recovery codes shown when the app was set up.
    RecoveryCode,
}

/// `POST /auth/mfa`: the ticket and one of `code` or `recovery_code`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct MfaRequest {
    pub ticket: String,
    /// Six digits from the authenticator app.
    pub code: Option<String>,
    pub recovery_code: Option<String>,
}

/// Proof that the person at the keyboard owns the account, for changes that need it (change
/// the password, delete the account, remove the second factor): the current password, or a
/// fresh code from the authenticator app (or a recovery code).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct Confirmation {
    pub password: Option<String>,
    pub code: Option<String>,
    pub recovery_code: Option<String>,
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
