//! Feedback as use cases: received from anyone (signed in or not) with its deadlines on the
//! working calendar, each command decided by the core and saved over the version read, the
//! deadlines of a supplement and of publishing worked out here. Pages decide who sees what.

use chrono::{DateTime, TimeDelta, Utc};
use motcua_core::calendar::WorkDuration;
use motcua_core::calendar::deadline::{advance, local};
use motcua_core::feedback::{
    self, Duty, Feedback, FeedbackCommand, FeedbackError, FeedbackStatus, Subject, Who,
};
use motcua_core::ids::AgencyCode;
use motcua_core::limits;
use motcua_store::StoreError;
use uuid::Uuid;

use crate::{App, AppError};

/// What someone sends.
#[derive(Debug, Clone)]
pub struct NewFeedback {
    /// What about.
    pub subject: Subject,
    /// The procedure or dossier code, or the person's name.
    pub about: String,
    /// The text.
    pub content: String,
    /// Name.
    pub sender: String,
    /// A phone or e-mail to answer to.
    pub contact: String,
    /// The signed-in citizen, if any.
    pub citizen: Option<String>,
    /// The answer may be published.
    pub publishable: bool,
}

/// The longest feedback text.
pub const CONTENT_LIMIT: usize = 4000;

fn invalid(e: FeedbackError) -> AppError {
    AppError::Invalid(e.0)
}

impl App {
    /// The calendar a feedback's deadlines count on: its agency's, else the civil service's
    /// (a code that names no agency gets the default hours).
    async fn feedback_calendar(
        &self,
        agency: Option<&str>,
    ) -> Result<std::sync::Arc<motcua_core::calendar::WorkCalendar>, AppError> {
        let code = agency
            .and_then(|a| AgencyCode::parse(a).ok())
            .or_else(|| AgencyCode::parse("000").ok())
            .ok_or_else(|| AppError::Invalid("mã cơ quan không hợp lệ".into()))?;
        Ok(self.calendar(&code).await)
    }

    /// Receives a feedback; one about a dossier of the province goes to its resolving agency.
    pub async fn receive_feedback(&self, new: NewFeedback) -> Result<Feedback, AppError> {
        let field = |name: &str, value: &str, limit: usize| {
            let v = value.trim();
            if v.is_empty() {
                Err(AppError::Invalid(format!("Cần nhập {name}.")))
            } else if v.chars().count() > limit || limits::has_forbidden(v) {
                Err(AppError::Invalid(format!("{name} tối đa {limit} ký tự.")))
            } else {
                Ok(v.to_owned())
            }
        };
        let content = field("nội dung phản ánh", &new.content, CONTENT_LIMIT)?;
        let sender = field("họ và tên", &new.sender, 100)?;
        let contact = field("số điện thoại hoặc thư điện tử", &new.contact, 100)?;
        let about = match new.subject {
            Subject::Other => new.about.trim().chars().take(200).collect(),
            _ => field("đối tượng phản ánh", &new.about, 200)?,
        };
        let agency = match new.subject {
            Subject::Dossier => self
                .db()
                .dossier_by_code(&about.to_uppercase())
                .await?
                .map(|d| d.resolving_agency.to_string()),
            _ => None,
        };
        let now = self.now();
        let cal = self.feedback_calendar(agency.as_deref()).await?;
        let deadlines =
            feedback::deadlines(&cal, now).map_err(|e| AppError::Invalid(e.to_string()))?;
        let mut f = Feedback::receive(
            Uuid::now_v7(),
            String::new(),
            new.subject,
            about,
            content,
            sender,
            contact,
            new.citizen,
            new.publishable,
            agency,
            now,
            deadlines,
        );
        // A repeat of the sender's earlier feedback within a year (indicator 5.3).
        f.repeat_of = self
            .db()
            .feedback_between(
                now - TimeDelta::days(365),
                now + TimeDelta::seconds(1),
                5000,
            )
            .await?
            .into_iter()
            .filter(|old| feedback::repeats(&f, old))
            .max_by_key(|old| old.received_at)
            .map(|old| old.code);
        let prefix = format!("PA-{}-", local(now).format("%y%m%d"));
        Ok(self.db().insert_feedback(f, &prefix).await?)
    }

    /// Runs a command on a feedback. For the sender's supplement and for publishing, the
    /// deadlines are worked out here from now and the answer's instant.
    pub async fn feedback_command(
        &self,
        who: &Who,
        id: &str,
        mut cmd: FeedbackCommand,
    ) -> Result<Feedback, AppError> {
        let mut f = self
            .db()
            .feedback(id)
            .await?
            .ok_or_else(|| AppError::NotFound("không có phản ánh này".into()))?;
        let now = self.now();
        let cal = self.feedback_calendar(f.agency.as_deref()).await?;
        match &mut cmd {
            FeedbackCommand::Supply { answer_by, .. } => {
                *answer_by = feedback::deadlines(&cal, now)
                    .map_err(|e| AppError::Invalid(e.to_string()))?
                    .answer_by;
            }
            FeedbackCommand::Publish { publish_by } => {
                let answered = f.answered_at.unwrap_or(now);
                *publish_by = feedback::publish_by(&cal, answered)
                    .map_err(|e| AppError::Invalid(e.to_string()))?;
            }
            FeedbackCommand::Route { agency, .. } => {
                let province = self.province().await?.map(|p| p.code).unwrap_or_default();
                match self.db().agency(agency.trim()).await? {
                    Some(a) if a.province_code == province && a.active => {}
                    _ => return Err(AppError::Invalid("Không có cơ quan này trong tỉnh.".into())),
                }
            }
            _ => {}
        }
        let text_limit = match &cmd {
            FeedbackCommand::Refuse { reason: t }
            | FeedbackCommand::AskMore { what: t }
            | FeedbackCommand::Supply { text: t, .. }
            | FeedbackCommand::Answer { text: t } => Some(t),
            _ => None,
        };
        if let Some(t) = text_limit
            && (t.chars().count() > CONTENT_LIMIT || limits::has_forbidden(t))
        {
            return Err(AppError::Invalid(format!(
                "Nội dung tối đa {CONTENT_LIMIT} ký tự."
            )));
        }
        let read = f.history.len();
        let e = f.decide(&cmd, who, now).map_err(invalid)?;
        f.apply(e);
        self.db()
            .save_feedback(&f, read)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(why) => AppError::Invalid(why),
                other => other.into(),
            })?;
        Ok(f)
    }

    /// Feedback received in the last `days` days, newest first.
    pub async fn recent_feedback(&self, days: i64) -> Result<Vec<Feedback>, AppError> {
        let now = self.now();
        Ok(self
            .db()
            .feedback_between(
                now - TimeDelta::days(days),
                now + TimeDelta::seconds(1),
                1000,
            )
            .await?)
    }

    /// The published answers.
    pub async fn published_feedback(&self) -> Result<Vec<Feedback>, AppError> {
        Ok(self.db().published_feedback(100).await?)
    }

    /// The current instant (for pages that show what is due).
    pub fn feedback_now(&self) -> DateTime<Utc> {
        self.now()
    }
}

/// How near a feedback's next duty is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    /// Past its deadline.
    Overdue,
    /// Due within one working day.
    DueSoon,
    /// Due later.
    Later,
}

/// What the agency owes a feedback next, by when, and how near that is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// The duty.
    pub duty: Duty,
    /// Its deadline.
    pub by: DateTime<Utc>,
    /// How near.
    pub urgency: Urgency,
}

impl App {
    /// The reminder of a feedback: its next duty on its agency's calendar, `None` when
    /// nothing is owed (waiting for the sender, refused, published, answered unpublishable).
    pub async fn feedback_due(&self, f: &Feedback) -> Result<Option<Due>, AppError> {
        let cal = self.feedback_calendar(f.agency.as_deref()).await?;
        let publish_by = match f.answered_at {
            Some(at) if f.publishable => feedback::publish_by(&cal, at).ok(),
            _ => None,
        };
        let Some((duty, by)) = f.duty(publish_by) else {
            return Ok(None);
        };
        let now = self.now();
        let urgency = if now > by {
            Urgency::Overdue
        } else if advance(&cal, now, WorkDuration::hours(8)).is_ok_and(|soon| soon >= by) {
            Urgency::DueSoon
        } else {
            Urgency::Later
        };
        Ok(Some(Due { duty, by, urgency }))
    }
}

/// Whether a status still needs the agency to act.
pub fn open(status: FeedbackStatus) -> bool {
    matches!(
        status,
        FeedbackStatus::Received | FeedbackStatus::Routed | FeedbackStatus::InfoRequested
    )
}
