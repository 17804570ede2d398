//! Each procedure's change set, built from a small register: what it touches and what it
//! leaves alone.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::*;

fn at() -> DateTime<Utc> {
    "2026-03-02T02:00:00Z".parse().unwrap_or_default()
}

fn v(kind: ObjectKind, n: u128, value: LandObject) -> Version {
    Version {
        object: ObjectId {
            kind,
            id: Uuid::from_u128(n),
        },
        version: 1,
        begin: at(),
        end: None,
        dossier: None,
        value,
    }
}

fn source() -> Source {
    Source {
        kind: "Hợp đồng chuyển nhượng".into(),
        reference: "123/2026/HĐCN".into(),
        date: NaiveDate::from_ymd_opt(2026, 2, 20),
    }
}

fn person(number: &str, name: &str) -> LandObject {
    LandObject::Party(Party {
        kind: PartyKind::Person,
        number: number.into(),
        name: name.into(),
        address: "Phường Hải Châu".into(),
        members: Vec::new(),
    })
}

fn rrr(kind: RrrKind, amount: Option<i64>) -> LandObject {
    LandObject::Rrr(Rrr {
        kind,
        parcel: Uuid::from_u128(10),
        asset: None,
        holders: vec![Holder {
            party: Uuid::from_u128(1),
            share_bp: 10_000,
        }],
        amount,
        source: source(),
    })
}

/// One holder (1), one parcel (10), its certificate (20), a use right (30) and a recorded
/// land-use-fee debt (31).
fn holding() -> Holding {
    Holding {
        certificate: Some(v(
            ObjectKind::Certificate,
            20,
            LandObject::Certificate(Certificate {
                serial: "DA 123456".into(),
                entry: "CS 01234".into(),
                issued_on: NaiveDate::from_ymd_opt(2020, 5, 4).unwrap_or_default(),
                issuer: "Sở Tài nguyên và Môi trường".into(),
                parcels: vec![Uuid::from_u128(10)],
                holders: vec![Holder {
                    party: Uuid::from_u128(1),
                    share_bp: 10_000,
                }],
            }),
        )),
        parcels: Vec::new(),
        parties: vec![v(
            ObjectKind::Party,
            1,
            person("048090000001", "Nguyễn Văn An"),
        )],
        rrrs: vec![
            v(ObjectKind::Rrr, 30, rrr(RrrKind::UseRight, None)),
            v(
                ObjectKind::Rrr,
                31,
                rrr(RrrKind::LandUseFeeDebt, Some(120_000_000)),
            ),
        ],
    }
}

#[test]
fn holder_information_updates_only_the_party() {
    let ops = build(
        &holding(),
        &Intent::HolderInfo {
            party: Uuid::from_u128(1),
            name: "Nguyễn Văn An".into(),
            number: "048090000001".into(),
            address: "12 Bạch Đằng, Phường Hải Châu".into(),
            source: source(),
        },
    )
    .unwrap();
    assert_eq!(ops.len(), 1);
    assert!(
        matches!(&ops[0], Op::Update { object, base: 1, value: LandObject::Party(p) }
        if object.id == Uuid::from_u128(1) && p.address.starts_with("12 Bạch Đằng"))
    );
    // A stranger to the certificate cannot be changed through it; nor can nothing change.
    let stranger = Intent::HolderInfo {
        party: Uuid::from_u128(99),
        name: "X".into(),
        number: "1".into(),
        address: String::new(),
        source: source(),
    };
    assert!(build(&holding(), &stranger).is_err());
    let same = Intent::HolderInfo {
        party: Uuid::from_u128(1),
        name: "Nguyễn Văn An".into(),
        number: "048090000001".into(),
        address: "Phường Hải Châu".into(),
        source: source(),
    };
    assert!(build(&holding(), &same).is_err());
}

#[test]
fn a_transfer_moves_rights_and_certificate_and_keeps_the_debt() {
    let to = vec![
        NewHolder {
            kind: PartyKind::Person,
            number: "048090000002".into(),
            name: "Trần Thị Bình".into(),
            address: "Phường Thanh Khê".into(),
            share_bp: 5_000,
        },
        NewHolder {
            kind: PartyKind::Person,
            number: "048090000001".into(),
            name: "Nguyễn Văn An".into(),
            address: String::new(),
            share_bp: 5_000,
        },
    ];
    let intent = Intent::Transfer {
        to,
        new_certificate: None,
        source: source(),
    };
    let h = holding();
    let ops = build(&h, &intent).unwrap();
    // A new party for Bình, the existing one reused for An; the use right and the
    // certificate updated; the debt untouched.
    let created: Vec<_> = ops
        .iter()
        .filter(|o| matches!(o, Op::Create { .. }))
        .collect();
    assert_eq!(created.len(), 1);
    assert!(ops.iter().all(|o| o.object().id != Uuid::from_u128(31)));
    assert!(ops.iter().any(|o| o.object().id == Uuid::from_u128(30)));
    let Some(Op::Update {
        value: LandObject::Certificate(c),
        ..
    }) = ops.iter().find(|o| o.object().id == Uuid::from_u128(20))
    else {
        panic!("certificate not updated: {ops:?}");
    };
    assert_eq!(c.holders.len(), 2);
    assert!(c.holders.iter().any(|x| x.party == Uuid::from_u128(1)));
    // The set applies against the register it was built from.
    let all: Vec<Version> = h
        .parties
        .iter()
        .chain(&h.rrrs)
        .chain(h.certificate.as_ref())
        .cloned()
        .collect();
    let set = ChangeSet {
        dossier: "H48.1".into(),
        ops,
    };
    let history = |o: ObjectId| -> &[Version] {
        all.iter()
            .position(|v| v.object == o)
            .and_then(|i| all.get(i..=i))
            .unwrap_or(&[])
    };
    let write = set
        .apply(history, at() + chrono::TimeDelta::days(1))
        .unwrap();
    assert_eq!(write.ended.len(), 2);
    assert_eq!(write.begun.len(), 3);
    // Shares that do not add up are refused.
    let bad = Intent::Transfer {
        to: vec![NewHolder {
            kind: PartyKind::Person,
            number: "048090000002".into(),
            name: "Trần Thị Bình".into(),
            address: String::new(),
            share_bp: 6_000,
        }],
        new_certificate: None,
        source: source(),
    };
    let ops = build(&h, &bad).unwrap();
    let set = ChangeSet {
        dossier: "H48.2".into(),
        ops,
    };
    assert!(set.check(history).is_err());
}

#[test]
fn a_suspended_parcel_cannot_be_transferred() {
    let mut h = holding();
    h.rrrs
        .push(v(ObjectKind::Rrr, 32, rrr(RrrKind::Suspension, None)));
    let intent = Intent::Transfer {
        to: vec![NewHolder {
            kind: PartyKind::Person,
            number: "048090000002".into(),
            name: "Trần Thị Bình".into(),
            address: String::new(),
            share_bp: 10_000,
        }],
        new_certificate: None,
        source: source(),
    };
    assert!(build(&h, &intent).is_err());
}

#[test]
fn clearing_debt_retires_only_debts() {
    let ops = build(
        &holding(),
        &Intent::ClearDebt {
            debts: vec![Uuid::from_u128(31)],
            source: source(),
        },
    )
    .unwrap();
    assert_eq!(
        ops,
        vec![Op::Retire {
            object: ObjectId {
                kind: ObjectKind::Rrr,
                id: Uuid::from_u128(31)
            },
            base: 1
        }]
    );
    let right = Intent::ClearDebt {
        debts: vec![Uuid::from_u128(30)],
        source: source(),
    };
    assert!(build(&holding(), &right).is_err());
}

#[test]
fn first_registration_creates_parcel_right_and_certificate() {
    let intent = Intent::FirstRegistration {
        parcel: Parcel {
            number: ParcelNumber {
                commune: "20194".into(),
                sheet: 3,
                number: 41,
            },
            area_dm2: 2_000,
            purpose: "ONT".into(),
            term_until: None,
            origin: "Công nhận quyền sử dụng đất".into(),
            address: "Thôn 2".into(),
            geometry: None,
            crs: Crs::Vn2000,
        },
        holders: vec![NewHolder {
            kind: PartyKind::Person,
            number: "048090000001".into(),
            name: "Nguyễn Văn An".into(),
            address: String::new(),
            share_bp: 10_000,
        }],
        certificate: NewCertificate {
            serial: "DB 000001".into(),
            entry: "CS 00001".into(),
            issued_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default(),
            issuer: "Sở Nông nghiệp và Môi trường".into(),
        },
        source: source(),
    };
    let ops = build(&Holding::default(), &intent).unwrap();
    let kinds: Vec<ObjectKind> = ops.iter().map(|o| o.object().kind).collect();
    assert_eq!(
        kinds,
        vec![
            ObjectKind::Party,
            ObjectKind::Parcel,
            ObjectKind::Rrr,
            ObjectKind::Certificate
        ]
    );
    let set = ChangeSet {
        dossier: "H48.3".into(),
        ops,
    };
    assert!(set.check(|_| &[]).is_ok());
}

#[test]
fn the_diff_shows_what_changed() {
    let h = holding();
    let before = &h.parties[0].value;
    let op = Op::Update {
        object: h.parties[0].object,
        base: 1,
        value: person("048090000001", "Nguyễn Văn Ân"),
    };
    let shown = display::view(&op, Some(before), &|_| String::new());
    assert_eq!(shown.action, "Sửa");
    assert_eq!(shown.lines.len(), 1);
    assert_eq!(shown.lines[0].before, "Nguyễn Văn An");
    assert_eq!(shown.lines[0].after, "Nguyễn Văn Ân");
    assert_eq!(display::area(12_055), "1.205,5 m²");
}
