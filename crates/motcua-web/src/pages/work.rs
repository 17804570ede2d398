//! "My work": the dossiers waiting for the signed-in officer, earliest due first, with the
//! working time left; overdue and near-due ones stand out.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use motcua_core::calendar::WorkDuration;
use motcua_core::calendar::deadline::working_time_between;
use motcua_core::catalog::Role;
use motcua_core::ids::AgencyCode;
use motcua_store::{DossierFilter, DossierSummary};

use super::home::visible;
use super::{Page, PageError, Ui, render, when_opt};
use crate::AppState;
use crate::service::calendar_for;

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

async fn work(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    let p = page.user()?;
    let base = visible(p);
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
        Role::Specialist | Role::Leader => state
            .db
            .list_dossiers(&DossierFilter {
                waiting_role: Some(p.role.as_str().into()),
                open_only: true,
                ..base.clone()
            })
            .await?
            .into_iter()
            .filter(|r| r.current_assignee.as_deref().is_none_or(|a| a == p.id))
            .collect(),
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
                let cal = calendars
                    .entry(r.resolving_agency.clone())
                    .or_insert_with(|| {
                        AgencyCode::parse(&r.resolving_agency)
                            .ok()
                            .map(|a| calendar_for(&state, &a))
                    });
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
    }))
}
