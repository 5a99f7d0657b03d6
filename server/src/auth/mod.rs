//! Credentials and tokens: Argon2id password hashing off the async reactor, short-lived JWT
//! access tokens naming their session, opaque refresh tokens (only their SHA-256 is stored),
//! login rate limits; [`revocations`] ends sessions within a second on every node, [`totp`] is
//! the second factor (its secrets kept [`sealed`]), [`passkeys`] the other one, [`secrets`] the
//! single-use codes and links.

pub mod passkeys;
pub mod providers;
pub mod revocations;
pub mod sealed;
pub mod secrets;
pub mod totp;

pub use revocations::Revocations;

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use tokio::sync::{OnceCell, Semaphore};
use uuid::Uuid;

use crate::error::ApiError;

/// Hashes and verifies passwords on the blocking pool. Argon2id is deliberately slow and
/// memory-hungry (19 MiB of working memory each), so a semaphore lets one run per core at a time
/// (a burst of logins queues instead of exhausting memory), and each reuses working memory kept
/// here instead of allocating its own.
///
/// Why reuse: glibc's allocator serves a 19 MiB request with `mmap` the first time, then raises
/// its mmap threshold above that size when it is freed, so later requests come from the
/// thread's arena and stay there after being freed. Each blocking thread has its own arena: a
/// burst of logins used to leave one 19 to 40 MiB arena per thread that had hashed (over 1 GB
/// after a few bursts), never returned.
#[derive(Debug)]
pub struct Passwords {
    permits: Semaphore,
    /// Working memory of finished hashes, at most one per permit.
    memory: std::sync::Mutex<Vec<Vec<Block>>>,
    /// Hash verified against when the account does not exist, so that a wrong e-mail costs as
    /// long as a wrong password and response times do not reveal who has an account.
    decoy: OnceCell<String>,
}

impl Default for Passwords {
    fn default() -> Self {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self { permits: Semaphore::new(cpus), memory: std::sync::Mutex::new(Vec::new()), decoy: OnceCell::new() }
    }
}

/// Salt length of new hashes (the PHC string format's recommendation).
const SALT_BYTES: usize = 16;
/// Largest working memory a stored hash may ask for (64 MiB); stored hashes are ours, this only
/// bounds what a corrupted row could make a login allocate.
const MAX_MEMORY_KIB: u32 = 64 * 1024;

impl Passwords {
    pub async fn hash(self: &Arc<Self>, password: String) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await?;
        let this = Arc::clone(self);
        tokio::task::spawn_blocking(move || this.with_memory(|memory| hash_password(&password, memory))).await?
    }

    /// Verifies `password` against `hash`, or against a decoy when there is no account.
    pub async fn verify(self: &Arc<Self>, password: String, hash: Option<String>) -> anyhow::Result<bool> {
        let exists = hash.is_some();
        let hash = match hash {
            Some(hash) => hash,
            None => self.decoy.get_or_try_init(|| self.hash("decoy password".to_owned())).await?.clone(),
        };
        let _permit = self.permits.acquire().await?;
        let this = Arc::clone(self);
        let ok =
            tokio::task::spawn_blocking(move || this.with_memory(|memory| verify_password(&password, &hash, memory)))
                .await??;
        Ok(ok && exists)
    }

    /// Runs `f` with working memory taken from the pool, and gives it back after.
    fn with_memory<T>(&self, f: impl FnOnce(&mut Vec<Block>) -> T) -> T {
        let lock = || self.memory.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut memory = lock().pop().unwrap_or_default();
        let answer = f(&mut memory);
        lock().push(memory);
        answer
    }
}

/// Argon2id with the crate's defaults (m = 19 MiB, t = 2, p = 1, the OWASP recommendation), in
/// the PHC string format.
pub fn hash_password(password: &str, memory: &mut Vec<Block>) -> anyhow::Result<String> {
    let params = Params::default();
    let mut salt = [0u8; SALT_BYTES];
    OsRng.fill_bytes(&mut salt);
    let mut out = vec![0u8; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
    argon2id(password, &salt, &params, Version::V0x13, &mut out, memory)?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("encoding the salt: {e}"))?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: (&params).try_into().map_err(|e| anyhow::anyhow!("encoding the parameters: {e}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("encoding the hash: {e}"))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `hash`, compared in constant time.
fn verify_password(password: &str, hash: &str, memory: &mut Vec<Block>) -> anyhow::Result<bool> {
    let parsed = PasswordHash::new(hash).map_err(|e| anyhow::anyhow!("stored hash unreadable: {e}"))?;
    anyhow::ensure!(parsed.algorithm == argon2::ARGON2ID_IDENT, "stored hash is not Argon2id");
    let params = Params::try_from(&parsed).map_err(|e| anyhow::anyhow!("stored hash parameters: {e}"))?;
    anyhow::ensure!(params.m_cost() <= MAX_MEMORY_KIB, "stored hash asks for {} KiB", params.m_cost());
    let version = parsed.version.map_or(Ok(Version::V0x13), Version::try_from)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        anyhow::bail!("stored hash has no salt or no output");
    };
    let mut salt_bytes = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_bytes).map_err(|e| anyhow::anyhow!("stored salt: {e}"))?;
    let mut out = vec![0u8; expected.len()];
    argon2id(password, salt, &params, version, &mut out, memory)?;
    Ok(Output::new(&out).is_ok_and(|computed| computed == expected))
}

fn argon2id(
    password: &str,
    salt: &[u8],
    params: &Params,
    version: Version,
    out: &mut [u8],
    memory: &mut Vec<Block>,
) -> anyhow::Result<()> {
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::new());
    }
    Argon2::new(Algorithm::Argon2id, version, params.clone())
        .hash_password_into_with_memory(password.as_bytes(), salt, out, &mut memory[..])
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    /// The session (sign-in) the token was issued to; absent in tokens issued before sessions
    /// could be listed and revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sid: Option<Uuid>,
    iat: i64,
    exp: i64,
}

/// What a verified access token says.
#[derive(Debug, Clone, Copy)]
pub struct AccessClaims {
    pub user: Uuid,
    pub session: Option<Uuid>,
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

    /// An access token for `user` in `session`.
    pub fn issue_access(&self, user: Uuid, session: Uuid) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let ttl = i64::try_from(self.access_ttl.as_secs()).unwrap_or(i64::MAX / 2);
        let claims = Claims { sub: user, sid: Some(session), iat: now, exp: now + ttl };
        Ok(jsonwebtoken::encode(&Header::default(), &claims, &self.encoding)?)
    }

    /// Verifies an access token's signature and expiry and answers whose it is, in which
    /// session, and when it expires. Whether the session was revoked since is
    /// [`Revocations`]' question (`AppState::authenticate` asks both).
    pub fn verify_access_claims(&self, token: &str) -> Result<AccessClaims, ApiError> {
        match jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation) {
            Ok(data) => {
                Ok(AccessClaims { user: data.claims.sub, session: data.claims.sid, expires_at: data.claims.exp })
            }
            Err(e) if matches!(e.kind(), jsonwebtoken::errors::ErrorKind::ExpiredSignature) => {
                Err(ApiError::Unauthorized("token_expired", "access token expired; refresh it".to_owned()))
            }
            Err(_) => Err(ApiError::Unauthorized("invalid_token", "access token invalid".to_owned())),
        }
    }
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

/// Limits on authentication attempts, shaped so that a stranger can neither guess a password
/// nor lock its owner out:
/// - per client address (guessing many accounts, or mass registration);
/// - per account *and* address (guessing one password from one place): a burst, then one
///   attempt per interval, which blocks that address only;
/// - per account from every address together, slower and higher (a guessing network): it does
///   not apply to an address the account signed in from lately, so the owner's usual devices
///   keep working while their account is under attack.
///
/// Generic cell rate algorithm throughout: a burst up to the quota, then one attempt per interval.
#[derive(Clone)]
pub struct AuthLimiter {
    by_address: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    by_account_address: Arc<DefaultKeyedRateLimiter<(String, Option<IpAddr>)>>,
    by_account: Arc<DefaultKeyedRateLimiter<String>>,
    /// (account, address) pairs that signed in successfully, and when.
    trusted: Arc<dashmap::DashMap<(String, IpAddr), std::time::Instant>>,
}

/// How long an address stays trusted for an account after a successful sign-in.
const TRUSTED_FOR: Duration = Duration::from_secs(30 * 86_400);
/// Most trusted (account, address) pairs remembered; past it new ones are not remembered (and
/// are limited like any other address) until old ones expire.
const MAX_TRUSTED: usize = 1_000_000;

impl std::fmt::Debug for AuthLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthLimiter").finish_non_exhaustive()
    }
}

/// The quotas of an [`AuthLimiter`].
#[derive(Debug, Clone, Copy)]
pub struct AuthLimits {
    /// Login attempts per account from one address, per minute.
    pub per_account_address_per_minute: u32,
    /// Login attempts per account from all addresses not trusted for it, per hour.
    pub per_account_per_hour: u32,
    /// Login and registration attempts per address, per minute.
    pub per_address_per_minute: u32,
}

impl AuthLimiter {
    pub fn new(limits: AuthLimits) -> Self {
        let n = |n: u32| NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
        Self {
            by_address: Arc::new(RateLimiter::keyed(Quota::per_minute(n(limits.per_address_per_minute)))),
            by_account_address: Arc::new(RateLimiter::keyed(Quota::per_minute(n(
                limits.per_account_address_per_minute
            )))),
            by_account: Arc::new(RateLimiter::keyed(Quota::per_hour(n(limits.per_account_per_hour)))),
            trusted: Arc::new(dashmap::DashMap::new()),
        }
    }

    pub fn check_address(&self, address: Option<IpAddr>) -> Result<(), ApiError> {
        let Some(address) = address else { return Ok(()) };
        self.by_address.check_key(&address).map_err(|not_until| retry_after(&not_until))
    }

    /// A login attempt for `account` from `address`.
    pub fn check_login(&self, account: &str, address: Option<IpAddr>) -> Result<(), ApiError> {
        self.by_account_address
            .check_key(&(account.to_owned(), address))
            .map_err(|not_until| retry_after(&not_until))?;
        let trusted = address.is_some_and(|address| {
            self.trusted.get(&(account.to_owned(), address)).is_some_and(|since| since.elapsed() < TRUSTED_FOR)
        });
        if trusted {
            return Ok(());
        }
        self.by_account.check_key(&account.to_owned()).map_err(|not_until| retry_after(&not_until))
    }

    /// Remembers that `account` signed in from `address`.
    pub fn signed_in(&self, account: &str, address: Option<IpAddr>) {
        let Some(address) = address else { return };
        let key = (account.to_owned(), address);
        if self.trusted.len() < MAX_TRUSTED || self.trusted.contains_key(&key) {
            self.trusted.insert(key, std::time::Instant::now());
        }
    }

    /// Forgets keys whose limits have fully recovered and trust that expired, so the maps do
    /// not grow without bound.
    pub fn forget_idle(&self) {
        self.by_address.retain_recent();
        self.by_account_address.retain_recent();
        self.by_account.retain_recent();
        self.by_address.shrink_to_fit();
        self.by_account_address.shrink_to_fit();
        self.by_account.shrink_to_fit();
        self.trusted.retain(|_, since| since.elapsed() < TRUSTED_FOR);
    }
}

fn retry_after(not_until: &governor::NotUntil<governor::clock::QuantaInstant>) -> ApiError {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    ApiError::RateLimited { retry_after_secs: wait.as_secs().max(1) }
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::PasswordHasher as _;

    use super::*;

    #[tokio::test]
    async fn passwords_verify_with_reused_memory_and_hashes_made_before_it() -> anyhow::Result<()> {
        let passwords = Arc::new(Passwords::default());
        let hash = passwords.hash("correct horse battery".to_owned()).await?;
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(passwords.verify("correct horse battery".to_owned(), Some(hash.clone())).await?);
        assert!(!passwords.verify("correct horse batterY".to_owned(), Some(hash)).await?);
        assert!(!passwords.verify("correct horse battery".to_owned(), None).await?, "no account, no sign-in");
        // Hashes stored by the crate's own hasher (every account made before) still verify.
        let salt = SaltString::generate(&mut OsRng);
        let older = Argon2::default().hash_password(b"an older password", &salt).map_err(anyhow::Error::msg)?;
        assert!(passwords.verify("an older password".to_owned(), Some(older.to_string())).await?);
        let pooled = passwords.memory.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.len();
        assert!((1..=passwords.permits.available_permits()).contains(&pooled), "{pooled} buffers kept");
        Ok(())
    }
}
