//! Single-use secrets handed to a person once and kept only as their SHA-256: refresh tokens,
//! e-mail links, sign-in tickets and recovery codes. 256 random bits make a token unguessable,
//! so a plain hash (not a slow password hash) is enough to keep a stolen database from using
//! them.

use argon2::password_hash::rand_core::{OsRng, RngCore as _};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// Longest token any endpoint reads: ours are 43 characters, anything much longer is not one.
pub const MAX_TOKEN_LEN: usize = 256;

/// A new random token (URL-safe, 43 characters) and the hash it is stored under.
pub fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&token);
    (token, hash)
}

/// The stored form of a token or code.
pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Letters of recovery codes: no 0/O, 1/I/L, so a code read off paper is typed right.
const CODE_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// `n` recovery codes like `k7mq-x2fp-9bwe` (about 64 bits each).
pub fn recovery_codes(n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            let mut code = String::with_capacity(14);
            for i in 0..12 {
                if i > 0 && i % 4 == 0 {
                    code.push('-');
                }
                let pick = (OsRng.next_u32() as usize) % CODE_ALPHABET.len();
                code.push(char::from(CODE_ALPHABET[pick]));
            }
            code
        })
        .collect()
}

/// A fresh set of `n` recovery codes and the hashes they are stored under.
pub fn recovery_code_set(n: usize) -> (Vec<String>, Vec<Vec<u8>>) {
    let codes = recovery_codes(n);
    let hashes = codes.iter().map(|code| hash(code)).collect();
    (codes, hashes)
}

/// A recovery code as typed (any case, with or without dashes or spaces) in its stored form's
/// spelling, or `None` when it cannot be one.
pub fn normalize_recovery_code(typed: &str) -> Option<String> {
    let letters: String =
        typed.chars().filter(|c| !matches!(c, '-' | ' ' | '\t')).map(|c| c.to_ascii_lowercase()).collect();
    if letters.len() != 12 || !letters.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        return None;
    }
    Some(format!("{}-{}-{}", &letters[..4], &letters[4..8], &letters[8..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, hash_a) = new_token();
        let (b, _) = new_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert_eq!(hash(&a), hash_a);
    }

    #[test]
    fn recovery_codes_read_back_however_typed() {
        let codes = recovery_codes(10);
        assert_eq!(codes.len(), 10);
        for code in &codes {
            assert_eq!(code.len(), 14, "{code}");
            assert_eq!(normalize_recovery_code(code).as_deref(), Some(code.as_str()));
            let typed = code.replace('-', " ").to_uppercase();
            assert_eq!(normalize_recovery_code(&typed).as_deref(), Some(code.as_str()));
        }
        assert_eq!(normalize_recovery_code("short"), None);
        assert_eq!(normalize_recovery_code("0000-1111-oooo"), None, "letters never used");
    }
}
