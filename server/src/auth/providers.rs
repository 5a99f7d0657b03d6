//! Sign-in through external identity providers: any number of OpenID Connect issuers (Google and
//! Microsoft are two) and GitHub (plain OAuth 2, whose verified e-mail addresses come from its
//! API). Providers are configured, not coded (`MINGLE_OIDC_PROVIDERS`, `MINGLE_GITHUB_*`).
//!
//! Every sign-in uses the authorization code flow with PKCE, a random `state` and (OpenID
//! Connect) a `nonce`. An issuer's discovery document and keys are fetched on first use and kept
//! for an hour; the ID token's signature is checked against the issuer's JWKS, with its issuer,
//! audience, nonce and expiry (a minute of clock skew allowed either way).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse as _,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse as _,
};
use serde::Deserialize;
use tokio::sync::Mutex;

/// How a provider is spoken to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderKind {
    /// OpenID Connect: discovery at `issuer`, an ID token.
    Oidc { issuer: String, scopes: Vec<String> },
    /// GitHub's OAuth 2 apps: the user and their verified addresses from its API.
    GitHub,
}

/// One configured provider.
#[derive(Clone)]
pub struct ProviderConfig {
    /// In URLs: `/auth/oidc/{id}/start`.
    pub id: String,
    /// Shown on the sign-in button.
    pub name: String,
    pub kind: ProviderKind,
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderConfig").field("id", &self.id).field("kind", &self.kind).finish_non_exhaustive()
    }
}

impl ProviderConfig {
    /// Parses one `MINGLE_OIDC_PROVIDERS` entry:
    /// `id=google,name=Google,issuer=https://accounts.google.com,client_id=...,client_secret=...`
    /// with an optional `scopes=openid email profile` (the default).
    pub fn parse_oidc(entry: &str) -> anyhow::Result<Self> {
        let mut fields = BTreeMap::new();
        for part in entry.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').ok_or_else(|| anyhow::anyhow!("{part:?} is not key=value"))?;
            fields.insert(key.trim().to_owned(), value.trim().to_owned());
        }
        let take = |key: &str| {
            fields.get(key).filter(|v| !v.is_empty()).cloned().ok_or_else(|| anyhow::anyhow!("`{key}=` is missing"))
        };
        let id = take("id")?;
        anyhow::ensure!(
            id.len() <= 32 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "provider id {id:?}: lower-case letters, digits and '-' only"
        );
        anyhow::ensure!(id != "github", "the id `github` is kept for MINGLE_GITHUB_CLIENT_ID");
        let issuer = take("issuer")?;
        IssuerUrl::new(issuer.clone()).map_err(|e| anyhow::anyhow!("issuer {issuer:?}: {e}"))?;
        let scopes = fields
            .get("scopes")
            .map(|s| s.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_else(|| vec!["openid".to_owned(), "email".to_owned(), "profile".to_owned()]);
        Ok(Self {
            name: fields.get("name").cloned().unwrap_or_else(|| id.clone()),
            id,
            kind: ProviderKind::Oidc { issuer, scopes },
            client_id: take("client_id")?,
            client_secret: fields.get("client_secret").cloned().unwrap_or_default(),
        })
    }

    pub fn github(client_id: String, client_secret: String) -> Self {
        Self {
            id: "github".to_owned(),
            name: "GitHub".to_owned(),
            kind: ProviderKind::GitHub,
            client_id,
            client_secret,
        }
    }
}

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalIdentity {
    /// Stable id at the provider (`sub`, or GitHub's numeric user id).
    pub subject: String,
    pub email: Option<String>,
    /// The provider vouches that `email` belongs to this person.
    pub email_verified: bool,
    pub name: Option<String>,
}

/// Where to send the person, and what the callback will need.
#[derive(Debug)]
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub pkce_verifier: String,
    pub nonce: String,
}

/// Why a sign-in through a provider failed, in the codes the API answers.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("the provider could not be reached or answered badly: {0}")]
    Unavailable(String),
    #[error("the provider refused the sign-in: {0}")]
    Refused(String),
    #[error("the provider's answer did not check out: {0}")]
    Invalid(String),
    #[error("the ID token's nonce is not the one this sign-in sent")]
    NonceMismatch,
}

/// Allowed difference between our clock and the provider's.
const CLOCK_SKEW: chrono::TimeDelta = chrono::TimeDelta::seconds(60);
/// How long a discovery document (and its keys) is kept.
const METADATA_TTL: Duration = Duration::from_secs(3600);

/// The configured providers, with what was discovered about each.
pub struct Providers {
    configs: Vec<ProviderConfig>,
    http: reqwest::Client,
    discovered: Mutex<BTreeMap<String, (Instant, CoreProviderMetadata)>>,
}

impl std::fmt::Debug for Providers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Providers").field("configs", &self.configs).finish_non_exhaustive()
    }
}

impl Providers {
    pub fn new(configs: Vec<ProviderConfig>) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            // Following redirects from a provider's endpoints would open the server to SSRF.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .user_agent("Mingle")
            .build()?;
        let mut ids = std::collections::HashSet::new();
        for config in &configs {
            anyhow::ensure!(ids.insert(config.id.clone()), "provider id {:?} is configured twice", config.id);
        }
        Ok(Self { configs, http, discovered: Mutex::new(BTreeMap::new()) })
    }

    pub fn list(&self) -> &[ProviderConfig] {
        &self.configs
    }

    pub fn get(&self, id: &str) -> Option<&ProviderConfig> {
        self.configs.iter().find(|c| c.id == id)
    }

    async fn metadata(&self, issuer: &str) -> Result<CoreProviderMetadata, ProviderError> {
        let mut cache = self.discovered.lock().await;
        if let Some((at, metadata)) = cache.get(issuer) {
            if at.elapsed() < METADATA_TTL {
                return Ok(metadata.clone());
            }
        }
        let url = IssuerUrl::new(issuer.to_owned()).map_err(|e| ProviderError::Invalid(e.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(url, &self.http)
            .await
            .map_err(|e| ProviderError::Unavailable(format!("discovery: {e}")))?;
        cache.insert(issuer.to_owned(), (Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    /// Starts a sign-in: the provider's authorization URL (PKCE, state, nonce) for `redirect`.
    pub async fn authorize(&self, provider: &ProviderConfig, redirect: &str) -> Result<Authorization, ProviderError> {
        let redirect = RedirectUrl::new(redirect.to_owned()).map_err(|e| ProviderError::Invalid(e.to_string()))?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        match &provider.kind {
            ProviderKind::Oidc { issuer, scopes } => {
                let metadata = self.metadata(issuer).await?;
                let client = CoreClient::from_provider_metadata(
                    metadata,
                    ClientId::new(provider.client_id.clone()),
                    secret(provider),
                )
                .set_redirect_uri(redirect);
                let mut request = client.authorize_url(
                    CoreAuthenticationFlow::AuthorizationCode,
                    CsrfToken::new_random,
                    Nonce::new_random,
                );
                for scope in scopes.iter().filter(|s| s.as_str() != "openid") {
                    request = request.add_scope(Scope::new(scope.clone()));
                }
                let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
                Ok(Authorization {
                    url: url.to_string(),
                    state: state.secret().clone(),
                    pkce_verifier: verifier.secret().clone(),
                    nonce: nonce.secret().clone(),
                })
            }
            ProviderKind::GitHub => {
                let client = github_client(provider)?.set_redirect_uri(redirect);
                let (url, state) = client
                    .authorize_url(CsrfToken::new_random)
                    .add_scope(Scope::new("read:user".to_owned()))
                    .add_scope(Scope::new("user:email".to_owned()))
                    .set_pkce_challenge(challenge)
                    .url();
                Ok(Authorization {
                    url: url.to_string(),
                    state: state.secret().clone(),
                    pkce_verifier: verifier.secret().clone(),
                    nonce: String::new(),
                })
            }
        }
    }

    /// Finishes a sign-in: exchanges the code (with the PKCE verifier) and checks who it is.
    pub async fn finish(
        &self,
        provider: &ProviderConfig,
        redirect: &str,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<ExternalIdentity, ProviderError> {
        let redirect = RedirectUrl::new(redirect.to_owned()).map_err(|e| ProviderError::Invalid(e.to_string()))?;
        let verifier = PkceCodeVerifier::new(pkce_verifier.to_owned());
        match &provider.kind {
            ProviderKind::Oidc { issuer, .. } => {
                let metadata = self.metadata(issuer).await?;
                let client = CoreClient::from_provider_metadata(
                    metadata,
                    ClientId::new(provider.client_id.clone()),
                    secret(provider),
                )
                .set_redirect_uri(redirect);
                let exchange = client
                    .exchange_code(AuthorizationCode::new(code.to_owned()))
                    .map_err(|e| ProviderError::Invalid(e.to_string()))?;
                let tokens = exchange
                    .set_pkce_verifier(verifier)
                    .request_async(&self.http)
                    .await
                    .map_err(|e| ProviderError::Refused(format!("token exchange: {e}")))?;
                let id_token =
                    tokens.id_token().ok_or_else(|| ProviderError::Invalid("no ID token in the answer".to_owned()))?;
                let verifier = client
                    .id_token_verifier()
                    // Accept a token up to a minute past its expiry, and refuse one issued more
                    // than a minute in our future: clocks differ, but not by much.
                    .set_time_fn(|| chrono::Utc::now() - CLOCK_SKEW)
                    .set_issue_time_verifier_fn(|issued| {
                        if issued > chrono::Utc::now() + CLOCK_SKEW {
                            Err(format!("issued in the future ({issued})"))
                        } else {
                            Ok(())
                        }
                    });
                let claims = id_token.claims(&verifier, &Nonce::new(nonce.to_owned())).map_err(|e| match e {
                    openidconnect::ClaimsVerificationError::InvalidNonce(_) => ProviderError::NonceMismatch,
                    e => ProviderError::Invalid(format!("ID token: {e}")),
                })?;
                let name = claims.name().and_then(|n| n.get(None)).map(|n| n.as_str().to_owned());
                Ok(ExternalIdentity {
                    subject: claims.subject().as_str().to_owned(),
                    email: claims.email().map(|e| e.as_str().trim().to_lowercase()),
                    email_verified: claims.email_verified() == Some(true),
                    name,
                })
            }
            ProviderKind::GitHub => {
                let client = github_client(provider)?.set_redirect_uri(redirect);
                let tokens = client
                    .exchange_code(AuthorizationCode::new(code.to_owned()))
                    .set_pkce_verifier(verifier)
                    .request_async(&self.http)
                    .await
                    .map_err(|e| ProviderError::Refused(format!("token exchange: {e}")))?;
                self.github_identity(tokens.access_token().secret()).await
            }
        }
    }

    /// The GitHub user behind `token`, with their primary verified address.
    async fn github_identity(&self, token: &str) -> Result<ExternalIdentity, ProviderError> {
        #[derive(Deserialize)]
        struct User {
            id: u64,
            name: Option<String>,
            login: String,
        }
        #[derive(Deserialize)]
        struct Email {
            email: String,
            primary: bool,
            verified: bool,
        }
        let get = |path: &str| {
            self.http
                .get(format!("https://api.github.com{path}"))
                .bearer_auth(token)
                .header("accept", "application/vnd.github+json")
                .header("x-github-api-version", "2022-11-28")
        };
        let unavailable = |e: reqwest::Error| ProviderError::Unavailable(format!("GitHub API: {e}"));
        let user: User = get("/user")
            .send()
            .await
            .map_err(unavailable)?
            .error_for_status()
            .map_err(unavailable)?
            .json()
            .await
            .map_err(unavailable)?;
        let emails: Vec<Email> = get("/user/emails")
            .send()
            .await
            .map_err(unavailable)?
            .error_for_status()
            .map_err(unavailable)?
            .json()
            .await
            .map_err(unavailable)?;
        let best = emails.iter().filter(|e| e.verified).max_by_key(|e| e.primary);
        Ok(ExternalIdentity {
            subject: user.id.to_string(),
            email: best.map(|e| e.email.trim().to_lowercase()),
            email_verified: best.is_some(),
            name: user.name.or(Some(user.login)),
        })
    }
}

fn secret(provider: &ProviderConfig) -> Option<ClientSecret> {
    (!provider.client_secret.is_empty()).then(|| ClientSecret::new(provider.client_secret.clone()))
}

type GitHubClient = oauth2::basic::BasicClient<
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn github_client(provider: &ProviderConfig) -> Result<GitHubClient, ProviderError> {
    let invalid = |e: url::ParseError| ProviderError::Invalid(e.to_string());
    let mut client = oauth2::basic::BasicClient::new(ClientId::new(provider.client_id.clone()))
        .set_auth_uri(oauth2::AuthUrl::new("https://github.com/login/oauth/authorize".to_owned()).map_err(invalid)?)
        .set_token_uri(
            oauth2::TokenUrl::new("https://github.com/login/oauth/access_token".to_owned()).map_err(invalid)?,
        );
    if !provider.client_secret.is_empty() {
        client = client.set_client_secret(ClientSecret::new(provider.client_secret.clone()));
    }
    Ok(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_entries_parse_with_clear_errors() -> anyhow::Result<()> {
        let google = ProviderConfig::parse_oidc(
            "id=google, name=Google, issuer=https://accounts.google.com, client_id=abc, client_secret=s3cret",
        )?;
        assert_eq!((google.id.as_str(), google.name.as_str(), google.client_id.as_str()), ("google", "Google", "abc"));
        assert_eq!(
            google.kind,
            ProviderKind::Oidc {
                issuer: "https://accounts.google.com".to_owned(),
                scopes: vec!["openid".to_owned(), "email".to_owned(), "profile".to_owned()]
            }
        );
        let missing = ProviderConfig::parse_oidc("id=x,issuer=https://idp.example").err().map(|e| e.to_string());
        assert_eq!(missing.as_deref(), Some("`client_id=` is missing"));
        assert!(ProviderConfig::parse_oidc("id=Bad Id,issuer=https://i.example,client_id=a").is_err());
        assert!(ProviderConfig::parse_oidc("id=x,issuer=not a url,client_id=a").is_err());
        assert!(ProviderConfig::parse_oidc("id=github,issuer=https://i.example,client_id=a").is_err());
        let twice = vec![google.clone(), google];
        assert!(Providers::new(twice).is_err());
        Ok(())
    }
}
