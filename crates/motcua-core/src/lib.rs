//! The motcua domain core: the working-day calendar and statutory deadlines, and (as the
//! project grows) the procedure catalogue and the dossier lifecycle.
//!
//! This crate does no I/O and never reads the clock: callers pass the current instant (see
//! [`clock::Clock`]) and the data it needs. That keeps every legal rule testable as a plain
//! function, with property tests.

pub mod calendar;
pub mod catalog;
pub mod certification;
pub mod clock;
pub mod dossier;
pub mod dvcqg;
pub mod effects;
pub mod feedback;
pub mod ids;
pub mod import;
pub mod interagency;
pub mod kpi;
pub mod land;
pub mod limits;
pub mod notify;
pub mod retention;
pub mod sample_pdf;
pub mod text;
pub mod tickets;
pub mod units;
pub mod wire;
