//! "My work": the dossiers waiting for the signed-in officer, earliest due first, with the
//! working time left; overdue and near-due ones stand out.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use motcua_core::calendar::WorkDuration;
use motcua_core::calendar::deadline::working_time_between;
use motcua_core::catalog::Role;
use motcua_core::ids::AgencyCode;
use motcua_store::{DossierFilter, DossierSummary, DueCursor};
use serde::Deserialize;

use super::home::visible;
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
fn next_link(r: &DossierSummary) -> String {
    match r.due_at {
        Some(due) => format!(
            "/work?due={}&id={}",
            due.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            r.id
        ),
        None => format!("/work?id={}", r.id),
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

async fn work(
    State(state): State<AppState>,
    page: Page,
    Query(after): Query<After>,
) -> Result<Response, PageError> {
    let p = page.user()?;
    // One row past the page tells whether there is a next one.
    let base = DossierFilter {
        limit: (PAGE + 1) as u64,
        due_after: after.cursor(),
        ..visible(p)
    };
    let mut rows: Vec<DossierSummary> = match p.role {
        Role::DeskOfficer => {
            let mut r = state
                .db
                .list_dossiers(&DossierFilter {
                    status: Some("submitted".into()),
                    ..base.clone()
                })
                .await?;
            r.extend(
                state
                    .db
                    .list_dossiers(&DossierFilter {
                        waiting_role: Some("desk_officer".into()),
                        open_only: true,
                        ..base.clone()
                    })
                    .await?,
            );
            r.extend(
                state
                    .db
                    .list_dossiers(&DossierFilter {
                        status: Some("result_ready".into()),
                        ..base.clone()
                    })
                    .await?,
            );
            r
        }
        Role::Specialist | Role::Leader => {
            state
                .db
                .list_dossiers(&DossierFilter {
                    waiting_role: Some(p.role.as_str().into()),
                    open_only: true,
                    free_or_assigned_to: Some(p.id.clone()),
                    ..base.clone()
                })
                .await?
        }
        Role::Supervisor | Role::Administrator => {
            state
                .db
                .list_dossiers(&DossierFilter {
                    overdue_at: Some(state.clock.now()),
                    ..base.clone()
                })
                .await?
        }
    };
    rows.sort_by_key(|r| (r.due_at.is_none(), r.due_at, r.id));
    rows.dedup_by_key(|r| r.id);
    let next = (rows.len() > PAGE)
        .then(|| rows.get(PAGE - 1).map(next_link))
        .flatten();
    rows.truncate(PAGE);
    let now = state.clock.now();
    let mut calendars = HashMap::new();
    let ui = &page.ui;
    let mut out = Vec::new();
    for r in rows {
        // A stopped clock (supplement, tax office, payment) is not running late: its due
        // instant moves when the clock restarts.
        let paused = r.clock_stopped;
        let (left, class) = match r.due_at {
            None => (ui.t("chờ tiếp nhận", "awaiting acceptance").to_owned(), ""),
            Some(_) if paused => (
                ui.t("tạm dừng tính thời gian", "clock stopped").to_owned(),
                "",
            ),
            Some(due) => {
                if !calendars.contains_key(&r.resolving_agency) {
                    let cal = match AgencyCode::parse(&r.resolving_agency) {
                        Ok(a) => Some(state.app.calendar(&a).await),
                        Err(_) => None,
                    };
                    calendars.insert(r.resolving_agency.clone(), cal);
                }
                let cal = calendars.get(&r.resolving_agency).cloned().flatten();
                match cal
                    .as_ref()
                    .and_then(|c| working_time_between(c, now, due).ok())
                {
                    Some(w) if w < WorkDuration::ZERO => (
                        format!(
                            "{} {}",
                            ui.t("quá hạn", "overdue by"),
                            span(WorkDuration::ZERO.minus(w), ui)
                        ),
                        "late",
                    ),
                    Some(w) if w < NEAR => {
                        (format!("{} {}", ui.t("còn", "left:"), span(w, ui)), "soon")
                    }
                    Some(w) => (format!("{} {}", ui.t("còn", "left:"), span(w, ui)), ""),
                    None => (String::new(), ""),
                }
            }
        };
        let status = motcua_core::dossier::Status::parse(&r.status)
            .map_or(r.status.clone(), |s| s.label_vi().to_owned());
        out.push(Row {
            id: r.id.to_string(),
            code: r.code,
            applicant: r.applicant_name,
            step: r.step_name.unwrap_or_default(),
            status,
            due: when_opt(r.due_at),
            left,
            class,
        });
    }
    Ok(render(&Work {
        ui: page.ui,
        rows: out,
        next,
        paged: after.id.is_some(),
    }))
}
