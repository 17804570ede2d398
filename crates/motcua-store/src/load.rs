//! Loading many dossiers at once, for imports and benchmarks: histories made elsewhere (by
//! the decider, in memory) are written with their hash chains in large multi-row statements,
//! one transaction per batch — the same rows the command path writes, minus the outbox (a
//! loaded history has been delivered already).

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use motcua_core::dossier::{Dossier, Event};
use sea_query::{Expr, ExprTrait as _, Iden, Query};

use crate::audit::{GENESIS, event_hash};
use crate::db::Db;
use crate::dossiers::{DossierEvents, Dossiers, EVENT_COLUMNS, ROW_COLUMNS, row_values};
use crate::error::StoreError;
use crate::row::db_row;

/// One event of a loaded history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedEvent {
    /// The event.
    pub event: Event,
    /// Who caused it.
    pub actor_id: String,
    /// When (microseconds: what PostgreSQL keeps).
    pub at: DateTime<Utc>,
}

/// A dossier and the history that built it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedDossier {
    /// The state after the last event.
    pub dossier: Dossier,
    /// Province (the shard key).
    pub province: String,
    /// Its events, in order.
    pub events: Vec<RecordedEvent>,
}

/// Rows per statement: under SQLite's 32,766 bound parameters for both tables.
const DOSSIER_ROWS: usize = 1000;
const EVENT_ROWS: usize = 3000;

/// `rows` into `table` with `COPY … FROM STDIN`, in the transaction.
async fn copy_in<T: Iden, const N: usize>(
    pg: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    table: T,
    columns: &[T; N],
    rows: &[[Expr; N]],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut text = String::new();
    for row in rows {
        crate::pg_copy::push_row(&mut text, row)?;
    }
    let names: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    let statement = format!(
        "COPY {} ({}) FROM STDIN",
        table.to_string(),
        names.join(", ")
    );
    let mut copy = pg.copy_in_raw(&statement).await?;
    copy.send(text.as_bytes()).await?;
    copy.finish().await?;
    Ok(())
}

impl Db {
    /// Writes a batch of dossiers with their hash-chained histories in one transaction.
    pub async fn load_dossiers(&self, batch: &[LoadedDossier]) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        let mut dossier_rows = Vec::with_capacity(batch.len());
        for l in batch {
            let updated = l.events.last().map_or(l.dossier.submitted_at, |e| e.at);
            dossier_rows.push(row_values(&l.dossier, &l.province, updated)?);
        }
        let mut rows: Vec<[Expr; 8]> = Vec::new();
        for l in batch {
            let mut prev = GENESIS.to_owned();
            for (i, e) in l.events.iter().enumerate() {
                let seq = i64::try_from(i).unwrap_or(0) + 1;
                let at = e.at.trunc_subsecs(6);
                let hash = event_hash(&prev, l.dossier.id.0, seq, &e.event, &e.actor_id, at)
                    .map_err(StoreError::Encoding)?;
                let payload = serde_json::to_value(&e.event)
                    .map_err(|err| StoreError::Encoding(err.to_string()))?;
                rows.push([
                    Expr::val(l.dossier.id.0),
                    Expr::val(seq),
                    Expr::val(e.event.kind()),
                    Expr::val(payload),
                    Expr::val(e.actor_id.clone()),
                    Expr::val(at),
                    Expr::val(prev.clone()),
                    Expr::val(hash.clone()),
                ]);
                prev = hash;
            }
        }
        let dossiers: Vec<&motcua_core::dossier::Dossier> =
            batch.iter().map(|l| &l.dossier).collect();
        if let crate::db::Tx::Postgres(pg) = &mut tx {
            let terms: Vec<[Expr; 2]> = dossiers
                .iter()
                .flat_map(|d| {
                    motcua_core::dossier::search::terms(d)
                        .into_iter()
                        .map(|w| [Expr::val(w), Expr::val(d.id.0)])
                })
                .collect();
            copy_in(pg, Dossiers::Table, &ROW_COLUMNS, &dossier_rows).await?;
            copy_in(pg, DossierEvents::Table, &EVENT_COLUMNS, &rows).await?;
            copy_in(
                pg,
                crate::search::DossierTerms::Table,
                &[
                    crate::search::DossierTerms::Term,
                    crate::search::DossierTerms::DossierId,
                ],
                &terms,
            )
            .await?;
        } else {
            let mut dossier_rows = dossier_rows.into_iter().peekable();
            while dossier_rows.peek().is_some() {
                let mut insert = Query::insert()
                    .into_table(Dossiers::Table)
                    .columns(ROW_COLUMNS)
                    .to_owned();
                for row in dossier_rows.by_ref().take(DOSSIER_ROWS) {
                    insert.values_panic(row);
                }
                tx.execute(&insert).await?;
            }
            let mut rows = rows.into_iter().peekable();
            while rows.peek().is_some() {
                let mut insert = Query::insert()
                    .into_table(DossierEvents::Table)
                    .columns(EVENT_COLUMNS)
                    .to_owned();
                for row in rows.by_ref().take(EVENT_ROWS) {
                    insert.values_panic(row);
                }
                tx.execute(&insert).await?;
            }
            crate::search::insert_terms(&mut tx, &dossiers).await?;
        }
        // The rollup, as the command path keeps it: the batch's contributions summed per key.
        let mut sum: std::collections::BTreeMap<_, motcua_core::kpi::Counts> =
            std::collections::BTreeMap::new();
        for l in batch {
            for (k, c) in motcua_core::kpi::rollup::contributions(&l.dossier) {
                *sum.entry(k).or_default() += c;
            }
        }
        let sum: Vec<_> = sum.into_iter().collect();
        crate::rollups::add_all(&mut tx, &sum).await?;
        tx.commit().await
    }

    /// Reserves `n` codes in `agency`'s series for `day` (an import's new dossiers): the
    /// first number. A batch that then fails leaves a gap in the series, never a reused code.
    /// Every series of a batch in one transaction: an import's batch spreads over hundreds of
    /// agency-days, and a commit each would be most of its time.
    pub async fn reserve_codes(
        &self,
        series: &[(String, NaiveDate, u32)],
    ) -> Result<Vec<u32>, StoreError> {
        use crate::dossiers::DossierCodeSequences as S;
        struct Row {
            agency_code: String,
            day: NaiveDate,
            last_value: i64,
        }
        db_row!(Row {
            agency_code,
            day,
            last_value
        });
        let mut last = std::collections::HashMap::new();
        let mut tx = self.begin_write().await?;
        // One statement per few hundred series: each row adds its count to its series.
        for chunk in series.chunks(300) {
            let mut stmt = Query::insert()
                .into_table(S::Table)
                .columns([S::AgencyCode, S::Day, S::LastValue])
                .on_conflict(
                    sea_query::OnConflict::columns([S::AgencyCode, S::Day])
                        .value(
                            S::LastValue,
                            Expr::col((S::Table, S::LastValue))
                                .add(Expr::col((sea_query::Alias::new("excluded"), S::LastValue))),
                        )
                        .to_owned(),
                )
                .returning(Query::returning().columns([S::AgencyCode, S::Day, S::LastValue]))
                .to_owned();
            for (agency, day, n) in chunk {
                stmt.values_panic([agency.as_str().into(), (*day).into(), i64::from(*n).into()]);
            }
            let rows: Vec<Row> = tx.fetch_all(&stmt).await?;
            last.extend(
                rows.into_iter()
                    .map(|r| ((r.agency_code, r.day), r.last_value)),
            );
        }
        tx.commit().await?;
        series
            .iter()
            .map(|(agency, day, n)| {
                let l = last
                    .get(&(agency.clone(), *day))
                    .ok_or(StoreError::NotFound)?;
                Ok(u32::try_from(l - i64::from(*n) + 1).unwrap_or(u32::MAX))
            })
            .collect()
    }

    /// Which of `codes` some dossier already carries as its external code.
    pub async fn external_codes_taken(&self, codes: &[String]) -> Result<Vec<String>, StoreError> {
        struct Row {
            external_code: String,
        }
        db_row!(Row { external_code });
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<Row> = self
            .fetch_all(
                &Query::select()
                    .column(Dossiers::ExternalCode)
                    .from(Dossiers::Table)
                    .and_where(sea_query::ExprTrait::is_in(
                        Expr::col(Dossiers::ExternalCode),
                        codes.iter().cloned(),
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.external_code).collect())
    }
}
