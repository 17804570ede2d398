//! Finding dossiers by the words they carry (`dossier_terms`, written with the dossier). A
//! search reads the rows of its rarest word in id order — newest first, ids are UUIDv7 — joined
//! to the dossier for the filters and visibility, and checks each other word by primary key;
//! it stops at the page size. No search reads every dossier.
//!
//! Measured on PostgreSQL at 1M dossiers, warm cache (words: "thi" 550k rows, "nguyen" 72k,
//! "lan" 50k), median of interleaved runs: a CCCD 4 ms; "thi" 12 ms; "tran hoa" 27 ms; "nguyen
//! thi lan" province-wide 44 ms; "nguyen lan" within one branch 63 ms (over HTTP, sign-in
//! included). Cold, the first common-name search reads the word's rows from disk (~1.8 s once).
//! Reading the rarest word in chunks of 1,000 ids and probing the others per chunk was tried
//! and was ~100× slower (4.2 s for "nguyen thi lan"): one statement lets the planner do it.

use motcua_core::dossier::Dossier;
use motcua_core::dossier::search::terms;
use sea_query::{Alias, Expr, ExprTrait, Iden, JoinType, OnConflict, Order, Query};

use crate::db::{Db, Tx};
use crate::dossiers::Dossiers;
use crate::error::StoreError;
use crate::listing::{DossierFilter, DossierSummary, ListOrder, filtered, page_limit};
use crate::row::db_row;

const REBUILD_FLAG: &str = "search_terms";
/// Counting a word's rows stops here: beyond it, which word is rarer matters little.
const COUNT_CAP: u64 = 5_000;

#[derive(Iden)]
pub(crate) enum DossierTerms {
    Table,
    Term,
    DossierId,
}

struct CountRow {
    n: i64,
}

db_row!(CountRow { n });

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
        let mut q = filtered(
            &DossierFilter {
                order: ListOrder::Newest,
                ..f.clone()
            },
            f.visible_units.as_deref(),
        );
        q.clear_order_by();
        let t = Alias::new("t");
        q.join_as(
            JoinType::InnerJoin,
            DossierTerms::Table,
            t.clone(),
            Expr::col((t.clone(), DossierTerms::DossierId))
                .equals((Dossiers::Table, Dossiers::Id))
                .and(Expr::col((t.clone(), DossierTerms::Term)).eq(*rarest)),
        );
        for (_, other) in others {
            let u = Alias::new("u");
            q.and_where(Expr::exists(
                Query::select()
                    .expr(Expr::val(1))
                    .from_as(DossierTerms::Table, u.clone())
                    .and_where(Expr::col((u.clone(), DossierTerms::Term)).eq(*other))
                    .and_where(
                        Expr::col((u, DossierTerms::DossierId))
                            .equals((Dossiers::Table, Dossiers::Id)),
                    )
                    .to_owned(),
            ));
        }
        q.order_by((t, DossierTerms::DossierId), Order::Desc);
        self.fetch_page(&q, page_limit(f)).await
    }

    /// How many dossiers carry a term, up to the cap.
    async fn count_term(&self, term: &str) -> Result<i64, StoreError> {
        // The cap is written into the text: a bound LIMIT makes SQLite prepare the statement
        // again on every run (see `Db::fetch_page`).
        let count = Expr::cust_with_values(
            format!(
                "(SELECT COUNT(*) FROM (SELECT 1 FROM dossier_terms WHERE term = $1 \
                 LIMIT {COUNT_CAP}) AS c)"
            ),
            [term],
        );
        let row: Option<CountRow> = self
            .fetch_optional(&Query::select().expr_as(count, Alias::new("n")).to_owned())
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
