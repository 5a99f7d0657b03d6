//! Credentials and tokens: Argon2id password hashing off the async reactor, short-lived JWT
//! access tokens, opaque refresh tokens (only their SHA-256 is stored), and login rate limits.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::{OnceCell, Semaphore};
use uuid::Uuid;

use crate::error::ApiError;

/// Hashes and verifies passwords on the blocking pool. Argon2id is deliberately slow and
/// memory-hungry (19 MiB each), so a semaphore bounds how many run at once: a burst of logins
/// queues instead of exhausting memory.
#[derive(Debug)]
pub struct Passwords {
    permits: Semaphore,
    /// Hash verified against when the account does not exist, so that a wrong e-mail costs as
    /// long as a wrong password and response times do not reveal who has an account.
    decoy: OnceCell<String>,
}

impl Default for Passwords {
    fn default() -> Self {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self { permits: Semaphore::new(cpus * 2), decoy: OnceCell::new() }
    }
}

impl Passwords {
    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await?;
        tokio::task::spawn_blocking(move || hash_password(&password)).await?
    }

    /// Verifies `password` against `hash`, or against a decoy when there is no account.
    pub async fn verify(&self, password: String, hash: Option<String>) -> anyhow::Result<bool> {
        let exists = hash.is_some();
        let hash = match hash {
            Some(hash) => hash,
            None => self.decoy.get_or_try_init(|| self.hash("decoy password".to_owned())).await?.clone(),
        };
        let _permit = self.permits.acquire().await?;
        let ok = tokio::task::spawn_blocking(move || {
            let parsed = PasswordHash::new(&hash).map_err(|e| anyhow::anyhow!("stored hash unreadable: {e}"))?;
            Ok::<_, anyhow::Error>(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await??;
        Ok(ok && exists)
    }
}

/// Argon2id with the crate's defaults (m = 19 MiB, t = 2, p = 1, the OWASP recommendation).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    iat: i64,
    exp: i64,
}

/// What a verified access token says.
#[derive(Debug, Clone, Copy)]
pub struct AccessClaims {
    pub user: Uuid,
    /// Unix seconds.
    pub expires_at: i64,
}

/// Signs and checks access tokens (HS256).
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys").field("access_ttl", &self.access_ttl).finish_non_exhaustive()
    }
}

impl TokenKeys {
    pub fn new(secret: &[u8], access_ttl: Duration, refresh_ttl: Duration) -> Self {
        let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl,
            refresh_ttl,
        }
    }

    pub fn issue_access(&self, user: Uuid) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let ttl = i64::try_from(self.access_ttl.as_secs()).unwrap_or(i64::MAX / 2);
        let claims = Claims { sub: user, iat: now, exp: now + ttl };
        Ok(jsonwebtoken::encode(&Header::default(), &claims, &self.encoding)?)
    }

    pub fn verify_access(&self, token: &str) -> Result<Uuid, ApiError> {
        self.verify_access_claims(token).map(|claims| claims.user)
    }

    /// Verifies an access token and answers whose it is and when it expires.
    pub fn verify_access_claims(&self, token: &str) -> Result<AccessClaims, ApiError> {
        match jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation) {
            Ok(data) => Ok(AccessClaims { user: data.claims.sub, expires_at: data.claims.exp }),
            Err(e) if matches!(e.kind(), jsonwebtoken::errors::ErrorKind::ExpiredSignature) => {
                Err(ApiError::Unauthorized("token_expired", "access token expired; refresh it".to_owned()))
            }
            Err(_) => Err(ApiError::Unauthorized("invalid_token", "access token invalid".to_owned())),
        }
    }
}

/// A new random refresh token and the hash under which it is stored.
pub fn new_refresh_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_refresh_token(&token);
    (token, hash)
}

pub fn hash_refresh_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Reads the JWT secret from the data directory, generating it on first use (mode 0600).
pub fn local_jwt_secret(data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join("jwt_secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let secret = existing.trim();
        anyhow::ensure!(secret.len() >= 32, "{} holds a secret shorter than 32 bytes", path.display());
        return Ok(secret.as_bytes().to_vec());
    }
    let mut bytes = [0u8; 48];
    OsRng.fill_bytes(&mut bytes);
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    std::fs::create_dir_all(data_dir)?;
    write_private(&path, secret.as_bytes())?;
    Ok(secret.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(contents)
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

/// Limits on authentication attempts: per account (guessing one password) and per client
/// address (guessing many accounts, or mass registration). Generic cell rate algorithm, so
/// a burst up to the per-minute quota is allowed and then one attempt per interval.
#[derive(Clone)]
pub struct AuthLimiter {
    by_account: Arc<DefaultKeyedRateLimiter<String>>,
    by_address: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl std::fmt::Debug for AuthLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthLimiter").finish_non_exhaustive()
    }
}

impl AuthLimiter {
    pub fn new(per_account_per_minute: u32, per_address_per_minute: u32) -> Self {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        Self {
            by_account: Arc::new(RateLimiter::keyed(quota(per_account_per_minute))),
            by_address: Arc::new(RateLimiter::keyed(quota(per_address_per_minute))),
        }
    }

    pub fn check_address(&self, address: Option<IpAddr>) -> Result<(), ApiError> {
        let Some(address) = address else { return Ok(()) };
        self.by_address.check_key(&address).map_err(|not_until| retry_after(&not_until))
    }

    pub fn check_account(&self, account: &str) -> Result<(), ApiError> {
        self.by_account.check_key(&account.to_owned()).map_err(|not_until| retry_after(&not_until))
    }

    /// Forgets keys whose limits have fully recovered, so the maps do not grow without bound.
    pub fn forget_idle(&self) {
        self.by_account.retain_recent();
        self.by_address.retain_recent();
        self.by_account.shrink_to_fit();
        self.by_address.shrink_to_fit();
    }
}

fn retry_after(not_until: &governor::NotUntil<governor::clock::QuantaInstant>) -> ApiError {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    ApiError::RateLimited { retry_after_secs: wait.as_secs().max(1) }
}
