//! Near-identical filings: before a desk receives a dossier, the dossiers the same applicant
//! already has for the same procedure that are still open or were filed within a day. A second
//! receipt for one request splits its history and counts twice in every figure, so the desk is
//! warned and must confirm; it is a warning, not a refusal (two parcels are two dossiers).

use chrono::TimeDelta;
use motcua_core::dossier::Status;
use motcua_core::dossier::search::query_terms;
use motcua_store::{DossierFilter, DossierSummary, ListOrder};

use crate::{App, AppError};

/// How far back a finished dossier still counts as "just filed".
const RECENT: TimeDelta = TimeDelta::hours(24);

impl App {
    /// The same applicant's dossiers for the same procedure in the province that are open or
    /// were filed in the last 24 hours, newest first (at most five).
    pub async fn similar_filings(
        &self,
        province: &str,
        applicant_number: &str,
        procedure: &str,
    ) -> Result<Vec<DossierSummary>, AppError> {
        let terms = query_terms(applicant_number);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let since = self.now() - RECENT;
        let found = self
            .db()
            .list_dossiers(&DossierFilter {
                terms,
                province: Some(province.to_owned()),
                procedure: Some(procedure.to_owned()),
                order: ListOrder::Newest,
                limit: 20,
                ..DossierFilter::default()
            })
            .await?;
        Ok(found
            .into_iter()
            .filter(|d| {
                let open = Status::parse(&d.status).is_some_and(|s| !s.is_terminal());
                open || d.submitted_at >= since
            })
            .take(5)
            .collect())
    }
}
