//! The figures a province is judged by (`../shared/KPI.md`), as pure functions of dossier facts.
//! Nothing here reads a database or the clock: a dossier's state gives its contributions to the
//! daily rollup ([`rollup`]), and the rollup's sums for a period give the report's rows and the
//! indicators.

pub mod behind;
mod facts;
mod index766;
mod report;
pub mod rollup;
pub mod targets;
#[cfg(test)]
mod tests;

pub use behind::{Measure, behind};
pub use facts::{Ending, Facts, Period};
pub use index766::{INDICATORS, Indicator, Outcome, Tally, group_totals, score};
pub use report::ReportRow;
pub use rollup::{Counts, RollupKey, Sums};
