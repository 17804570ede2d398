//! What the figures need to know of one dossier at one instant (KPI.md §1), taken from its
//! state: whether and when the competent agency received it, by which channel, whether and how
//! it ended, its statutory due instant, and how it finished against it.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};

use crate::calendar::Completion;
use crate::calendar::deadline::utc;
use crate::catalog::Channel;
use crate::dossier::{Dossier, Status};

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
        Self {
            received: d.received_at.filter(|_| d.status != Status::NotAccepted),
            channel: d.channel,
            ending,
            due: d.appointment.as_ref().map(|a| a.statutory_due),
            sub_dossier: d.is_sub_dossier(),
        }
    }

    /// Ended before `t`.
    pub fn ended_before(&self, t: DateTime<Utc>) -> bool {
        self.ending.is_some_and(|(_, at)| at < t)
    }
}
