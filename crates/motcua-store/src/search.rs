//! Finding dossiers by the words they carry (`dossier_terms`, written with the dossier). A
//! search walks the rows of its rarest word in id order — newest first, ids are UUIDv7 — a
//! chunk at a time; each other word is checked for the chunk's ids on the primary key
//! (`term, dossier_id`), and the survivors are read with the filters and visibility. It stops
//! when the page is full. No search reads every dossier, nor every row of a common word.
//!
//! Measured on PostgreSQL at 1M dossiers (words: "thi" 550k rows, "nguyen" 72k, "lan" 50k):
//! one statement joining the words took 1.8 s for "nguyen thi lan" province-wide, because the
//! planner checked the common words with a hash semi-join over all their rows; the chunked
//! walk bounds the work by the page (figures in bench/README.md).

use motcua_core::dossier::Dossier;
use motcua_core::dossier::search::terms;
use sea_query::{Alias, Expr, ExprTrait, Iden, OnConflict, Order, Query};

use crate::db::{Db, Tx};
use crate::dossiers::Dossiers;
use crate::error::StoreError;
use crate::listing::{DossierFilter, DossierSummary, ListOrder, filtered, page_limit};
use crate::row::db_row;

const REBUILD_FLAG: &str = "search_terms";
/// Counting a word's rows stops here: beyond it, which word is rarer matters little.
const COUNT_CAP: u64 = 5_000;

#[derive(Iden)]
enum DossierTerms {
    Table,
    Term,
    DossierId,
}

struct CountRow {
    n: i64,
}

db_row!(CountRow { n });

struct TermRow {
    dossier_id: uuid::Uuid,
}

db_row!(TermRow { dossier_id });

/// Ids read per step of a search: enough that a page of common names fills in one step, few
/// enough that each other word's check is a short list of key probes.
const CHUNK: usize = 1000;

/// Rows per statement: two parameters each, under SQLite's 32,766.
const TERM_ROWS: usize = 10_000;

/// Writes new dossiers' search words (in the transaction that stores them). A word already
/// there is left as it is: a dossier's words never change, and a fill interrupted by a crash
/// (or run by two processes at once) goes over the same rows again.
pub(crate) async fn insert_terms(tx: &mut Tx, dossiers: &[&Dossier]) -> Result<(), StoreError> {
    // Collected first: an iterator borrowing the dossiers held across the awaits below would
    // make the future not `Send` for every lifetime.
    let rows: Vec<(String, uuid::Uuid)> = dossiers
        .iter()
        .flat_map(|d| terms(d).into_iter().map(|w| (w, d.id.0)))
        .collect();
    for chunk in rows.chunks(TERM_ROWS) {
        let mut q = Query::insert()
            .into_table(DossierTerms::Table)
            .columns([DossierTerms::Term, DossierTerms::DossierId])
            .to_owned();
        for (w, id) in chunk {
            q.values_panic([w.clone().into(), (*id).into()]);
        }
        q.on_conflict(
            OnConflict::columns([DossierTerms::Term, DossierTerms::DossierId])
                .do_nothing()
                .to_owned(),
        );
        tx.execute(&q).await?;
    }
    Ok(())
}

impl Db {
    /// A page of the dossiers carrying every term of the filter, newest first.
    pub(crate) async fn search_page(
        &self,
        f: &DossierFilter,
    ) -> Result<Vec<DossierSummary>, StoreError> {
        let mut counted = Vec::with_capacity(f.terms.len());
        for t in &f.terms {
            counted.push((self.count_term(t).await?, t.as_str()));
        }
        counted.sort_unstable();
        let Some(((_, rarest), others)) = counted.split_first() else {
            return Ok(Vec::new());
        };
        let limit = page_limit(f);
        let mut found: Vec<DossierSummary> = Vec::new();
        let mut cursor = f.before_id;
        loop {
            let chunk = self.term_ids(rarest, cursor, None).await?;
            let (Some(last), full) = (chunk.last().copied(), chunk.len() == CHUNK) else {
                break;
            };
            let mut ids = chunk;
            for (_, other) in others {
                if ids.is_empty() {
                    break;
                }
                ids = self.term_ids(other, None, Some(&ids)).await?;
            }
            if !ids.is_empty() {
                let mut q = filtered(
                    &DossierFilter {
                        order: ListOrder::Newest,
                        ..f.clone()
                    },
                    f.visible_units.as_deref(),
                );
                q.and_where(Expr::col((Dossiers::Table, Dossiers::Id)).is_in(ids));
                q.clear_order_by();
                q.order_by((Dossiers::Table, Dossiers::Id), Order::Desc);
                let want = limit.saturating_sub(found.len() as u64);
                found.extend(self.fetch_page::<DossierSummary>(&q, want).await?);
            }
            if found.len() as u64 >= limit || !full {
                break;
            }
            cursor = Some(last);
        }
        Ok(found)
    }

    /// Ids of the dossiers carrying `term`, newest first: the next chunk before `before`, or
    /// those among `among` (each a key probe).
    async fn term_ids(
        &self,
        term: &str,
        before: Option<uuid::Uuid>,
        among: Option<&[uuid::Uuid]>,
    ) -> Result<Vec<uuid::Uuid>, StoreError> {
        let mut q = Query::select()
            .column(DossierTerms::DossierId)
            .from(DossierTerms::Table)
            .and_where(Expr::col(DossierTerms::Term).eq(term))
            .order_by(DossierTerms::DossierId, Order::Desc)
            .to_owned();
        if let Some(before) = before {
            q.and_where(Expr::col(DossierTerms::DossierId).lt(before));
        }
        if let Some(ids) = among {
            q.and_where(Expr::col(DossierTerms::DossierId).is_in(ids.iter().copied()));
        }
        let rows: Vec<TermRow> = self.fetch_page(&q, CHUNK as u64).await?;
        Ok(rows.into_iter().map(|r| r.dossier_id).collect())
    }

    /// How many dossiers carry a term, up to the cap.
    async fn count_term(&self, term: &str) -> Result<i64, StoreError> {
        let inner = Query::select()
            .expr(Expr::val(1))
            .from(DossierTerms::Table)
            .and_where(Expr::col(DossierTerms::Term).eq(term))
            .limit(COUNT_CAP)
            .to_owned();
        let row: Option<CountRow> = self
            .fetch_optional(
                &Query::select()
                    .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
                    .from_subquery(inner, Alias::new("c"))
                    .to_owned(),
            )
            .await?;
        Ok(row.map_or(0, |r| r.n))
    }

    /// Fills the search words of the dossiers stored before they existed, when the migration
    /// that made the table asked for it. Returns how many dossiers were read, if it ran.
    pub async fn build_search_terms_if_needed(&self) -> Result<Option<u64>, StoreError> {
        if self.setting(REBUILD_FLAG).await?.is_none() {
            return Ok(None);
        }
        let (mut after, mut read) = (None, 0u64);
        loop {
            let page = self.dossiers_after(after, 1000).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            let mut tx = self.begin_write().await?;
            read += page.len() as u64;
            insert_terms(&mut tx, &page.iter().collect::<Vec<_>>()).await?;
            tx.commit().await?;
        }
        self.clear_setting(REBUILD_FLAG).await?;
        Ok(Some(read))
    }
}
