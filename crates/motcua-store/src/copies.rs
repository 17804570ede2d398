//! Copies of dossier rows, for benchmarks at a scale whose full histories would not fit on the
//! disk: each copy is the projection row (what lists and work queues read, with the original's
//! state) under a new id and code (`<code>~<k>`), without a history of its own. A benchmark
//! database only.

use crate::db::Db;
use crate::error::StoreError;

/// The projection's columns a copy takes from its original, verbatim.
const KEPT: &str = "province_code, procedure_code, procedure_version, status, channel, \
    receiving_agency, resolving_agency, applicant_name, applicant_number, origin_code, \
    current_assignee, submitted_at, received_at, due_at, finished_at, state, version, \
    updated_at, step_role, step_name, clock_stopped, public_view";

impl Db {
    /// Adds `copies` copies of every dossier row now in the table, `batch` originals per
    /// transaction; `progress` hears the rows written so far. Returns the rows written.
    pub async fn copy_dossier_rows(
        &self,
        copies: u32,
        batch: i64,
        mut progress: impl FnMut(i64),
    ) -> Result<i64, StoreError> {
        let new_id = match self {
            Db::Sqlite(..) => "randomblob(16)",
            Db::Postgres(_) => "gen_random_uuid()",
        };
        let id_type = match self {
            Db::Sqlite(..) => "BLOB",
            Db::Postgres(_) => "UUID",
        };
        self.raw("DROP TABLE IF EXISTS bench_originals").await?;
        self.raw(&format!(
            "CREATE TABLE bench_originals (n BIGINT PRIMARY KEY, id {id_type} NOT NULL)"
        ))
        .await?;
        self.raw(
            "INSERT INTO bench_originals (n, id) \
             SELECT ROW_NUMBER() OVER (ORDER BY id), id FROM dossiers",
        )
        .await?;
        let originals = self.dossier_count().await?;
        let mut written = 0;
        for k in 1..=copies {
            let mut from = 1;
            while from <= originals {
                let to = from + batch - 1;
                written += self
                    .raw(&format!(
                        "INSERT INTO dossiers (id, code, {KEPT}) \
                         SELECT {new_id}, d.code || '~{k}', {KEPT} FROM dossiers d \
                         JOIN bench_originals o ON o.id = d.id WHERE o.n BETWEEN {from} AND {to}"
                    ))
                    .await?;
                progress(written);
                from = to + 1;
            }
        }
        self.raw("DROP TABLE bench_originals").await?;
        // Each copy counts as its original does: the rollup's counts multiply, its rows do not
        // (same days, same keys).
        let factor = i64::from(copies) + 1;
        let set: Vec<String> = motcua_core::kpi::Counts::COLUMNS
            .iter()
            .map(|c| format!("{c} = {c} * {factor}"))
            .collect();
        self.raw(&format!("UPDATE kpi_daily SET {}", set.join(", ")))
            .await?;
        Ok(written)
    }
}
