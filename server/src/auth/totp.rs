//! The TOTP second factor (RFC 6238 with the parameters every authenticator app reads: SHA-1,
//! six digits, 30-second steps), with one step of clock drift either way. A code is accepted
//! once: the step it matched is stored, and a code for that step or an earlier one is refused.

use totp_rs::{Algorithm, Secret, TOTP};

/// Name shown in authenticator apps next to the account.
pub const ISSUER: &str = "Mingle";
const DIGITS: usize = 6;
const STEP_SECS: u64 = 30;
/// Steps of drift accepted either side of the server's clock.
const SKEW: u64 = 1;

/// A new random secret (160 bits, base32).
pub fn new_secret() -> String {
    // `to_encoded` answers the `Encoded` form, whose `Display` is the base32 text.
    Secret::generate_secret().to_encoded().to_string()
}

fn totp(secret: &str, account: &str) -> anyhow::Result<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().map_err(|e| anyhow::anyhow!("TOTP secret: {e:?}"))?;
    // `:` separates issuer and account in the URI's label.
    let account = account.replace(':', " ");
    TOTP::new(Algorithm::SHA1, DIGITS, 0, STEP_SECS, bytes, Some(ISSUER.to_owned()), account)
        .map_err(|e| anyhow::anyhow!("TOTP parameters: {e:?}"))
}

/// The `otpauth://` URI an authenticator app reads (from a QR code or pasted).
pub fn uri(secret: &str, account: &str) -> anyhow::Result<String> {
    Ok(totp(secret, account)?.get_url())
}

/// The time step `code` is valid for at `now_secs` (within the drift allowed), if any. Codes
/// are compared in constant time.
pub fn matching_step(secret: &str, code: &str, now_secs: u64) -> anyhow::Result<Option<i64>> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let totp = totp(secret, "")?;
    let now = now_secs / STEP_SECS;
    for step in now.saturating_sub(SKEW)..=now + SKEW {
        let expected = totp.generate(step * STEP_SECS);
        if constant_time_eq(expected.as_bytes(), code.as_bytes()) {
            return Ok(i64::try_from(step).ok());
        }
    }
    Ok(None)
}

/// The code for `now_secs` (what an authenticator app shows); for tests and the demo.
pub fn code_at(secret: &str, now_secs: u64) -> anyhow::Result<String> {
    Ok(totp(secret, "")?.generate(now_secs))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_sha1_vectors() -> anyhow::Result<()> {
        // RFC 6238 appendix B's SHA-1 key "12345678901234567890", last six digits of each value.
        let secret = Secret::Raw(b"12345678901234567890".to_vec()).to_encoded().to_string();
        for (time, code) in [(59, "287082"), (1_111_111_109, "081804"), (2_000_000_000, "279037")] {
            assert_eq!(code_at(&secret, time)?, code);
            assert_eq!(matching_step(&secret, code, time)?, Some(i64::try_from(time / 30)?));
        }
        Ok(())
    }

    #[test]
    fn one_step_of_drift_and_no_more() -> anyhow::Result<()> {
        let secret = new_secret();
        let now = 1_800_000_000;
        let code = code_at(&secret, now)?;
        assert!(matching_step(&secret, &code, now + 30)?.is_some(), "a phone 30 s behind");
        assert!(matching_step(&secret, &code, now - 30)?.is_some(), "a phone 30 s ahead");
        assert!(matching_step(&secret, &code, now + 90)?.is_none(), "too old");
        assert!(matching_step(&secret, "12345", now)?.is_none());
        assert!(matching_step(&secret, "abcdef", now)?.is_none());
        assert_eq!(matching_step(&secret, &format!("{} {}", &code[..3], &code[3..]), now)?, Some(60_000_000));
        Ok(())
    }

    #[test]
    fn the_uri_names_issuer_and_account() -> anyhow::Result<()> {
        let secret = new_secret();
        let uri = uri(&secret, "ada@example.org")?;
        assert!(uri.starts_with("otpauth://totp/Mingle:ada%40example.org?secret="), "{uri}");
        assert!(uri.contains("issuer=Mingle"), "{uri}");
        Ok(())
    }
}
