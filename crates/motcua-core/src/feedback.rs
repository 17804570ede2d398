//! Feedback (phản ánh, kiến nghị) from citizens and organisations about a procedure, a dossier
//! or a person (Decree 20/2008/NĐ-CP): received, classified and routed to the competent
//! agency, refused within 2 working days or asked for more within 5, answered within 15,
//! published within 2 after the answer where the sender allowed it, and rated once. Its own
//! decider: a command, the instant and the deadlines (worked out by the caller on the agency's
//! working calendar) in; the events out. No I/O, no clock.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::calendar::deadline::{DeadlineError, advance};
use crate::calendar::{WorkCalendar, WorkDuration};

/// Working days the law gives: to refuse, to ask for more, to answer, to publish the answer.
pub const REFUSE_DAYS: u32 = 2;
/// See [`REFUSE_DAYS`].
pub const ASK_DAYS: u32 = 5;
/// See [`REFUSE_DAYS`].
pub const ANSWER_DAYS: u32 = 15;
/// See [`REFUSE_DAYS`].
pub const PUBLISH_DAYS: u32 = 2;

crate::wire_enum! {
    /// What the feedback is about.
    pub enum Subject {
        /// A procedure (its rules, documents, fees).
        Procedure = "procedure",
        /// A dossier (its handling).
        Dossier = "dossier",
        /// A person (an officer's conduct).
        Person = "person",
        /// Anything else about administrative rules.
        Other = "other",
    }
}

crate::wire_enum! {
    /// The classification an officer gives it.
    pub enum Kind {
        /// Phản ánh: a report on how a rule is applied.
        Report = "report",
        /// Kiến nghị: a proposal to change a rule.
        Proposal = "proposal",
    }
}

crate::wire_enum! {
    /// Where it stands.
    pub enum FeedbackStatus {
        /// Received, not yet routed.
        Received = "received",
        /// Routed to the competent agency.
        Routed = "routed",
        /// More was asked of the sender.
        InfoRequested = "info_requested",
        /// Refused (not within the scope of feedback on administrative rules).
        Refused = "refused",
        /// Answered.
        Answered = "answered",
        /// Answered and published.
        Published = "published",
    }
}

crate::wire_enum! {
    /// The sender's rating of the answer.
    pub enum Rating {
        /// Hài lòng.
        Satisfied = "satisfied",
        /// Chấp nhận được.
        Acceptable = "acceptable",
        /// Không hài lòng.
        Dissatisfied = "dissatisfied",
    }
}

/// The instants a feedback must meet, from its receipt on the agency's working calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    /// Refuse by (2 working days).
    pub refuse_by: DateTime<Utc>,
    /// Ask for more by (5 working days).
    pub ask_by: DateTime<Utc>,
    /// Answer by (15 working days; from the sender's supplement when one was asked).
    pub answer_by: DateTime<Utc>,
}

/// The working-day deadlines of a feedback received (or supplied) at `at`, on the agency's
/// calendar: each N working days is N × 8 working hours forward, as dossier deadlines are.
pub fn deadlines(cal: &WorkCalendar, at: DateTime<Utc>) -> Result<Deadlines, DeadlineError> {
    let days = |n: u32| advance(cal, at, WorkDuration::hours(8 * i64::from(n)));
    Ok(Deadlines {
        refuse_by: days(REFUSE_DAYS)?,
        ask_by: days(ASK_DAYS)?,
        answer_by: days(ANSWER_DAYS)?,
    })
}

/// The latest instant to publish an answer given at `at`.
pub fn publish_by(cal: &WorkCalendar, at: DateTime<Utc>) -> Result<DateTime<Utc>, DeadlineError> {
    advance(cal, at, WorkDuration::hours(8 * i64::from(PUBLISH_DAYS)))
}

/// One entry of its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (an account id, or `sender`).
    pub by: String,
    /// Their name.
    pub by_name: String,
    /// What happened.
    pub what: Happened,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Happened {
    /// Sent in.
    Received,
    /// Classified and routed.
    Routed {
        /// Report or proposal.
        kind: Kind,
        /// The competent agency.
        agency: String,
    },
    /// Refused, with the reason.
    Refused {
        /// Why.
        reason: String,
    },
    /// More asked of the sender.
    AskedMore {
        /// What.
        what: String,
    },
    /// The sender supplied it; the answer is due again in full.
    Supplied {
        /// What they wrote.
        text: String,
        /// The new answer deadline.
        answer_by: DateTime<Utc>,
    },
    /// Answered.
    Answered {
        /// The answer.
        text: String,
        /// After the deadline.
        late: bool,
    },
    /// Published.
    Published {
        /// After the 2 working days.
        late: bool,
    },
    /// Rated by the sender.
    Rated {
        /// The rating.
        rating: Rating,
    },
}

/// A feedback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// Id (UUIDv7).
    pub id: Uuid,
    /// Its code, printed for the sender (`PA-…`).
    pub code: String,
    /// What it is about.
    pub subject: Subject,
    /// The procedure or dossier code, or the person's name, it names.
    pub about: String,
    /// The text.
    pub content: String,
    /// The sender's name.
    pub sender: String,
    /// A phone or e-mail to answer to.
    pub contact: String,
    /// The signed-in citizen who sent it, if any.
    pub citizen: Option<String>,
    /// The sender allows the answer to be published.
    pub publishable: bool,
    /// Classification.
    pub kind: Option<Kind>,
    /// The competent agency, once routed (at first the desk's province-level centre).
    pub agency: Option<String>,
    /// Status.
    pub status: FeedbackStatus,
    /// Received.
    pub received_at: DateTime<Utc>,
    /// Deadlines.
    pub deadlines: Deadlines,
    /// The answer.
    pub answer: Option<String>,
    /// When it was answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// The rating.
    pub rating: Option<Rating>,
    /// The code of an earlier feedback by the same sender about the same thing that this one
    /// repeats (phản ánh lặp lại): the earlier one then does not count as satisfied (5.3),
    /// and this one is not a first receipt.
    #[serde(default)]
    pub repeat_of: Option<String>,
    /// History.
    pub history: Vec<FeedbackEvent>,
}

/// A command on a feedback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedbackCommand {
    /// Classify and route (again, before the answer).
    Route {
        /// Report or proposal.
        kind: Kind,
        /// The competent agency.
        agency: String,
    },
    /// Refuse, with the reason.
    Refuse {
        /// Why.
        reason: String,
    },
    /// Ask the sender for more.
    AskMore {
        /// What.
        what: String,
    },
    /// The sender supplies it; the caller gives the new answer deadline.
    Supply {
        /// The text.
        text: String,
        /// 15 working days from now.
        answer_by: DateTime<Utc>,
    },
    /// Answer.
    Answer {
        /// The answer.
        text: String,
    },
    /// Publish the answer; the caller gives the 2-working-day limit from the answer.
    Publish {
        /// The limit.
        publish_by: DateTime<Utc>,
    },
    /// The sender rates the answer.
    Rate {
        /// The rating.
        rating: Rating,
    },
}

/// Who acts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// An officer.
    Staff {
        /// Account id.
        id: String,
        /// Name.
        name: String,
    },
    /// The sender.
    Sender,
}

/// A command that does not fit, in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FeedbackError(pub String);

fn refuse(why: &str) -> Result<FeedbackEvent, FeedbackError> {
    Err(FeedbackError(why.to_owned()))
}

impl Feedback {
    /// A feedback as received.
    #[expect(
        clippy::too_many_arguments,
        reason = "the form's fields, checked by the caller"
    )]
    pub fn receive(
        id: Uuid,
        code: String,
        subject: Subject,
        about: String,
        content: String,
        sender: String,
        contact: String,
        citizen: Option<String>,
        publishable: bool,
        agency: Option<String>,
        at: DateTime<Utc>,
        deadlines: Deadlines,
    ) -> Self {
        Self {
            id,
            code,
            subject,
            about,
            content,
            sender: sender.clone(),
            contact,
            citizen,
            publishable,
            kind: None,
            agency,
            status: FeedbackStatus::Received,
            received_at: at,
            deadlines,
            answer: None,
            answered_at: None,
            rating: None,
            repeat_of: None,
            history: vec![FeedbackEvent {
                at,
                by: "sender".into(),
                by_name: sender,
                what: Happened::Received,
            }],
        }
    }

    /// Decides a command at `now`: the event it makes, or why not.
    pub fn decide(
        &self,
        cmd: &FeedbackCommand,
        who: &Who,
        now: DateTime<Utc>,
    ) -> Result<FeedbackEvent, FeedbackError> {
        use FeedbackStatus as S;
        let (by, by_name) = match who {
            Who::Staff { id, name } => (id.clone(), name.clone()),
            Who::Sender => ("sender".to_owned(), self.sender.clone()),
        };
        let staff = matches!(who, Who::Staff { .. });
        let asked_before = self
            .history
            .iter()
            .any(|e| matches!(e.what, Happened::AskedMore { .. }));
        let what = match cmd {
            FeedbackCommand::Route { kind, agency } => {
                if !staff {
                    return refuse("Chỉ cán bộ được phân loại, chuyển phản ánh.");
                }
                if !matches!(self.status, S::Received | S::Routed) {
                    return refuse("Phản ánh đã được xử lý, không chuyển được nữa.");
                }
                if agency.trim().is_empty() {
                    return refuse("Chọn cơ quan có thẩm quyền xử lý.");
                }
                Happened::Routed {
                    kind: *kind,
                    agency: agency.trim().to_owned(),
                }
            }
            FeedbackCommand::Refuse { reason } => {
                if !staff {
                    return refuse("Chỉ cán bộ được từ chối tiếp nhận.");
                }
                if !matches!(self.status, S::Received | S::Routed) {
                    return refuse("Chỉ từ chối được phản ánh chưa xử lý.");
                }
                if now > self.deadlines.refuse_by {
                    return refuse(
                        "Đã quá 2 ngày làm việc kể từ khi nhận: không từ chối được nữa, phải xử lý.",
                    );
                }
                if reason.trim().is_empty() {
                    return refuse("Cần nêu lý do từ chối.");
                }
                Happened::Refused {
                    reason: reason.trim().to_owned(),
                }
            }
            FeedbackCommand::AskMore { what } => {
                if !staff {
                    return refuse("Chỉ cán bộ được đề nghị bổ sung thông tin.");
                }
                if !matches!(self.status, S::Received | S::Routed) || asked_before {
                    return refuse("Chỉ đề nghị bổ sung một lần, trước khi trả lời.");
                }
                if now > self.deadlines.ask_by {
                    return refuse("Đã quá 5 ngày làm việc kể từ khi nhận để đề nghị bổ sung.");
                }
                if what.trim().is_empty() {
                    return refuse("Cần nêu thông tin cần bổ sung.");
                }
                Happened::AskedMore {
                    what: what.trim().to_owned(),
                }
            }
            FeedbackCommand::Supply { text, answer_by } => {
                if staff {
                    return refuse("Người gửi phản ánh bổ sung thông tin.");
                }
                if self.status != S::InfoRequested {
                    return refuse("Phản ánh không chờ bổ sung.");
                }
                if text.trim().is_empty() {
                    return refuse("Cần nhập nội dung bổ sung.");
                }
                Happened::Supplied {
                    text: text.trim().to_owned(),
                    answer_by: *answer_by,
                }
            }
            FeedbackCommand::Answer { text } => {
                if !staff {
                    return refuse("Chỉ cán bộ được trả lời.");
                }
                if self.status != S::Routed {
                    return refuse(
                        "Chỉ trả lời được phản ánh đã chuyển cơ quan có thẩm quyền và chưa trả lời.",
                    );
                }
                if text.trim().is_empty() {
                    return refuse("Cần nhập nội dung trả lời.");
                }
                Happened::Answered {
                    text: text.trim().to_owned(),
                    late: now > self.deadlines.answer_by,
                }
            }
            FeedbackCommand::Publish { publish_by } => {
                if !staff {
                    return refuse("Chỉ cán bộ được công khai kết quả.");
                }
                if self.status != S::Answered {
                    return refuse("Chỉ công khai được phản ánh đã trả lời, một lần.");
                }
                if !self.publishable {
                    return refuse("Người gửi không đồng ý công khai.");
                }
                Happened::Published {
                    late: now > *publish_by,
                }
            }
            FeedbackCommand::Rate { rating } => {
                if staff {
                    return refuse("Chỉ người gửi đánh giá kết quả.");
                }
                if !matches!(self.status, S::Answered | S::Published) {
                    return refuse("Chỉ đánh giá được khi đã có trả lời.");
                }
                if self.rating.is_some() {
                    return refuse("Mỗi phản ánh chỉ đánh giá một lần.");
                }
                Happened::Rated { rating: *rating }
            }
        };
        Ok(FeedbackEvent {
            at: now,
            by,
            by_name,
            what,
        })
    }

    /// Applies an event.
    pub fn apply(&mut self, e: FeedbackEvent) {
        match &e.what {
            Happened::Received => {}
            Happened::Routed { kind, agency } => {
                self.kind = Some(*kind);
                self.agency = Some(agency.clone());
                self.status = FeedbackStatus::Routed;
            }
            Happened::Refused { .. } => self.status = FeedbackStatus::Refused,
            Happened::AskedMore { .. } => self.status = FeedbackStatus::InfoRequested,
            Happened::Supplied { answer_by, .. } => {
                self.deadlines.answer_by = *answer_by;
                self.status = if self.agency.is_some() && self.kind.is_some() {
                    FeedbackStatus::Routed
                } else {
                    FeedbackStatus::Received
                };
            }
            Happened::Answered { text, .. } => {
                self.answer = Some(text.clone());
                self.answered_at = Some(e.at);
                self.status = FeedbackStatus::Answered;
            }
            Happened::Published { .. } => self.status = FeedbackStatus::Published,
            Happened::Rated { rating } => self.rating = Some(*rating),
        }
        self.history.push(e);
    }

    /// Answered within its deadline (indicator 5.2); `None` while unanswered and not late.
    pub fn on_time(&self, now: DateTime<Utc>) -> Option<bool> {
        self.history
            .iter()
            .find_map(|e| match e.what {
                Happened::Answered { late, .. } => Some(!late),
                _ => None,
            })
            .or_else(|| {
                (now > self.deadlines.answer_by && self.status != FeedbackStatus::Refused)
                    .then_some(false)
            })
    }
}

/// Indicators 5.2 and 5.3 over the feedback received in a period: (handled on time, closed
/// without "dissatisfied", repeat or delay, first received). Refused feedback is outside
/// both; a repeat is not a first receipt, and the feedback it repeats is not satisfied.
pub fn indicators(list: &[Feedback], now: DateTime<Utc>) -> (usize, usize, usize) {
    let repeated: std::collections::HashSet<&str> =
        list.iter().filter_map(|f| f.repeat_of.as_deref()).collect();
    let counted: Vec<&Feedback> = list
        .iter()
        .filter(|f| f.status != FeedbackStatus::Refused && f.repeat_of.is_none())
        .collect();
    let on_time = counted
        .iter()
        .filter(|f| f.on_time(now) == Some(true))
        .count();
    let satisfied = counted
        .iter()
        .filter(|f| {
            f.on_time(now) == Some(true)
                && f.rating != Some(Rating::Dissatisfied)
                && !repeated.contains(f.code.as_str())
        })
        .count();
    (on_time, satisfied, counted.len())
}

/// Whether `new` repeats `old`: the same sender (the signed-in citizen, else the contact
/// given) about the same thing, after `old` was answered or while it is still open.
pub fn repeats(new: &Feedback, old: &Feedback) -> bool {
    let same_sender = match (&new.citizen, &old.citizen) {
        (Some(a), Some(b)) => a == b,
        _ => norm(&new.contact) == norm(&old.contact),
    };
    same_sender
        && new.subject == old.subject
        && norm(&new.about) == norm(&old.about)
        && old.status != FeedbackStatus::Refused
        && old.id != new.id
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

crate::wire_enum! {
    /// What the agency owes a feedback next.
    pub enum Duty {
        /// Classify and route it, or refuse it (2 working days).
        Classify = "classify",
        /// Answer it (15 working days).
        Answer = "answer",
        /// Publish the answer the sender allowed to be published (2 working days).
        Publish = "publish",
    }
}

impl Duty {
    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Classify => "Phân loại, chuyển xử lý",
            Self::Answer => "Trả lời",
            Self::Publish => "Công khai kết quả",
        }
    }
}

impl Feedback {
    /// What the agency owes next and by when; `None` when it waits for the sender or is
    /// closed. `publish_by` is the publishing limit the caller worked out from the answer.
    pub fn duty(&self, publish_by: Option<DateTime<Utc>>) -> Option<(Duty, DateTime<Utc>)> {
        match self.status {
            FeedbackStatus::Received => Some((Duty::Classify, self.deadlines.refuse_by)),
            FeedbackStatus::Routed => Some((Duty::Answer, self.deadlines.answer_by)),
            FeedbackStatus::Answered if self.publishable => {
                publish_by.map(|at| (Duty::Publish, at))
            }
            _ => None,
        }
    }
}

impl FeedbackStatus {
    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Received => "Đã tiếp nhận",
            Self::Routed => "Đang xử lý",
            Self::InfoRequested => "Chờ bổ sung thông tin",
            Self::Refused => "Từ chối tiếp nhận",
            Self::Answered => "Đã trả lời",
            Self::Published => "Đã trả lời, công khai",
        }
    }
}

impl Rating {
    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Satisfied => "Hài lòng",
            Self::Acceptable => "Chấp nhận được",
            Self::Dissatisfied => "Không hài lòng",
        }
    }
}

#[cfg(test)]
mod tests;
