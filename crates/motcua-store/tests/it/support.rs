//! Per-test databases: a temporary SQLite file, and a fresh PostgreSQL schema.

use motcua_store::Db;
use sqlx::{AssertSqlSafe, Connection, PgConnection};

/// The environment variable naming the PostgreSQL server used by the tests.
pub const PG_URL_VAR: &str = "MOTCUA_TEST_PG_URL";

/// A migrated database for one test; dropping the guard removes the SQLite file.
pub struct TestDb {
    pub name: &'static str,
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
}

impl TestDb {
    /// Removes what the test created (the PostgreSQL schema).
    pub async fn finish(self) {
        self.db.close().await;
        if let Some((base, schema)) = self.pg_schema {
            let mut conn = PgConnection::connect(&base).await.unwrap();
            sqlx::query(AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }
}

/// An empty, migrated SQLite database in a temporary directory.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("test.db").display());
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    TestDb {
        name: "sqlite",
        db,
        _dir: Some(dir),
        pg_schema: None,
    }
}

/// An empty, migrated PostgreSQL schema, if the tests were given a server.
pub async fn postgres() -> Option<TestDb> {
    let base = std::env::var(PG_URL_VAR).ok().filter(|u| !u.is_empty())?;
    let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
    let mut conn = PgConnection::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("{PG_URL_VAR} is set but unreachable: {e}"));
    sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    Some(TestDb {
        name: "postgres",
        db,
        _dir: None,
        pg_schema: Some((base, schema)),
    })
}

/// Every backend available to this run.
pub async fn all() -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    dbs.extend(postgres().await);
    dbs
}
