//! Pseudonymous keys: analytics files a person under an HMAC of their id, never the id itself.
//! The key is derived from the deployment's token secret for this purpose only, so every node
//! computes the same key and nobody can reverse one without that secret.

use hkdf::hmac::{Hmac, Mac};
use hkdf::Hkdf;
use sha2::Sha256;
use uuid::Uuid;

#[derive(Clone)]
pub struct Keys {
    key: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys")
    }
}

impl Keys {
    pub fn from_token_secret(token_secret: &[u8]) -> Self {
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(Some(b"mingle analytics"), token_secret)
            .expand(b"pseudonymous keys v1", &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        Self { key }
    }

    /// A person's key: 128 bits of HMAC-SHA256, in hex.
    pub fn of(&self, person: Uuid) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(person.as_bytes());
        let digest = mac.finalize().into_bytes();
        digest[..16].iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_per_secret_and_reveal_nothing() {
        let a = Keys::from_token_secret(&[1; 32]);
        let person = Uuid::from_u128(42);
        assert_eq!(a.of(person), a.of(person));
        assert_eq!(a.of(person).len(), 32);
        assert_ne!(a.of(person), a.of(Uuid::from_u128(43)));
        assert_ne!(a.of(person), Keys::from_token_secret(&[2; 32]).of(person));
        assert!(!a.of(person).contains(&person.simple().to_string()));
    }
}
