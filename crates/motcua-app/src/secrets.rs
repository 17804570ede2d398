//! Passwords (argon2id), one-time passwords an administrator hands over, and TOTP second
//! factors (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) with their recovery codes.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::AppError;

/// Hashes a password with argon2id and a fresh salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Invalid(format!("không băm được mật khẩu: {e}")))
}

/// Checks a password against a stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Random bytes from the operating system (through UUID v4, whose 122 random bits come from
/// the OS generator).
fn random_bytes(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 16);
    while out.len() < n {
        out.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    }
    out.truncate(n);
    out
}

/// The symbol of an alphabet at `value` modulo its length.
fn symbol(alphabet: &[u8], value: u32) -> char {
    let len = u32::try_from(alphabet.len()).unwrap_or(1).max(1);
    let i = usize::try_from(value % len).unwrap_or(0);
    alphabet.get(i).map_or('?', |b| char::from(*b))
}

/// A random secret for a session, CSRF or API token (two UUID v4: 244 random bits, hex).
pub fn new_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// SHA-256 of a token, hex: what is stored instead of the token.
pub fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Letters and digits that cannot be misread for one another on paper (no 0/O, 1/l/I).
const READABLE: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";

fn readable(n: usize) -> String {
    random_bytes(n)
        .into_iter()
        .map(|b| symbol(READABLE, u32::from(b)))
        .collect()
}

/// A one-time password to hand over: 4 groups of 4 readable characters (about 80 bits).
pub fn one_time_password() -> String {
    let raw = readable(16);
    let groups: Vec<&str> = (0..4).filter_map(|i| raw.get(i * 4..i * 4 + 4)).collect();
    groups.join("-")
}

/// Ten recovery codes (`xxxxx-xxxxx`), each usable once.
pub fn recovery_codes() -> Vec<String> {
    (0..10)
        .map(|_| {
            let raw = readable(10);
            format!("{}-{}", &raw[..5], &raw[5..])
        })
        .collect()
}

/// SHA-256 of a recovery code as typed (spaces and case ignored), hex.
pub fn recovery_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    digest(&normal)
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A new TOTP secret: 20 random bytes (160 bits, RFC 4226's recommendation), base32.
pub fn totp_secret() -> String {
    base32(&random_bytes(20))
}

/// RFC 4648 base32 without padding.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(symbol(BASE32, buffer >> bits));
        }
    }
    if bits > 0 {
        out.push(symbol(BASE32, buffer << (5 - bits)));
    }
    out
}

fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
    {
        let v = BASE32.iter().position(|x| *x == c.to_ascii_uppercase())?;
        buffer = (buffer << 5) | u32::try_from(v).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

/// The TOTP time step of a Unix time (30-second steps).
pub fn totp_step(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(30)
}

/// The 6-digit code of a secret at a time step (RFC 6238 with HMAC-SHA1).
pub fn totp_code(secret: &str, step: i64) -> Option<String> {
    let key = base32_decode(secret)?;
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).ok()?;
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest.get(19)? & 0x0f);
    let word: [u8; 4] = digest.get(offset..offset + 4)?.try_into().ok()?;
    let value = (u32::from_be_bytes(word) & 0x7fff_ffff) % 1_000_000;
    Some(format!("{value:06}"))
}

/// The step a typed code matches, allowing one step of clock drift either way.
pub fn totp_match(secret: &str, code: &str, unix_seconds: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 {
        return None;
    }
    let now = totp_step(unix_seconds);
    (now - 1..=now + 1).find(|s| totp_code(secret, *s).as_deref() == Some(code.as_str()))
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
pub fn totp_uri(secret: &str, issuer: &str, account: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (the 8-digit values' last six digits).
    #[test]
    fn totp_matches_the_rfc_6238_test_vectors() {
        let secret = base32(b"12345678901234567890");
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(totp_code(&secret, totp_step(time)).unwrap(), code, "{time}");
        }
        assert_eq!(base32_decode(&secret).unwrap(), b"12345678901234567890");
    }

    #[test]
    fn a_code_is_accepted_one_step_early_or_late_and_no_further() {
        let secret = totp_secret();
        let t = 1_700_000_000;
        let code = totp_code(&secret, totp_step(t)).unwrap();
        assert_eq!(totp_match(&secret, &code, t), Some(totp_step(t)));
        assert!(totp_match(&secret, &code, t + 30).is_some());
        assert!(totp_match(&secret, &code, t + 90).is_none());
        assert!(totp_match(&secret, "12345", t).is_none());
    }

    #[test]
    fn one_time_passwords_and_recovery_codes_are_readable_and_different() {
        let a = one_time_password();
        assert_eq!(a.len(), 19);
        assert_ne!(a, one_time_password());
        let codes = recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(
            recovery_hash(&codes[0].to_uppercase()),
            recovery_hash(&codes[0])
        );
        let p = hash_password(&a).unwrap();
        assert!(verify_password(&a, &p) && !verify_password("x", &p));
    }
}
