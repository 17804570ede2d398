//! Dossier lists: filters, visibility and keyset (cursor) pagination, on the projection row.

use chrono::{DateTime, Utc};
use motcua_core::dossier::{Dossier, DossierId};
use sea_query::{Cond, Expr, ExprTrait, Order, Query};
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::Db;
use crate::dossiers::Dossiers;
use crate::error::StoreError;
use crate::row::db_row;

/// A row of a dossier list.
#[derive(Debug, Clone, PartialEq)]
pub struct DossierSummary {
    /// Id.
    pub id: Uuid,
    /// Code.
    pub code: String,
    /// Province.
    pub province_code: String,
    /// Procedure.
    pub procedure_code: String,
    /// Status.
    pub status: String,
    /// Channel.
    pub channel: String,
    /// Receiving desk.
    pub receiving_agency: String,
    /// Resolving agency.
    pub resolving_agency: String,
    /// Applicant's name.
    pub applicant_name: String,
    /// Officer on the current step.
    pub current_assignee: Option<String>,
    /// Role the current step needs.
    pub step_role: Option<String>,
    /// Name of the current step.
    pub step_name: Option<String>,
    /// Filed or received.
    pub submitted_at: DateTime<Utc>,
    /// Current due instant.
    pub due_at: Option<DateTime<Utc>>,
    /// The statutory clock is stopped.
    pub clock_stopped: bool,
    /// Finished.
    pub finished_at: Option<DateTime<Utc>>,
}

db_row!(DossierSummary {
    id,
    code,
    province_code,
    procedure_code,
    status,
    channel,
    receiving_agency,
    resolving_agency,
    applicant_name,
    current_assignee,
    step_role,
    step_name,
    submitted_at,
    due_at,
    clock_stopped,
    finished_at
});

/// How to order a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListOrder {
    /// Newest first (cursor: the last id seen).
    #[default]
    Newest,
    /// Earliest due first (work queues); dossiers without a due instant last.
    DueFirst,
}

/// Where a due-first page ends: the last row's due instant (none: the undated tail) and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueCursor {
    /// The last row's due instant.
    pub due_at: Option<DateTime<Utc>>,
    /// The last row's id.
    pub id: Uuid,
}

/// Which dossiers to list.
#[derive(Debug, Clone, Default)]
pub struct DossierFilter {
    /// Only this province (supervisors, administrators).
    pub province: Option<String>,
    /// Only dossiers received or resolved by one of these agencies.
    pub visible_units: Option<Vec<String>>,
    /// Status.
    pub status: Option<String>,
    /// Procedure code.
    pub procedure: Option<String>,
    /// Received or resolved by this agency.
    pub unit: Option<String>,
    /// Current step assigned to this account.
    pub assignee: Option<String>,
    /// Due before this instant.
    pub due_before: Option<DateTime<Utc>>,
    /// Overdue at this instant (due passed, handling not finished).
    pub overdue_at: Option<DateTime<Utc>>,
    /// Channel.
    pub channel: Option<String>,
    /// Not overdue at this instant: due then or later, or the clock stopped.
    pub not_overdue_at: Option<DateTime<Utc>>,
    /// Only unfinished dossiers.
    pub open_only: bool,
    /// Only dossiers whose current step is assigned to no one.
    pub unassigned_only: bool,
    /// Only dossiers whose current step needs this role.
    pub waiting_role: Option<String>,
    /// Only dossiers whose current step is unassigned or assigned to this account.
    pub free_or_assigned_to: Option<String>,
    /// Received on or after this instant.
    pub submitted_from: Option<DateTime<Utc>>,
    /// Received before this instant.
    pub submitted_to: Option<DateTime<Utc>>,
    /// Cursor: the last id of the previous page (newest-first order).
    pub before_id: Option<Uuid>,
    /// Cursor: the last row of the previous page (due-first order).
    pub due_after: Option<DueCursor>,
    /// Page size.
    pub limit: u64,
    /// Order.
    pub order: ListOrder,
    /// Search terms (`motcua_core::dossier::search::query_terms`): only dossiers carrying all
    /// of them, newest first.
    pub terms: Vec<String>,
}

const TERMINAL: [&str; 5] = [
    "result_ready",
    "returned",
    "refused",
    "not_accepted",
    "withdrawn",
];

struct LocatedRow {
    state: Json<Dossier>,
    province_code: String,
}

db_row!(LocatedRow {
    state,
    province_code
});

impl Db {
    /// Lists dossiers; at most `limit` rows.
    pub async fn list_dossiers(
        &self,
        f: &DossierFilter,
    ) -> Result<Vec<DossierSummary>, StoreError> {
        if !f.terms.is_empty() {
            return self.search_page(f).await;
        }
        if f.order == ListOrder::DueFirst
            && let Some(units) = &f.visible_units
        {
            return self.due_first_for_units(f, units).await;
        }
        self.fetch_page(&filtered(f, f.visible_units.as_deref()), page_limit(f))
            .await
    }

    /// A work queue (earliest due first) of the units' dossiers. "Received or resolved by my
    /// units" as one OR makes the database read every dossier of the units and sort them; as
    /// one ordered index scan per side — and per "has a due instant" — each stopping at the
    /// page size, it reads a page or four, merged here.
    async fn due_first_for_units(
        &self,
        f: &DossierFilter,
        units: &[String],
    ) -> Result<Vec<DossierSummary>, StoreError> {
        use Dossiers as D;
        let limit = usize::try_from(f.limit.clamp(1, 500)).unwrap_or(500);
        let mut rows: Vec<DossierSummary> = Vec::new();
        for receiving in [true, false] {
            for without_due in [false, true] {
                let side = if receiving {
                    D::ReceivingAgency
                } else {
                    D::ResolvingAgency
                };
                let mut q = filtered(
                    &DossierFilter {
                        due_after: None,
                        ..f.clone()
                    },
                    None,
                );
                q.and_where(Expr::col(side).is_in(units.iter().map(String::as_str)));
                q.clear_order_by();
                if without_due {
                    q.and_where(Expr::col(D::DueAt).is_null());
                    if let Some(c) = f.due_after.filter(|c| c.due_at.is_none()) {
                        q.and_where(Expr::col(D::Id).gt(c.id));
                    }
                    q.order_by(D::Id, Order::Asc);
                } else {
                    match f.due_after {
                        // Past the dated rows already: this side has nothing more to give.
                        Some(DueCursor { due_at: None, .. }) => continue,
                        Some(DueCursor {
                            due_at: Some(due),
                            id,
                        }) => {
                            q.cond_where(dated_after(due, id));
                        }
                        None => {
                            q.and_where(Expr::col(D::DueAt).is_not_null());
                        }
                    }
                    q.order_by(D::DueAt, Order::Asc).order_by(D::Id, Order::Asc);
                }
                rows.extend(self.fetch_page::<DossierSummary>(&q, page_limit(f)).await?);
            }
        }
        rows.sort_by(|a, b| {
            (a.due_at.is_none(), a.due_at, a.id).cmp(&(b.due_at.is_none(), b.due_at, b.id))
        });
        rows.dedup_by_key(|r| r.id);
        rows.truncate(limit);
        Ok(rows)
    }

    /// A dossier with the province it belongs to (for visibility checks).
    pub async fn dossier_located(
        &self,
        id: DossierId,
    ) -> Result<Option<(Dossier, String)>, StoreError> {
        let rows: Vec<LocatedRow> = self
            .fetch_all(
                &Query::select()
                    .columns([Dossiers::State, Dossiers::ProvinceCode])
                    .from(Dossiers::Table)
                    .and_where(Expr::col(Dossiers::Id).eq(id.0))
                    .to_owned(),
            )
            .await?;
        Ok(rows
            .into_iter()
            .next()
            .map(|r| (r.state.0, r.province_code)))
    }
}

/// The page size a filter asks for, within 1–500.
pub(crate) fn page_limit(f: &DossierFilter) -> u64 {
    f.limit.clamp(1, 500)
}

/// Dated rows after (due, id) in due-first order. `due_at >= due` leads so that an index on
/// the due instant gives the range; the rest only breaks ties.
fn dated_after(due: DateTime<Utc>, id: Uuid) -> Cond {
    use Dossiers as D;
    Cond::all().add(Expr::col(D::DueAt).gte(due)).add(
        Cond::any()
            .add(Expr::col(D::DueAt).gt(due))
            .add(Expr::col(D::Id).gt(id)),
    )
}

/// The list query for a filter; `units`: the visibility condition (received or resolved by one
/// of them), when the caller does not apply it another way.
pub(crate) fn filtered(f: &DossierFilter, units: Option<&[String]>) -> sea_query::SelectStatement {
    use Dossiers as D;
    let mut q = Query::select()
        .columns([
            D::Id,
            D::Code,
            D::ProvinceCode,
            D::ProcedureCode,
            D::Status,
            D::Channel,
            D::ReceivingAgency,
            D::ResolvingAgency,
            D::ApplicantName,
            D::CurrentAssignee,
            D::StepRole,
            D::StepName,
            D::SubmittedAt,
            D::DueAt,
            D::ClockStopped,
            D::FinishedAt,
        ])
        .from(D::Table)
        .to_owned();
    if let Some(p) = &f.province {
        q.and_where(Expr::col(D::ProvinceCode).eq(p.as_str()));
    }
    if let Some(units) = units {
        q.cond_where(
            Cond::any()
                .add(Expr::col(D::ReceivingAgency).is_in(units.iter().map(String::as_str)))
                .add(Expr::col(D::ResolvingAgency).is_in(units.iter().map(String::as_str))),
        );
    }
    if let Some(s) = &f.status {
        q.and_where(Expr::col(D::Status).eq(s.as_str()));
    }
    if let Some(p) = &f.procedure {
        q.and_where(Expr::col(D::ProcedureCode).eq(p.as_str()));
    }
    if let Some(u) = &f.unit {
        q.cond_where(
            Cond::any()
                .add(Expr::col(D::ReceivingAgency).eq(u.as_str()))
                .add(Expr::col(D::ResolvingAgency).eq(u.as_str())),
        );
    }
    if let Some(a) = &f.assignee {
        q.and_where(Expr::col(D::CurrentAssignee).eq(a.as_str()));
    }
    if let Some(t) = f.due_before {
        q.and_where(Expr::col(D::DueAt).lt(t));
    }
    if let Some(t) = f.overdue_at {
        q.and_where(Expr::col(D::DueAt).lt(t));
        q.and_where(Expr::col(D::Status).is_not_in(TERMINAL));
        q.and_where(Expr::col(D::ClockStopped).eq(false));
    }
    if let Some(t) = f.not_overdue_at {
        q.cond_where(
            Cond::any()
                .add(Expr::col(D::DueAt).gte(t))
                .add(Expr::col(D::ClockStopped).eq(true)),
        );
    }
    if f.open_only {
        q.and_where(Expr::col(D::Status).is_not_in(TERMINAL));
    }
    if f.unassigned_only {
        q.and_where(Expr::col(D::CurrentAssignee).is_null());
        q.and_where(Expr::col(D::StepRole).is_not_null());
    }
    if let Some(r) = &f.waiting_role {
        q.and_where(Expr::col(D::StepRole).eq(r.as_str()));
    }
    if let Some(a) = &f.free_or_assigned_to {
        q.cond_where(
            Cond::any()
                .add(Expr::col(D::CurrentAssignee).is_null())
                .add(Expr::col(D::CurrentAssignee).eq(a.as_str())),
        );
    }
    if let Some(t) = f.submitted_from {
        q.and_where(Expr::col(D::SubmittedAt).gte(t));
    }
    if let Some(t) = f.submitted_to {
        q.and_where(Expr::col(D::SubmittedAt).lt(t));
    }
    if let Some(c) = &f.channel {
        q.and_where(Expr::col(D::Channel).eq(c.as_str()));
    }
    match f.order {
        ListOrder::Newest => {
            if let Some(id) = f.before_id {
                q.and_where(Expr::col(D::Id).lt(id));
            }
            q.order_by(D::Id, Order::Desc);
        }
        ListOrder::DueFirst => {
            match f.due_after {
                Some(DueCursor {
                    due_at: Some(due),
                    id,
                }) => {
                    q.cond_where(
                        Cond::any()
                            .add(Expr::col(D::DueAt).is_null())
                            .add(dated_after(due, id)),
                    );
                }
                Some(DueCursor { due_at: None, id }) => {
                    q.and_where(Expr::col(D::DueAt).is_null());
                    q.and_where(Expr::col(D::Id).gt(id));
                }
                None => {}
            }
            // Dossiers with no due instant (awaiting acceptance) go last on both engines.
            q.order_by_expr(Expr::col(D::DueAt).is_null(), Order::Asc)
                .order_by(D::DueAt, Order::Asc)
                .order_by(D::Id, Order::Asc);
        }
    }
    q
}
