//! Citizen sign-in through the national e-ID (VNeID), an OpenID Connect provider: the
//! authorization-code flow with `state` and `nonce`, and an ID token checked before anything
//! in it is believed — HS256 signature with our client secret (constant-time), issuer,
//! audience, expiry and nonce.

use chrono::{DateTime, NaiveDate, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::Sha256;

use crate::{SystemError, Systems};

const SYSTEM: &str = "VNeID";

#[derive(Debug, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: String,
}

/// What a verified ID token says of the citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Personal identification number (the subject).
    pub id_number: String,
    /// Full name.
    pub name: String,
    /// Date of birth.
    pub birth_date: Option<NaiveDate>,
    /// Electronic identity level (2 = verified in person).
    pub level: i64,
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    aud: serde_json::Value,
    exp: i64,
    #[serde(default)]
    nonce: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    birthdate: String,
    #[serde(default)]
    identity_level: i64,
}

fn invalid(cause: impl Into<String>) -> SystemError {
    SystemError::Invalid {
        system: SYSTEM,
        cause: cause.into(),
    }
}

impl Systems {
    async fn discover(&self) -> Result<Discovery, SystemError> {
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.config.oidc_issuer.trim_end_matches('/')
        );
        self.get(SYSTEM, url).await?.ok(SYSTEM)?.json(SYSTEM)
    }

    /// Where to send the citizen to sign in.
    pub async fn authorize_url(
        &self,
        state: &str,
        nonce: &str,
        redirect_uri: &str,
    ) -> Result<String, SystemError> {
        let d = self.discover().await?;
        let mut url =
            reqwest::Url::parse(&d.authorization_endpoint).map_err(|e| invalid(e.to_string()))?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("scope", "openid profile")
            .append_pair("client_id", &self.config.oidc_client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", state)
            .append_pair("nonce", nonce);
        Ok(url.into())
    }

    /// Exchanges the code for an ID token and verifies it.
    pub async fn sign_in_citizen(
        &self,
        code: &str,
        redirect_uri: &str,
        nonce: &str,
        now: DateTime<Utc>,
    ) -> Result<Identity, SystemError> {
        let d = self.discover().await?;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("client_id", self.config.oidc_client_id.as_str()),
            ("client_secret", self.config.oidc_client_secret.as_str()),
        ];
        let token: TokenResponse = self
            .call(
                SYSTEM,
                reqwest::Method::POST,
                d.token_endpoint.clone(),
                None,
                None,
                crate::exchange::Payload::Form(&form),
            )
            .await?
            .ok(SYSTEM)?
            .json(SYSTEM)?;
        verify_id_token(
            &token.id_token,
            &self.config.oidc_client_secret,
            &d.issuer,
            &self.config.oidc_client_id,
            nonce,
            now,
        )
    }
}

/// Checks an HS256 ID token and returns who it names.
pub fn verify_id_token(
    token: &str,
    secret: &str,
    issuer: &str,
    client_id: &str,
    nonce: &str,
    now: DateTime<Utc>,
) -> Result<Identity, SystemError> {
    let mut parts = token.split('.');
    let (Some(header_b64), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid("ID token không đúng dạng JWT"));
    };
    let header: serde_json::Value = serde_json::from_slice(
        &base64url_decode(header_b64).ok_or_else(|| invalid("phần đầu JWT hỏng"))?,
    )
    .map_err(|e| invalid(e.to_string()))?;
    if header.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
        return Err(invalid("thuật toán ký ID token không được chấp nhận"));
    }
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .map_err(|e| invalid(e.to_string()))?;
    mac.update(format!("{header_b64}.{payload}").as_bytes());
    let signature = base64url_decode(signature).ok_or_else(|| invalid("chữ ký JWT hỏng"))?;
    mac.verify_slice(&signature)
        .map_err(|_| invalid("chữ ký ID token không hợp lệ"))?;
    let claims: Claims = serde_json::from_slice(
        &base64url_decode(payload).ok_or_else(|| invalid("nội dung JWT hỏng"))?,
    )
    .map_err(|e| invalid(e.to_string()))?;
    if claims.iss != issuer {
        return Err(invalid("ID token của nơi phát hành khác"));
    }
    let audience_ok = match &claims.aud {
        serde_json::Value::String(a) => a == client_id,
        serde_json::Value::Array(all) => all.iter().any(|a| a.as_str() == Some(client_id)),
        _ => false,
    };
    if !audience_ok {
        return Err(invalid("ID token không dành cho motcua"));
    }
    if claims.exp <= now.timestamp() {
        return Err(invalid("ID token đã hết hạn"));
    }
    if claims.nonce != nonce {
        return Err(invalid("nonce không khớp (có thể là phát lại)"));
    }
    Ok(Identity {
        id_number: claims.sub,
        name: claims.name,
        birth_date: NaiveDate::parse_from_str(&claims.birthdate, "%Y-%m-%d").ok(),
        level: claims.identity_level,
    })
}

/// Base64url (RFC 4648 §5) without padding; `None` for anything else.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0u32;
    for c in text.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xFF).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(secret: &str, change: impl FnOnce(&mut serde_json::Value)) -> String {
        let mut claims = serde_json::json!({
            "iss": "http://idp/oidc", "sub": "048194000000", "aud": "motcua",
            "exp": 2_000_000_000i64, "nonce": "n1", "name": "Hồ Ngọc Lan",
            "birthdate": "1994-04-11", "identity_level": 2,
        });
        change(&mut claims);
        motcua_sim::jwt_hs256(secret, &claims)
    }

    fn check(t: &str) -> Result<Identity, SystemError> {
        let now = DateTime::from_timestamp(1_900_000_000, 0).unwrap();
        verify_id_token(t, "secret", "http://idp/oidc", "motcua", "n1", now)
    }

    #[test]
    fn only_a_genuine_fresh_token_for_us_with_our_nonce_is_believed() {
        let ok = check(&token("secret", |_| {})).unwrap();
        assert_eq!(ok.id_number, "048194000000");
        assert_eq!(ok.birth_date, NaiveDate::from_ymd_opt(1994, 4, 11));
        assert!(
            check(&token("other", |_| {})).is_err(),
            "signed with another key"
        );
        assert!(check(&token("secret", |c| c["iss"] = "http://evil/oidc".into())).is_err());
        assert!(check(&token("secret", |c| c["aud"] = "someone-else".into())).is_err());
        assert!(
            check(&token("secret", |c| c["exp"] = 1_000.into())).is_err(),
            "expired"
        );
        assert!(check(&token("secret", |c| c["nonce"] = "replayed".into())).is_err());
        let good = token("secret", |_| {});
        let mut parts: Vec<&str> = good.split('.').collect();
        let other = token("secret", |c| c["sub"] = "001082000001".into());
        parts[1] = other.split('.').nth(1).unwrap();
        assert!(
            check(&parts.join(".")).is_err(),
            "payload swapped under a valid signature"
        );
        assert!(check("not.a.jwt.at-all").is_err());
    }

    #[test]
    fn base64url_decodes_the_rfc_examples() {
        assert_eq!(base64url_decode("Zm9vYg").unwrap(), b"foob");
        assert_eq!(base64url_decode("-_8").unwrap(), [0xfb, 0xff]);
        assert!(base64url_decode("a+b").is_none());
    }
}
