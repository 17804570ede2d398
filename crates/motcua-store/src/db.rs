//! The database handle: one enum over the two native pools, chosen from the URL scheme.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sea_query::{PostgresQueryBuilder, SelectStatement, SqliteQueryBuilder};
use sea_query_sqlx::SqlxBinder;
use sqlx::AssertSqlSafe;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::error::StoreError;
use crate::row::DbRow;

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (the default).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A connection pool to SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub enum Db {
    /// SQLite in WAL mode with `synchronous=FULL`: the readers' pool and the [`Writer`].
    Sqlite(SqlitePool, Writer),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// SQLite's writer: one connection of its own, and the queue its users wait in.
///
/// SQLite admits one writer at a time and makes the others wait by sleeping in its busy
/// handler (1, 2, 5, 10 … 100 ms, each holding a pooled connection): the lock then sat idle
/// while the next writer slept, a longer transaction pushed every waiter into a longer sleep,
/// and reads waited for connections. Here a writer waits for its turn first (first come,
/// first served, holding nothing), and `BEGIN IMMEDIATE` then finds the lock free unless
/// another process holds it (the busy handler still covers that). Every write goes through
/// the one connection, so its page cache ([`WRITER_CACHE_KIB`]) keeps what writes walk: the
/// inner pages of every table and index, which eight connections sharing the writes each
/// read again from the file.
#[derive(Debug, Clone)]
pub struct Writer {
    turns: Arc<tokio::sync::Mutex<()>>,
    pool: SqlitePool,
}

/// The writer connection's page cache. 64 MiB holds the inner pages of a register of
/// 5,000,000 parcels (20M versions) with room for the dossiers' hot pages.
const WRITER_CACHE_KIB: u32 = 64 * 1024;

impl Db {
    /// Opens a pool from a URL: `sqlite:PATH` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Self::connect_sqlite(url).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options =
                PgConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl(e.to_string()))?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .map_err(|e| StoreError::Unavailable(e.to_string()))?;
            Ok(Self::Postgres(pool))
        } else {
            Err(StoreError::BadUrl(format!(
                "{url} (expected sqlite:PATH or postgres://…)"
            )))
        }
    }

    /// SQLite connection set-up: the one place with SQLite pragmas.
    async fn connect_sqlite(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::BadUrl(e.to_string()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // An acknowledged dossier must survive a power loss.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.clone())
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        // Kept open for good: a new connection starts with a cold cache.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options.pragma("cache_size", format!("-{WRITER_CACHE_KIB}")))
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(Self::Sqlite(
            pool,
            Writer {
                turns: Arc::default(),
                pool: writer,
            },
        ))
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(..) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(p, _) => sqlx::query("SELECT 1").execute(p).await.map(|_| ())?,
            Self::Postgres(p) => sqlx::query("SELECT 1").execute(p).await.map(|_| ())?,
        }
        Ok(())
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(p, writer) => {
                writer.pool.close().await;
                p.close().await;
            }
            Self::Postgres(p) => p.close().await,
        }
    }

    /// After a bulk load or a restore: fresh planner statistics on PostgreSQL, whose plans for a just-loaded
    /// table otherwise assume it nearly empty (a work queue sorted 1,200 rows instead of reading
    /// 56 in index order until autovacuum came by). Nothing on SQLite: with statistics, its
    /// planner would re-plan every statement whose bound values meet an indexed column.
    pub async fn refresh_statistics(&self) -> Result<(), StoreError> {
        if let Db::Postgres(_) = self {
            self.raw("ANALYZE").await?;
        }
        Ok(())
    }

    /// One statement of fixed text; the rows it touched.
    pub(crate) async fn raw(&self, sql: &str) -> Result<i64, StoreError> {
        // Text made here from numbers and constants only, never from input.
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        let n = match self {
            Db::Sqlite(_, writer) => {
                let _turn = writer.turns.lock().await;
                sqlx::query(sql)
                    .execute(&writer.pool)
                    .await?
                    .rows_affected()
            }
            Db::Postgres(pool) => sqlx::query(sql).execute(pool).await?.rows_affected(),
        };
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }

    /// Runs `attempt` again (up to five times in all) while it fails on a unique key: for
    /// rows numbered from what is already stored, where two writers may pick one number.
    pub(crate) async fn retry_on_conflict<T, F, Fut>(&self, mut attempt: F) -> Result<T, StoreError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, StoreError>>,
    {
        let mut tries = 0;
        loop {
            match attempt().await {
                Err(StoreError::Conflict(_)) if tries < 4 => tries += 1,
                other => return other,
            }
        }
    }

    /// Runs a statement that returns no rows; returns the number of rows affected.
    pub(crate) async fn execute<S: SqlxBinder>(&self, stmt: &S) -> Result<u64, StoreError> {
        match self {
            Self::Sqlite(_, writer) => {
                // A statement on its own is a write transaction too.
                let _turn = writer.turns.lock().await;
                exec::sqlite_execute(&writer.pool, stmt).await
            }
            Self::Postgres(pool) => exec::pg_execute(pool, stmt).await,
        }
    }

    /// Runs a query and decodes every row.
    pub(crate) async fn fetch_all<S: SqlxBinder, T: DbRow>(
        &self,
        stmt: &S,
    ) -> Result<Vec<T>, StoreError> {
        match self {
            Self::Sqlite(pool, _) => exec::sqlite_fetch(pool, stmt, None).await,
            Self::Postgres(pool) => exec::pg_fetch(pool, stmt, None).await,
        }
    }

    /// Runs a query and decodes the first row, if any.
    pub(crate) async fn fetch_optional<S: SqlxBinder, T: DbRow>(
        &self,
        stmt: &S,
    ) -> Result<Option<T>, StoreError> {
        Ok(self.fetch_all(stmt).await?.into_iter().next())
    }

    /// Runs a SELECT (built without a limit) with `LIMIT n` written into its text rather than
    /// bound: SQLite plans around a bound LIMIT, so rebinding it expires the statement and every
    /// run was parsed and planned again (a fifth of a work-queue page's instructions); with the
    /// number in the text the statement is prepared once per connection and kept.
    pub(crate) async fn fetch_page<T: DbRow>(
        &self,
        stmt: &SelectStatement,
        limit: u64,
    ) -> Result<Vec<T>, StoreError> {
        match self {
            Self::Sqlite(pool, _) => exec::sqlite_fetch(pool, stmt, Some(limit)).await,
            Self::Postgres(pool) => exec::pg_fetch(pool, stmt, Some(limit)).await,
        }
    }

    /// The first row of a SELECT (built without a limit), with `LIMIT 1` in its text.
    pub(crate) async fn fetch_first<T: DbRow>(
        &self,
        stmt: &SelectStatement,
    ) -> Result<Option<T>, StoreError> {
        Ok(self.fetch_page(stmt, 1).await?.into_iter().next())
    }

    /// Begins a write transaction. SQLite takes the write lock at once (`BEGIN IMMEDIATE`):
    /// a deferred transaction that upgrades later can fail with SQLITE_BUSY under load.
    pub(crate) async fn begin_write(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Self::Sqlite(_, writer) => {
                let turn = writer.turns.clone().lock_owned().await;
                Tx::Sqlite(writer.pool.begin_with("BEGIN IMMEDIATE").await?, turn)
            }
            Self::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }
}

/// A write transaction on either engine; on SQLite with the writers' turn, given back when
/// it ends.
pub(crate) enum Tx {
    Sqlite(
        sqlx::Transaction<'static, sqlx::Sqlite>,
        tokio::sync::OwnedMutexGuard<()>,
    ),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    /// Runs a statement that returns no rows.
    pub(crate) async fn execute<S: SqlxBinder>(&mut self, stmt: &S) -> Result<u64, StoreError> {
        match self {
            Self::Sqlite(tx, _) => exec::sqlite_execute(&mut **tx, stmt).await,
            Self::Postgres(tx) => exec::pg_execute(&mut **tx, stmt).await,
        }
    }

    /// Runs statements that return no rows, in order, stopping at the first that fails. On
    /// SQLite they go to the connection's thread as one text: inside the single writer's
    /// turn every call there is a round trip the next writer waits for. On PostgreSQL they
    /// run one by one (its protocol takes one statement with parameters at a time).
    pub(crate) async fn execute_all(
        &mut self,
        stmts: &[sea_query::InsertStatement],
    ) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(tx, _) => {
                let mut text = String::new();
                let mut values = Vec::new();
                for stmt in stmts {
                    let (sql, v) = stmt.build_sqlx(SqliteQueryBuilder);
                    text.push_str(&sql);
                    text.push_str(";\n");
                    // Anonymous placeholders: each statement takes the values after the last.
                    values.extend(v.0.0);
                }
                if !text.is_empty() {
                    let values = sea_query_sqlx::SqlxValues(sea_query::Values(values));
                    sqlx::query_with(AssertSqlSafe(text), values)
                        .execute(&mut **tx)
                        .await?;
                }
            }
            Self::Postgres(tx) => {
                for stmt in stmts {
                    exec::pg_execute(&mut **tx, stmt).await?;
                }
            }
        }
        Ok(())
    }

    /// Runs a query and decodes every row.
    pub(crate) async fn fetch_all<S: SqlxBinder, T: DbRow>(
        &mut self,
        stmt: &S,
    ) -> Result<Vec<T>, StoreError> {
        match self {
            Self::Sqlite(tx, _) => exec::sqlite_fetch(&mut **tx, stmt, None).await,
            Self::Postgres(tx) => exec::pg_fetch(&mut **tx, stmt, None).await,
        }
    }

    /// Runs a query and decodes the first row, if any.
    pub(crate) async fn fetch_optional<S: SqlxBinder, T: DbRow>(
        &mut self,
        stmt: &S,
    ) -> Result<Option<T>, StoreError> {
        Ok(self.fetch_all(stmt).await?.into_iter().next())
    }

    /// [`Db::fetch_page`] inside the transaction.
    pub(crate) async fn fetch_page<T: DbRow>(
        &mut self,
        stmt: &SelectStatement,
        limit: u64,
    ) -> Result<Vec<T>, StoreError> {
        match self {
            Self::Sqlite(tx, _) => exec::sqlite_fetch(&mut **tx, stmt, Some(limit)).await,
            Self::Postgres(tx) => exec::pg_fetch(&mut **tx, stmt, Some(limit)).await,
        }
    }

    /// [`Db::fetch_first`] inside the transaction.
    pub(crate) async fn fetch_first<T: DbRow>(
        &mut self,
        stmt: &SelectStatement,
    ) -> Result<Option<T>, StoreError> {
        Ok(self.fetch_page(stmt, 1).await?.into_iter().next())
    }

    /// Commits.
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(tx, turn) => {
                tx.commit().await?;
                // The next writer's turn only once this one's commit is done.
                drop(turn);
            }
            Self::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// Rendering a sea-query statement for one engine and running it on any executor of it.
mod exec {
    use super::*;

    pub(super) async fn sqlite_execute<'e, E, S>(ex: E, stmt: &S) -> Result<u64, StoreError>
    where
        E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
        S: SqlxBinder,
    {
        let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
        Ok(sqlx::query_with(AssertSqlSafe(sql), values)
            .execute(ex)
            .await?
            .rows_affected())
    }

    pub(super) async fn pg_execute<'e, E, S>(ex: E, stmt: &S) -> Result<u64, StoreError>
    where
        E: sqlx::Executor<'e, Database = sqlx::Postgres>,
        S: SqlxBinder,
    {
        let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);
        Ok(sqlx::query_with(AssertSqlSafe(sql), values)
            .execute(ex)
            .await?
            .rows_affected())
    }

    /// The statement's text, with a limit written into it when there is one (see
    /// [`Db::fetch_page`]).
    fn with_limit(sql: String, limit: Option<u64>) -> String {
        match limit {
            Some(n) => format!("{sql} LIMIT {n}"),
            None => sql,
        }
    }

    pub(super) async fn sqlite_fetch<'e, E, S, T>(
        ex: E,
        stmt: &S,
        limit: Option<u64>,
    ) -> Result<Vec<T>, StoreError>
    where
        E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
        S: SqlxBinder,
        T: DbRow,
    {
        let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
        let rows = sqlx::query_with(AssertSqlSafe(with_limit(sql, limit)), values)
            .fetch_all(ex)
            .await?;
        Ok(rows.iter().map(T::from_sqlite).collect::<Result<_, _>>()?)
    }

    pub(super) async fn pg_fetch<'e, E, S, T>(
        ex: E,
        stmt: &S,
        limit: Option<u64>,
    ) -> Result<Vec<T>, StoreError>
    where
        E: sqlx::Executor<'e, Database = sqlx::Postgres>,
        S: SqlxBinder,
        T: DbRow,
    {
        let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);
        let rows = sqlx::query_with(AssertSqlSafe(with_limit(sql, limit)), values)
            .fetch_all(ex)
            .await?;
        Ok(rows.iter().map(T::from_pg).collect::<Result<_, _>>()?)
    }
}

impl Db {
    /// SQLite only: a consistent copy of the whole database written to `to` while it is in
    /// use (`VACUUM INTO` reads one snapshot; writers are not stopped).
    pub async fn snapshot_sqlite(&self, to: &std::path::Path) -> Result<(), StoreError> {
        let Self::Sqlite(pool, _) = self else {
            return Err(StoreError::BadUrl(
                "a snapshot by VACUUM INTO is for SQLite; use pg_dump for PostgreSQL".into(),
            ));
        };
        let path = to
            .to_str()
            .ok_or_else(|| StoreError::BadUrl("the snapshot path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO ?")
            .bind(path)
            .execute(pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
