//! Per-test databases: a temporary SQLite file, and a fresh PostgreSQL schema when the run was
//! given a server (`MOTCUA_TEST_PG_URL`; set but unreachable fails the test, so CI cannot pass
//! by silently skipping PostgreSQL).
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test fixtures: a failure here is the test failing"
)]

use motcua_store::Db;
use sqlx::{AssertSqlSafe, Connection, PgConnection};

/// The environment variable naming the PostgreSQL server used by the tests.
pub const PG_URL_VAR: &str = "MOTCUA_TEST_PG_URL";

/// A migrated database for one test; dropping the guard removes the SQLite file.
pub struct TestDb {
    /// `sqlite` or `postgres`, for assertion messages.
    pub name: &'static str,
    /// The database.
    pub db: Db,
    /// Its URL, to connect again (a test that restarts the database).
    pub url: String,
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
        url,
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
        url,
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

/// The one database a suite that runs once per process uses: PostgreSQL when the run was given
/// a server, SQLite otherwise (CI runs the web suite both ways).
pub async fn one() -> TestDb {
    match postgres().await {
        Some(pg) => pg,
        None => sqlite().await,
    }
}
