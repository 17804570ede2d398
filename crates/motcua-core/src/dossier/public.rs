//! What anyone may learn of a dossier from its code (tra cứu hồ sơ): its procedure, status,
//! dates and progress, with the applicant's name masked. Kept beside the state, written in the
//! same transaction, so a public lookup reads a few hundred bytes instead of decoding the whole
//! state (every document, payment and pause) to answer with a handful of fields.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::{Dossier, DossierId};

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

/// Crockford's base32: no I, L, O or U, so a check read aloud or copied by hand survives.
const CHECK_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The check printed on the receipt beside the code (mã kiểm tra): codes are sequential per
/// agency and day, so a code alone could be guessed; the lookup needs both. Six characters
/// (30 bits) from the last bytes of the dossier's id, which are random in every id motcua
/// makes (v4 and v7) and which nothing public shows.
pub fn lookup_check(id: DossierId) -> String {
    let mut n = id.0.as_u128();
    (0..6)
        .map(|_| {
            let c = CHECK_ALPHABET
                .get(usize::try_from(n & 31).unwrap_or(0))
                .copied()
                .unwrap_or(b'0');
            n >>= 5;
            char::from(c)
        })
        .collect()
}

/// Whether `typed` is the check of `id`, however it was typed: case, spaces and dashes do
/// not matter, and O, I and L are read as 0, 1 and 1.
pub fn check_matches(id: DossierId, typed: &str) -> bool {
    let typed: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    typed == lookup_check(id)
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

#[cfg(test)]
mod check_tests {
    use super::*;

    #[test]
    fn the_check_is_six_unambiguous_characters_read_back_however_typed() {
        let id = DossierId(uuid::Uuid::from_u128(
            0x0193_0000_0000_7000_8000_0000_dead_beef,
        ));
        let check = lookup_check(id);
        assert_eq!(check.len(), 6);
        assert!(check.chars().all(|c| CHECK_ALPHABET.contains(&(c as u8))));
        assert!(check_matches(id, &check.to_lowercase()));
        assert!(check_matches(
            id,
            &format!(" {}-{} ", &check[..3], &check[3..])
        ));
        assert!(!check_matches(id, "000000"));
        let other = DossierId(uuid::Uuid::from_u128(
            0x0193_0000_0000_7000_8000_0000_dead_bef0,
        ));
        assert_ne!(lookup_check(other), check);
    }
}
