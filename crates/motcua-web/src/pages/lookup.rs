//! Public lookup by dossier code and the receipt's check (or the receipt's QR code, which
//! carries both): status, due date and progress, the applicant's name masked. No sign-in.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::{Page, PageError, Ui, render, when, when_opt};
use crate::AppState;
use crate::api::public_lookup;
use crate::auth::SourceAddr;

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/tra-cuu", get(lookup))
}

struct Progress {
    name: String,
    started: String,
    finished: String,
}

struct Found {
    code: String,
    /// The other system's code, for a dossier imported from it (empty otherwise).
    old_code: String,
    /// Handled on the ministry's central system (read-only here): where its code is from.
    handled_on: String,
    procedure: String,
    applicant: String,
    status: String,
    received: String,
    due: String,
    returned: String,
    steps: Vec<Progress>,
}

#[derive(Template)]
#[template(path = "lookup.html")]
struct Lookup {
    ui: Ui,
    code: String,
    check: String,
    found: Option<Found>,
    not_found: bool,
}

#[derive(Deserialize)]
struct Q {
    code: Option<String>,
    check: Option<String>,
}

async fn lookup(
    State(state): State<AppState>,
    page: Page,
    SourceAddr(source): SourceAddr,
    Query(q): Query<Q>,
) -> Result<Response, PageError> {
    let code = q.code.unwrap_or_default().trim().to_owned();
    let check = q.check.unwrap_or_default().trim().to_owned();
    let mut found = None;
    if !code.is_empty()
        && let Some((id, _)) = public_lookup(&state, &source, &code, &check).await?
        && let Some(d) = state.db.dossier(id).await?
    {
        let procedure = state
            .db
            .procedure_version(d.procedure.as_str(), i64::from(d.procedure_version))
            .await?
            .map_or_else(|| d.procedure.to_string(), |p| p.name);
        found = Some(Found {
            code: d.code.to_string(),
            old_code: d
                .imported
                .as_ref()
                .and(d.external_code.clone())
                .unwrap_or_default(),
            handled_on: d
                .imported
                .as_ref()
                .filter(|o| o.read_only)
                .map(|o| o.source.clone())
                .unwrap_or_default(),
            procedure,
            applicant: crate::mask_name(d.applicant.name()),
            status: d.status.label_vi().to_owned(),
            received: when_opt(d.received_at.or(Some(d.submitted_at))),
            due: when_opt(d.appointment.as_ref().map(|a| a.current_due)),
            returned: when_opt(d.returned_at),
            steps: d
                .steps
                .iter()
                .map(|s| Progress {
                    name: s.name.clone(),
                    started: when(s.started_at),
                    finished: when_opt(s.finished_at),
                })
                .collect(),
        });
    }
    let not_found = !code.is_empty() && found.is_none();
    Ok(render(&Lookup {
        ui: page.ui,
        code,
        check,
        found,
        not_found,
    }))
}
