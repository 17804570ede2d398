//! Lifespan versioning (LADM VersionedObject): each version of an object lives from `begin`
//! until `end` (open while current). Versions of one object never overlap and follow each
//! other without gaps, except where the object was retired (no version after an `end`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::{LandObject, ObjectId};

/// One version of a register object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    /// The object.
    pub object: ObjectId,
    /// 1 for the first version, then one more each change.
    pub version: u32,
    /// When it began to hold.
    pub begin: DateTime<Utc>,
    /// When it stopped holding (`None`: current).
    pub end: Option<DateTime<Utc>>,
    /// The dossier whose change made it (`None` for a loaded register).
    pub dossier: Option<String>,
    /// The object as it stood (a retired object simply has no open version).
    pub value: LandObject,
}

impl Version {
    /// Whether it held at instant `t`.
    pub fn holds_at(&self, t: DateTime<Utc>) -> bool {
        self.begin <= t && self.end.is_none_or(|e| t < e)
    }
}

/// The version of `object` that held at `t`, from its versions (any order).
pub fn as_of(versions: &[Version], t: DateTime<Utc>) -> Option<&Version> {
    versions.iter().find(|v| v.holds_at(t))
}

/// The current version, if the object is not retired.
pub fn current(versions: &[Version]) -> Option<&Version> {
    versions.iter().find(|v| v.end.is_none())
}
