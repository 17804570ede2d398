use chrono::{TimeZone, Utc};
use motcua_store::StoredCalendarDocument;

use crate::support;

fn doc(key: &str, body: &str, second: u32) -> StoredCalendarDocument {
    StoredCalendarDocument {
        kind: "year-schedule".into(),
        doc_key: key.into(),
        name: format!("{key}.toml"),
        body: body.into(),
        imported_at: Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, second).unwrap(),
    }
}

#[tokio::test]
async fn imported_calendar_documents_are_kept_replaced_and_removed() {
    for t in support::all().await {
        let db = &t.db;
        assert!(
            db.calendar_documents().await.unwrap().is_empty(),
            "{}",
            t.name
        );
        db.save_calendar_document(&doc("2027/national", "a", 1))
            .await
            .unwrap();
        db.save_calendar_document(&doc("2027/48", "b", 2))
            .await
            .unwrap();
        db.save_calendar_document(&doc("2027/national", "a2 — Tết Nguyên đán", 3))
            .await
            .unwrap();
        let docs = db.calendar_documents().await.unwrap();
        assert_eq!(docs.len(), 2, "{}", t.name);
        assert_eq!(docs[0].doc_key, "2027/48", "{}", t.name);
        assert_eq!(docs[1].body, "a2 — Tết Nguyên đán", "{}", t.name);
        assert_eq!(
            docs[1].imported_at,
            Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 3).unwrap()
        );
        assert!(
            db.delete_calendar_document("year-schedule", "2027/48")
                .await
                .unwrap()
        );
        assert!(
            !db.delete_calendar_document("year-schedule", "2027/48")
                .await
                .unwrap()
        );
        assert_eq!(
            db.calendar_documents().await.unwrap().len(),
            1,
            "{}",
            t.name
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_document_of_an_unknown_kind_is_refused_by_the_schema() {
    for t in support::all().await {
        let mut bad = doc("x", "x", 0);
        bad.kind = "holidays".into();
        assert!(
            t.db.save_calendar_document(&bad).await.is_err(),
            "{}",
            t.name
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn migrating_twice_changes_nothing() {
    for t in support::all().await {
        t.db.migrate().await.unwrap();
        t.finish().await;
    }
}

#[tokio::test]
async fn an_unknown_url_scheme_is_refused() {
    let err = motcua_store::Db::connect("mysql://localhost/x")
        .await
        .unwrap_err();
    assert!(matches!(err, motcua_store::StoreError::BadUrl(_)));
}
