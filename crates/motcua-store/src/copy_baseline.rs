//! The import figure's baseline (`motcua bench run --figures import`): PostgreSQL's `COPY`
//! loading the very rows an import wrote. A benchmark database only.

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;

use crate::db::Db;
use crate::error::StoreError;

/// The tables an import writes, the ones the baseline copies.
pub const IMPORT_TABLES: [&str; 3] = ["dossiers", "dossier_events", "dossier_terms"];

impl Db {
    /// A fresh database `name` on this server (dropped first if it exists). PostgreSQL only;
    /// `name` is letters, digits and underscores.
    pub async fn recreate_database(&self, name: &str) -> Result<(), StoreError> {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(StoreError::BadUrl(format!("tên cơ sở dữ liệu \"{name}\"")));
        }
        self.drop_database(name).await?;
        self.raw(&format!("CREATE DATABASE {name}"))
            .await
            .map(|_| ())
    }

    /// Drops database `name` if it exists (its sessions closed).
    pub async fn drop_database(&self, name: &str) -> Result<(), StoreError> {
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(StoreError::BadUrl(format!("tên cơ sở dữ liệu \"{name}\"")));
        }
        self.raw(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .map(|_| ())
    }

    /// Copies out the rows now in [`IMPORT_TABLES`], then times loading them with
    /// `COPY … FROM STDIN (FORMAT binary)` into empty tables made `LIKE` them (indexes and
    /// defaults included) with the same foreign keys (`LIKE` leaves them out, and checking
    /// them is part of what the import's writes cost), in one transaction. Returns the time
    /// the loading took.
    pub async fn baseline_copy(&self) -> Result<Duration, StoreError> {
        let Db::Postgres(pool) = self else {
            return Err(StoreError::Unavailable(
                "COPY chỉ có trên PostgreSQL".into(),
            ));
        };
        let mut conn = pool.acquire().await?;
        let mut data = Vec::new();
        for t in IMPORT_TABLES {
            let mut out = Vec::new();
            let mut rows = conn
                .copy_out_raw(&format!("COPY {t} TO STDOUT (FORMAT binary)"))
                .await?;
            while let Some(chunk) = rows.next().await {
                out.extend_from_slice(&chunk?);
            }
            drop(rows);
            let key = match t {
                "dossiers" => {
                    "FOREIGN KEY (procedure_code, procedure_version) \
                               REFERENCES procedures(code, version)"
                }
                _ => "FOREIGN KEY (dossier_id) REFERENCES bench_copy_dossiers(id)",
            };
            for sql in [
                format!("DROP TABLE IF EXISTS bench_copy_{t} CASCADE"),
                format!("CREATE TABLE bench_copy_{t} (LIKE {t} INCLUDING ALL)"),
                format!("ALTER TABLE bench_copy_{t} ADD {key}"),
            ] {
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut *conn)
                    .await?;
            }
            data.push((t, out));
        }
        let started = Instant::now();
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        for (t, bytes) in &data {
            let mut copy = tx
                .copy_in_raw(&format!("COPY bench_copy_{t} FROM STDIN (FORMAT binary)"))
                .await?;
            for chunk in bytes.chunks(1 << 20) {
                copy.send(chunk).await?;
            }
            copy.finish().await?;
        }
        tx.commit().await?;
        let took = started.elapsed();
        for (t, _) in data.iter().rev() {
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP TABLE bench_copy_{t}")))
                .execute(&mut *conn)
                .await?;
        }
        Ok(took)
    }
}
