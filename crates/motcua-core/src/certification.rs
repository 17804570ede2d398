//! Certified electronic copies from originals (chứng thực bản sao điện tử từ bản chính,
//! Decree 23/2015/NĐ-CP as amended, Decree 45/2020/NĐ-CP): the officer compares the paper
//! original with its scan, certifies the scan with the agency's digital signature and records
//! it in the certification register (sổ chứng thực) under the next number of the year; the
//! citizen downloads it and reuses it in later filings. Indicator 4.6 counts the electronic
//! copies among all copies certified.
//!
//! Pure: the register entry, its fee and its checks. Numbers are allocated by the store.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AgencyCode, CitizenId, TaxCode};
use crate::limits;

crate::wire_enum! {
    /// Where a register entry stands.
    pub enum CopyStatus {
        /// Certified by the officer; the agency's signature on the scan is awaited.
        AwaitingSignature = "awaiting_signature",
        /// Signed and verified: the electronic copy is issued.
        Issued = "issued",
        /// A paper copy certified at the desk (counted in 4.6's denominator only).
        Paper = "paper",
    }
}

/// One entry of the certification register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertifiedCopy {
    /// Id (made by the caller).
    pub id: uuid::Uuid,
    /// The certifying agency.
    pub agency: AgencyCode,
    /// The register's year.
    pub year: i32,
    /// The number in the agency's register of that year (1, 2, …), allocated by the store.
    pub number: u32,
    /// The holder's CCCD or tax code.
    pub holder: String,
    /// The holder's name.
    pub holder_name: String,
    /// What the original is ("Giấy chứng nhận quyền sử dụng đất số CS 123456").
    pub title: String,
    /// The reusable document type (the catalogue's `reusable_type`), when it is one.
    pub document_type: Option<String>,
    /// Pages.
    pub pages: u32,
    /// The fee in đồng.
    pub fee: i64,
    /// Content hash of the scan compared with the original (none for a paper copy).
    pub scan: Option<String>,
    /// Content hash of the signed copy, once issued.
    pub file: Option<String>,
    /// The verified signer (certificate subject), once issued.
    pub signer: Option<String>,
    /// The officer who compared and certified.
    pub certified_by: String,
    /// Their name, as the register prints it.
    pub certified_by_name: String,
    /// When it was certified.
    pub certified_at: DateTime<Utc>,
    /// Where it stands.
    pub status: CopyStatus,
}

impl CertifiedCopy {
    /// The register reference people read: "số 15/2026".
    pub fn reference(&self) -> String {
        format!("{}/{}", self.number, self.year)
    }

    /// The reference another dossier names when it reuses this copy.
    pub fn reuse_key(&self) -> String {
        format!("chung-thuc:{}", self.id)
    }
}

/// The fee for certifying a copy from its original (Circular 226/2016/TT-BTC): 2,000 đồng a
/// page for the first two pages, 1,000 đồng a page from the third, at most 200,000 đồng a copy.
pub fn copy_fee(pages: u32) -> i64 {
    let pages = i64::from(pages);
    let fee = 2_000 * pages.min(2) + 1_000 * (pages - 2).max(0);
    fee.min(200_000)
}

/// What the officer typed, checked: the holder's number, the title, the pages.
pub fn check_request(
    holder: &str,
    holder_name: &str,
    title: &str,
    pages: u32,
) -> Result<(), String> {
    if CitizenId::parse(holder).is_err() && TaxCode::parse(holder).is_err() {
        return Err("số định danh cá nhân (12 chữ số) hoặc mã số thuế không hợp lệ".into());
    }
    limits::PERSON_NAME.check(holder_name)?;
    limits::TITLE.check(title)?;
    if holder_name.trim().is_empty() || title.trim().is_empty() {
        return Err("cần ghi tên người yêu cầu và tên giấy tờ được chứng thực".into());
    }
    if !(1..=500).contains(&pages) {
        return Err("số trang phải từ 1 đến 500".into());
    }
    Ok(())
}

/// Indicator 4.6 over some entries: (electronic copies issued, copies certified).
pub fn indicator(entries: &[CertifiedCopy]) -> (u64, u64) {
    let issued = entries
        .iter()
        .filter(|c| c.status == CopyStatus::Issued)
        .count();
    let certified = entries
        .iter()
        .filter(|c| c.status != CopyStatus::AwaitingSignature)
        .count();
    let n = |v: usize| u64::try_from(v).unwrap_or(u64::MAX);
    (n(issued), n(certified))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fee_is_by_page_with_a_ceiling() {
        assert_eq!(copy_fee(1), 2_000);
        assert_eq!(copy_fee(2), 4_000);
        assert_eq!(copy_fee(3), 5_000);
        assert_eq!(copy_fee(10), 12_000);
        assert_eq!(copy_fee(198), 200_000);
        assert_eq!(copy_fee(500), 200_000, "at most 200,000 đồng a copy");
    }

    #[test]
    fn requests_are_checked() {
        assert!(check_request("048190000001", "Nguyễn Văn A", "GCN CS 1", 2).is_ok());
        assert!(check_request("0401234567", "Công ty A", "Giấy phép", 1).is_ok());
        assert!(check_request("123", "Nguyễn Văn A", "GCN", 2).is_err());
        assert!(check_request("048190000001", "", "GCN", 2).is_err());
        assert!(check_request("048190000001", "A", "GCN", 0).is_err());
        assert!(check_request("048190000001", "A", &"x".repeat(301), 1).is_err());
    }
}
