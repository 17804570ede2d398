//! The only crate that knows SQL. One adapter serves SQLite (the embedded default) and
//! PostgreSQL: statements are written once with sea-query and rendered per dialect; the few
//! places where the databases really differ are named functions with both arms side by side.
//!
//! Benchmark-only code (row copies for scale, the hand-written baselines the harness measures
//! against) sits behind the `bench` feature, out of the product's store; the bulk loader
//! (`load.rs`) serves imports too.
//!
//! Portable data rules: ids are UUIDv7 made in Rust, money is `i64` đồng, enums are TEXT with
//! CHECK, instants are UTC, and date arithmetic happens in Rust, never in SQL.

mod accounts;
mod admin;
mod agency_settings;
mod audit;
#[cfg(feature = "bench")]
mod bulk;
mod calendar;
mod certified;
mod citizens;
#[cfg(feature = "bench")]
mod copies;
#[cfg(feature = "bench")]
mod copy_baseline;
mod db;
mod dossiers;
mod error;
mod feedback;
mod land;
mod land_changes;
mod land_write;
mod listing;
mod load;
mod messages;
mod migrate;
mod outbox;
mod payments;
mod pg_copy;
mod procedures;
mod reads;
mod retention;
mod rollups;
mod row;
mod search;
mod signing;
mod targets;
mod templates;
mod throttle;
mod tickets;
mod unit_moves;
mod units;

pub use accounts::{Account, Answered, ApiToken, NewAccount, Session, StoredResponse};
pub use admin::{AdminChange, AdminEntry, AdminLogEntry, admin_hash};
pub use agency_settings::{PortalCode, StoredOfficeHours};
pub use audit::{AuditReport, BrokenLink};
pub use calendar::StoredCalendarDocument;
pub use citizens::{Citizen, CitizenSession, Draft, OidcLogin};
pub use db::{Backend, Db};
pub use dossiers::{CommandError, StoredEvent, Target};
pub use error::StoreError;
pub use land_changes::StoredChangeSet;
pub use listing::{DossierFilter, DossierSummary, DueCursor, ListOrder};
pub use load::{LoadedDossier, RecordedEvent};
pub use messages::{Exchange, LoggedMessage, MessageLogReport, message_hash};
pub use motcua_core::effects::{CHANGED_TOPIC, NOTIFY_TOPIC, STORE_TOPIC, TAX_TOPIC};
pub use outbox::{DeadLetter, OutboxCounts, OutboxMessage};
pub use payments::PaymentOrder;
pub use procedures::{ImportOutcome, ProcedureHead, StoredProcedure};
pub use reads::PersonalDataRead;
#[cfg(feature = "bench")]
pub use rollups::set_rollup_disabled;
pub use rollups::{MonthFlows, RollupSums};
pub use signing::SigningRequest;
pub use templates::StoredTemplate;
pub use throttle::AttemptCount;
pub use units::StoredAgency;
