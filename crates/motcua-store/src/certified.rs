//! The certification register (`certified_copies`): an entry is written with the next number
//! of its agency's register for the year in one write transaction (a unique key backs it),
//! then updated when its signature is verified; read by holder, by id and by period.

use chrono::{DateTime, Utc};
use motcua_core::certification::CertifiedCopy;
use sea_query::{Expr, ExprTrait, Iden, Order, Query};
use sqlx::types::Json;

use crate::db::Db;
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
enum CertifiedCopies {
    Table,
    Id,
    Agency,
    Year,
    Number,
    Holder,
    CertifiedAt,
    State,
}

struct CopyRow {
    state: Json<CertifiedCopy>,
}

db_row!(CopyRow { state });

struct MaxRow {
    n: Option<i64>,
}

db_row!(MaxRow { n });

fn encode(c: &CertifiedCopy) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(c).map_err(|e| StoreError::Encoding(e.to_string()))
}

impl Db {
    /// Writes a new entry under the next number of its agency's register for its year (the
    /// number in `copy` is replaced).
    pub async fn register_copy(&self, copy: CertifiedCopy) -> Result<CertifiedCopy, StoreError> {
        self.retry_on_conflict(|| self.try_register_copy(copy.clone()))
            .await
    }

    async fn try_register_copy(
        &self,
        mut copy: CertifiedCopy,
    ) -> Result<CertifiedCopy, StoreError> {
        use CertifiedCopies as C;
        let mut tx = self.begin_write().await?;
        let max: Option<MaxRow> = tx
            .fetch_optional(
                &Query::select()
                    .expr_as(Expr::col(C::Number).max(), sea_query::Alias::new("n"))
                    .from(C::Table)
                    .and_where(Expr::col(C::Agency).eq(copy.agency.as_str()))
                    .and_where(Expr::col(C::Year).eq(i64::from(copy.year)))
                    .to_owned(),
            )
            .await?;
        let next = max.and_then(|m| m.n).unwrap_or(0) + 1;
        copy.number = u32::try_from(next).unwrap_or(u32::MAX);
        tx.execute(
            &Query::insert()
                .into_table(C::Table)
                .columns([
                    C::Id,
                    C::Agency,
                    C::Year,
                    C::Number,
                    C::Holder,
                    C::CertifiedAt,
                    C::State,
                ])
                .values_panic([
                    copy.id.into(),
                    copy.agency.as_str().into(),
                    i64::from(copy.year).into(),
                    next.into(),
                    copy.holder.clone().into(),
                    copy.certified_at.into(),
                    encode(&copy)?.into(),
                ])
                .to_owned(),
        )
        .await?;
        tx.commit().await?;
        Ok(copy)
    }

    /// Saves an entry's new state (its signature verified); its number stays.
    pub async fn save_copy(&self, copy: &CertifiedCopy) -> Result<(), StoreError> {
        use CertifiedCopies as C;
        self.execute(
            &Query::update()
                .table(C::Table)
                .values([(C::State, encode(copy)?.into())])
                .and_where(Expr::col(C::Id).eq(copy.id))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    /// An entry by id.
    pub async fn certified_copy(
        &self,
        id: uuid::Uuid,
    ) -> Result<Option<CertifiedCopy>, StoreError> {
        use CertifiedCopies as C;
        Ok(self
            .fetch_optional(
                &Query::select()
                    .column(C::State)
                    .from(C::Table)
                    .and_where(Expr::col(C::Id).eq(id))
                    .to_owned(),
            )
            .await?
            .map(|r: CopyRow| r.state.0))
    }

    /// A holder's entries, newest first.
    pub async fn certified_copies_of(
        &self,
        holder: &str,
    ) -> Result<Vec<CertifiedCopy>, StoreError> {
        use CertifiedCopies as C;
        Ok(self
            .fetch_page(
                &Query::select()
                    .column(C::State)
                    .from(C::Table)
                    .and_where(Expr::col(C::Holder).eq(holder))
                    .order_by(C::CertifiedAt, Order::Desc)
                    .to_owned(),
                500,
            )
            .await?
            .into_iter()
            .map(|r: CopyRow| r.state.0)
            .collect())
    }

    /// The entries certified in `[from, to)` by some agencies (all when `agencies` is `None`),
    /// oldest first, at most `limit`.
    pub async fn certified_copies_between(
        &self,
        agencies: Option<&[String]>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<CertifiedCopy>, StoreError> {
        use CertifiedCopies as C;
        let mut q = Query::select()
            .column(C::State)
            .from(C::Table)
            .and_where(Expr::col(C::CertifiedAt).gte(from))
            .and_where(Expr::col(C::CertifiedAt).lt(to))
            .order_by(C::CertifiedAt, Order::Asc)
            .to_owned();
        if let Some(a) = agencies {
            q.and_where(Expr::col(C::Agency).is_in(a.iter().cloned()));
        }
        Ok(self
            .fetch_page(&q, limit)
            .await?
            .into_iter()
            .map(|r: CopyRow| r.state.0)
            .collect())
    }

    /// Whether a certified copy's entry names a file matching the `LIKE` pattern.
    pub(crate) async fn copies_with_file(&self, pattern: &str) -> Result<bool, StoreError> {
        use CertifiedCopies as C;
        let found: Option<CopyRow> = self
            .fetch_first(
                &Query::select()
                    .column(C::State)
                    .from(C::Table)
                    .and_where(
                        Expr::col(C::State)
                            .cast_as(sea_query::Alias::new("TEXT"))
                            .like(pattern),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(found.is_some())
    }
}
