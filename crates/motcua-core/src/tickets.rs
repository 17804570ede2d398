//! Queue tickets at the one-stop desk (phiếu lấy số thứ tự): a visitor takes a number for a
//! field at the kiosk, an officer calls it to a counter, serves the visitor (usually receiving
//! a dossier), and finishes; a number called with nobody there is marked absent. The wait
//! (issued → called) and the handling (served → done) of each visit are the desk's figures
//! for the plan's targets (≤ 15 minutes waiting a visit). No I/O, no clock: instants come in.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::wire_enum! {
    /// Where a ticket stands.
    pub enum TicketStatus {
        /// Issued, waiting to be called.
        Waiting = "waiting",
        /// Called to a counter.
        Called = "called",
        /// The visitor is at the counter.
        Serving = "serving",
        /// The visit is over.
        Done = "done",
        /// Called, and nobody came.
        Absent = "absent",
    }
}

/// A queue ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// Its id (UUIDv7, made by the caller).
    pub id: Uuid,
    /// The desk (agency code) whose queue it is in.
    pub agency: String,
    /// The counter group: the catalogue field's key (e.g. `dat-dai`).
    pub group: String,
    /// The field's name, as printed.
    pub group_name: String,
    /// Its number in the group's queue that day, from 1.
    pub number: u32,
    /// The Vietnam date it was issued on.
    pub day: NaiveDate,
    /// A CCCD the visitor typed or scanned at the kiosk, if any.
    pub id_number: Option<String>,
    /// Status.
    pub status: TicketStatus,
    /// Issued.
    pub issued_at: DateTime<Utc>,
    /// Called to a counter.
    pub called_at: Option<DateTime<Utc>>,
    /// The counter it was called to.
    pub counter: Option<String>,
    /// The officer (account id) who called it.
    pub officer: Option<String>,
    /// The officer's name.
    pub officer_name: Option<String>,
    /// The visitor came to the counter.
    pub served_at: Option<DateTime<Utc>>,
    /// The visit ended (or the ticket was marked absent).
    pub done_at: Option<DateTime<Utc>>,
    /// The dossier received during the visit.
    pub dossier: Option<Uuid>,
}

/// A ticket action that does not fit where the ticket stands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TicketError(pub String);

impl Ticket {
    /// A new ticket.
    #[expect(
        clippy::too_many_arguments,
        reason = "a ticket's facts as the kiosk gives them"
    )]
    pub fn issue(
        id: Uuid,
        agency: &str,
        group: &str,
        group_name: &str,
        number: u32,
        day: NaiveDate,
        id_number: Option<String>,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            agency: agency.to_owned(),
            group: group.to_owned(),
            group_name: group_name.to_owned(),
            number,
            day,
            id_number,
            status: TicketStatus::Waiting,
            issued_at: at,
            called_at: None,
            counter: None,
            officer: None,
            officer_name: None,
            served_at: None,
            done_at: None,
            dossier: None,
        }
    }

    /// The number as called and printed: the group's letter and three digits ("D007").
    pub fn label(&self) -> String {
        let letter = self
            .group
            .chars()
            .find(char::is_ascii_alphabetic)
            .map_or('A', |c| c.to_ascii_uppercase());
        format!("{letter}{:03}", self.number)
    }

    /// Calls a waiting ticket to a counter.
    pub fn call(
        &mut self,
        counter: &str,
        officer: &str,
        officer_name: &str,
        at: DateTime<Utc>,
    ) -> Result<(), TicketError> {
        self.expect(TicketStatus::Waiting, "gọi")?;
        self.status = TicketStatus::Called;
        self.called_at = Some(at);
        self.counter = Some(counter.to_owned());
        self.officer = Some(officer.to_owned());
        self.officer_name = Some(officer_name.to_owned());
        Ok(())
    }

    /// The visitor came to the counter.
    pub fn serve(&mut self, at: DateTime<Utc>) -> Result<(), TicketError> {
        self.expect(TicketStatus::Called, "phục vụ")?;
        self.status = TicketStatus::Serving;
        self.served_at = Some(at);
        Ok(())
    }

    /// The visit ended, with the dossier received in it if any.
    pub fn finish(&mut self, at: DateTime<Utc>, dossier: Option<Uuid>) -> Result<(), TicketError> {
        self.expect(TicketStatus::Serving, "hoàn thành")?;
        self.status = TicketStatus::Done;
        self.done_at = Some(at);
        if dossier.is_some() {
            self.dossier = dossier;
        }
        Ok(())
    }

    /// Called, and nobody came.
    pub fn absent(&mut self, at: DateTime<Utc>) -> Result<(), TicketError> {
        self.expect(TicketStatus::Called, "đánh dấu vắng mặt")?;
        self.status = TicketStatus::Absent;
        self.done_at = Some(at);
        Ok(())
    }

    /// A dossier received while the visitor is at the counter belongs to the visit.
    pub fn link_dossier(&mut self, dossier: Uuid) {
        if self.status == TicketStatus::Serving && self.dossier.is_none() {
            self.dossier = Some(dossier);
        }
    }

    fn expect(&self, status: TicketStatus, what: &str) -> Result<(), TicketError> {
        if self.status == status {
            Ok(())
        } else {
            Err(TicketError(format!(
                "Số {} đang ở trạng thái \"{}\", không thể {what}.",
                self.label(),
                self.status.label_vi()
            )))
        }
    }

    /// Minutes from taking the number to being called.
    pub fn wait_minutes(&self) -> Option<f64> {
        self.called_at.map(|c| minutes(c - self.issued_at))
    }

    /// Minutes at the counter.
    pub fn handling_minutes(&self) -> Option<f64> {
        match (self.served_at, self.done_at, self.status) {
            (Some(s), Some(d), TicketStatus::Done) => Some(minutes(d - s)),
            _ => None,
        }
    }
}

impl TicketStatus {
    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Waiting => "đang chờ",
            Self::Called => "đã gọi",
            Self::Serving => "đang phục vụ",
            Self::Done => "đã xong",
            Self::Absent => "vắng mặt",
        }
    }
}

fn minutes(d: chrono::TimeDelta) -> f64 {
    d.num_seconds() as f64 / 60.0
}

/// The desk's figures over some visits: per day and counter, and in all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VisitFigures {
    /// Tickets issued.
    pub issued: usize,
    /// Tickets called (served or absent).
    pub called: usize,
    /// Visits served to the end.
    pub served: usize,
    /// Called with nobody there.
    pub absent: usize,
    /// Average wait, minutes (over called tickets).
    pub wait_avg: Option<f64>,
    /// Called within 15 minutes, of those called.
    pub wait_within_15: usize,
    /// Average handling, minutes (over finished visits).
    pub handling_avg: Option<f64>,
    /// Visits in which a dossier was received.
    pub with_dossier: usize,
}

/// The plan's ceiling on the wait, minutes.
pub const WAIT_TARGET_MINUTES: f64 = 15.0;

/// Adds up visits.
pub fn figures<'a>(tickets: impl IntoIterator<Item = &'a Ticket>) -> VisitFigures {
    let mut f = VisitFigures::default();
    let (mut wait_sum, mut handling_sum) = (0.0, 0.0);
    for t in tickets {
        f.issued += 1;
        if let Some(w) = t.wait_minutes() {
            f.called += 1;
            wait_sum += w;
            if w <= WAIT_TARGET_MINUTES {
                f.wait_within_15 += 1;
            }
        }
        if t.status == TicketStatus::Absent {
            f.absent += 1;
        }
        if let Some(h) = t.handling_minutes() {
            f.served += 1;
            handling_sum += h;
        }
        if t.dossier.is_some() {
            f.with_dossier += 1;
        }
    }
    f.wait_avg = (f.called > 0).then(|| wait_sum / f.called as f64);
    f.handling_avg = (f.served > 0).then(|| handling_sum / f.served as f64);
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap() + TimeDelta::minutes(minutes)
    }

    fn ticket(n: u32) -> Ticket {
        let day = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        Ticket::issue(
            Uuid::nil(),
            "000.11.12.H48",
            "dat-dai",
            "Đất đai",
            n,
            day,
            None,
            at(0),
        )
    }

    #[test]
    fn a_visit_goes_waiting_called_serving_done_and_nothing_else() {
        let mut t = ticket(7);
        assert_eq!(t.label(), "D007");
        assert!(t.serve(at(1)).is_err(), "not called yet");
        t.call("Quầy 2", "u1", "Lê Thị Hoa", at(12)).unwrap();
        assert!(t.call("Quầy 3", "u2", "x", at(13)).is_err(), "called once");
        t.serve(at(13)).unwrap();
        t.link_dossier(Uuid::max());
        t.finish(at(48), None).unwrap();
        assert_eq!(t.dossier, Some(Uuid::max()));
        assert!(t.finish(at(50), None).is_err(), "finished once");
        assert_eq!(t.wait_minutes(), Some(12.0));
        assert_eq!(t.handling_minutes(), Some(35.0));
    }

    #[test]
    fn figures_average_the_called_and_the_served_and_count_the_absent() {
        let mut a = ticket(1);
        a.call("Quầy 1", "u1", "A", at(10)).unwrap();
        a.serve(at(10)).unwrap();
        a.finish(at(40), None).unwrap();
        let mut b = ticket(2);
        b.call("Quầy 1", "u1", "A", at(20)).unwrap();
        b.absent(at(22)).unwrap();
        let c = ticket(3);
        let f = figures([&a, &b, &c]);
        assert_eq!((f.issued, f.called, f.served, f.absent), (3, 2, 1, 1));
        assert_eq!(f.wait_avg, Some(15.0));
        assert_eq!(f.wait_within_15, 1);
        assert_eq!(f.handling_avg, Some(30.0));
    }
}
