//! Change sets: what a land dossier will do to the register, prepared by the specialist from
//! the register's current state and applied, all or nothing, in the transaction of the step
//! that approves it. Each operation names the version it was prepared against; if another
//! change moved that object since, the whole set is refused as a conflict — when the second
//! set is prepared, and again when it is applied.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::history::{Version, current};
use super::model::{LandObject, ObjectId};

/// One operation on the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// A new object (first registration: the parcel, its rights, the certificate).
    Create {
        /// Its identity (chosen when the set is prepared).
        object: ObjectId,
        /// What it is.
        value: LandObject,
    },
    /// A new version of an object (new holders, cleared address, new shares).
    Update {
        /// Which.
        object: ObjectId,
        /// The version it was prepared against.
        base: u32,
        /// What it becomes.
        value: LandObject,
    },
    /// The object stops holding (a debt cleared, a certificate replaced).
    Retire {
        /// Which.
        object: ObjectId,
        /// The version it was prepared against.
        base: u32,
    },
}

impl Op {
    /// The object it touches.
    pub fn object(&self) -> ObjectId {
        match self {
            Self::Create { object, .. }
            | Self::Update { object, .. }
            | Self::Retire { object, .. } => *object,
        }
    }
}

/// Why a change set cannot apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// Another change moved an object since the set was prepared.
    #[error("{object:?} đã được hồ sơ {by} thay đổi (phiên bản {current}) sau khi chuẩn bị")]
    Moved {
        /// Which object.
        object: ObjectId,
        /// The version it stands at now.
        current: u32,
        /// The dossier that moved it (empty when loaded).
        by: String,
    },
    /// The object is retired, or does not exist.
    #[error("{0:?} không còn trong sổ địa chính")]
    Gone(ObjectId),
    /// The object to create exists already.
    #[error("{0:?} đã có trong sổ địa chính")]
    Exists(ObjectId),
    /// The set touches one object twice, or a value is of another kind than its id.
    #[error("bộ thay đổi không hợp lệ: {0}")]
    Invalid(String),
}

/// The versions a change set ends (their `end` set) and begins, to be written together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LandWrite {
    /// Versions that stop holding.
    pub ended: Vec<Version>,
    /// Versions that begin.
    pub begun: Vec<Version>,
    /// The dossier that makes the change (named where an object is retired).
    #[serde(default)]
    pub dossier: Option<String>,
}

/// What a land dossier will change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSet {
    /// The dossier it belongs to (named as the source of every version it makes).
    pub dossier: String,
    /// The operations, applied together.
    pub ops: Vec<Op>,
}

impl ChangeSet {
    /// The objects it touches.
    pub fn objects(&self) -> BTreeSet<ObjectId> {
        self.ops.iter().map(Op::object).collect()
    }

    /// The parcels it bears on, given the objects' current values (`lookup`).
    pub fn parcels<'a>(
        &'a self,
        lookup: impl Fn(ObjectId) -> Option<&'a LandObject>,
    ) -> BTreeSet<Uuid> {
        let mut out = BTreeSet::new();
        for op in &self.ops {
            let o = op.object();
            match op {
                Op::Create { value, .. } | Op::Update { value, .. } => {
                    out.extend(value.parcels(o.id));
                }
                Op::Retire { .. } => {}
            }
            if let Some(v) = lookup(o) {
                out.extend(v.parcels(o.id));
            }
        }
        out
    }

    /// Checks the set against the objects' versions now (`history(object)` gives all the
    /// versions of one object) without changing anything.
    pub fn check<'a>(&self, history: impl Fn(ObjectId) -> &'a [Version]) -> Result<(), Conflict> {
        let mut seen = BTreeSet::new();
        for op in &self.ops {
            let o = op.object();
            if !seen.insert(o) {
                return Err(Conflict::Invalid(format!("{o:?} xuất hiện hai lần")));
            }
            if let Op::Create { value, .. } | Op::Update { value, .. } = op {
                if value.kind() != o.kind {
                    return Err(Conflict::Invalid(format!("{o:?} mang giá trị loại khác")));
                }
                value.check().map_err(Conflict::Invalid)?;
            }
            let versions = history(o);
            match op {
                Op::Create { .. } => {
                    if !versions.is_empty() {
                        return Err(Conflict::Exists(o));
                    }
                }
                Op::Update { base, .. } | Op::Retire { base, .. } => {
                    let Some(now) = current(versions) else {
                        return Err(Conflict::Gone(o));
                    };
                    if now.version != *base {
                        return Err(Conflict::Moved {
                            object: o,
                            current: now.version,
                            by: now.dossier.clone().unwrap_or_default(),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// Applies the set at `at`: the versions it ends (with their end set) and the versions it
    /// begins — all of them, or a conflict and nothing.
    pub fn apply<'a>(
        &self,
        history: impl Fn(ObjectId) -> &'a [Version],
        at: DateTime<Utc>,
    ) -> Result<LandWrite, Conflict> {
        self.check(&history)?;
        let mut ended = Vec::new();
        let mut begun = Vec::new();
        for op in &self.ops {
            let o = op.object();
            let previous = current(history(o));
            if let Some(p) = previous {
                if p.begin > at {
                    return Err(Conflict::Invalid(format!(
                        "{o:?} có phiên bản bắt đầu sau thời điểm áp dụng"
                    )));
                }
                let mut closed = p.clone();
                closed.end = Some(at);
                ended.push(closed);
            }
            let next = previous.map_or(1, |p| p.version + 1);
            match op {
                Op::Create { value, .. } | Op::Update { value, .. } => begun.push(Version {
                    object: o,
                    version: next,
                    begin: at,
                    end: None,
                    dossier: Some(self.dossier.clone()),
                    value: value.clone(),
                }),
                Op::Retire { .. } => {}
            }
        }
        Ok(LandWrite {
            ended,
            begun,
            dossier: Some(self.dossier.clone()),
        })
    }
}
