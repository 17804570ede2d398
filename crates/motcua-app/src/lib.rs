//! The use-case layer (DESIGN.md: handler → use case → ports → one transaction). [`App`] holds
//! the database, the parsed procedure versions, one working calendar per unit and the clock,
//! and runs every dossier command: it finds the procedure version the dossier follows and the
//! resolving unit's calendar, builds the decider's context, and has the store write the
//! decided change in one transaction.
//!
//! The edges (pages, REST API, CLI, the portal pull, the seeders, imports) call it; none of them
//! builds a `Context`, finds a procedure version or opens a transaction itself. It must not
//! speak HTTP, render anything, or know who is signed in: the edge turns its caller into an
//! [`Actor`](motcua_core::dossier::Actor) and checks what that caller may see.

mod admin;
mod admin_calendar;
mod admin_catalog;
mod admin_settings;
mod blank_forms;
mod calendars;
mod certification;
mod commands;
mod dossier_import;
mod error;
mod feedback;
mod figures;
mod figures_behind;
mod figures_json;
mod land;
mod land_import;
mod land_intent;
mod land_reads;
mod merger;
mod own_account;
mod procedures;
mod reads;
mod result_signing;
mod retention;
mod revocation;
mod rollup_check;
pub mod secrets;
mod signatures;
mod similar;
mod targets;
mod tickets;

use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};
use motcua_core::calendar::CalendarData;
use motcua_core::clock::Clock;
use motcua_store::Db;

pub use admin::{
    AgencyChange, Issued, NewStaff, PROVINCE_SETTING, Province, TOKEN_SCOPES, installer,
};
pub use admin_catalog::ProcedureCheck;
pub use certification::CopyRequest;
pub use commands::{Intake, SystemOutcome, minted_at, placeholder_code};
pub use dossier_import::{DossierImport, ImportRecord, ImportReject, ImportRun};
pub use error::AppError;
pub use feedback::{
    CONTENT_LIMIT as FEEDBACK_LIMIT, Due as FeedbackDue, NewFeedback, Urgency,
    open as feedback_open,
};
pub use figures::{
    FigureQuery, FigureRow, Figures, Grouping, MonthFigures, UnitView, channel_name,
};
pub use figures_behind::Behind;
pub use figures_json::{kpi_json, report_json, row_json};
pub use land_import::LandImport;
pub use land_intent::ChangeView;
pub use land_reads::{ParcelHit, ParcelView, parse_parcel_number};
pub use merger::Merger;
pub use motcua_store::Answered;
pub use own_account::{check_new_password, second_factor_required};
pub use result_signing::{PortFuture, RemoteSigning, RemoteStatus, ResultSigner, SignProgress};
pub use revocation::{MAX_CRL_URLS, TRUST_CRL_URLS};
pub use rollup_check::{RollupCheck, RollupDifference};
pub use signatures::{TRUST_ANCHORS, TRUST_CRLS, trust_store};
pub use targets::PlanLine;
pub use tickets::TicketGroup;

/// The application: cheap to clone (one shared inside).
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    clock: Arc<dyn Clock>,
    calendars: calendars::Calendars,
    procedures: procedures::Procedures,
    /// The signing port's adapter, set once at start-up (none: results are signed by hand).
    result_signer: std::sync::OnceLock<result_signing::ResultSigner>,
}

impl App {
    /// An application over a migrated database, with the holiday data and the clock.
    pub fn new(db: Db, holidays: Arc<CalendarData>, clock: Arc<dyn Clock>) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                clock,
                calendars: calendars::Calendars::new(holidays),
                procedures: procedures::Procedures::default(),
                result_signer: std::sync::OnceLock::new(),
            }),
        }
    }

    /// The database, for reads (lists, lookups, reports). Writes to a dossier go through
    /// [`App::open`] and [`App::run`].
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// The holiday data every unit's calendar is built from.
    pub fn holidays(&self) -> Arc<CalendarData> {
        self.inner.calendars.holidays()
    }

    /// Now, truncated to the microseconds both databases keep, so that what is hashed is
    /// what is read back.
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now().trunc_subsecs(6)
    }
}
