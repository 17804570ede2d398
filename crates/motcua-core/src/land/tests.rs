//! The register's two promises, as properties: reading "as of" any instant gives exactly the
//! state after the last change applied by then; and two change sets prepared against one
//! state that touch the same object never both apply.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;

fn parcel(area: u64) -> LandObject {
    LandObject::Parcel(Parcel {
        number: ParcelNumber {
            commune: "20194".into(),
            sheet: 12,
            number: u32::try_from(area % 1000).unwrap_or(1) + 1,
        },
        area_dm2: area,
        purpose: "ODT".into(),
        term_until: None,
        origin: "Nhà nước công nhận quyền sử dụng đất".into(),
        address: "Phường Hải Châu, Thành phố Đà Nẵng".into(),
        geometry: None,
        crs: Crs::Vn2000,
    })
}

fn object(i: u8) -> ObjectId {
    ObjectId {
        kind: ObjectKind::Parcel,
        id: Uuid::from_u128(u128::from(i) + 1),
    }
}

/// An in-memory register: every version of every object.
#[derive(Default)]
struct Register {
    versions: BTreeMap<ObjectId, Vec<Version>>,
}

impl Register {
    fn history(&self, o: ObjectId) -> &[Version] {
        self.versions.get(&o).map_or(&[], Vec::as_slice)
    }

    /// Prepares operations on `targets` against the state now: update what exists (or
    /// retire it), create what does not.
    fn prepare(&self, dossier: &str, targets: &[(u8, u64, bool)]) -> ChangeSet {
        let mut ops = Vec::new();
        for (i, area, retire) in targets {
            let o = object(*i);
            if ops.iter().any(|op: &Op| op.object() == o) {
                continue;
            }
            ops.push(match current(self.history(o)) {
                Some(v) if *retire => Op::Retire {
                    object: o,
                    base: v.version,
                },
                Some(v) => Op::Update {
                    object: o,
                    base: v.version,
                    value: parcel(*area),
                },
                None if self.history(o).is_empty() => Op::Create {
                    object: o,
                    value: parcel(*area),
                },
                // Retired: nothing more happens to it.
                None => continue,
            });
        }
        ChangeSet {
            dossier: dossier.into(),
            ops,
        }
    }

    fn apply(&mut self, set: &ChangeSet, at: DateTime<Utc>) -> Result<(), Conflict> {
        let write = set.apply(|o| self.history(o), at)?;
        for e in write.ended {
            let list = self.versions.entry(e.object).or_default();
            if let Some(v) = list.iter_mut().find(|v| v.version == e.version) {
                *v = e;
            }
        }
        for b in write.begun {
            self.versions.entry(b.object).or_default().push(b);
        }
        Ok(())
    }

    /// Every object's value now.
    fn state(&self) -> BTreeMap<ObjectId, LandObject> {
        self.versions
            .iter()
            .filter_map(|(o, vs)| current(vs).map(|v| (*o, v.value.clone())))
            .collect()
    }

    fn state_as_of(&self, t: DateTime<Utc>) -> BTreeMap<ObjectId, LandObject> {
        self.versions
            .iter()
            .filter_map(|(o, vs)| as_of(vs, t).map(|v| (*o, v.value.clone())))
            .collect()
    }
}

fn start() -> DateTime<Utc> {
    "2026-01-05T02:00:00Z".parse().unwrap_or_default()
}

fn targets() -> impl Strategy<Value = Vec<(u8, u64, bool)>> {
    prop::collection::vec((0u8..6, 1u64..100_000, prop::bool::weighted(0.15)), 1..4)
}

proptest! {
    #[test]
    fn reading_as_of_any_instant_gives_the_state_after_the_last_change_by_then(
        sets in prop::collection::vec((targets(), 1i64..500), 1..12),
        probes in prop::collection::vec(0i64..8_000, 1..20),
    ) {
        let mut register = Register::default();
        let mut at = start();
        let mut snapshots: Vec<(DateTime<Utc>, BTreeMap<ObjectId, LandObject>)> = Vec::new();
        for (n, (t, gap)) in sets.iter().enumerate() {
            at += TimeDelta::minutes(*gap);
            let set = register.prepare(&format!("HS-{n}"), t);
            if set.ops.is_empty() {
                continue;
            }
            register.apply(&set, at).unwrap();
            snapshots.push((at, register.state()));
        }
        for p in probes {
            let t = start() + TimeDelta::minutes(p);
            let expected = snapshots
                .iter()
                .rev()
                .find(|(when, _)| *when <= t)
                .map(|(_, s)| s.clone())
                .unwrap_or_default();
            prop_assert_eq!(register.state_as_of(t), expected);
        }
    }

    #[test]
    fn two_sets_prepared_together_that_share_an_object_never_both_apply(
        first in targets(),
        second in targets(),
        seed in targets(),
    ) {
        let mut register = Register::default();
        let base = register.prepare("HS-0", &seed);
        register.apply(&base, start()).unwrap();
        let a = register.prepare("HS-A", &first);
        let b = register.prepare("HS-B", &second);
        let shared = a.objects().intersection(&b.objects()).count() > 0;
        let at = start() + TimeDelta::hours(1);
        let first_applied = register.apply(&a, at).is_ok();
        let second_applied = register.apply(&b, at + TimeDelta::minutes(1)).is_ok();
        prop_assert!(first_applied || a.ops.is_empty());
        if shared {
            prop_assert!(!(first_applied && second_applied), "both applied: {a:?} {b:?}");
        } else {
            prop_assert!(second_applied || b.ops.is_empty());
        }
    }
}

#[test]
fn a_conflict_names_the_dossier_that_moved_the_parcel_and_changes_nothing() {
    let mut register = Register::default();
    register
        .apply(
            &register.prepare("HS-0", &[(0, 1500, false), (1, 900, false)]),
            start(),
        )
        .unwrap();
    let a = register.prepare("HS-A", &[(0, 1600, false)]);
    let b = register.prepare("HS-B", &[(1, 950, false), (0, 1700, false)]);
    register.apply(&a, start() + TimeDelta::hours(1)).unwrap();
    let before = register.state();
    let err = register
        .apply(&b, start() + TimeDelta::hours(2))
        .unwrap_err();
    assert!(
        matches!(&err, Conflict::Moved { current: 2, by, .. } if by == "HS-A"),
        "{err:?}"
    );
    assert_eq!(
        register.state(),
        before,
        "nothing of the refused set applied"
    );
}

#[test]
fn shares_must_make_the_whole_and_debts_an_amount() {
    let holders = |a, b| {
        vec![
            Holder {
                party: Uuid::nil(),
                share_bp: a,
            },
            Holder {
                party: Uuid::max(),
                share_bp: b,
            },
        ]
    };
    let rrr = |kind, h, amount| {
        LandObject::Rrr(Rrr {
            kind,
            parcel: Uuid::nil(),
            asset: None,
            holders: h,
            amount,
            source: Source {
                kind: "Hợp đồng".into(),
                reference: "123/2026".into(),
                date: None,
            },
        })
    };
    assert!(
        rrr(RrrKind::UseRight, holders(5_000, 5_000), None)
            .check()
            .is_ok()
    );
    let e = rrr(RrrKind::UseRight, holders(5_000, 4_000), None)
        .check()
        .unwrap_err();
    assert!(e.contains("90,00%"), "{e}");
    assert!(
        rrr(RrrKind::LandUseFeeDebt, Vec::new(), None)
            .check()
            .is_err()
    );
    assert!(
        rrr(RrrKind::LandUseFeeDebt, Vec::new(), Some(12_000_000))
            .check()
            .is_ok()
    );
}
