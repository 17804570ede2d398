//! What a province sets per agency and per procedure: office hours, which agencies resolve a
//! procedure, and the national portal's code of a procedure. Changes go through
//! [`crate::AdminChange`]; the reads are here.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Order, Query};

use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
enum AgencyOfficeHours {
    Table,
    AgencyCode,
    Periods,
    Saturday,
    Cutoff,
    UpdatedAt,
}

#[derive(Iden)]
enum ProcedureAgencies {
    Table,
    ProcedureCode,
    AgencyCode,
}

#[derive(Iden)]
enum ProcedurePortalCodes {
    Table,
    ProcedureCode,
    PortalCode,
    UpdatedAt,
}

/// An agency's office hours as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOfficeHours {
    /// The agency.
    pub agency_code: String,
    /// `07:00-11:30,13:30-17:00`.
    pub periods: String,
    /// Works on Saturdays too.
    pub saturday: bool,
    /// `15:00`, or none.
    pub cutoff: Option<String>,
}

db_row!(StoredOfficeHours {
    agency_code,
    periods,
    saturday,
    cutoff
});

struct AgencyRow {
    agency_code: String,
}

db_row!(AgencyRow { agency_code });

/// A procedure's national portal code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalCode {
    /// The local code.
    pub procedure_code: String,
    /// The portal's code.
    pub portal_code: String,
}

db_row!(PortalCode {
    procedure_code,
    portal_code
});

impl Db {
    /// An agency's office hours, if set.
    pub async fn office_hours(
        &self,
        agency: &str,
    ) -> Result<Option<StoredOfficeHours>, StoreError> {
        use AgencyOfficeHours as H;
        self.fetch_optional(
            &Query::select()
                .columns([H::AgencyCode, H::Periods, H::Saturday, H::Cutoff])
                .from(H::Table)
                .and_where(Expr::col(H::AgencyCode).eq(agency))
                .to_owned(),
        )
        .await
    }

    /// Every agency whose office hours are set.
    pub async fn all_office_hours(&self) -> Result<Vec<StoredOfficeHours>, StoreError> {
        use AgencyOfficeHours as H;
        self.fetch_all(
            &Query::select()
                .columns([H::AgencyCode, H::Periods, H::Saturday, H::Cutoff])
                .from(H::Table)
                .order_by(H::AgencyCode, Order::Asc)
                .to_owned(),
        )
        .await
    }

    /// The agencies named for a procedure (empty: the catalogue's kinds decide).
    pub async fn procedure_agencies(&self, procedure: &str) -> Result<Vec<String>, StoreError> {
        use ProcedureAgencies as P;
        let rows: Vec<AgencyRow> = self
            .fetch_all(
                &Query::select()
                    .column(P::AgencyCode)
                    .from(P::Table)
                    .and_where(Expr::col(P::ProcedureCode).eq(procedure))
                    .order_by(P::AgencyCode, Order::Asc)
                    .to_owned(),
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.agency_code).collect())
    }

    /// A procedure's national portal code, if mapped.
    pub async fn portal_code(&self, procedure: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .portal_codes()
            .await?
            .into_iter()
            .find(|c| c.procedure_code == procedure)
            .map(|c| c.portal_code))
    }

    /// Every mapped procedure code.
    pub async fn portal_codes(&self) -> Result<Vec<PortalCode>, StoreError> {
        use ProcedurePortalCodes as C;
        self.fetch_all(
            &Query::select()
                .columns([C::ProcedureCode, C::PortalCode])
                .from(C::Table)
                .order_by(C::ProcedureCode, Order::Asc)
                .to_owned(),
        )
        .await
    }
}

/// Sets (`Some`) or clears an agency's office hours.
pub(crate) async fn set_office_hours(
    tx: &mut Tx,
    agency: &str,
    hours: Option<&StoredOfficeHours>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use AgencyOfficeHours as H;
    let Some(h) = hours else {
        tx.execute(
            &Query::delete()
                .from_table(H::Table)
                .and_where(Expr::col(H::AgencyCode).eq(agency))
                .to_owned(),
        )
        .await?;
        return Ok(());
    };
    tx.execute(
        &Query::insert()
            .into_table(H::Table)
            .columns([
                H::AgencyCode,
                H::Periods,
                H::Saturday,
                H::Cutoff,
                H::UpdatedAt,
            ])
            .values_panic([
                agency.into(),
                h.periods.clone().into(),
                h.saturday.into(),
                h.cutoff.clone().into(),
                now.into(),
            ])
            .on_conflict(
                OnConflict::column(H::AgencyCode)
                    .update_columns([H::Periods, H::Saturday, H::Cutoff, H::UpdatedAt])
                    .to_owned(),
            )
            .to_owned(),
    )
    .await
    .map(|_| ())
}

/// Replaces the agencies named for a procedure.
pub(crate) async fn set_procedure_agencies(
    tx: &mut Tx,
    procedure: &str,
    agencies: &[String],
) -> Result<(), StoreError> {
    use ProcedureAgencies as P;
    tx.execute(
        &Query::delete()
            .from_table(P::Table)
            .and_where(Expr::col(P::ProcedureCode).eq(procedure))
            .to_owned(),
    )
    .await?;
    if agencies.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert()
        .into_table(P::Table)
        .columns([P::ProcedureCode, P::AgencyCode])
        .to_owned();
    for a in agencies {
        insert.values_panic([procedure.into(), a.as_str().into()]);
    }
    tx.execute(&insert).await.map(|_| ())
}

/// Sets (`Some`) or clears a procedure's national portal code.
pub(crate) async fn set_portal_code(
    tx: &mut Tx,
    procedure: &str,
    portal_code: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use ProcedurePortalCodes as C;
    tx.execute(
        &Query::delete()
            .from_table(C::Table)
            .and_where(Expr::col(C::ProcedureCode).eq(procedure))
            .to_owned(),
    )
    .await?;
    if let Some(code) = portal_code {
        tx.execute(
            &Query::insert()
                .into_table(C::Table)
                .columns([C::ProcedureCode, C::PortalCode, C::UpdatedAt])
                .values_panic([procedure.into(), code.into(), now.into()])
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}
