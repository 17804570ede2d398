//! The land register's versions on both databases: a change set's versions written together,
//! a parcel read by its number now and as it stood before, and a second change on the same
//! version refused with nothing written.

use chrono::{DateTime, TimeDelta, Utc};
use motcua_core::land::{
    ChangeSet, Crs, LandObject, ObjectId, ObjectKind, Op, Parcel, ParcelNumber,
};
use uuid::Uuid;

use crate::support;

fn number() -> ParcelNumber {
    ParcelNumber {
        commune: "20194".into(),
        sheet: 12,
        number: 345,
    }
}

pub(crate) fn parcel(area_dm2: u64) -> LandObject {
    LandObject::Parcel(Parcel {
        number: number(),
        area_dm2,
        purpose: "ODT".into(),
        term_until: None,
        origin: "Nhà nước công nhận quyền sử dụng đất".into(),
        address: "Phường Hải Châu, Thành phố Đà Nẵng".into(),
        geometry: Some(
            serde_json::json!({"type": "Polygon", "coordinates": [[[0,0],[10,0],[10,10],[0,0]]]}),
        ),
        crs: Crs::Vn2000,
    })
}

pub(crate) fn t0() -> DateTime<Utc> {
    "2026-03-02T02:00:00Z".parse().unwrap()
}

/// Applies `stale`, asserts the store refused it as a conflict, and returns the history.
async fn refused(
    db: &motcua_store::Db,
    stale: &motcua_core::land::LandWrite,
    object: Uuid,
    name: &str,
) -> Vec<motcua_core::land::Version> {
    let err = db.apply_land_versions(stale).await.unwrap_err();
    assert!(
        matches!(err, motcua_store::StoreError::Conflict(_)),
        "{name}: {err:?}"
    );
    db.land_history(&[object]).await.unwrap()
}

#[tokio::test]
async fn versions_read_now_and_as_of_and_a_stale_change_writes_nothing() {
    for t in support::all().await {
        let db = &t.db;
        let id = ObjectId {
            kind: ObjectKind::Parcel,
            id: Uuid::now_v7(),
        };
        let create = ChangeSet {
            dossier: "HS-1".into(),
            ops: vec![Op::Create {
                object: id,
                value: parcel(1_500),
            }],
        };
        let write = create.apply(|_| &[], t0()).unwrap();
        db.apply_land_versions(&write).await.unwrap();
        let history = db.land_history(&[id.id]).await.unwrap();
        assert_eq!(history.len(), 1, "{}", t.name);

        let update = ChangeSet {
            dossier: "HS-2".into(),
            ops: vec![Op::Update {
                object: id,
                base: 1,
                value: parcel(1_480),
            }],
        };
        let later = t0() + TimeDelta::days(30);
        let write = update.apply(|_| history.as_slice(), later).unwrap();
        db.apply_land_versions(&write).await.unwrap();

        let now = db.parcel_by_number(&number(), None).await.unwrap().unwrap();
        assert_eq!(
            (now.version, now.dossier.as_deref()),
            (2, Some("HS-2")),
            "{}",
            t.name
        );
        let before = db
            .parcel_by_number(&number(), Some(later - TimeDelta::seconds(1)))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(before.version, 1, "{}", t.name);
        assert_eq!(before.value, parcel(1_500), "{}", t.name);
        assert!(
            db.parcel_by_number(&number(), Some(t0() - TimeDelta::seconds(1)))
                .await
                .unwrap()
                .is_none(),
            "{}: nothing before it was registered",
            t.name
        );

        // The same update prepared against version 1 again: the store refuses it whole.
        let stale = update
            .apply(|_| history.as_slice(), later + TimeDelta::days(1))
            .unwrap();
        let all = refused(db, &stale, id.id, t.name).await;
        assert_eq!(all.len(), 2, "{}: nothing written", t.name);
        assert_eq!(all[0].end, Some(later), "{}", t.name);

        // Retired by one set, then updated by another prepared before: the new version
        // would meet no existing row, but the end it owes meets a closed one, so nothing.
        let retired_at = later + TimeDelta::days(2);
        let retire = ChangeSet {
            dossier: "HS-3".into(),
            ops: vec![Op::Retire {
                object: id,
                base: 2,
            }],
        };
        let write = retire.apply(|_| all.as_slice(), retired_at).unwrap();
        db.apply_land_versions(&write).await.unwrap();
        let late = ChangeSet {
            dossier: "HS-4".into(),
            ops: vec![Op::Update {
                object: id,
                base: 2,
                value: parcel(1_470),
            }],
        };
        let stale = late
            .apply(|_| all.as_slice(), retired_at + TimeDelta::days(1))
            .unwrap();
        let all = refused(db, &stale, id.id, t.name).await;
        assert_eq!(all.len(), 2, "{}: nothing written", t.name);
        assert_eq!(all[1].end, Some(retired_at), "{}: still retired", t.name);
    }
}

/// Runs a command on dossier `id` (a rating) that carries the register write `write`.
async fn command_writing(
    db: &motcua_store::Db,
    id: motcua_core::dossier::DossierId,
    write: motcua_core::land::LandWrite,
) -> Result<motcua_core::dossier::Dossier, motcua_store::CommandError> {
    use motcua_core::dossier::{Change, Event, Satisfaction};
    db.run_command(
        &motcua_store::Target::Existing(id),
        None,
        crate::dossiers::now(),
        "ld1",
        move |state, _| {
            let mut change = Change::new(
                state,
                vec![Event::Rated {
                    satisfaction: Satisfaction::Satisfied,
                }],
                crate::dossiers::now(),
            )?;
            change.land = Some(write);
            Ok(change)
        },
    )
    .await
}

#[tokio::test]
async fn a_commands_land_change_commits_with_it_or_neither_does() {
    use motcua_store::CommandError;
    for t in support::all().await {
        let db = &t.db;
        crate::dossiers::prepare(db).await;
        let d = crate::dossiers::receive(db, crate::dossiers::now())
            .await
            .unwrap();
        let id = ObjectId {
            kind: ObjectKind::Parcel,
            id: Uuid::now_v7(),
        };
        let run = |write| command_writing(db, d.id, write);
        let create = ChangeSet {
            dossier: d.code.to_string(),
            ops: vec![Op::Create {
                object: id,
                value: parcel(2_000),
            }],
        };
        let after = run(create.apply(|_| &[], t0()).unwrap()).await.unwrap();
        assert_eq!(after.version, d.version + 1, "{}", t.name);
        let history = db.land_history(&[id.id]).await.unwrap();
        assert_eq!(
            history[0].dossier.as_deref(),
            Some(d.code.as_str()),
            "{}",
            t.name
        );

        let update = ChangeSet {
            dossier: d.code.to_string(),
            ops: vec![Op::Update {
                object: id,
                base: 1,
                value: parcel(1_900),
            }],
        };
        let first = update
            .apply(|_| history.as_slice(), t0() + TimeDelta::hours(1))
            .unwrap();
        let stale = update
            .apply(|_| history.as_slice(), t0() + TimeDelta::hours(2))
            .unwrap();
        run(first).await.unwrap();
        let err = run(stale).await.unwrap_err();
        // The primary key met the first change's version: told as the register having moved.
        assert!(
            matches!(
                &err,
                CommandError::Store(motcua_store::StoreError::Conflict(why))
                    if why.contains("sổ địa chính")
            ),
            "{}: {err:?}",
            t.name
        );
        let now = db.dossier(d.id).await.unwrap().unwrap();
        assert_eq!(
            now.version,
            d.version + 2,
            "{}: the refused command left no event",
            t.name
        );
        assert_eq!(
            db.land_history(&[id.id]).await.unwrap().len(),
            2,
            "{}",
            t.name
        );
    }
}

fn person(name: &str, address: &str) -> LandObject {
    LandObject::Party(motcua_core::land::Party {
        kind: motcua_core::land::PartyKind::Person,
        number: "001090012345".into(),
        name: name.into(),
        address: address.into(),
        members: Vec::new(),
    })
}

/// Applies one update of `object` at `at` for dossier `dossier`.
async fn update(
    db: &motcua_store::Db,
    object: ObjectId,
    value: LandObject,
    dossier: &str,
    at: DateTime<Utc>,
) {
    let history = db.land_history(&[object.id]).await.unwrap();
    let base = history.last().unwrap().version;
    let set = ChangeSet {
        dossier: dossier.into(),
        ops: vec![Op::Update {
            object,
            base,
            value,
        }],
    };
    let write = set.apply(|_| history.as_slice(), at).unwrap();
    db.apply_land_versions(&write).await.unwrap();
}

/// Names of the parties `by_name` and `by_number` find at `at`, as (name, version).
async fn found(
    db: &motcua_store::Db,
    folded: &str,
    at: Option<DateTime<Utc>>,
) -> Vec<(String, u32)> {
    let by_name = db.parties_by_name(folded, at, 10).await.unwrap();
    let by_number = db.land_by_key("001090012345", at, 10).await.unwrap();
    let holds = db.land_held_by("001090012345", at, 10).await.unwrap();
    let mut out: Vec<(String, u32)> = by_name
        .iter()
        .chain(&by_number)
        .map(|v| match &v.value {
            LandObject::Party(p) => (format!("{}|{}", p.name, p.address), v.version),
            other => (format!("{other:?}"), v.version),
        })
        .collect();
    out.push((format!("holds {}", holds.len()), 0));
    out
}

/// A change that keeps a party's keys (a new address) writes no lookup entries, yet the party
/// is still found by its number, its name and the land it holds, now and as it stood; a
/// renamed party is found by its new name only from the rename on, and a name that comes
/// back is found once.
#[tokio::test]
async fn keys_are_found_through_the_version_where_they_began() {
    for t in support::all().await {
        let db = &t.db;
        let party = ObjectId {
            kind: ObjectKind::Party,
            id: Uuid::now_v7(),
        };
        let parcel_id = ObjectId {
            kind: ObjectKind::Parcel,
            id: Uuid::now_v7(),
        };
        let certificate = ObjectId {
            kind: ObjectKind::Certificate,
            id: Uuid::now_v7(),
        };
        let create = ChangeSet {
            dossier: "HS-1".into(),
            ops: vec![
                Op::Create {
                    object: party,
                    value: person("Nguyễn Văn An", "Số 1"),
                },
                Op::Create {
                    object: parcel_id,
                    value: parcel(1_000),
                },
                Op::Create {
                    object: certificate,
                    value: LandObject::Certificate(motcua_core::land::Certificate {
                        serial: "DA 000123".into(),
                        entry: "CS 01".into(),
                        issued_on: "2020-01-02".parse().unwrap(),
                        issuer: "Sở Tài nguyên và Môi trường".into(),
                        parcels: vec![parcel_id.id],
                        holders: vec![motcua_core::land::Holder {
                            party: party.id,
                            share_bp: 10_000,
                        }],
                    }),
                },
            ],
        };
        db.apply_land_versions(&create.apply(|_| &[], t0()).unwrap())
            .await
            .unwrap();
        let day = |n: i64| t0() + TimeDelta::days(n);
        update(db, party, person("Nguyễn Văn An", "Số 2"), "HS-2", day(1)).await;
        update(db, party, person("Nguyễn Văn Bình", "Số 2"), "HS-3", day(2)).await;
        update(db, party, person("Nguyễn Văn An", "Số 3"), "HS-4", day(3)).await;

        let an = |address: &str, v: u32| (format!("Nguyễn Văn An|{address}"), v);
        let binh = |v: u32| (String::from("Nguyễn Văn Bình|Số 2"), v);
        let holds = (String::from("holds 1"), 0);
        assert_eq!(
            found(db, "nguyen van an", None).await,
            vec![an("Số 3", 4), an("Số 3", 4), holds.clone()],
            "{}: now, once each",
            t.name
        );
        assert_eq!(
            found(db, "nguyen van an", Some(day(1))).await,
            vec![an("Số 2", 2), an("Số 2", 2), holds.clone()],
            "{}: the address change keeps every way in",
            t.name
        );
        assert_eq!(
            found(db, "nguyen van binh", Some(day(2))).await,
            vec![binh(3), binh(3), holds.clone()],
            "{}: renamed",
            t.name
        );
        assert_eq!(
            found(db, "nguyen van binh", None).await,
            vec![an("Số 3", 4), holds.clone()],
            "{}: the old name no longer finds the party",
            t.name
        );
        assert_eq!(
            found(db, "nguyen van an", Some(day(2))).await,
            vec![binh(3), holds.clone()],
            "{}: nor the name before the rename, while it was renamed (the number does)",
            t.name
        );
        let serial = db.land_by_key("DA 000123", Some(day(2)), 10).await.unwrap();
        assert_eq!(serial.len(), 1, "{}: the certificate by its serial", t.name);
    }
}

/// A change set saved before migration 0030 has no `bases` and no probe columns: the store
/// then finds whether it was applied by reading the register for a version naming its
/// dossier, as it did before.
#[tokio::test]
async fn a_set_saved_before_bases_is_known_applied_by_its_versions() {
    use motcua_store::Db;
    use sqlx::AssertSqlSafe;
    for t in support::all().await {
        let db = &t.db;
        crate::dossiers::prepare(db).await;
        let d = crate::dossiers::receive(db, crate::dossiers::now())
            .await
            .unwrap();
        let id = ObjectId {
            kind: ObjectKind::Parcel,
            id: Uuid::now_v7(),
        };
        let set = ChangeSet {
            dossier: d.code.to_string(),
            ops: vec![Op::Create {
                object: id,
                value: parcel(2_000),
            }],
        };
        db.save_land_change(d.id.0, &set, &[], &[id.id], "cv1", t0())
            .await
            .unwrap();
        // What a row written before the migration holds.
        let old = AssertSqlSafe(
            "UPDATE land_change_sets SET bases = NULL, probe_object = NULL, probe_dossier = NULL",
        );
        match db {
            Db::Sqlite(pool, _) => sqlx::query(old).execute(pool).await.map(|_| ()),
            Db::Postgres(pool) => sqlx::query(old).execute(pool).await.map(|_| ()),
        }
        .unwrap();
        let before = db.land_change(d.id.0).await.unwrap().unwrap();
        assert!(before.bases.is_none(), "{}", t.name);
        assert_eq!(before.applied_at, None, "{}: not applied yet", t.name);

        let write = set.apply(|_| &[], t0() + TimeDelta::hours(1)).unwrap();
        command_writing(db, d.id, write).await.unwrap();
        let after = db.land_change(d.id.0).await.unwrap().unwrap();
        assert_eq!(
            after.applied_at,
            Some(t0() + TimeDelta::hours(1)),
            "{}: applied, found by the version naming the dossier",
            t.name
        );
        assert!(
            db.pending_land_changes(&[id.id], Uuid::now_v7())
                .await
                .unwrap()
                .is_empty(),
            "{}: an applied set holds no parcel",
            t.name
        );
    }
}
