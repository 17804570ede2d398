//! The figures a province is judged by (`../shared/KPI.md`), as pure functions of dossier facts.
//! Nothing here reads a database or the clock: the caller gives each dossier's facts as they
//! stood at the period's start and at its end (from its history), and the period.

mod facts;
mod index766;
mod report;

pub use facts::{Ending, Facts, Period};
pub use index766::{INDICATORS, Indicator, Outcome, Tally, group_totals, score};
pub use report::ReportRow;
