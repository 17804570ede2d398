//! The population registry (CSDL quốc gia về dân cư): look a citizen up by CCCD number, to
//! prefill e-forms with data the state already holds.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::{SystemError, Systems};

const SYSTEM: &str = "CSDL quốc gia về dân cư";

/// A citizen as the registry knows them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Resident {
    /// Personal identification number.
    pub so_dinh_danh: String,
    /// Full name.
    pub ho_va_ten: String,
    /// Date of birth (YYYY-MM-DD).
    pub ngay_sinh: String,
    /// "Nam" / "Nữ".
    pub gioi_tinh: String,
    /// Permanent residence.
    pub noi_thuong_tru: String,
}

impl Resident {
    /// Date of birth, when the registry gave a full date.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.ngay_sinh, "%Y-%m-%d").ok()
    }
}

impl Systems {
    /// Looks a citizen up; `None` when the registry does not know the number.
    pub async fn resident(&self, id_number: &str) -> Result<Option<Resident>, SystemError> {
        if !id_number.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(None);
        }
        let url = format!(
            "{}/citizens/{id_number}",
            self.config.registry_url.trim_end_matches('/')
        );
        let answer = self.get(SYSTEM, url).await?;
        if answer.status == 404 {
            return Ok(None);
        }
        answer.ok(SYSTEM)?.json(SYSTEM).map(Some)
    }
}
