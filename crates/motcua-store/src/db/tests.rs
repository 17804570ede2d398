//! The writers' turn on SQLite: queued writers hold no connection, so reads go on, and every
//! queued writer gets its turn once the one before commits.

use std::time::Duration;

use super::Db;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_writers_leave_the_pool_to_readers() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("turns.db").display());
    let db = Db::connect(&url).await.unwrap();
    db.raw("CREATE TABLE t (n INTEGER NOT NULL)").await.unwrap();

    let first = db.begin_write().await.unwrap();
    // More writers than the pool has connections (8), all waiting for the first.
    let mut waiting = Vec::new();
    for n in 0..12_i64 {
        let db = db.clone();
        waiting.push(tokio::spawn(async move {
            let mut tx = db.begin_write().await.unwrap();
            let insert = sea_query::Query::insert()
                .into_table(sea_query::Alias::new("t"))
                .columns([sea_query::Alias::new("n")])
                .values_panic([n.into()])
                .to_owned();
            tx.execute(&insert).await.unwrap();
            tx.commit().await.unwrap();
        }));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Writers asleep in SQLite's busy handler would hold seven connections and this read
    // would wait for one far longer than this.
    tokio::time::timeout(Duration::from_secs(2), db.ping())
        .await
        .expect("a read while writers queue")
        .unwrap();

    first.commit().await.unwrap();
    for w in waiting {
        tokio::time::timeout(Duration::from_secs(10), w)
            .await
            .expect("every queued writer gets its turn")
            .unwrap();
    }
    let count = sea_query::Query::select()
        .expr_as(
            sea_query::Expr::cust("COUNT(*)"),
            sea_query::Alias::new("n"),
        )
        .from(sea_query::Alias::new("t"))
        .to_owned();
    let rows: Vec<Count> = db.fetch_all(&count).await.unwrap();
    assert_eq!(rows.first().map(|r| r.n), Some(12));
}

struct Count {
    n: i64,
}

crate::row::db_row!(Count { n });
