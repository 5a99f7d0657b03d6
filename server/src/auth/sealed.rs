//! Secrets the server must read back (authenticator-app secrets), sealed at rest: AES-256-GCM
//! under a key derived from the deployment's token secret, so a copy of the database alone does
//! not let anyone compute someone's codes.
//!
//! A sealed value reads `v1:` followed by the base64 of a random 96-bit nonce and the ciphertext
//! with its tag. Values stored before sealing existed (no prefix) still read, as they are.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use anyhow::Context as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine as _;
use hkdf::Hkdf;
use rand::RngCore as _;
use sha2::Sha256;

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;

/// Seals and opens secrets with the deployment's key.
pub struct Sealer {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer")
    }
}

impl Sealer {
    /// The sealer of a deployment whose access tokens are signed with `token_secret` (every node
    /// has the same one). The key is derived for this purpose only (HKDF-SHA256), so it never
    /// signs anything and a leaked token never reveals it.
    pub fn from_token_secret(token_secret: &[u8]) -> Self {
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(Some(b"mingle sealed secrets"), token_secret)
            .expand(b"totp v1", &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        Self { cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(key)) }
    }

    /// `plain`, sealed for storage.
    pub fn seal(&self, plain: &str) -> anyhow::Result<String> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), plain.as_bytes())
            .map_err(|_| anyhow::anyhow!("sealing a secret failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", STANDARD_NO_PAD.encode(out)))
    }

    /// A stored value, opened: sealed ones decrypted (an error when the key does not match, for
    /// example after the token secret changed), older unsealed ones as they are.
    pub fn open(&self, stored: &str) -> anyhow::Result<String> {
        let Some(sealed) = stored.strip_prefix(PREFIX) else { return Ok(stored.to_owned()) };
        let bytes = STANDARD_NO_PAD.decode(sealed).context("a sealed secret that is not base64")?;
        anyhow::ensure!(bytes.len() > NONCE_LEN, "a sealed secret too short to hold anything");
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().context("nonce")?;
        let plain = self.cipher.decrypt(&Nonce::from(nonce), ciphertext).map_err(|_| {
            anyhow::anyhow!("a sealed secret does not open with this deployment's key (did MINGLE_JWT_SECRET change?)")
        })?;
        String::from_utf8(plain).context("a sealed secret that is not text")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_with_the_same_key_only() {
        let sealer = Sealer::from_token_secret(&[7; 32]);
        let sealed = sealer.seal("JBSWY3DPEHPK3PXP").expect("sealed");
        assert!(sealed.starts_with("v1:") && !sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_ne!(sealed, sealer.seal("JBSWY3DPEHPK3PXP").expect("sealed"), "a fresh nonce each time");
        assert_eq!(sealer.open(&sealed).expect("opened"), "JBSWY3DPEHPK3PXP");
        assert!(Sealer::from_token_secret(&[8; 32]).open(&sealed).is_err());
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(sealer.open(&tampered).is_err());
        assert!(sealer.open("v1:").is_err());
        assert!(sealer.open("v1:!!").is_err());
    }

    #[test]
    fn secrets_stored_before_sealing_still_read() {
        let sealer = Sealer::from_token_secret(&[7; 32]);
        assert_eq!(sealer.open("JBSWY3DPEHPK3PXP").expect("as is"), "JBSWY3DPEHPK3PXP");
    }
}
