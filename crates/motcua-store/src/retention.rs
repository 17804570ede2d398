//! Destruction lists (`destruction_lists`): written when proposed, then moved forward once
//! (approved or refused, then destroyed) by a guarded update, so two leaders deciding at once
//! cannot both win; and the ended dossiers and file references a list is drawn from.

use chrono::{DateTime, Utc};
use motcua_core::dossier::Dossier;
use motcua_core::retention::{DestructionList, ListStatus};
use sea_query::{Expr, ExprTrait, Iden, Order, Query};
use sqlx::types::Json;

use crate::db::Db;
use crate::dossiers::{Dossiers, StateRow};
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
enum DestructionLists {
    Table,
    Id,
    Agency,
    Status,
    ProposedAt,
    State,
}

struct ListRow {
    state: Json<DestructionList>,
}

db_row!(ListRow { state });

fn encode(l: &DestructionList) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(l).map_err(|e| StoreError::Encoding(e.to_string()))
}

impl Db {
    /// Writes a proposed list.
    pub async fn insert_destruction_list(&self, list: &DestructionList) -> Result<(), StoreError> {
        use DestructionLists as L;
        self.execute(
            &Query::insert()
                .into_table(L::Table)
                .columns([L::Id, L::Agency, L::Status, L::ProposedAt, L::State])
                .values_panic([
                    list.id.into(),
                    list.agency.clone().into(),
                    list.status.as_str().into(),
                    list.proposed_at.into(),
                    encode(list)?.into(),
                ])
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    /// Saves a list's new state if it still stands at `from`; `false` when someone moved it
    /// first.
    pub async fn advance_destruction_list(
        &self,
        list: &DestructionList,
        from: ListStatus,
    ) -> Result<bool, StoreError> {
        use DestructionLists as L;
        let changed = self
            .execute(
                &Query::update()
                    .table(L::Table)
                    .values([
                        (L::Status, list.status.as_str().into()),
                        (L::State, encode(list)?.into()),
                    ])
                    .and_where(Expr::col(L::Id).eq(list.id))
                    .and_where(Expr::col(L::Status).eq(from.as_str()))
                    .to_owned(),
            )
            .await?;
        Ok(changed == 1)
    }

    /// A list by id.
    pub async fn destruction_list(
        &self,
        id: uuid::Uuid,
    ) -> Result<Option<DestructionList>, StoreError> {
        use DestructionLists as L;
        Ok(self
            .fetch_optional(
                &Query::select()
                    .column(L::State)
                    .from(L::Table)
                    .and_where(Expr::col(L::Id).eq(id))
                    .to_owned(),
            )
            .await?
            .map(|r: ListRow| r.state.0))
    }

    /// The lists of some agencies (all when `None`), newest first.
    pub async fn destruction_lists(
        &self,
        agencies: Option<&[String]>,
        limit: u64,
    ) -> Result<Vec<DestructionList>, StoreError> {
        use DestructionLists as L;
        let mut q = Query::select()
            .column(L::State)
            .from(L::Table)
            .order_by(L::ProposedAt, Order::Desc)
            .to_owned();
        if let Some(a) = agencies {
            q.and_where(Expr::col(L::Agency).is_in(a.iter().cloned()));
        }
        Ok(self
            .fetch_page(&q, limit)
            .await?
            .into_iter()
            .map(|r: ListRow| r.state.0)
            .collect())
    }

    /// An agency's dossiers that ended before `before`, a page at a time in id order (`after`:
    /// the last id of the previous page); inter-agency sub-dossiers left out.
    pub async fn ended_dossiers(
        &self,
        agency: &str,
        before: DateTime<Utc>,
        after: Option<uuid::Uuid>,
        limit: u64,
    ) -> Result<Vec<Dossier>, StoreError> {
        let mut q = Query::select()
            .columns([Dossiers::State, Dossiers::Version])
            .from(Dossiers::Table)
            .and_where(Expr::col(Dossiers::ResolvingAgency).eq(agency))
            .and_where(Expr::col(Dossiers::FinishedAt).lt(before))
            .and_where(Expr::col(Dossiers::OriginCode).is_null())
            .and_where(Expr::col(Dossiers::Status).is_in([
                "returned",
                "refused",
                "not_accepted",
                "withdrawn",
            ]))
            .order_by(Dossiers::Id, Order::Asc)
            .to_owned();
        if let Some(a) = after {
            q.and_where(Expr::col(Dossiers::Id).gt(a));
        }
        let rows: Vec<StateRow> = self.fetch_page(&q, limit).await?;
        Ok(rows.into_iter().map(|r| r.state.0).collect())
    }

    /// Dossiers whose record names the file `digest` (at most `limit`), and whether a
    /// certified copy holds it: what decides if its bytes may be deleted. A scan of every
    /// record, run only when a destruction list is carried out.
    pub async fn holders_of_file(
        &self,
        digest: &str,
        limit: u64,
    ) -> Result<(Vec<Dossier>, bool), StoreError> {
        let pattern = format!("%{}%", digest.replace(['%', '_'], ""));
        let q = Query::select()
            .columns([Dossiers::State, Dossiers::Version])
            .from(Dossiers::Table)
            .and_where(
                Expr::col(Dossiers::State)
                    .cast_as(sea_query::Alias::new("TEXT"))
                    .like(pattern.clone()),
            )
            .to_owned();
        let rows: Vec<StateRow> = self.fetch_page(&q, limit).await?;
        let copies = self.copies_with_file(&pattern).await?;
        Ok((rows.into_iter().map(|r| r.state.0).collect(), copies))
    }
}
