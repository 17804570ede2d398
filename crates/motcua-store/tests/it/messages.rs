//! The signed message log on both databases: a single chain, appended concurrently without
//! gaps, and any edit or bad signature found at its row.

use chrono::{TimeZone, Utc};
use motcua_store::Exchange;
use sqlx::AssertSqlSafe;

use crate::support;

fn exchange(i: usize) -> Exchange {
    Exchange {
        at: Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
            + chrono::TimeDelta::milliseconds(i as i64),
        system: "Cổng Dịch vụ công quốc gia".into(),
        direction: "out".into(),
        endpoint: "POST http://portal/dvcqg/DongBoHoSoMC".into(),
        request: format!("{{\"MaHoSo\":\"{i}\"}}"),
        status: 200,
        response: "{\"error_code\":0}".into(),
    }
}

fn sign(hash: &str) -> String {
    format!("sig:{hash}")
}

#[tokio::test]
async fn concurrent_exchanges_form_one_gap_free_chain_and_edits_are_found() {
    for t in support::all().await {
        let db = t.db.clone();
        let mut tasks = Vec::new();
        for i in 0..16 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                db.append_message(&exchange(i), sign).await.unwrap()
            }));
        }
        let mut seqs = Vec::new();
        for task in tasks {
            seqs.push(task.await.unwrap());
        }
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=16).collect::<Vec<i64>>(), "{}", t.name);
        let ok = db.verify_message_log(|h, s| s == sign(h)).await.unwrap();
        assert_eq!((ok.messages, ok.broken.clone()), (16, None), "{}", t.name);
        let bad_key = db.verify_message_log(|_, _| false).await.unwrap();
        assert_eq!(
            bad_key.broken.unwrap().0,
            1,
            "{}: signatures are checked",
            t.name
        );
        assert_eq!(db.recent_messages(3).await.unwrap()[0].seq, 16);

        let edit =
            AssertSqlSafe("UPDATE message_log SET response = 'sửa' WHERE seq = 7".to_owned());
        match &db {
            motcua_store::Db::Sqlite(pool, _) => sqlx::query(edit).execute(pool).await.map(|_| ()),
            motcua_store::Db::Postgres(pool) => sqlx::query(edit).execute(pool).await.map(|_| ()),
        }
        .unwrap();
        let broken = db.verify_message_log(|h, s| s == sign(h)).await.unwrap();
        let (seq, reason) = broken.broken.unwrap();
        assert_eq!(seq, 7, "{}", t.name);
        assert!(reason.contains("hash"), "{reason}");
        t.finish().await;
    }
}
