//! Since migration 0031 a register version's row is never written again: a change inserts
//! the next version, a retirement inserts a tombstone. Rows ended the old way (their own
//! `end_at` set) still read the same, and the migration gives objects retired the old way
//! their tombstone, so a change prepared before the retirement is still refused.

use chrono::TimeDelta;
use motcua_core::land::{ChangeSet, ObjectId, ObjectKind, Op};
use motcua_store::Db;
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use crate::land::{parcel, t0};
use crate::support;

/// Runs fixed SQL text on the test's database, as a release before 0031 would have written.
async fn raw(db: &Db, sql: &str, object: Uuid) -> u64 {
    let sql = AssertSqlSafe(sql.to_owned());
    match db {
        Db::Sqlite(pool, _) => sqlx::query(sql)
            .bind(object)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()),
        Db::Postgres(pool) => sqlx::query(sql)
            .bind(object)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()),
    }
    .unwrap()
}

/// The stored `end_at` of each row of `object`, by version: set means "ended by its row".
async fn stored_ends(db: &Db, object: Uuid) -> Vec<(i64, bool)> {
    let sql = "SELECT version, end_at IS NOT NULL FROM land_versions WHERE object_id = $1 \
               ORDER BY version";
    match db {
        Db::Sqlite(pool, _) => sqlx::query_as(sql).bind(object).fetch_all(pool).await,
        Db::Postgres(pool) => sqlx::query_as(sql).bind(object).fetch_all(pool).await,
    }
    .unwrap()
}

/// Runs migration 0031's text again (it only adds the tombstones missing).
async fn migrate_0031(db: &Db) {
    let sql = match db {
        Db::Sqlite(..) => include_str!("../../migrations/sqlite/0031_land_tombstones.sql"),
        Db::Postgres(..) => include_str!("../../migrations/postgres/0031_land_tombstones.sql"),
    };
    let sql = AssertSqlSafe(sql.to_owned());
    match db {
        Db::Sqlite(pool, _) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
        Db::Postgres(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
    }
    .unwrap();
}

fn new_parcel() -> ObjectId {
    ObjectId {
        kind: ObjectKind::Parcel,
        id: Uuid::now_v7(),
    }
}

/// Creates `object` at t0 and applies `then` (update or retire of version 1) a day later.
async fn created_then(db: &Db, object: ObjectId, then: Op) {
    let create = ChangeSet {
        dossier: "HS-1".into(),
        ops: vec![Op::Create {
            object,
            value: parcel(1_000),
        }],
    };
    db.apply_land_versions(&create.apply(|_| &[], t0()).unwrap())
        .await
        .unwrap();
    let history = db.land_history(&[object.id]).await.unwrap();
    let set = ChangeSet {
        dossier: "HS-2".into(),
        ops: vec![then],
    };
    let write = set
        .apply(|_| history.as_slice(), t0() + TimeDelta::days(1))
        .unwrap();
    db.apply_land_versions(&write).await.unwrap();
}

#[tokio::test]
async fn a_change_inserts_and_rows_ended_before_0031_read_the_same() {
    for t in support::all().await {
        let db = &t.db;
        let day = |n: i64| t0() + TimeDelta::days(n);
        let updated = new_parcel();
        let update = Op::Update {
            object: updated,
            base: 1,
            value: parcel(900),
        };
        created_then(db, updated, update).await;
        assert_eq!(
            stored_ends(db, updated.id).await,
            vec![(1, false), (2, false)],
            "{}: the old row is left as it was; its successor ends it",
            t.name
        );
        let retired = new_parcel();
        let retire = Op::Retire {
            object: retired,
            base: 1,
        };
        created_then(db, retired, retire).await;
        assert_eq!(
            stored_ends(db, retired.id).await,
            vec![(1, false), (2, true)],
            "{}: a retirement adds a tombstone",
            t.name
        );
        let named = "SELECT dossier FROM land_versions WHERE object_id = $1 AND version = 2";
        let by: Vec<(Option<String>,)> = match db {
            Db::Sqlite(pool, _) => sqlx::query_as(named).bind(retired.id).fetch_all(pool).await,
            Db::Postgres(pool) => sqlx::query_as(named).bind(retired.id).fetch_all(pool).await,
        }
        .unwrap();
        assert_eq!(
            by,
            vec![(Some("HS-2".to_owned()),)],
            "{}: the tombstone names the dossier that retired the object",
            t.name
        );
        let counted = db.land_counts().await.unwrap();
        assert_eq!(counted, vec![("parcel".to_owned(), 1)], "{}", t.name);

        // Now the way a release before 0031 stored the same: the ended rows carry their end,
        // and the retired object has no tombstone.
        let end_from_next = "UPDATE land_versions SET end_at = (SELECT s.begin_at FROM \
            land_versions s WHERE s.object_id = land_versions.object_id AND s.version = 2) \
            WHERE object_id = $1 AND version = 1";
        assert_eq!(raw(db, end_from_next, updated.id).await, 1, "{}", t.name);
        assert_eq!(raw(db, end_from_next, retired.id).await, 1, "{}", t.name);
        let no_tombstone = "DELETE FROM land_versions WHERE object_id = $1 AND version = 2";
        assert_eq!(raw(db, no_tombstone, retired.id).await, 1, "{}", t.name);

        let check = |label: &'static str| async move {
            let history = db.land_history(&[updated.id, retired.id]).await.unwrap();
            let ends: Vec<_> = history.iter().map(|v| (v.version, v.end)).collect();
            let mut expected = vec![(1, Some(day(1))), (2, None), (1, Some(day(1)))];
            if updated.id > retired.id {
                expected.rotate_left(2);
            }
            assert_eq!(ends, expected, "{}: history {label}", t.name);
            let now = db
                .land_objects(&[updated.id, retired.id], None)
                .await
                .unwrap();
            assert_eq!(now.len(), 1, "{}: only the updated one now {label}", t.name);
            assert_eq!(now[0].version, 2, "{} {label}", t.name);
            let before = db
                .land_objects(
                    &[updated.id, retired.id],
                    Some(day(1) - TimeDelta::hours(1)),
                )
                .await
                .unwrap();
            assert_eq!(before.len(), 2, "{}: both before {label}", t.name);
            assert!(
                before
                    .iter()
                    .all(|v| v.version == 1 && v.end == Some(day(1))),
                "{}: ended where the change began {label}: {before:?}",
                t.name
            );
        };
        check("stored the old way").await;
        migrate_0031(db).await;
        check("after the migration").await;
        assert_eq!(
            stored_ends(db, retired.id).await,
            vec![(1, true), (2, true)],
            "{}: the migration gave the retired object its tombstone",
            t.name
        );
        migrate_0031(db).await;
        assert_eq!(
            stored_ends(db, retired.id).await.len(),
            2,
            "{}: once",
            t.name
        );
        assert_eq!(
            db.land_counts().await.unwrap(),
            vec![("parcel".to_owned(), 1)],
            "{}",
            t.name
        );

        // A change prepared before the retirement meets the tombstone and writes nothing.
        let late = ChangeSet {
            dossier: "HS-3".into(),
            ops: vec![Op::Update {
                object: retired,
                base: 1,
                value: parcel(800),
            }],
        };
        let stale_history = vec![motcua_core::land::Version {
            end: None,
            ..db.land_history(&[retired.id]).await.unwrap()[0].clone()
        }];
        let write = late.apply(|_| stale_history.as_slice(), day(3)).unwrap();
        let err = db.apply_land_versions(&write).await.unwrap_err();
        assert!(
            matches!(err, motcua_store::StoreError::Conflict(_)),
            "{}: {err:?}",
            t.name
        );
        assert_eq!(stored_ends(db, retired.id).await.len(), 2, "{}", t.name);
        t.finish().await;
    }
}

/// A load stores versions as they are: an ended one open, closed by the next version loaded
/// or, when none follows, by a tombstone.
#[tokio::test]
async fn a_load_keeps_ended_versions_ended() {
    use motcua_core::land::Version;
    for t in support::all().await {
        let db = &t.db;
        let day = |n: i64| t0() + TimeDelta::days(n);
        let version = |object: ObjectId, version: u32, begin, end, area| Version {
            object,
            version,
            begin,
            end,
            dossier: Some(format!("HS-{version}")),
            value: parcel(area),
        };
        let (changed, retired) = (new_parcel(), new_parcel());
        db.load_land_versions(&[
            version(changed, 1, day(0), Some(day(1)), 1_000),
            version(changed, 2, day(1), None, 900),
            version(retired, 1, day(0), Some(day(2)), 700),
        ])
        .await
        .unwrap();
        assert_eq!(
            stored_ends(db, changed.id).await,
            vec![(1, false), (2, false)],
            "{}",
            t.name
        );
        assert_eq!(
            stored_ends(db, retired.id).await,
            vec![(1, false), (2, true)],
            "{}",
            t.name
        );
        let history = db.land_history(&[changed.id]).await.unwrap();
        let ends: Vec<_> = history.iter().map(|v| (v.version, v.end)).collect();
        assert_eq!(ends, vec![(1, Some(day(1))), (2, None)], "{}", t.name);
        let history = db.land_history(&[retired.id]).await.unwrap();
        let ends: Vec<_> = history.iter().map(|v| (v.version, v.end)).collect();
        assert_eq!(ends, vec![(1, Some(day(2)))], "{}: retired", t.name);
        let now = db
            .land_objects(&[changed.id, retired.id], None)
            .await
            .unwrap();
        assert_eq!(now.len(), 1, "{}", t.name);
        assert_eq!(now[0].object, changed, "{}", t.name);
        t.finish().await;
    }
}
