//! Passkeys (WebAuthn): which sites may use them, and the ceremonies that register and check
//! them, on top of `webauthn-rs`.
//!
//! Every passkey is discoverable (resident) and verifies its user (PIN or biometrics), so one
//! passkey is enough to sign in, and is also accepted as the second factor after a password or
//! a provider. The state of a ceremony is serialized for the store, so the node that finishes
//! it need not be the one that started it.

use anyhow::Context as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use url::Url;
use uuid::Uuid;
use webauthn_rs::prelude::{
    AuthenticationResult, CredentialID, DiscoverableAuthentication, Passkey, PasskeyAuthentication,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, Webauthn, WebauthnBuilder,
};
use webauthn_rs_proto::ResidentKeyRequirement;

/// How long a person has to answer their authenticator.
pub const CEREMONY_TTL: std::time::Duration = std::time::Duration::from_secs(300);

/// Why a passkey's answer was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The answer is not a WebAuthn credential at all.
    #[error("not a passkey answer: {0}")]
    Malformed(String),
    /// Signature, challenge, origin, user verification or counter did not check out.
    #[error("{0}")]
    Failed(String),
}

/// The relying party: the domain passkeys are bound to and the page origins allowed to use them.
pub struct Passkeys {
    webauthn: Webauthn,
    rp_id: String,
}

impl std::fmt::Debug for Passkeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passkeys").field("rp_id", &self.rp_id).finish_non_exhaustive()
    }
}

impl Passkeys {
    /// The relying party for this deployment, or `None` when passkeys cannot work here.
    ///
    /// The domain is `rp_id` when configured, else the host of the public origin, else
    /// `localhost` (pages at `http://localhost:<any port>`, for development and tests). Browsers
    /// refuse passkeys on IP addresses, so a public origin like `http://10.0.0.7` offers none.
    /// Besides the public origin, the allowed origins within the domain may use them.
    pub fn for_deployment(
        public_origin: Option<&str>,
        allowed_origins: &[String],
        rp_id: Option<&str>,
    ) -> anyhow::Result<Option<Self>> {
        let public = public_origin
            .filter(|o| !o.trim().is_empty())
            .map(|o| Url::parse(o.trim()).context("MINGLE_PUBLIC_ORIGIN"))
            .transpose()?;
        let rp_id = match (rp_id.filter(|r| !r.trim().is_empty()), &public) {
            (Some(rp_id), _) => rp_id.trim().to_ascii_lowercase(),
            (None, Some(public)) => match public.domain() {
                Some(domain) => domain.to_ascii_lowercase(),
                None => {
                    tracing::warn!(origin = %public, "passkeys are off: browsers allow them on a domain name, not an IP address");
                    return Ok(None);
                }
            },
            (None, None) => "localhost".to_owned(),
        };
        let (first, any_port) = match public {
            Some(public) => (public, false),
            None => (Url::parse(&format!("http://{rp_id}")).context("MINGLE_PASSKEY_RP_ID")?, true),
        };
        let mut builder = WebauthnBuilder::new(&rp_id, &first)
            .with_context(|| format!("passkeys: {first} is not on the domain {rp_id} (MINGLE_PASSKEY_RP_ID)"))?
            .rp_name("Mingle")
            .allow_any_port(any_port)
            .timeout(CEREMONY_TTL);
        let within = |url: &Url| url.domain().is_some_and(|d| d == rp_id || d.ends_with(&format!(".{rp_id}")));
        let extra: Vec<Url> =
            allowed_origins.iter().filter_map(|o| Url::parse(o.trim()).ok()).filter(|url| within(url)).collect();
        for origin in &extra {
            builder = builder.append_allowed_origin(origin);
        }
        let webauthn = builder.build().context("passkeys")?;
        Ok(Some(Self { webauthn, rp_id }))
    }

    /// The domain passkeys are bound to (the WebAuthn relying party id).
    pub fn rp_id(&self) -> &str {
        &self.rp_id
    }

    /// Starts registering a passkey for an account: the options for the browser and the state to
    /// keep. `existing` are refused, so one authenticator holds at most one of the account's.
    pub fn start_registration(
        &self,
        user: Uuid,
        email: &str,
        display_name: &str,
        existing: &[Passkey],
    ) -> anyhow::Result<(serde_json::Value, String)> {
        let exclude: Vec<CredentialID> = existing.iter().map(|p| p.cred_id().clone()).collect();
        let (mut options, state) = self.webauthn.start_passkey_registration(
            user,
            email,
            display_name,
            (!exclude.is_empty()).then_some(exclude),
        )?;
        // Discoverable, so the passkey alone signs in (no e-mail typed first).
        if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
            selection.require_resident_key = true;
            selection.resident_key = Some(ResidentKeyRequirement::Required);
        }
        Ok((serde_json::to_value(&options)?, serde_json::to_string(&state)?))
    }

    /// Checks a registration's answer against its state: the new passkey.
    pub fn finish_registration(&self, credential: &serde_json::Value, state: &str) -> Result<Passkey, Refusal> {
        let credential: RegisterPublicKeyCredential =
            serde_json::from_value(credential.clone()).map_err(|e| Refusal::Malformed(e.to_string()))?;
        let state: PasskeyRegistration = serde_json::from_str(state).map_err(|e| Refusal::Failed(e.to_string()))?;
        self.webauthn.finish_passkey_registration(&credential, &state).map_err(|e| Refusal::Failed(e.to_string()))
    }

    /// Starts a sign-in with any passkey of this site the authenticator holds (no account named).
    pub fn start_discoverable(&self) -> anyhow::Result<(serde_json::Value, String)> {
        let (options, state) = self.webauthn.start_discoverable_authentication()?;
        Ok((serde_json::to_value(&options)?, serde_json::to_string(&state)?))
    }

    /// Starts a check with one of `keys` (a second factor, or a confirmation).
    pub fn start_authentication(&self, keys: &[Passkey]) -> anyhow::Result<(serde_json::Value, String)> {
        let (options, state) = self.webauthn.start_passkey_authentication(keys)?;
        Ok((serde_json::to_value(&options)?, serde_json::to_string(&state)?))
    }

    /// Checks an answer to [`Passkeys::start_discoverable`] made with `key` (found by
    /// [`credential_of`]), whose owner must be the account the authenticator names.
    pub fn finish_discoverable(
        &self,
        credential: &PublicKeyCredential,
        state: &str,
        key: &Passkey,
    ) -> Result<AuthenticationResult, Refusal> {
        let state: DiscoverableAuthentication =
            serde_json::from_str(state).map_err(|e| Refusal::Failed(e.to_string()))?;
        self.webauthn
            .finish_discoverable_authentication_v2(credential, state, key)
            .map_err(|e| Refusal::Failed(e.to_string()))
    }

    /// Checks an answer to [`Passkeys::start_authentication`].
    pub fn finish_authentication(
        &self,
        credential: &PublicKeyCredential,
        state: &str,
    ) -> Result<AuthenticationResult, Refusal> {
        let state: PasskeyAuthentication = serde_json::from_str(state).map_err(|e| Refusal::Failed(e.to_string()))?;
        self.webauthn.finish_passkey_authentication(credential, &state).map_err(|e| Refusal::Failed(e.to_string()))
    }
}

/// A sign-in answer, read: the credential, its id as stored (unpadded base64url), and the
/// account the authenticator names (its user handle), when it names one.
pub fn credential_of(answer: &serde_json::Value) -> Result<(PublicKeyCredential, String, Option<Uuid>), Refusal> {
    let credential: PublicKeyCredential =
        serde_json::from_value(answer.clone()).map_err(|e| Refusal::Malformed(e.to_string()))?;
    let id = credential_id(credential.get_credential_id());
    let user = credential.get_user_unique_id().and_then(|handle| Uuid::from_slice(handle).ok());
    Ok((credential, id, user))
}

/// How a credential id is stored and compared: unpadded base64url, as browsers print it.
pub fn credential_id(raw: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_follows_the_public_origin() {
        let local = Passkeys::for_deployment(None, &[], None).expect("valid").expect("on");
        assert_eq!(local.rp_id(), "localhost");
        let public = Passkeys::for_deployment(
            Some("https://mingle.example.com"),
            &["https://app.mingle.example.com".to_owned(), "https://other.example".to_owned()],
            None,
        )
        .expect("valid")
        .expect("on");
        assert_eq!(public.rp_id(), "mingle.example.com");
        let parent = Passkeys::for_deployment(Some("https://events.example.com"), &[], Some("example.com"))
            .expect("valid")
            .expect("on");
        assert_eq!(parent.rp_id(), "example.com");
    }

    #[test]
    fn ip_addresses_and_foreign_domains_get_no_passkeys() {
        assert!(Passkeys::for_deployment(Some("http://10.0.0.7:8080"), &[], None).expect("valid").is_none());
        assert!(Passkeys::for_deployment(Some("https://mingle.example.com"), &[], Some("other.example")).is_err());
    }

    #[test]
    fn registration_asks_for_a_discoverable_verified_passkey() {
        let passkeys = Passkeys::for_deployment(None, &[], None).expect("valid").expect("on");
        let (options, state) =
            passkeys.start_registration(Uuid::new_v4(), "ada@example.com", "Ada", &[]).expect("started");
        let selection = &options["publicKey"]["authenticatorSelection"];
        assert_eq!(selection["residentKey"], "required");
        assert_eq!(selection["requireResidentKey"], true);
        assert_eq!(selection["userVerification"], "required");
        assert_eq!(options["publicKey"]["rp"]["id"], "localhost");
        assert!(!state.is_empty());
    }

    #[test]
    fn answers_that_are_not_credentials_are_refused_not_panicked_on() {
        let passkeys = Passkeys::for_deployment(None, &[], None).expect("valid").expect("on");
        let (_, state) = passkeys.start_registration(Uuid::new_v4(), "a@example.com", "A", &[]).expect("started");
        for bad in [serde_json::json!(null), serde_json::json!({"id": 1}), serde_json::json!("x")] {
            assert!(matches!(passkeys.finish_registration(&bad, &state), Err(Refusal::Malformed(_))));
            assert!(matches!(credential_of(&bad), Err(Refusal::Malformed(_))));
        }
        let garbage = serde_json::json!({
            "id": "AAAA", "rawId": "AAAA", "type": "public-key",
            "response": {"attestationObject": "AAAA", "clientDataJSON": "AAAA"}
        });
        assert!(matches!(passkeys.finish_registration(&garbage, &state), Err(Refusal::Failed(_))));
    }
}
