//! The periodic report (báo cáo định kỳ, KPI.md §2): one row per unit, field or procedure, that
//! balances — carried over + received = finished + refused + withdrawn + in process at the end.
//! Built from the rollup's sums ([`ReportRow::of`]); [`ReportRow::add`] is the same count read
//! straight off a dossier's facts, the definition the rollup is tested against.

use super::facts::{Ending, Facts, Period};
use super::rollup::Sums;
use crate::calendar::Completion;
use crate::catalog::Channel;

/// One row of the periodic report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportRow {
    /// Received before the period and not ended before it (kỳ trước chuyển qua).
    pub carried_over: u64,
    /// Received in the period online (the province's portal).
    pub received_online: u64,
    /// Received in the period at a desk.
    pub received_counter: u64,
    /// Received in the period by post.
    pub received_post: u64,
    /// Received in the period from the national portal.
    pub received_national_portal: u64,
    /// Of those received, at a desk of another commune than the resolving unit's (phi địa giới).
    pub received_boundary_free: u64,
    /// Finished in the period before the due date.
    pub finished_early: u64,
    /// Finished in the period on the due date.
    pub finished_on_time: u64,
    /// Finished in the period after the due instant.
    pub finished_late: u64,
    /// Of the late ones, those with an apology (Mẫu 04) issued before the due instant.
    pub finished_late_with_apology: u64,
    /// In process at the end, not yet due.
    pub in_process_not_due: u64,
    /// In process at the end, its due instant before the period's end.
    pub in_process_overdue: u64,
    /// Refused after receipt in the period.
    pub refused: u64,
    /// Withdrawn in the period.
    pub withdrawn: u64,
}

/// A count from the rollup: sums of 0/1 per dossier never go below 0 unless the rollup is broken,
/// which `motcua report --verify` finds; a report shows 0 rather than wrap.
fn n(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl ReportRow {
    /// The row of one key's sums: `channel` places the received ones, `boundary_free` says
    /// whether the key's desk is outside the resolving unit's commune.
    pub fn of(channel: Channel, boundary_free: bool, s: &Sums) -> Self {
        let f = &s.flows;
        let received = n(f.received);
        let mut row = Self {
            carried_over: n(s.open_before),
            received_boundary_free: if boundary_free { received } else { 0 },
            finished_early: n(f.finished_early),
            finished_on_time: n(f.finished_on_time),
            finished_late: n(f.finished_late),
            finished_late_with_apology: n(f.late_with_apology),
            in_process_overdue: n(s.overdue_end),
            in_process_not_due: n(s.open_end - s.overdue_end),
            refused: n(f.refused),
            withdrawn: n(f.withdrawn),
            ..Self::default()
        };
        *match channel {
            Channel::Online => &mut row.received_online,
            Channel::Counter => &mut row.received_counter,
            Channel::Post => &mut row.received_post,
            Channel::NationalPortal => &mut row.received_national_portal,
        } = received;
        row
    }

    /// Counts one dossier: its facts as they stood at the period's start and at its end.
    pub fn add(&mut self, period: &Period, at_start: &Facts, at_end: &Facts) {
        if at_end.sub_dossier {
            return;
        }
        let (start, end) = (period.start(), period.end());
        let Some(received) = at_end.received.filter(|r| *r < end) else {
            return;
        };
        if received < start {
            // Received before: carried over unless it had ended before the period began.
            if at_start.received.is_none() || at_start.ended_before(start) {
                return;
            }
            self.carried_over += 1;
        } else {
            match at_end.channel {
                Channel::Online => self.received_online += 1,
                Channel::Counter => self.received_counter += 1,
                Channel::Post => self.received_post += 1,
                Channel::NationalPortal => self.received_national_portal += 1,
            }
        }
        match at_end.ending.filter(|(_, at)| *at < end) {
            Some((Ending::Finished(Completion::Early), _)) => self.finished_early += 1,
            Some((Ending::Finished(Completion::OnTime), _)) => self.finished_on_time += 1,
            Some((Ending::Finished(Completion::Late), _)) => {
                self.finished_late += 1;
                self.finished_late_with_apology += u64::from(at_end.late_with_apology);
            }
            Some((Ending::Refused, _)) => self.refused += 1,
            Some((Ending::Withdrawn, _)) => self.withdrawn += 1,
            None if at_end.due.is_some_and(|due| due < end) => self.in_process_overdue += 1,
            None => self.in_process_not_due += 1,
        }
    }

    /// Adds another row (a department's units, the province).
    pub fn merge(&mut self, other: &Self) {
        self.carried_over += other.carried_over;
        self.received_online += other.received_online;
        self.received_counter += other.received_counter;
        self.received_post += other.received_post;
        self.received_national_portal += other.received_national_portal;
        self.received_boundary_free += other.received_boundary_free;
        self.finished_early += other.finished_early;
        self.finished_on_time += other.finished_on_time;
        self.finished_late += other.finished_late;
        self.finished_late_with_apology += other.finished_late_with_apology;
        self.in_process_not_due += other.in_process_not_due;
        self.in_process_overdue += other.in_process_overdue;
        self.refused += other.refused;
        self.withdrawn += other.withdrawn;
    }

    /// Received in the period, every channel.
    pub fn received(&self) -> u64 {
        self.received_online
            + self.received_counter
            + self.received_post
            + self.received_national_portal
    }

    /// Finished in the period.
    pub fn finished(&self) -> u64 {
        self.finished_early + self.finished_on_time + self.finished_late
    }

    /// In process at the end (the closing balance).
    pub fn in_process(&self) -> u64 {
        self.in_process_not_due + self.in_process_overdue
    }

    /// carried over + received = finished + refused + withdrawn + in process at the end.
    pub fn balances(&self) -> bool {
        self.carried_over + self.received()
            == self.finished() + self.refused + self.withdrawn + self.in_process()
    }

    /// (early + on time) / finished; `None` when nothing finished.
    pub fn on_time_rate(&self) -> Option<f64> {
        ratio(self.finished_early + self.finished_on_time, self.finished())
    }

    /// (online + national portal) / received; `None` when nothing was received.
    pub fn online_rate(&self) -> Option<f64> {
        ratio(
            self.received_online + self.received_national_portal,
            self.received(),
        )
    }
}

#[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
fn ratio(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
    use proptest::prelude::*;

    use super::*;

    fn period() -> Period {
        Period {
            from: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        }
    }

    fn day(n: i64) -> DateTime<Utc> {
        period().start() + TimeDelta::days(n) + TimeDelta::hours(3)
    }

    fn facts(received: Option<i64>, ending: Option<(Ending, i64)>, due: i64) -> Facts {
        Facts {
            received: received.map(day),
            ending: ending.map(|(e, d)| (e, day(d))),
            due: Some(day(due)),
            ..Facts::blank()
        }
    }

    #[test]
    fn each_dossier_lands_in_one_column_and_the_row_balances() {
        let p = period();
        let mut row = ReportRow::default();
        let early = Ending::Finished(Completion::Early);
        // Carried over and finished early in the period.
        let old = facts(Some(-5), Some((early, 3)), 10);
        row.add(&p, &facts(Some(-5), None, 10), &old);
        // Ended before the period: not carried over.
        let gone = facts(Some(-20), Some((Ending::Withdrawn, -2)), 0);
        row.add(&p, &gone, &gone);
        // Received online in the period, still open and overdue at the end.
        let mut online = facts(Some(4), None, 12);
        online.channel = Channel::Online;
        row.add(&p, &facts(None, None, 12), &online);
        // Received in the period and refused in it.
        row.add(
            &p,
            &facts(None, None, 20),
            &facts(Some(6), Some((Ending::Refused, 8)), 20),
        );
        // Received in the period, finished after it: in process, not due, at the end.
        row.add(&p, &facts(None, None, 40), &facts(Some(25), None, 40));
        // A sub-dossier is never counted.
        let mut sub = facts(Some(2), None, 9);
        sub.sub_dossier = true;
        row.add(&p, &sub, &sub);

        assert_eq!(row.carried_over, 1);
        assert_eq!((row.received_online, row.received_counter), (1, 2));
        assert_eq!((row.finished_early, row.refused), (1, 1));
        assert_eq!((row.in_process_overdue, row.in_process_not_due), (1, 1));
        assert!(row.balances());
        assert_eq!(row.on_time_rate(), Some(1.0));
        assert!((row.online_rate().unwrap() - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(
            ReportRow::default().on_time_rate(),
            None,
            "no data, not 0 %"
        );
    }

    proptest! {
        /// Any mix of consistent histories balances.
        #[test]
        fn every_row_balances(cases in prop::collection::vec(
            (-40i64..60, 0i64..50, prop::option::of((0u8..5, 0i64..50)), any::<bool>()), 0..60)
        ) {
            let p = period();
            let mut row = ReportRow::default();
            for (received, due_after, end, online) in cases {
                let ending = end.map(|(kind, after)| {
                    let e = match kind {
                        0 => Ending::Finished(Completion::Early),
                        1 => Ending::Finished(Completion::OnTime),
                        2 => Ending::Finished(Completion::Late),
                        3 => Ending::Refused,
                        _ => Ending::Withdrawn,
                    };
                    (e, received + after)
                });
                let mut at_end = facts(Some(received), ending, received + due_after);
                if online { at_end.channel = Channel::Online; }
                // As it stood at the start: received only if before it, ended only if before it.
                let start = p.start();
                let at_start = Facts {
                    received: at_end.received.filter(|r| *r < start),
                    ending: at_end.ending.filter(|(_, at)| *at < start),
                    ..at_end.clone()
                };
                row.add(&p, &at_start, &at_end);
            }
            prop_assert!(row.balances(), "{row:?}");
        }
    }
}
