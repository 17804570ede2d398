//! The rollup (bảng số liệu tổng hợp): what one dossier adds to the counts of each Vietnam day,
//! per resolving agency, receiving desk, procedure and channel, as a pure function of its state.
//! The store keeps the sums in the transaction of every change (the difference between the
//! dossier's contributions before and after it), so reports read days, never dossiers; a recompute
//! from the histories is the same sum, and must equal them exactly.
//!
//! Flows are counted on the day of their event (received, ended). Balances — in process,
//! overdue — are kept as differences: +1 on the day a dossier enters the state, −1 on the day it
//! leaves, so the balance at the end of any day is the sum of the days up to it.
//!
//! What is known of a dossier now is what counts: a rating or an online payment recorded after
//! the period still counts for the day the dossier was received, and a due date that moved (the
//! clock stopped for a supplement) moves the overdue days with it. Figures of a closed period may
//! therefore be restated as facts arrive, as the national portal restates its own.

use std::collections::BTreeMap;
use std::ops::{AddAssign, SubAssign};

use chrono::{DateTime, NaiveDate, Utc};

use super::facts::{Ending, Facts};
use crate::calendar::Completion;
use crate::calendar::deadline::local;
use crate::catalog::Channel;
use crate::dossier::Dossier;

macro_rules! counts {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// The counts of one day and key. Every field is a count of dossiers; the balance fields
        /// (`open`, `overdue`, `late_national`) are day-to-day differences.
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub struct Counts {
            $($(#[$doc])* pub $name: i64,)*
        }

        impl Counts {
            /// The column names, in the order of [`Counts::values`].
            pub const COLUMNS: &'static [&'static str] = &[$(stringify!($name)),*];

            /// The counts in column order.
            pub fn values(&self) -> Vec<i64> {
                vec![$(self.$name),*]
            }

            /// Counts from values in column order (missing ones are 0).
            pub fn from_values(values: &[i64]) -> Self {
                let mut it = values.iter().copied();
                Self { $($name: it.next().unwrap_or(0),)* }
            }
        }

        impl AddAssign for Counts {
            fn add_assign(&mut self, o: Self) {
                $(self.$name += o.$name;)*
            }
        }

        impl SubAssign for Counts {
            fn sub_assign(&mut self, o: Self) {
                $(self.$name -= o.$name;)*
            }
        }
    };
}

counts! {
    /// Received (on the receipt day).
    received,
    /// Received from a person (4.5's denominator).
    persons,
    /// Received from a person whose data came from the population registry or VNeID (4.5).
    population_data,
    /// Every input scanned and, if finished, the result electronic (4.2).
    digitised,
    /// A document reused from an earlier dossier or result (4.3).
    reused,
    /// A document from the citizen's personal data store (4.4).
    personal_store,
    /// Something to pay (3.6's denominator).
    to_pay,
    /// Paid online, as the gateway or the treasury reported it (3.6).
    paid_online,
    /// Finished before the due date (on the finish day, as the other endings).
    finished_early,
    /// Finished on the due date.
    finished_on_time,
    /// Finished after the due instant.
    finished_late,
    /// Of the late ones, those with an apology (Mẫu 04) issued before the due instant.
    late_with_apology,
    /// Refused after receipt.
    refused,
    /// Withdrawn.
    withdrawn,
    /// Ended on time as 2.1 counts it (finished early or on time, refused or withdrawn by the due
    /// instant).
    ended_on_time,
    /// The same, national variant: no more than one supplement request.
    ended_on_time_national,
    /// Finished with an electronic result file (4.1).
    result_electronic,
    /// Finished and rated "not satisfied" (5.4).
    finished_unsatisfied,
    /// Balance: received and not ended.
    open,
    /// Balance: open and past its due instant.
    overdue,
    /// Balance: open and late by the national variant (overdue, or more than one supplement).
    late_national,
}

/// Where a dossier's counts go, besides the day: the resolving agency (the unit of a dossier),
/// the receiving desk, the procedure and the channel.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RollupKey {
    /// Vietnam calendar day.
    pub day: NaiveDate,
    /// Resolving agency's code.
    pub resolving: String,
    /// Receiving desk's code.
    pub receiving: String,
    /// Procedure code.
    pub procedure: String,
    /// Channel.
    pub channel: Channel,
}

/// The Vietnam calendar day of an instant.
pub fn vn_day(t: DateTime<Utc>) -> NaiveDate {
    local(t).date()
}

/// Everything a dossier adds to the rollup, by day and key (nothing for a sub-dossier or one
/// not received).
pub fn contributions(d: &Dossier) -> Vec<(RollupKey, Counts)> {
    let f = Facts::of(d);
    // The units it was received by: a move to a merged unit's successor does not rewrite
    // the old unit's past (reports by the new units roll the old ones up).
    let (receiving, resolving) = d.first_units();
    let key = |day| RollupKey {
        day,
        resolving: resolving.to_string(),
        receiving: receiving.to_string(),
        procedure: d.procedure.to_string(),
        channel: d.channel,
    };
    days(&f).into_iter().map(|(day, c)| (key(day), c)).collect()
}

/// What a change adds to the rollup: the dossier's contributions after it minus before it, with
/// the keys that net to nothing left out.
pub fn delta(before: Option<&Dossier>, after: &Dossier) -> Vec<(RollupKey, Counts)> {
    let mut sum: BTreeMap<RollupKey, Counts> = BTreeMap::new();
    for (k, c) in contributions(after) {
        *sum.entry(k).or_default() += c;
    }
    for (k, c) in before.map(contributions).unwrap_or_default() {
        *sum.entry(k).or_default() -= c;
    }
    sum.into_iter()
        .filter(|(_, c)| *c != Counts::default())
        .collect()
}

/// The counts of one dossier's facts, by Vietnam day.
pub fn days(f: &Facts) -> BTreeMap<NaiveDate, Counts> {
    let mut out: BTreeMap<NaiveDate, Counts> = BTreeMap::new();
    if f.sub_dossier {
        return out;
    }
    let Some(received) = f.received else {
        return out;
    };
    let rd = vn_day(received);
    let finished = matches!(f.ending, Some((Ending::Finished(_), _)));
    let r = out.entry(rd).or_default();
    r.received = 1;
    r.open = 1;
    if let Some(used) = f.population_data {
        r.persons = 1;
        r.population_data = i64::from(used);
    }
    r.digitised = i64::from(f.inputs_digitised && (!finished || f.result_electronic));
    r.reused = i64::from(f.reused);
    r.personal_store = i64::from(f.from_personal_store);
    r.to_pay = i64::from(f.to_pay);
    r.paid_online = i64::from(f.to_pay && f.paid_online);

    let ended = f.ending.map(|(e, at)| (e, at, vn_day(at)));
    if let Some((e, at, ed)) = ended {
        let c = out.entry(ed).or_default();
        c.open -= 1;
        let on_time = match e {
            Ending::Finished(Completion::Early) => {
                c.finished_early = 1;
                true
            }
            Ending::Finished(Completion::OnTime) => {
                c.finished_on_time = 1;
                true
            }
            Ending::Finished(Completion::Late) => {
                c.finished_late = 1;
                c.late_with_apology = i64::from(f.late_with_apology);
                false
            }
            Ending::Refused => {
                c.refused = 1;
                f.due.is_none_or(|due| at <= due)
            }
            Ending::Withdrawn => {
                c.withdrawn = 1;
                f.due.is_none_or(|due| at <= due)
            }
        };
        c.ended_on_time = i64::from(on_time);
        c.ended_on_time_national = i64::from(on_time && f.supplement_rounds <= 1);
        if finished {
            c.result_electronic = i64::from(f.result_electronic);
            c.finished_unsatisfied = i64::from(f.unsatisfied);
        }
    }
    let ended_day = ended.map(|(_, _, ed)| ed);
    // A balance entered on `from` and left on the ending day, if it ends later.
    let mut balance = |from: NaiveDate, field: fn(&mut Counts) -> &mut i64| {
        if ended_day.is_some_and(|ed| ed <= from) {
            return;
        }
        *field(out.entry(from).or_default()) += 1;
        if let Some(ed) = ended_day {
            *field(out.entry(ed).or_default()) -= 1;
        }
    };
    let overdue_from = f.due.map(|due| rd.max(vn_day(due)));
    if let Some(from) = overdue_from {
        balance(from, |c| &mut c.overdue);
    }
    let late_national_from = if f.supplement_rounds > 1 {
        Some(rd)
    } else {
        overdue_from
    };
    if let Some(from) = late_national_from {
        balance(from, |c| &mut c.late_national);
    }
    out.retain(|_, c| *c != Counts::default());
    out
}

/// The rollup summed for a period and one key: the flows of its days, and the balances at the
/// day before it and at its last day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sums {
    /// The days of the period, summed.
    pub flows: Counts,
    /// Open at the end of the day before the period (carried over).
    pub open_before: i64,
    /// Open at the end of the period's last day.
    pub open_end: i64,
    /// Overdue at the end of the period's last day.
    pub overdue_end: i64,
    /// Late by the national variant at the end of the period's last day.
    pub late_national_end: i64,
}

impl Sums {
    /// Adds another key's sums.
    pub fn merge(&mut self, o: &Self) {
        self.flows += o.flows;
        self.open_before += o.open_before;
        self.open_end += o.open_end;
        self.overdue_end += o.overdue_end;
        self.late_national_end += o.late_national_end;
    }

    /// Sums a dossier's day counts over a period, as the store does over its rows.
    pub fn of_days(days: &BTreeMap<NaiveDate, Counts>, from: NaiveDate, to: NaiveDate) -> Self {
        let mut s = Self::default();
        for (day, c) in days {
            if *day < from {
                s.open_before += c.open;
            }
            if *day <= to {
                s.open_end += c.open;
                s.overdue_end += c.overdue;
                s.late_national_end += c.late_national;
            }
            if (from..=to).contains(day) {
                s.flows += *c;
            }
        }
        s
    }
}
