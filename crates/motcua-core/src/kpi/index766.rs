//! The Decision 766/QĐ-TTg index (KPI.md §3) for the indicators whose inputs are dossiers: each a
//! ratio, scored against its maximum (and its threshold, where one is given), grouped, totalled.
//! An indicator without a denominator is "not applicable"; one whose inputs the system does not
//! hold yet (published procedures, portal sync counts) is "no data" — never 0 or 100 %.

use super::rollup::Sums;
use crate::catalog::Channel;

/// An indicator's definition: code, Vietnamese name, group, maximum points, threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indicator {
    /// Code in the decision ("2.1").
    pub code: &'static str,
    /// Name.
    pub name: &'static str,
    /// Group code on the national portal (CKMB, TDGQ, CLGQ, TTTT, MDSH, MDHL).
    pub group: &'static str,
    /// Maximum points (the ones marked * in KPI.md are a third party's reading: settings).
    pub max: f64,
    /// Ratio at which the maximum is reached, if any.
    pub threshold: Option<f64>,
}

/// The indicators computed from dossiers, in the decision's order.
pub const INDICATORS: [Indicator; 13] = [
    Indicator {
        code: "1.4",
        name: "Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia",
        group: "CKMB",
        max: 6.0,
        threshold: None,
    },
    Indicator {
        code: "2.1",
        name: "Hồ sơ giải quyết đúng hạn",
        group: "TDGQ",
        max: 20.0,
        threshold: None,
    },
    Indicator {
        code: "3.3",
        name: "Hồ sơ nộp trực tuyến",
        group: "CLGQ",
        max: 6.0,
        threshold: Some(0.5),
    },
    Indicator {
        code: "3.6",
        name: "Hồ sơ thanh toán trực tuyến",
        group: "TTTT",
        max: 6.0,
        threshold: None,
    },
    Indicator {
        code: "4.1",
        name: "Hồ sơ có kết quả điện tử",
        group: "MDSH",
        max: 6.0,
        threshold: None,
    },
    Indicator {
        code: "4.2",
        name: "Hồ sơ được số hóa",
        group: "MDSH",
        max: 4.0,
        threshold: Some(0.8),
    },
    Indicator {
        code: "4.3",
        name: "Tái sử dụng dữ liệu đã số hóa",
        group: "MDSH",
        max: 2.0,
        threshold: Some(0.8),
    },
    Indicator {
        code: "4.4",
        name: "Khai thác dữ liệu từ kho dữ liệu cá nhân",
        group: "MDSH",
        max: 4.0,
        threshold: None,
    },
    Indicator {
        code: "4.5",
        name: "Sử dụng dữ liệu dân cư",
        group: "MDSH",
        max: 4.0,
        threshold: None,
    },
    Indicator {
        code: "4.6",
        name: "Bản sao điện tử được chứng thực từ bản chính",
        group: "MDSH",
        max: 2.0,
        threshold: None,
    },
    Indicator {
        code: "5.2",
        name: "Xử lý phản ánh, kiến nghị đúng hạn",
        group: "MDHL",
        max: 6.0,
        threshold: None,
    },
    Indicator {
        code: "5.3",
        name: "Mức độ hài lòng về xử lý phản ánh, kiến nghị",
        group: "MDHL",
        max: 6.0,
        threshold: None,
    },
    Indicator {
        code: "5.4",
        name: "Mức độ hài lòng về giải quyết hồ sơ",
        group: "MDHL",
        max: 6.0,
        threshold: Some(0.9),
    },
];

/// What an indicator came to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// A ratio and its score.
    Scored {
        /// Numerator.
        numerator: u64,
        /// Denominator.
        denominator: u64,
        /// Points, rounded to 2 decimals.
        score: f64,
    },
    /// Denominator 0: shown, not scored.
    NotApplicable,
    /// The system does not hold its inputs.
    NoData,
}

/// Scores a ratio: the maximum at or above the threshold, else in proportion to it; without a
/// threshold, the ratio times the maximum. Rounded to 2 decimals.
pub fn score(indicator: &Indicator, numerator: u64, denominator: u64) -> Outcome {
    if denominator == 0 {
        return Outcome::NotApplicable;
    }
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    let r = numerator as f64 / denominator as f64;
    let raw = match indicator.threshold {
        Some(t) if r >= t => indicator.max,
        Some(t) => r / t * indicator.max,
        None => r * indicator.max,
    };
    Outcome::Scored {
        numerator,
        denominator,
        score: (raw * 100.0).round() / 100.0,
    }
}

/// Numerators and denominators of the dossier indicators for one unit and period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    received: u64,
    received_online: u64,
    received_from_persons: u64,
    population_data: u64,
    digitised: u64,
    reused: u64,
    personal_store: u64,
    to_pay: u64,
    paid_online: u64,
    finished: u64,
    finished_late: u64,
    result_electronic: u64,
    unsatisfied: u64,
    on_time_21: u64,
    counted_21: u64,
    on_time_21_national: u64,
    /// Feedback of the period: answered on time, closed satisfied and not late, counted
    /// (5.2, 5.3); added by whoever holds the feedback, zero in a rollup key's tally.
    feedback: (u64, u64, u64),
    /// Certified copies of the period: electronic ones issued, all certified (4.6); added by
    /// whoever holds the certification register, zero in a rollup key's tally.
    copies: (u64, u64),
}

impl Tally {
    /// This tally with the feedback of its unit and period (on time, satisfied, counted).
    #[must_use]
    pub fn with_feedback(mut self, on_time: u64, satisfied: u64, counted: u64) -> Self {
        self.feedback = (on_time, satisfied, counted);
        self
    }

    /// This tally with the certification register's counts (electronic issued, certified).
    #[must_use]
    pub fn with_copies(mut self, electronic: u64, certified: u64) -> Self {
        self.copies = (electronic, certified);
        self
    }

    /// The numerators and denominators of one rollup key's sums for a period: the flows counted
    /// on their days; 2.1 also counts what is in process at the end (on time when not yet due).
    pub fn of(channel: Channel, s: &Sums) -> Self {
        let f = &s.flows;
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        let received = n(f.received);
        let ended =
            f.finished_early + f.finished_on_time + f.finished_late + f.refused + f.withdrawn;
        Self {
            received,
            received_online: if matches!(channel, Channel::Online | Channel::NationalPortal) {
                received
            } else {
                0
            },
            received_from_persons: n(f.persons),
            population_data: n(f.population_data),
            digitised: n(f.digitised),
            reused: n(f.reused),
            personal_store: n(f.personal_store),
            to_pay: n(f.to_pay),
            paid_online: n(f.paid_online),
            finished: n(f.finished_early + f.finished_on_time + f.finished_late),
            finished_late: n(f.finished_late),
            result_electronic: n(f.result_electronic),
            unsatisfied: n(f.finished_unsatisfied),
            on_time_21: n(f.ended_on_time + s.open_end - s.overdue_end),
            counted_21: n(ended + s.open_end),
            on_time_21_national: n(f.ended_on_time_national + s.open_end - s.late_national_end),
            feedback: (0, 0, 0),
            copies: (0, 0),
        }
    }

    /// Adds another key's or unit's counts.
    pub fn merge(&mut self, other: &Self) {
        self.received += other.received;
        self.received_online += other.received_online;
        self.received_from_persons += other.received_from_persons;
        self.population_data += other.population_data;
        self.digitised += other.digitised;
        self.reused += other.reused;
        self.personal_store += other.personal_store;
        self.to_pay += other.to_pay;
        self.paid_online += other.paid_online;
        self.finished += other.finished;
        self.finished_late += other.finished_late;
        self.result_electronic += other.result_electronic;
        self.unsatisfied += other.unsatisfied;
        self.on_time_21 += other.on_time_21;
        self.counted_21 += other.counted_21;
        self.on_time_21_national += other.on_time_21_national;
        self.feedback.0 += other.feedback.0;
        self.feedback.1 += other.feedback.1;
        self.feedback.2 += other.feedback.2;
        self.copies.0 += other.copies.0;
        self.copies.1 += other.copies.1;
    }

    /// Each indicator's outcome, in [`INDICATORS`]' order. `synced` is (synced, received) from
    /// the portal sync, when known.
    pub fn outcomes(&self, synced: Option<(u64, u64)>) -> Vec<(Indicator, Outcome)> {
        INDICATORS
            .iter()
            .map(|i| {
                let (n, d) = match i.code {
                    "1.4" => match synced {
                        Some(pair) => pair,
                        None => return (*i, Outcome::NoData),
                    },
                    "2.1" => (self.on_time_21, self.counted_21),
                    "3.3" => (self.received_online, self.received),
                    "3.6" => (self.paid_online, self.to_pay),
                    "4.1" => (self.result_electronic, self.finished),
                    "4.2" => (self.digitised, self.received),
                    "4.3" => (self.reused, self.received),
                    "4.4" => (self.personal_store, self.received),
                    "4.5" => (self.population_data, self.received_from_persons),
                    "4.6" => self.copies,
                    "5.2" => (self.feedback.0, self.feedback.2),
                    "5.3" => (self.feedback.1, self.feedback.2),
                    // 5.4: 100 % − (late rate of finished + rate rated "not satisfied"); as a
                    // ratio over finished dossiers (feedback is not held yet).
                    _ => {
                        let bad = (self.finished_late + self.unsatisfied).min(self.finished);
                        (self.finished - bad, self.finished)
                    }
                };
                (*i, score(i, n, d))
            })
            .collect()
    }

    /// The national portal's variant of 2.1: more than one supplement request counts as late.
    pub fn on_time_national(&self) -> Outcome {
        score(&INDICATORS[1], self.on_time_21_national, self.counted_21)
    }
}

/// Points per group and in total, over the scored indicators.
pub fn group_totals(outcomes: &[(Indicator, Outcome)]) -> Vec<(&'static str, f64)> {
    let mut groups: Vec<(&'static str, f64)> = Vec::new();
    for (i, o) in outcomes {
        let points = match o {
            Outcome::Scored { score, .. } => *score,
            Outcome::NotApplicable | Outcome::NoData => continue,
        };
        match groups.iter_mut().find(|(g, _)| *g == i.group) {
            Some((_, total)) => *total += points,
            None => groups.push((i.group, points)),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeDelta};

    use super::*;
    use crate::calendar::Completion;
    use crate::kpi::rollup::days;
    use crate::kpi::{Ending, Facts, Period};

    fn period() -> Period {
        Period {
            from: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        }
    }

    #[test]
    fn scores_follow_the_threshold_rule_and_round_to_two_decimals() {
        let online = &INDICATORS[2];
        assert_eq!(score(online, 0, 0), Outcome::NotApplicable);
        let Outcome::Scored { score: full, .. } = score(online, 6, 10) else {
            panic!()
        };
        assert_eq!(full, 6.0, "60 % ≥ the 50 % threshold: the maximum");
        let Outcome::Scored { score: part, .. } = score(online, 1, 3) else {
            panic!()
        };
        assert_eq!(part, 4.0, "33.3 % of a 50 % threshold is two thirds of 6");
        let Outcome::Scored { score: plain, .. } = score(&INDICATORS[1], 2, 3) else {
            panic!()
        };
        assert_eq!(plain, 13.33, "no threshold: 2/3 × 20, rounded");
    }

    #[test]
    fn dossiers_make_the_ratios_and_missing_inputs_say_so() {
        let p = period();
        let at = |d: i64| p.start() + TimeDelta::days(d) + TimeDelta::hours(3);
        let mut t = Tally::default();
        let mut add = |f: &Facts| {
            let sums = Sums::of_days(&days(f), p.from, p.to);
            t.merge(&Tally::of(f.channel, &sums));
        };
        let mut online = Facts::blank();
        online.received = Some(at(1));
        online.channel = Channel::Online;
        online.population_data = Some(true);
        online.inputs_digitised = true;
        online.due = Some(at(8));
        online.ending = Some((Ending::Finished(Completion::OnTime), at(8)));
        online.result_electronic = true;
        add(&online);
        let mut paper = Facts::blank();
        paper.received = Some(at(2));
        paper.population_data = Some(false);
        paper.due = Some(at(5));
        paper.supplement_rounds = 2;
        add(&paper); // still open at the end, overdue
        let outcomes = t.outcomes(None);
        let get = |code: &str| outcomes.iter().find(|(i, _)| i.code == code).unwrap().1;
        assert_eq!(get("1.4"), Outcome::NoData, "sync counts not given");
        assert!(matches!(
            get("2.1"),
            Outcome::Scored {
                numerator: 1,
                denominator: 2,
                ..
            }
        ));
        assert!(
            matches!(get("3.3"), Outcome::Scored { numerator: 1, denominator: 2, score, .. } if score == 6.0)
        );
        assert!(matches!(
            get("4.5"),
            Outcome::Scored {
                numerator: 1,
                denominator: 2,
                ..
            }
        ));
        assert_eq!(get("3.6"), Outcome::NotApplicable, "nothing to pay");
        assert!(matches!(
            t.on_time_national(),
            Outcome::Scored { numerator: 1, .. }
        ));
        let groups = group_totals(&outcomes);
        assert!(groups.iter().any(|(g, _)| *g == "MDSH"));
        assert!(
            !groups.iter().any(|(g, _)| *g == "CKMB"),
            "no data is not zero points"
        );
    }
}
