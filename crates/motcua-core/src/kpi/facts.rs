//! What the figures need to know of one dossier at one instant (KPI.md §1), taken from its
//! state: whether and when the competent agency received it, by which channel, whether and how
//! it ended, its statutory due instant, and how it finished against it.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};

use crate::calendar::Completion;
use crate::calendar::deadline::utc;
use crate::catalog::Channel;
use crate::dossier::{Applicant, Dossier, Satisfaction, Status};

/// A reporting period (kỳ báo cáo): Vietnam calendar dates, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

impl Period {
    /// The period's first instant (00:00 in Vietnam on `from`).
    pub fn start(&self) -> DateTime<Utc> {
        utc(self.from.and_time(NaiveTime::MIN))
    }

    /// The instant right after the period (00:00 in Vietnam on the day after `to`).
    pub fn end(&self) -> DateTime<Utc> {
        utc(self.to.and_time(NaiveTime::MIN)) + TimeDelta::days(1)
    }

    /// Whether an instant falls in the period.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start() <= t && t < self.end()
    }
}

/// How a received dossier ended (KPI.md §1): refusal after receipt and withdrawal are endings
/// of their own, not "finished".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Result ready or returned (đã giải quyết), classified against the due instant.
    Finished(Completion),
    /// Refused after receipt (từ chối sau tiếp nhận).
    Refused,
    /// Withdrawn by the applicant (rút hồ sơ).
    Withdrawn,
}

/// One dossier's facts at an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// When the competent agency received it (counter receipt, or acceptance of a filing);
    /// `None`: not received (yet, or never: not accepted, refused at the counter).
    pub received: Option<DateTime<Utc>>,
    /// How it came in.
    pub channel: Channel,
    /// How and when it ended, if it has.
    pub ending: Option<(Ending, DateTime<Utc>)>,
    /// The statutory due instant (pauses included, an extension not: DOMAIN.md §4).
    pub due: Option<DateTime<Utc>>,
    /// An inter-agency part of another dossier: never counted.
    pub sub_dossier: bool,
    /// Every submitted document has its scan (số hóa đầu vào).
    pub inputs_digitised: bool,
    /// The result was issued as an electronic file.
    pub result_electronic: bool,
    /// At least one document reused from an earlier dossier or result.
    pub reused: bool,
    /// At least one document taken from the applicant's personal data store.
    pub from_personal_store: bool,
    /// For a person: whether the population registry's data were used; `None` for an
    /// organisation (not in the indicator's denominator).
    pub population_data: Option<bool>,
    /// Something to pay (fees or a financial obligation).
    pub to_pay: bool,
    /// Something paid online (reported by the gateway or the treasury).
    pub paid_online: bool,
    /// The applicant rated it "not satisfied".
    pub unsatisfied: bool,
    /// Supplement requests made (the national variant of 2.1 counts more than one as late).
    pub supplement_rounds: usize,
    /// The due date was moved with an apology (thư xin lỗi, Mẫu 04), which the rules allow only
    /// before the due instant.
    pub late_with_apology: bool,
}

impl Facts {
    /// The facts of a dossier's state.
    pub fn of(d: &Dossier) -> Self {
        let ending = match (d.status, d.finished_at) {
            (Status::Refused, Some(at)) => Some((Ending::Refused, at)),
            (Status::Withdrawn, Some(at)) => Some((Ending::Withdrawn, at)),
            (Status::ResultReady | Status::Returned, at) => {
                // Finished: result ready or returned, whichever came first.
                let at = at.or(d.returned_at);
                match (d.completion, at) {
                    (Some(c), Some(at)) => Some((Ending::Finished(c), at)),
                    _ => None,
                }
            }
            _ => None,
        };
        let to_pay = d.fees.iter().chain(&d.obligations).any(|c| c.amount > 0);
        Self {
            received: d.received_at.filter(|_| d.status != Status::NotAccepted),
            channel: d.channel,
            ending,
            due: d.appointment.as_ref().map(|a| a.statutory_due),
            sub_dossier: d.is_sub_dossier(),
            inputs_digitised: !d.documents.is_empty()
                && d.documents
                    .iter()
                    .filter(|x| x.replaced_by.is_none())
                    .all(|x| x.digitised),
            result_electronic: d
                .result
                .as_ref()
                .is_some_and(|r| r.electronic && r.file.is_some()),
            reused: d.documents.iter().any(|x| x.reused_from.is_some()),
            from_personal_store: d.documents.iter().any(|x| x.from_personal_store),
            population_data: match &d.applicant {
                Applicant::Person {
                    from_population_data,
                    ..
                } => Some(*from_population_data),
                Applicant::Organisation { .. } => None,
            },
            to_pay,
            paid_online: d.payments.iter().any(|p| p.online),
            unsatisfied: d.rating == Some(Satisfaction::Unsatisfied),
            supplement_rounds: d.supplements.len(),
            late_with_apology: d
                .appointment
                .as_ref()
                .is_some_and(|a| a.extension.is_some()),
        }
    }

    /// Nothing known yet: a counter dossier not received, with nothing to count. For tests and
    /// for building facts field by field.
    pub fn blank() -> Self {
        Self {
            received: None,
            channel: Channel::Counter,
            ending: None,
            due: None,
            sub_dossier: false,
            inputs_digitised: false,
            result_electronic: false,
            reused: false,
            from_personal_store: false,
            population_data: None,
            to_pay: false,
            paid_online: false,
            unsatisfied: false,
            supplement_rounds: 0,
            late_with_apology: false,
        }
    }

    /// Ended before `t`.
    pub fn ended_before(&self, t: DateTime<Utc>) -> bool {
        self.ending.is_some_and(|(_, at)| at < t)
    }
}
