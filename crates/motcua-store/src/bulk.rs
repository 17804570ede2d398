//! The benchmark's side of the store: code series set by hand, the hand-written baselines
//! the harness measures against, samples and counts.

use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Expr, OnConflict, Query};

use crate::audit::GENESIS;
use crate::db::Db;
use crate::dossiers::{DossierCodeSequences, DossierEvents, Dossiers, EVENT_COLUMNS};
use crate::error::StoreError;
use crate::row::db_row;

struct CountRow {
    n: i64,
}

db_row!(CountRow { n });

impl Db {
    /// Sets an agency's code series for a day (after a load into a database that had none of
    /// those codes).
    pub async fn set_code_sequence(
        &self,
        agency: &str,
        day: NaiveDate,
        value: i64,
    ) -> Result<(), StoreError> {
        use DossierCodeSequences as S;
        self.execute(
            &Query::insert()
                .into_table(S::Table)
                .columns([S::AgencyCode, S::Day, S::LastValue])
                .values_panic([agency.into(), day.into(), value.into()])
                .on_conflict(
                    OnConflict::columns([S::AgencyCode, S::Day])
                        .update_column(S::LastValue)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// The benchmark's physical baseline for a lookup: the one indexed SELECT by code, written
    /// by hand, with nothing around it. Returns the size of the view read.
    pub async fn baseline_lookup(&self, code: &str) -> Result<usize, StoreError> {
        // The same column the service answers from (the public view kept beside the state).
        const SQLITE: &str = "SELECT public_view FROM dossiers WHERE code = ?1";
        const PG: &str = "SELECT public_view FROM dossiers WHERE code = $1";
        let text: Option<Option<String>> = match self {
            Db::Sqlite(pool, _) => {
                sqlx::query_scalar(SQLITE)
                    .bind(code)
                    .fetch_optional(pool)
                    .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar(PG)
                    .bind(code)
                    .fetch_optional(pool)
                    .await?
            }
        };
        Ok(text.flatten().map_or(0, |t| t.len()))
    }

    /// The benchmark's physical baseline for a workflow step: the same three writes the
    /// command path makes — the dossier row (state rewritten, version up), one hash-chained
    /// event, one outbox row — by hand, in one transaction, with no decision around them.
    /// Benchmark databases only: the events it appends are not real ones.
    pub async fn baseline_step(
        &self,
        id: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use sha2::{Digest, Sha256};
        struct Row {
            state: sqlx::types::Json<serde_json::Value>,
            version: i64,
        }
        db_row!(Row { state, version });
        let mut tx = self.begin_write().await?;
        let row: Row = tx
            .fetch_optional(
                &Query::select()
                    .columns([Dossiers::State, Dossiers::Version])
                    .from(Dossiers::Table)
                    .and_where(sea_query::ExprTrait::eq(Expr::col(Dossiers::Id), id))
                    .to_owned(),
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let version = row.version + 1;
        tx.execute(
            &Query::update()
                .table(Dossiers::Table)
                .values([
                    (Dossiers::State, row.state.0.into()),
                    (Dossiers::Version, version.into()),
                    (Dossiers::UpdatedAt, now.into()),
                ])
                .and_where(sea_query::ExprTrait::eq(Expr::col(Dossiers::Id), id))
                .and_where(sea_query::ExprTrait::eq(
                    Expr::col(Dossiers::Version),
                    row.version,
                ))
                .to_owned(),
        )
        .await?;
        let payload = serde_json::json!({"event": "step_assigned", "officer": {"id": "bench", "name": "Nguyễn Văn Bình", "role": "specialist", "agency": "000.11.12.H48"}});
        let hash: String = Sha256::digest(format!("{id}{version}{payload}").as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        tx.execute(
            &Query::insert()
                .into_table(DossierEvents::Table)
                .columns(EVENT_COLUMNS)
                .values_panic([
                    id.into(),
                    version.into(),
                    "step_assigned".into(),
                    payload.clone().into(),
                    "bench".into(),
                    now.into(),
                    GENESIS.into(),
                    hash.clone().into(),
                ])
                .to_owned(),
        )
        .await?;
        crate::outbox::enqueue(
            &mut tx,
            id,
            motcua_core::effects::CHANGED_TOPIC,
            payload,
            format!("{id}:{version}:bench"),
            now,
        )
        .await?;
        tx.commit().await
    }

    /// The benchmark's physical baseline for an officer's work queue: the indexed SELECT of
    /// the unit's open dossiers waiting for `role`, unassigned or assigned to `officer`,
    /// earliest due first, one page — by hand.
    pub async fn baseline_work_queue(
        &self,
        unit: &str,
        role: &str,
        officer: &str,
    ) -> Result<usize, StoreError> {
        // The best hand-written form: one ordered index scan per side, merged.
        const SQL: &str = "SELECT * FROM (SELECT id, code, status, due_at, step_name, applicant_name \
            FROM dossiers WHERE resolving_agency = $1 AND step_role = $2 AND due_at IS NOT NULL \
            AND status NOT IN ('result_ready', 'returned', 'refused', 'not_accepted', 'withdrawn') \
            AND (current_assignee IS NULL OR current_assignee = $3) ORDER BY due_at LIMIT 50) AS a UNION ALL SELECT * FROM (SELECT id, code, status, due_at, \
            step_name, applicant_name FROM dossiers WHERE receiving_agency = $1 AND step_role = $2 \
            AND due_at IS NOT NULL \
            AND status NOT IN ('result_ready', 'returned', 'refused', 'not_accepted', 'withdrawn') \
            AND (current_assignee IS NULL OR current_assignee = $3) ORDER BY due_at LIMIT 50) AS b ORDER BY due_at LIMIT 50";
        let n = match self {
            Db::Sqlite(pool, _) => sqlx::query(SQL)
                .bind(unit)
                .bind(role)
                .bind(officer)
                .fetch_all(pool)
                .await?
                .len(),
            Db::Postgres(pool) => sqlx::query(SQL)
                .bind(unit)
                .bind(role)
                .bind(officer)
                .fetch_all(pool)
                .await?
                .len(),
        };
        Ok(n)
    }

    /// The benchmark's baseline for the periodic report: the same table (by resolving agency
    /// and channel: carried over, received, finished on time and late, refused, withdrawn, in
    /// process and overdue at the end) computed by one plain `GROUP BY` over the dossier table.
    pub async fn baseline_report(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        const SQL: &str = "SELECT resolving_agency, channel, \
            SUM(CASE WHEN received_at < $1 AND (finished_at IS NULL OR finished_at >= $1) THEN 1 ELSE 0 END), \
            SUM(CASE WHEN received_at >= $1 AND received_at < $2 THEN 1 ELSE 0 END), \
            SUM(CASE WHEN finished_at >= $1 AND finished_at < $2 AND status IN ('result_ready', 'returned') AND finished_at <= due_at THEN 1 ELSE 0 END), \
            SUM(CASE WHEN finished_at >= $1 AND finished_at < $2 AND status IN ('result_ready', 'returned') AND finished_at > due_at THEN 1 ELSE 0 END), \
            SUM(CASE WHEN finished_at >= $1 AND finished_at < $2 AND status = 'refused' THEN 1 ELSE 0 END), \
            SUM(CASE WHEN finished_at >= $1 AND finished_at < $2 AND status = 'withdrawn' THEN 1 ELSE 0 END), \
            SUM(CASE WHEN received_at < $2 AND (finished_at IS NULL OR finished_at >= $2) THEN 1 ELSE 0 END), \
            SUM(CASE WHEN received_at < $2 AND (finished_at IS NULL OR finished_at >= $2) AND due_at < $2 THEN 1 ELSE 0 END) \
            FROM dossiers WHERE origin_code IS NULL AND received_at IS NOT NULL AND status <> 'not_accepted' \
            GROUP BY resolving_agency, channel";
        let n = match self {
            Db::Sqlite(pool, _) => sqlx::query(SQL)
                .bind(start)
                .bind(end)
                .fetch_all(pool)
                .await?
                .len(),
            Db::Postgres(pool) => sqlx::query(SQL)
                .bind(start)
                .bind(end)
                .fetch_all(pool)
                .await?
                .len(),
        };
        Ok(n)
    }

    /// For `pgbench`: a numbered table of the dossiers its script may touch (PostgreSQL only),
    /// and the script doing the same three writes as [`Db::baseline_step`]. Returns the script.
    pub async fn prepare_pgbench(&self, ids: &[uuid::Uuid]) -> Result<&'static str, StoreError> {
        let Db::Postgres(pool) = self else {
            return Err(StoreError::Encoding("pgbench is for PostgreSQL".into()));
        };
        sqlx::query("DROP TABLE IF EXISTS bench_ids")
            .execute(pool)
            .await?;
        sqlx::query("CREATE TABLE bench_ids (n BIGINT PRIMARY KEY, id UUID NOT NULL)")
            .execute(pool)
            .await?;
        for (n, id) in ids.iter().enumerate() {
            sqlx::query("INSERT INTO bench_ids (n, id) VALUES ($1, $2)")
                .bind(i64::try_from(n).unwrap_or(0) + 1)
                .bind(id)
                .execute(pool)
                .await?;
        }
        Ok(r#"\set i random(1, :n)
BEGIN;
UPDATE dossiers SET state = state, version = version + 1, updated_at = now() WHERE id = (SELECT id FROM bench_ids WHERE n = :i);
INSERT INTO dossier_events (dossier_id, seq, kind, payload, actor_id, recorded_at, prev_hash, hash) SELECT b.id, d.version, 'step_assigned', '{"event": "step_assigned", "officer": {"id": "bench", "name": "Nguyễn Văn Bình", "role": "specialist", "agency": "000.11.12.H48"}}', 'bench', now(), '0000000000000000000000000000000000000000000000000000000000000000', md5(random()::text) || md5(random()::text) FROM bench_ids b JOIN dossiers d ON d.id = b.id WHERE b.n = :i;
INSERT INTO outbox (id, dossier_id, topic, payload, idempotency_key, created_at, available_at, attempts) SELECT gen_random_uuid(), id, 'dossier.changed', '{}', gen_random_uuid()::text, now(), now(), 0 FROM bench_ids WHERE n = :i;
END;
"#)
    }

    /// Up to `limit` dossier codes and ids, spread over the table (for benchmarks to look up).
    pub async fn sample_codes(&self, limit: u64) -> Result<Vec<(String, uuid::Uuid)>, StoreError> {
        struct CodeRow {
            code: String,
            id: uuid::Uuid,
        }
        db_row!(CodeRow { code, id });
        let rows: Vec<CodeRow> = self
            .fetch_all(
                &Query::select()
                    .columns([Dossiers::Code, Dossiers::Id])
                    .from(Dossiers::Table)
                    .order_by(Dossiers::Id, sea_query::Order::Asc)
                    .limit(limit)
                    .to_owned(),
            )
            .await?;
        Ok(rows.into_iter().map(|r| (r.code, r.id)).collect())
    }

    /// How many events there are.
    pub async fn event_count(&self) -> Result<i64, StoreError> {
        self.row_count(DossierEvents::Table).await
    }

    /// How many dossiers there are.
    pub async fn dossier_count(&self) -> Result<i64, StoreError> {
        self.row_count(Dossiers::Table).await
    }

    async fn row_count(&self, table: impl sea_query::IntoTableRef) -> Result<i64, StoreError> {
        Ok(self
            .fetch_optional(
                &Query::select()
                    .expr_as(Expr::cust("COUNT(*)"), "n")
                    .from(table)
                    .to_owned(),
            )
            .await?
            .map_or(0, |r: CountRow| r.n))
    }
}
