//! The figures of a hand-made month, computed by hand (KPI.md §2 and §3), and the rollup against
//! the definition read straight off the facts.

use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;

use super::rollup::{Sums, days};
use super::{Ending, Facts, Outcome, Period, ReportRow, Tally};
use crate::calendar::Completion;
use crate::calendar::deadline::utc;
use crate::catalog::Channel;

fn november() -> Period {
    Period {
        from: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    }
}

/// A Vietnam local instant.
fn vn(m: u32, d: u32, h: u32) -> DateTime<Utc> {
    utc(NaiveDate::from_ymd_opt(2026, m, d)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap())
}

fn dossier(received: DateTime<Utc>, due: DateTime<Utc>) -> Facts {
    Facts {
        received: Some(received),
        due: Some(due),
        population_data: Some(false),
        ..Facts::blank()
    }
}

/// The month: every case the issue lists.
fn month() -> Vec<(&'static str, Facts)> {
    let mut a = dossier(vn(11, 3, 9), vn(11, 24, 17));
    a.supplement_rounds = 2; // late nationally, on time legally
    a.ending = Some((Ending::Finished(Completion::OnTime), vn(11, 24, 10)));
    a.inputs_digitised = true; // finished without an electronic result: not digitised
    a.unsatisfied = true;
    let mut b = dossier(vn(11, 10, 9), vn(12, 5, 17)); // unfinished, not yet due
    b.channel = Channel::Online;
    b.population_data = Some(true);
    b.inputs_digitised = true;
    b.to_pay = true;
    b.paid_online = true;
    let mut c = dossier(vn(11, 5, 9), vn(11, 20, 17));
    c.ending = Some((Ending::Withdrawn, vn(11, 7, 9)));
    let mut d = dossier(vn(11, 6, 9), vn(11, 24, 17));
    d.ending = Some((Ending::Refused, vn(11, 25, 9))); // refused after receipt, past due
    d.to_pay = true;
    let mut e = dossier(vn(11, 6, 9), vn(11, 8, 17));
    e.sub_dossier = true; // never counted
    // Received at 23:30 UTC on 31 October: 06:30 on 1 November in Vietnam.
    let f_at = DateTime::parse_from_rfc3339("2026-10-31T23:30:00Z")
        .unwrap()
        .to_utc();
    let f = dossier(f_at, vn(11, 15, 17)); // open, overdue at the end
    let mut g = dossier(vn(11, 30, 16), vn(12, 20, 17)); // the period's last day
    g.population_data = None; // an organisation
    let mut h = dossier(vn(10, 20, 9), vn(11, 10, 17)); // carried over
    h.ending = Some((Ending::Finished(Completion::Late), vn(11, 12, 9)));
    h.late_with_apology = true;
    h.result_electronic = true;
    vec![
        ("a", a),
        ("b", b),
        ("c", c),
        ("d", d),
        ("e", e),
        ("f", f),
        ("g", g),
        ("h", h),
    ]
}

fn sums(f: &Facts, p: &Period) -> Sums {
    Sums::of_days(&days(f), p.from, p.to)
}

#[test]
fn the_report_row_of_the_month_is_counted_by_hand() {
    let p = november();
    let mut row = ReportRow::default();
    for (_, f) in month() {
        row.merge(&ReportRow::of(f.channel, false, &sums(&f, &p)));
    }
    assert_eq!(row.carried_over, 1, "h");
    assert_eq!(
        (row.received_counter, row.received_online),
        (5, 1),
        "a c d f g; b"
    );
    assert_eq!(
        (row.finished_early, row.finished_on_time, row.finished_late),
        (0, 1, 1)
    );
    assert_eq!(row.finished_late_with_apology, 1, "h");
    assert_eq!((row.refused, row.withdrawn), (1, 1), "d; c");
    assert_eq!(
        (row.in_process_not_due, row.in_process_overdue),
        (2, 1),
        "b g; f"
    );
    assert!(row.balances());
    // The definition read off the facts says the same.
    let mut by_definition = ReportRow::default();
    for (_, f) in month() {
        let at_start = Facts {
            received: f.received.filter(|r| *r < p.start()),
            ending: f.ending.filter(|(_, at)| *at < p.start()),
            ..f.clone()
        };
        by_definition.add(&p, &at_start, &f);
    }
    assert_eq!(by_definition, row);
    // October: f is not in it (received on 1 November in Vietnam), h is in process.
    let october = Period {
        from: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
    };
    let mut oct = ReportRow::default();
    for (_, f) in month() {
        oct.merge(&ReportRow::of(f.channel, false, &sums(&f, &october)));
    }
    assert_eq!((oct.received(), oct.in_process_not_due), (1, 1));
}

#[test]
fn the_indicators_of_the_month_are_counted_by_hand() {
    let p = november();
    let mut t = Tally::default();
    for (_, f) in month() {
        t.merge(&Tally::of(f.channel, &sums(&f, &p)));
    }
    let outcomes = t.outcomes(None);
    let get = |code: &str| {
        let (_, o) = outcomes.iter().find(|(i, _)| i.code == code).unwrap();
        match o {
            Outcome::Scored {
                numerator,
                denominator,
                score,
            } => (*numerator, *denominator, *score),
            other => panic!("{code}: {other:?}"),
        }
    };
    // Ended in November: a (on time), h (late), c (withdrawn before due), d (refused after due);
    // in process at the end: b, g (not due), f (overdue).
    assert_eq!(get("2.1"), (4, 7, 11.43));
    assert!(matches!(
        t.on_time_national(),
        Outcome::Scored {
            numerator: 3,
            denominator: 7,
            ..
        }
    ));
    assert_eq!(get("3.3"), (1, 6, 2.0), "1/6 of a 50 % threshold × 6");
    assert_eq!(get("3.6"), (1, 2, 3.0));
    assert_eq!(get("4.1"), (1, 2, 3.0), "finished in November: a, h");
    assert_eq!(get("4.2"), (1, 6, 0.83), "b only: a finished on paper");
    assert_eq!(get("4.5"), (1, 5, 0.8), "g is an organisation");
    assert_eq!(get("5.4"), (0, 2, 0.0), "h late, a not satisfied");
    let no_data = outcomes
        .iter()
        .find(|(i, _)| i.code == "1.4")
        .map(|(_, o)| *o);
    assert_eq!(no_data, Some(Outcome::NoData));
}

#[test]
fn every_number_lists_as_many_dossiers_as_it_counts() {
    use super::behind::{COLUMNS, column_value};
    use super::{INDICATORS, Measure, behind};
    let p = november();
    let mut row = ReportRow::default();
    let mut t = Tally::default();
    for (_, f) in month() {
        row.merge(&ReportRow::of(f.channel, false, &sums(&f, &p)));
        t.merge(&Tally::of(f.channel, &sums(&f, &p)));
    }
    for (column, _) in COLUMNS {
        let listed = month()
            .iter()
            .filter(|(_, f)| behind(Measure::Column(column), f, &p, false).is_some())
            .count();
        assert_eq!(listed as u64, column_value(&row, column), "{column}");
    }
    for i in INDICATORS {
        let listed: Vec<(&str, String)> = month()
            .iter()
            .filter_map(|(n, f)| behind(Measure::Misses(i.code), f, &p, false).map(|w| (*n, w)))
            .collect();
        let expected = match t
            .outcomes(None)
            .iter()
            .find(|(x, _)| x.code == i.code)
            .unwrap()
            .1
        {
            Outcome::Scored {
                numerator,
                denominator,
                ..
            } => denominator - numerator,
            _ => 0,
        };
        assert_eq!(listed.len() as u64, expected, "{}: {listed:?}", i.code);
    }
    // 2.1 lists d (refused a day late) and f (open, overdue) and h (finished late), with how late.
    let late: Vec<(&str, String)> = month()
        .iter()
        .filter_map(|(n, f)| behind(Measure::Misses("2.1"), f, &p, false).map(|w| (*n, w)))
        .collect();
    assert_eq!(
        late,
        vec![
            ("d", "quá hạn 16 giờ".to_owned()),
            ("f", "quá hạn 15 ngày 7 giờ".to_owned()),
            ("h", "quá hạn 1 ngày 16 giờ".to_owned()),
        ]
    );
    let national: Vec<&str> = month()
        .iter()
        .filter(|(_, f)| behind(Measure::Misses("2.1n"), f, &p, false).is_some())
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(
        national,
        vec!["a", "d", "f", "h"],
        "a: two supplement requests"
    );
    assert_eq!(Measure::parse("i:4.2"), Some(Measure::Misses("4.2")));
    assert_eq!(
        Measure::parse("finished.late"),
        Some(Measure::Column("finished.late"))
    );
    assert_eq!(Measure::parse("i:9.9"), None);
}

proptest! {
    /// For random dossiers the rollup gives the rows the definition gives, and they balance.
    #[test]
    fn the_rollup_counts_what_the_definition_counts(cases in prop::collection::vec(
        (0i64..120, 0i64..40, prop::option::of((0u8..5, 0i64..60)), 0u8..4, any::<bool>()), 0..50)
    ) {
        let p = november();
        let base = vn(10, 1, 8);
        let (mut rolled, mut defined) = (ReportRow::default(), ReportRow::default());
        for (received, due_after, end, channel, apology) in cases {
            let r = base + chrono::TimeDelta::hours(received * 13);
            let mut f = dossier(r, r + chrono::TimeDelta::days(due_after));
            f.channel = [Channel::Counter, Channel::Online, Channel::Post, Channel::NationalPortal][usize::from(channel)];
            f.late_with_apology = apology;
            f.ending = end.map(|(kind, after)| {
                let e = match kind {
                    0 => Ending::Finished(Completion::Early),
                    1 => Ending::Finished(Completion::OnTime),
                    2 => Ending::Finished(Completion::Late),
                    3 => Ending::Refused,
                    _ => Ending::Withdrawn,
                };
                (e, r + chrono::TimeDelta::hours(after * 11))
            });
            rolled.merge(&ReportRow::of(f.channel, false, &sums(&f, &p)));
            let at_start = Facts {
                received: f.received.filter(|x| *x < p.start()),
                ending: f.ending.filter(|(_, at)| *at < p.start()),
                ..f.clone()
            };
            defined.add(&p, &at_start, &f);
        }
        prop_assert_eq!(rolled, defined);
        prop_assert!(rolled.balances());
    }
}
