//! Dossiers brought in from another system (nhập hồ sơ từ hệ thống cũ): a province's old
//! one-stop system, or a second province's after a merger. Every such system already exports
//! the national portal's dossier record (`DongBoHoSoMC`, see [`crate::dvcqg`]); [`record`]
//! reads one into a [`Legacy`] dossier, refusing it field by field with the reason in
//! Vietnamese, and [`build`] turns it into our state once the caller has placed it: our
//! procedure, our agencies, our code.
//!
//! What the other system claims about a graded fact (scanned, paid online, reused, signed,
//! population data) is kept beside the dossier as its claim and never sets our flags: a
//! record is that system's word, not the event that proves it (see `KPI.md`). Dates,
//! status, channel, fees, payments, supplement rounds and results are facts of the record
//! and count in the reports for their periods.
//!
//! A table export (CSV, XLSX: one dossier a row) comes in through a province's [`mapping`]
//! that turns each row into the same record; [`template`] writes a first mapping from a
//! sample.
//!
//! Must not: read the clock (the import's instant is given), look anything up, or write.

mod build;
mod fields;
mod mapping;
mod record;
mod template;

pub use build::{Placement, build, continue_at, digest, dossier_id};
pub use fields::{FIELDS, Field, Kind, SPREADSHEET_DATES};
pub use mapping::{Located, Mapping, parse_mapping, value_key};
pub use record::{Problem, STAMP, read_record};
pub use template::{SAMPLE_ROWS, Sample, template};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::Channel;
use crate::dossier::{Applicant, Charge, ResultRecord, Status, SupplementRound};

/// A dossier as another system exported it, read and checked, before it is placed in ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Legacy {
    /// Its code there (MaHoSo): kept as our dossier's external code.
    pub code: String,
    /// The other system's local code (MaHoSoDiaPhuong), when it differs.
    pub local_code: Option<String>,
    /// The procedure's code there (MaTTHC).
    pub procedure: String,
    /// The desk that received it there (DonViTiepNhan).
    pub receiving: String,
    /// The agency that resolved it there (DonViXuLy).
    pub resolving: String,
    /// Applicant.
    pub applicant: Applicant,
    /// How it came in.
    pub channel: Channel,
    /// Where it stood there.
    pub status: Status,
    /// Filed.
    pub submitted_at: DateTime<Utc>,
    /// Accepted at the desk.
    pub received_at: Option<DateTime<Utc>>,
    /// The due instant it was given (NgayHenTra).
    pub due_at: Option<DateTime<Utc>>,
    /// Handling finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// Result returned.
    pub returned_at: Option<DateTime<Utc>>,
    /// The documents filed: code and name.
    pub documents: Vec<(String, String)>,
    /// The documents whose file the record names (TepTin): position and path, inside the
    /// folder of files given with the export. Absent from what older records hashed to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<(usize, String)>,
    /// Charges due (the record does not tell fees from obligations).
    pub fees: Vec<Charge>,
    /// Payments, as recorded there.
    pub payments: Vec<LegacyPayment>,
    /// Supplement rounds.
    pub supplements: Vec<SupplementRound>,
    /// Results (the first is the dossier's).
    pub results: Vec<ResultRecord>,
    /// What the other system claims about graded facts.
    pub claims: Claims,
}

/// A payment as the other system recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyPayment {
    /// Transaction or receipt number.
    pub reference: String,
    /// Amount in đồng.
    pub amount: i64,
    /// When.
    pub at: DateTime<Utc>,
}

/// The other system's word on the facts a province is graded on: shown, never counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Documents it says were digitised.
    pub digitised: u32,
    /// Documents it says were reused.
    pub reused: u32,
    /// Payments it says were made online.
    pub paid_online: u32,
    /// Results it says were digitally signed.
    pub signed: u32,
    /// Whether it says the applicant's data came from the population register.
    pub population_data: bool,
}

/// Where an imported dossier came from (kept in its state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The source system as the import named it (e.g. "Một cửa Bình Định").
    pub source: String,
    /// When it was imported.
    pub imported_at: DateTime<Utc>,
    /// The other system's local code, when it differs from the external code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_code: Option<String>,
    /// The procedure and agencies as the other system named them.
    pub procedure: String,
    /// The receiving desk there.
    pub receiving: String,
    /// The resolving agency there.
    pub resolving: String,
    /// Its claims on graded facts.
    pub claims: Claims,
    /// The digest of the record imported ([`digest`]).
    pub digest: String,
    /// The dossier's version once imported: a later version means it was handled here since,
    /// and a corrected record no longer restates it.
    #[serde(default)]
    pub version: u64,
    /// Handled on the ministry's central system (deployment option 2, seed MONRE 2022):
    /// pulled in for the province's reports and lookup, never handled here.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
}

#[cfg(test)]
mod mapping_tests;
#[cfg(test)]
mod tests;
