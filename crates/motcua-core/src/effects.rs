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
    Ok(out)
}
