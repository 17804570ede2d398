//! `/bao-cao/ho-so`: the dossiers behind one number of the dashboard — a column of the periodic
//! report for a row (or the total), or the dossiers that cost points on an indicator, each with
//! why (late by how much, not digitised, paid at the counter…). Visibility is the report's: a
//! leader sees the dossiers of the agencies they lead.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use motcua_core::kpi::Measure;

use super::report::{ReportParams, link, select};
use super::{Page, PageError, Ui, render, when, when_opt};
use crate::AppState;

/// At most this many dossiers a list shows (the number says how many there are).
const LIMIT: usize = 500;

struct Item {
    id: String,
    code: String,
    procedure: String,
    applicant: String,
    received: String,
    due: String,
    ended: String,
    status: String,
    note: String,
}

#[derive(Template)]
#[template(path = "report_dossiers.html")]
struct List {
    ui: Ui,
    title: String,
    period: String,
    row: String,
    back: String,
    items: Vec<Item>,
    more: bool,
    error: Option<String>,
}

pub(super) async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ReportParams>,
) -> Result<Response, PageError> {
    let sel = select(&state, &page, &q).await?;
    let mut view = List {
        ui: page.ui.clone(),
        title: String::new(),
        period: String::new(),
        row: q.key.clone().unwrap_or_default(),
        back: format!("/bao-cao?{}", link(&sel, None, None)),
        items: vec![],
        more: false,
        error: None,
    };
    let measure = q.m.as_deref().and_then(Measure::parse);
    let (query, measure) = match (&sel.query, measure) {
        (Ok(query), Some(m)) => (query.clone(), m),
        (Err(e), _) => {
            view.error = Some(e.clone());
            return Ok(render(&view));
        }
        (Ok(_), None) => {
            view.error = Some("Không rõ số liệu cần xem (tham số m).".into());
            return Ok(render(&view));
        }
    };
    view.title = measure.title();
    view.period = format!(
        "Từ ngày {} đến ngày {}",
        query.period.from.format("%d/%m/%Y"),
        query.period.to.format("%d/%m/%Y")
    );
    let key = q.key.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let (found, more) = match state
        .app
        .dossiers_behind(&sel.province.code, &query, key, measure, LIMIT)
        .await
    {
        Ok(x) => x,
        Err(motcua_app::AppError::NotFound(m)) => {
            view.error = Some(format!("{m}."));
            return Ok(render(&view));
        }
        Err(e) => return Err(e.into()),
    };
    view.more = more;
    view.items = found
        .into_iter()
        .map(|b| {
            let d = b.dossier;
            Item {
                id: d.id.0.to_string(),
                code: d.code.to_string(),
                procedure: d.procedure.to_string(),
                applicant: d.applicant.name().to_owned(),
                received: when_opt(d.received_at),
                due: when_opt(d.appointment.as_ref().map(|a| a.statutory_due)),
                ended: d
                    .finished_at
                    .or(d.returned_at)
                    .map(when)
                    .unwrap_or_default(),
                status: d.status.label_vi().to_owned(),
                note: b.note,
            }
        })
        .collect();
    Ok(render(&view))
}
