//! The payment gateway: make an order carrying the dossier code, send the citizen to the
//! gateway's page, and believe a callback only when its HMAC-SHA256 signature (header
//! `X-Signature`, hex) verifies with the shared key — compared in constant time.

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::{SystemError, Systems};

const SYSTEM: &str = "cổng thanh toán";

/// An order the gateway accepted.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CreatedOrder {
    /// The gateway's transaction id.
    pub transaction_id: String,
    /// Where the citizen pays (absolute).
    pub payment_url: String,
}

/// What a callback says (after its signature checked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callback {
    /// The gateway's transaction id.
    pub transaction_id: String,
    /// The dossier code the order carried.
    pub order_code: String,
    /// Amount in đồng.
    pub amount: i64,
    /// `PAID` when paid.
    pub status: String,
}

impl Systems {
    /// Makes an order for `amount` đồng carrying the dossier code.
    pub async fn create_order(
        &self,
        dossier_code: &str,
        amount: i64,
        description: &str,
        return_url: &str,
        obligation: bool,
    ) -> Result<CreatedOrder, SystemError> {
        let base = self.config.payment_url.trim_end_matches('/');
        let body = serde_json::json!({
                "order_code": dossier_code,
                "amount": amount,
                "description": description,
                "callback_url": format!("{}/api/v1/payments/callback", self.config.public_url),
                "return_url": return_url,
                "purpose": if obligation { "obligation" } else { "fees" },
                "treasury_callback_url": format!("{}/api/v1/lien-thong/kho-bac", self.config.public_url),
        });
        let mut order: CreatedOrder = self
            .call(
                SYSTEM,
                reqwest::Method::POST,
                format!("{base}/orders"),
                None,
                None,
                crate::exchange::Payload::Json(&body),
            )
            .await?
            .ok(SYSTEM)?
            .json(SYSTEM)?;
        if order.payment_url.starts_with('/') {
            // The gateway answers with a path on its own host.
            let origin = reqwest::Url::parse(base)
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_default();
            order.payment_url = format!("{origin}{}", order.payment_url);
        }
        Ok(order)
    }

    /// Checks a callback's signature and reads it; `None` when the signature is wrong.
    pub fn verify_callback(&self, body: &[u8], signature_hex: &str) -> Option<Callback> {
        verify_signed(&self.config.payment_secret, body, signature_hex)
    }
}

/// Reads a body signed with HMAC-SHA256 under `secret` (signature in hex, compared in
/// constant time); `None` when the signature is missing or wrong, or the body unreadable.
pub fn verify_signed<T: serde::de::DeserializeOwned>(
    secret: &str,
    body: &[u8],
    signature_hex: &str,
) -> Option<T> {
    if secret.is_empty() {
        return None;
    }
    let signature = hex_decode(signature_hex.trim())?;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(body);
    mac.verify_slice(&signature).ok()?;
    serde_json::from_slice(body).ok()
}

/// Hex text to bytes; `None` for anything else.
pub(crate) fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}
