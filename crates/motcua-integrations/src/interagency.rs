//! Inter-agency exchanges (liên thông): the dossier's data to the tax authority, and the
//! checks on what the tax authority and the treasury send back (HMAC-SHA256 with each one's
//! own key), read into the shapes motcua acts on.

use motcua_store::{Db, OutboxMessage};
use serde::Deserialize;

use crate::Systems;
use crate::dispatch::DeliverError;
use crate::payment::verify_signed;

/// A tax authority's notice of the financial obligation (thông báo nộp tiền).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TaxNotice {
    /// Dossier code.
    #[serde(rename = "MaHoSo")]
    pub dossier_code: String,
    /// Notice number.
    #[serde(rename = "SoThongBao")]
    pub number: String,
    /// Amounts.
    #[serde(rename = "CacKhoanNop")]
    pub items: Vec<TaxItem>,
}

/// One amount of a tax notice.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TaxItem {
    /// Code (`le-phi-truoc-ba`, `thue-tncn`, `tien-su-dung-dat`).
    #[serde(rename = "Ma")]
    pub code: String,
    /// Name.
    #[serde(rename = "Ten")]
    pub name: String,
    /// Amount in đồng.
    #[serde(rename = "SoTien")]
    pub amount: i64,
}

/// The treasury's confirmation that an obligation was paid.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TreasuryConfirmation {
    /// Dossier code.
    #[serde(rename = "MaHoSo")]
    pub dossier_code: String,
    /// The payment's transaction id.
    #[serde(rename = "MaGiaoDich")]
    pub transaction_id: String,
    /// Amount in đồng.
    #[serde(rename = "SoTien")]
    pub amount: i64,
}

impl Systems {
    /// Reads a tax notice; `None` unless the tax authority's signature verifies.
    pub fn verify_tax_notice(&self, body: &[u8], signature: &str) -> Option<TaxNotice> {
        verify_signed(&self.config.tax_secret, body, signature)
    }

    /// Reads a treasury confirmation; `None` unless the treasury's signature verifies.
    pub fn verify_treasury(&self, body: &[u8], signature: &str) -> Option<TreasuryConfirmation> {
        verify_signed(&self.config.treasury_secret, body, signature)
    }
}

/// Sends the tax authority a dossier's data (the outbox's `tax.request`).
pub(crate) async fn deliver(
    _db: &Db,
    systems: &Systems,
    message: &OutboxMessage,
) -> Result<(), DeliverError> {
    let mut request = message.payload.0.clone();
    if let Some(map) = request.as_object_mut() {
        map.insert(
            "callback_url".into(),
            format!("{}/api/v1/lien-thong/thue", systems.config.public_url).into(),
        );
    }
    systems
        .post_json(
            "cơ quan thuế",
            format!("{}/ho-so", systems.config.tax_url.trim_end_matches('/')),
            &message.idempotency_key,
            &request,
        )
        .await?;
    Ok(())
}
