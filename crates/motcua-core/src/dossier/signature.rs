//! A digital signature's verdict on a dossier's result or one of its documents (xác thực chữ
//! ký số): recorded only by the system that verified it (the app's signature service, after
//! it checked the file against the trust anchors), never on a caller's word. A valid verdict
//! makes the result or document "signed" (ký số) and its file the signed one; an invalid
//! one is kept with its reason, for the page to show, and changes nothing else.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What was signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignedTarget {
    /// The result (kết quả giải quyết).
    Result,
    /// The draft of the result (dự thảo kết quả) the leader signs at the signing step.
    Draft,
    /// A submitted document, by its position in the dossier.
    Document {
        /// Its index in the dossier's documents.
        index: usize,
    },
}

/// The verdict on one file's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureCheck {
    /// What it is about.
    pub target: SignedTarget,
    /// Content hash of the file checked.
    pub file: String,
    /// The signature verified.
    pub valid: bool,
    /// The signer (certificate subject), when one was read.
    pub signer: String,
    /// The certificate's issuer.
    pub issuer: String,
    /// The certificate's serial number.
    pub serial: String,
    /// When the signature says it was made.
    pub signed_at: Option<DateTime<Utc>>,
    /// Why it was refused (Vietnamese), for an invalid one.
    pub reason: Option<String>,
}
