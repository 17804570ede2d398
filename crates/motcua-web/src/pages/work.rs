//! "My work": the queue asked for (`?queue=`, see `queues`), earliest due first, with the
//! working time left; overdue and near-due ones stand out. Online filings count down to their
//! 8-working-hour acceptance limit instead, the most urgent first.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use motcua_core::calendar::WorkDuration;
use motcua_core::calendar::deadline::working_time_between;
use motcua_core::ids::AgencyCode;
use motcua_store::{DossierFilter, DossierSummary, DueCursor};
use serde::Deserialize;

use super::home::visible;
use super::queues::Queue;
use super::{Page, PageError, Ui, render, when_opt};
use crate::AppState;

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/work", get(work))
}

/// A row of the work queue.
pub struct Row {
    id: String,
    code: String,
    applicant: String,
    step: String,
    status: String,
    due: String,
    left: String,
    class: &'static str,
}

#[derive(Template)]
#[template(path = "work.html")]
struct Work {
    ui: Ui,
    /// The queue's title.
    title: &'static str,
    /// The queue's URL name.
    current: &'static str,
    /// The role's queues: name, title, whether it is this one.
    queues: Vec<(&'static str, &'static str, bool)>,
    rows: Vec<Row>,
    /// The link to the next page, when there is one.
    next: Option<String>,
    /// Not the first page.
    paged: bool,
}

/// Rows on a page: what an officer scans at a glance; the rest is one link away.
const PAGE: usize = 50;

/// Where the previous page ended (`?due=…&id=…`; no `due`: in the undated tail).
#[derive(Debug, Deserialize, Default)]
struct After {
    queue: Option<String>,
    due: Option<chrono::DateTime<chrono::Utc>>,
    id: Option<uuid::Uuid>,
}

impl After {
    fn cursor(&self) -> Option<DueCursor> {
        self.id.map(|id| DueCursor {
            due_at: self.due,
            id,
        })
    }
}

/// The link that continues after `r`.
fn next_link(queue: Queue, r: &DossierSummary) -> String {
    match r.due_at {
        Some(due) => format!(
            "/work?queue={}&due={}&id={}",
            queue.name(),
            due.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            r.id
        ),
        None => format!("/work?queue={}&id={}", queue.name(), r.id),
    }
}

/// A queue's rows after a cursor, earliest due first; at most `limit`.
pub(super) async fn queue_rows(
    state: &AppState,
    p: &crate::auth::Principal,
    queue: Queue,
    after: Option<DueCursor>,
    limit: usize,
) -> Result<Vec<DossierSummary>, PageError> {
    let now = state.clock.now();
    let base = DossierFilter {
        limit: limit as u64,
        due_after: after,
        ..visible(p)
    };
    let mut rows = Vec::new();
    for f in queue.filters(p, &base, now) {
        rows.extend(state.db.list_dossiers(&f).await?);
    }
    rows.sort_by_key(|r| (r.due_at.is_none(), r.due_at, r.id));
    rows.dedup_by_key(|r| r.id);
    if queue == Queue::DueSoon {
        // Less than a working day left on the resolving agency's own calendar.
        let mut calendars = Calendars::default();
        let mut kept = Vec::new();
        for r in rows {
            let left = match r.due_at {
                Some(due) if !r.clock_stopped => {
                    calendars.left(state, &r.resolving_agency, now, due).await
                }
                _ => None,
            };
            if left.is_some_and(|w| w >= WorkDuration::ZERO && w < NEAR) {
                kept.push(r);
            }
        }
        rows = kept;
    }
    rows.truncate(limit);
    Ok(rows)
}

/// Each agency's working calendar, read once per page.
#[derive(Default)]
struct Calendars(HashMap<String, Option<std::sync::Arc<motcua_core::calendar::WorkCalendar>>>);

impl Calendars {
    /// Working time from `now` to `due` on the agency's calendar.
    async fn left(
        &mut self,
        state: &AppState,
        agency: &str,
        now: chrono::DateTime<chrono::Utc>,
        due: chrono::DateTime<chrono::Utc>,
    ) -> Option<WorkDuration> {
        if !self.0.contains_key(agency) {
            let cal = match AgencyCode::parse(agency) {
                Ok(a) => Some(state.app.calendar(&a).await),
                Err(_) => None,
            };
            self.0.insert(agency.to_owned(), cal);
        }
        let cal = self.0.get(agency).cloned().flatten()?;
        working_time_between(&cal, now, due).ok()
    }
}

/// Working time for people: days of 8 working hours, then hours and minutes.
fn span(w: WorkDuration, ui: &Ui) -> String {
    let minutes = w.as_seconds() / 60;
    let (days, hours, mins) = (minutes / 480, minutes % 480 / 60, minutes % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} {}", ui.t("ngày làm việc", "working days")));
    }
    if hours > 0 {
        parts.push(format!("{hours} {}", ui.t("giờ", "h")));
    }
    if mins > 0 && days == 0 {
        parts.push(format!("{mins} {}", ui.t("phút", "min")));
    }
    if parts.is_empty() {
        parts.push(format!("0 {}", ui.t("phút", "min")));
    }
    parts.join(" ")
}

/// Near-due: less than one working day left.
const NEAR: WorkDuration = WorkDuration::hours(8);
/// An online filing not accepted with less than this left of its 8 working hours stands out.
const ALERT: WorkDuration = WorkDuration::hours(2);

async fn work(
    State(state): State<AppState>,
    page: Page,
    Query(after): Query<After>,
) -> Result<Response, PageError> {
    let p = page.user()?;
    let queue = Queue::parse(after.queue.as_deref());
    // One row past the page tells whether there is a next one.
    let mut rows = queue_rows(&state, p, queue, after.cursor(), PAGE + 1).await?;
    let next = (rows.len() > PAGE)
        .then(|| rows.get(PAGE - 1).map(|r| next_link(queue, r)))
        .flatten();
    rows.truncate(PAGE);
    let now = state.clock.now();
    let mut calendars = Calendars::default();
    let ui = &page.ui;
    let mut out = Vec::new();
    for r in rows {
        // A stopped clock (supplement, tax office, payment) is not running late: its due
        // instant moves when the clock restarts.
        let (due_at, left) = match r.due_at {
            // Filed online, not yet accepted: the 8 working hours of the receiving desk.
            None if r.status == "submitted" => {
                let by = state
                    .db
                    .dossier(motcua_core::dossier::DossierId(r.id))
                    .await?
                    .and_then(|d| d.acknowledge_by);
                let left = match by {
                    Some(by) => calendars.left(&state, &r.receiving_agency, now, by).await,
                    None => None,
                };
                (by, left)
            }
            None => (None, None),
            Some(due) if r.clock_stopped => (Some(due), None),
            Some(due) => (
                Some(due),
                calendars.left(&state, &r.resolving_agency, now, due).await,
            ),
        };
        let near = if r.due_at.is_none() { ALERT } else { NEAR };
        let (left, class) = match left {
            _ if r.clock_stopped => (
                ui.t("tạm dừng tính thời gian", "clock stopped").to_owned(),
                "",
            ),
            Some(w) if w < WorkDuration::ZERO => (
                format!(
                    "{} {}",
                    ui.t("quá hạn", "overdue by"),
                    span(WorkDuration::ZERO.minus(w), ui)
                ),
                "late",
            ),
            Some(w) if w < near => (format!("{} {}", ui.t("còn", "left:"), span(w, ui)), "soon"),
            Some(w) => (format!("{} {}", ui.t("còn", "left:"), span(w, ui)), ""),
            None if r.due_at.is_none() => {
                (ui.t("chờ tiếp nhận", "awaiting acceptance").to_owned(), "")
            }
            None => (String::new(), ""),
        };
        let status = motcua_core::dossier::Status::parse(&r.status)
            .map_or(r.status.clone(), |s| s.label_vi().to_owned());
        out.push(Row {
            id: r.id.to_string(),
            code: r.code,
            applicant: r.applicant_name,
            step: r.step_name.unwrap_or_default(),
            status,
            due: when_opt(due_at),
            left,
            class,
        });
    }
    let queues = Queue::for_role(p.role)
        .into_iter()
        .map(|q| (q.name(), q.label(&page.ui), q == queue))
        .collect();
    Ok(render(&Work {
        title: queue.label(&page.ui),
        current: queue.name(),
        queues,
        ui: page.ui,
        rows: out,
        next,
        paged: after.id.is_some(),
    }))
}
