//! Side effects a change owes the world, decided here as a pure function of the change: the
//! portal sync message, requests to the tax authority, notices to the applicant (and, as they
//! come, the KPI rollups). The store writes them as outbox rows in the command's own
//! transaction, so nothing is sent for a change that did not commit, nor lost for one that did;
//! it does not choose them.

use serde_json::{Value, json};

use crate::dossier::{Dossier, Event};
use crate::interagency::tax_requests;
use crate::notify::notices;

/// The outbox topic of dossier changes (national-portal sync, and whatever else follows them).
pub const CHANGED_TOPIC: &str = "dossier.changed";

/// The outbox topic of requests to the tax authority (financial obligation).
pub const TAX_TOPIC: &str = "tax.request";

/// The outbox topic of messages to applicants.
pub const NOTIFY_TOPIC: &str = "notify";

/// The outbox topic of filings into the applicant's personal data store on the national
/// portal (kho dữ liệu điện tử của tổ chức, cá nhân).
pub const STORE_TOPIC: &str = "store.file";

/// One message to deliver after the change commits.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    /// Which consumer delivers it.
    pub topic: &'static str,
    /// Unique per message: a consumer that sees a key twice drops the repeat.
    pub key: String,
    /// What to deliver.
    pub payload: Value,
}

/// The messages owed by `events`, which took the dossier from version `from_version` to
/// `after` (the state they built).
pub fn effects(
    after: &Dossier,
    from_version: u64,
    events: &[Event],
) -> Result<Vec<Effect>, serde_json::Error> {
    // An import tells no one: the other system told the applicant and the portal already.
    if events.iter().all(|e| matches!(e, Event::Imported { .. })) {
        return Ok(Vec::new());
    }
    let id = after.id.0;
    let to_seq = after.version;
    let mut out = vec![Effect {
        topic: CHANGED_TOPIC,
        key: format!("{id}:{to_seq}"),
        payload: json!({
            "dossier_id": id,
            "code": after.code,
            "status": after.status,
            "from_seq": from_version + 1,
            "to_seq": to_seq,
            "sub_dossier": after.is_sub_dossier(),
        }),
    }];
    for (i, request) in tax_requests(after, events).into_iter().enumerate() {
        out.push(Effect {
            topic: TAX_TOPIC,
            key: format!("{id}:{to_seq}:tax:{i}"),
            payload: request,
        });
    }
    // What the applicant must be told goes out with the change, never without it.
    for (i, notice) in notices(after, events).into_iter().enumerate() {
        out.push(Effect {
            topic: NOTIFY_TOPIC,
            key: format!("{id}:{to_seq}:notify:{i}"),
            payload: serde_json::to_value(&notice)?,
        });
    }
    for (i, filing) in filings(after, events).into_iter().enumerate() {
        out.push(Effect {
            topic: STORE_TOPIC,
            key: format!("{id}:{to_seq}:store:{i}"),
            payload: filing,
        });
    }
    Ok(out)
}

/// What goes into the applicant's data store after `events`: the documents the agency
/// accepted with their files (at receipt, and a supplement's once received), and the
/// electronic result once recorded. A reused document is not filed again.
fn filings(after: &Dossier, events: &[Event]) -> Vec<Value> {
    let document = |index: usize| {
        let d = after.documents.get(index)?;
        // A reused document is in the store already (filed from where it was first
        // accepted, or taken from there).
        if d.reused_from.is_some() || d.from_personal_store || d.replaced_by.is_some() {
            return None;
        }
        let file = d.file.as_ref()?;
        Some(json!({"kind": "document", "index": index, "file": file}))
    };
    let mut out = Vec::new();
    if after.is_sub_dossier() {
        // An agency's sub-dossier is the agencies' business, not a document of the citizen.
        return out;
    }
    for event in events {
        match event {
            Event::Accepted { .. } => {
                out.extend((0..after.documents.len()).filter_map(document));
            }
            Event::SupplementReceived { documents, .. } if after.received_at.is_some() => {
                let first = after.documents.len().saturating_sub(documents.len());
                out.extend((first..after.documents.len()).filter_map(document));
            }
            Event::DocumentDigitised { index, .. } if after.received_at.is_some() => {
                out.extend(document(*index));
            }
            Event::ResultRecorded { result, .. } => {
                if let (Some(file), true) = (&result.file, result.electronic) {
                    out.push(json!({"kind": "result", "file": file}));
                }
            }
            _ => {}
        }
    }
    out
}
