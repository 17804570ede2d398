//! Loading many dossiers at once, for imports and benchmarks: histories made elsewhere (by
//! the decider, in memory) are written with their hash chains in large multi-row statements,
//! one transaction per batch — the same rows the command path writes, minus the outbox (a
//! loaded history has been delivered already).

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use motcua_core::dossier::{Dossier, Event};
use sea_query::{Expr, Query};

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

impl Db {
    /// Writes a batch of dossiers with their hash-chained histories in one transaction.
    pub async fn load_dossiers(&self, batch: &[LoadedDossier]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for chunk in batch.chunks(DOSSIER_ROWS) {
            let mut insert = Query::insert()
                .into_table(Dossiers::Table)
                .columns(ROW_COLUMNS)
                .to_owned();
            for l in chunk {
                let updated = l.events.last().map_or(l.dossier.submitted_at, |e| e.at);
                insert.values_panic(row_values(&l.dossier, &l.province, updated)?);
            }
            tx.execute(&insert).await?;
        }
        let mut rows = Vec::new();
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
                    l.dossier.id.0.into(),
                    seq.into(),
                    e.event.kind().into(),
                    payload.into(),
                    e.actor_id.clone().into(),
                    at.into(),
                    prev.clone().into(),
                    hash.clone().into(),
                ]);
                prev = hash;
            }
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
        let dossiers: Vec<&motcua_core::dossier::Dossier> =
            batch.iter().map(|l| &l.dossier).collect();
        crate::search::insert_terms(&mut tx, &dossiers).await?;
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
    pub async fn reserve_codes(
        &self,
        agency: &str,
        day: NaiveDate,
        n: u32,
    ) -> Result<u32, StoreError> {
        let mut tx = self.begin_write().await?;
        let last = crate::dossiers::take_codes(&mut tx, agency, day, i64::from(n)).await?;
        tx.commit().await?;
        Ok(u32::try_from(last - i64::from(n) + 1).unwrap_or(u32::MAX))
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
