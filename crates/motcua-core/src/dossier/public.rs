//! What anyone may learn of a dossier from its code (tra cứu hồ sơ): its procedure, status,
//! dates and progress, with the applicant's name masked. Kept beside the state, written in the
//! same transaction, so a public lookup reads a few hundred bytes instead of decoding the whole
//! state (every document, payment and pause) to answer with a handful of fields.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::Dossier;

/// The public view of a dossier; its JSON is the public lookup's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicView {
    /// Dossier code.
    pub code: String,
    /// Procedure code.
    pub procedure_code: String,
    /// The applicant's name, all but the given name masked.
    pub applicant: String,
    /// Status (wire name).
    pub status: String,
    /// Status, in Vietnamese.
    pub status_label: String,
    /// Received (the clock started).
    pub received_at: Option<DateTime<Utc>>,
    /// The appointment the applicant was given.
    pub due_at: Option<DateTime<Utc>>,
    /// Returned to the applicant.
    pub returned_at: Option<DateTime<Utc>>,
    /// The steps so far.
    pub steps: Vec<PublicStep>,
}

/// One step, as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicStep {
    /// Step name.
    pub name: String,
    /// Started.
    pub started_at: DateTime<Utc>,
    /// Finished.
    pub finished_at: Option<DateTime<Utc>>,
}

impl PublicView {
    /// The view of `d`.
    pub fn of(d: &Dossier) -> Self {
        Self {
            code: d.code.to_string(),
            procedure_code: d.procedure.to_string(),
            applicant: mask_name(d.applicant.name()),
            status: d.status.as_str().to_owned(),
            status_label: d.status.label_vi().to_owned(),
            received_at: d.received_at,
            due_at: d.appointment.as_ref().map(|a| a.current_due),
            returned_at: d.returned_at,
            steps: d
                .steps
                .iter()
                .map(|s| PublicStep {
                    name: s.name.clone(),
                    started_at: s.started_at,
                    finished_at: s.finished_at,
                })
                .collect(),
        }
    }
}

/// The name with all but the given name masked ("N*** T** Lan"): enough for the applicant to
/// recognise their dossier, not enough for a stranger to learn who filed it.
pub fn mask_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == last {
                (*w).to_owned()
            } else {
                let mut chars = w.chars();
                let first: String = chars.next().map(String::from).unwrap_or_default();
                format!("{first}{}", "*".repeat(chars.count()))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
