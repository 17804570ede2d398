//! Queue tickets (`queue_tickets`): issued with the next number of the desk's group that day
//! in one write transaction (a unique key backs it), read as a queue, saved after each step.

use chrono::NaiveDate;
use motcua_core::tickets::{Ticket, TicketStatus};
use sea_query::{Expr, ExprTrait, Iden, Order, Query};
use sqlx::types::Json;

use crate::db::Db;
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
enum QueueTickets {
    Table,
    Id,
    Agency,
    Day,
    Grp,
    Number,
    Status,
    Officer,
    IssuedAt,
    State,
}

struct TicketRow {
    state: Json<Ticket>,
}

db_row!(TicketRow { state });

struct MaxRow {
    n: Option<i64>,
}

db_row!(MaxRow { n });

fn encode(t: &Ticket) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(t).map_err(|e| StoreError::Encoding(e.to_string()))
}

impl Db {
    /// Stores a new ticket under the next number of its desk's group that day; the number in
    /// `ticket` is replaced. Two kiosks at once: the unique key refuses one, which tries again.
    pub async fn issue_ticket(&self, ticket: Ticket) -> Result<Ticket, StoreError> {
        self.retry_on_conflict(|| self.try_issue_ticket(ticket.clone()))
            .await
    }

    async fn try_issue_ticket(&self, mut ticket: Ticket) -> Result<Ticket, StoreError> {
        let mut tx = self.begin_write().await?;
        let max: Option<MaxRow> = tx
            .fetch_optional(
                &Query::select()
                    .expr_as(
                        Expr::col(QueueTickets::Number).max(),
                        sea_query::Alias::new("n"),
                    )
                    .from(QueueTickets::Table)
                    .and_where(Expr::col(QueueTickets::Agency).eq(ticket.agency.as_str()))
                    .and_where(Expr::col(QueueTickets::Day).eq(ticket.day.to_string()))
                    .and_where(Expr::col(QueueTickets::Grp).eq(ticket.group.as_str()))
                    .to_owned(),
            )
            .await?;
        let next = max.and_then(|m| m.n).unwrap_or(0) + 1;
        ticket.number = u32::try_from(next).unwrap_or(u32::MAX);
        tx.execute(
            &Query::insert()
                .into_table(QueueTickets::Table)
                .columns([
                    QueueTickets::Id,
                    QueueTickets::Agency,
                    QueueTickets::Day,
                    QueueTickets::Grp,
                    QueueTickets::Number,
                    QueueTickets::Status,
                    QueueTickets::Officer,
                    QueueTickets::IssuedAt,
                    QueueTickets::State,
                ])
                .values_panic([
                    ticket.id.into(),
                    ticket.agency.clone().into(),
                    ticket.day.to_string().into(),
                    ticket.group.clone().into(),
                    next.into(),
                    ticket.status.as_str().into(),
                    ticket.officer.clone().into(),
                    ticket.issued_at.into(),
                    encode(&ticket)?.into(),
                ])
                .to_owned(),
        )
        .await?;
        tx.commit().await?;
        Ok(ticket)
    }

    /// Saves a ticket after a step; `expected` is the status it had when read, so two
    /// officers calling the same number cannot both have it.
    pub async fn save_ticket(
        &self,
        ticket: &Ticket,
        expected: TicketStatus,
    ) -> Result<(), StoreError> {
        let n = self
            .execute(
                &Query::update()
                    .table(QueueTickets::Table)
                    .values([
                        (QueueTickets::Status, ticket.status.as_str().into()),
                        (QueueTickets::Officer, ticket.officer.clone().into()),
                        (QueueTickets::State, encode(ticket)?.into()),
                    ])
                    .and_where(Expr::col(QueueTickets::Id).eq(ticket.id))
                    .and_where(Expr::col(QueueTickets::Status).eq(expected.as_str()))
                    .to_owned(),
            )
            .await?;
        if n == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict(format!(
                "số {} vừa được người khác xử lý",
                ticket.label()
            )))
        }
    }

    /// A ticket by id.
    pub async fn ticket(&self, id: uuid::Uuid) -> Result<Option<Ticket>, StoreError> {
        Ok(self
            .fetch_optional(
                &Query::select()
                    .column(QueueTickets::State)
                    .from(QueueTickets::Table)
                    .and_where(Expr::col(QueueTickets::Id).eq(id))
                    .to_owned(),
            )
            .await?
            .map(|r: TicketRow| r.state.0))
    }

    /// The tickets of some desks on some days (oldest first), optionally in some statuses.
    pub async fn tickets(
        &self,
        agencies: &[String],
        from: NaiveDate,
        to: NaiveDate,
        statuses: &[TicketStatus],
    ) -> Result<Vec<Ticket>, StoreError> {
        let mut q = Query::select()
            .column(QueueTickets::State)
            .from(QueueTickets::Table)
            .and_where(Expr::col(QueueTickets::Agency).is_in(agencies.iter().cloned()))
            .and_where(Expr::col(QueueTickets::Day).gte(from.to_string()))
            .and_where(Expr::col(QueueTickets::Day).lte(to.to_string()))
            .order_by(QueueTickets::IssuedAt, Order::Asc)
            .to_owned();
        if !statuses.is_empty() {
            q.and_where(Expr::col(QueueTickets::Status).is_in(statuses.iter().map(|s| s.as_str())));
        }
        Ok(self
            .fetch_all(&q)
            .await?
            .into_iter()
            .map(|r: TicketRow| r.state.0)
            .collect())
    }

    /// The ticket an officer has at their counter now (called or being served).
    pub async fn officer_ticket(&self, officer: &str) -> Result<Option<Ticket>, StoreError> {
        Ok(self
            .fetch_first(
                &Query::select()
                    .column(QueueTickets::State)
                    .from(QueueTickets::Table)
                    .and_where(Expr::col(QueueTickets::Officer).eq(officer))
                    .and_where(Expr::col(QueueTickets::Status).is_in([
                        TicketStatus::Called.as_str(),
                        TicketStatus::Serving.as_str(),
                    ]))
                    .order_by(QueueTickets::IssuedAt, Order::Desc)
                    .to_owned(),
            )
            .await?
            .map(|r: TicketRow| r.state.0))
    }
}
