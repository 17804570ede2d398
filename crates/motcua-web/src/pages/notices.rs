//! The administrator's page for the notification texts: each notice the applicant gets, its
//! placeholders, the text in force (shipped or rewritten), a form to rewrite it — checked
//! before it is stored, so a typo never reaches a citizen — and a way back to the shipped one.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use motcua_core::notify::{NoticeKind, render as fill};

use super::{Page, PageError, Ui, render, when};
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/admin/thong-bao", get(list))
        .route("/admin/thong-bao/{kind}", post(save))
        .route("/admin/thong-bao/{kind}/mac-dinh", post(reset))
}

struct Row {
    kind: String,
    label: String,
    placeholders: String,
    subject: String,
    body: String,
    changed: String,
    error: String,
}

#[derive(Template)]
#[template(path = "admin_notices.html")]
struct Notices {
    ui: Ui,
    rows: Vec<Row>,
}

async fn rows(
    state: &AppState,
    failed: Option<(&str, &str, &str, String)>,
) -> Result<Vec<Row>, ApiError> {
    let stored = state.db.notification_templates().await?;
    Ok(NoticeKind::ALL
        .into_iter()
        .map(|k| {
            let mine = stored.iter().find(|t| t.kind == k.as_str());
            let (subject, body) = match (&failed, mine) {
                (Some((kind, s, b, _)), _) if *kind == k.as_str() => {
                    ((*s).to_owned(), (*b).to_owned())
                }
                (_, Some(t)) => (t.subject.clone(), t.body.clone()),
                _ => (k.default_text().0.to_owned(), k.default_text().1.to_owned()),
            };
            Row {
                kind: k.as_str().to_owned(),
                label: k.label_vi().to_owned(),
                placeholders: k
                    .placeholders()
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                subject,
                body,
                changed: mine
                    .map(|t| format!("{} — {}", when(t.updated_at), t.updated_by))
                    .unwrap_or_default(),
                error: match &failed {
                    Some((kind, _, _, e)) if *kind == k.as_str() => e.clone(),
                    _ => String::new(),
                },
            }
        })
        .collect())
}

async fn list(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    page.admin()?;
    Ok(render(&Notices {
        ui: page.ui.clone(),
        rows: rows(&state, None).await?,
    }))
}

async fn save(
    State(state): State<AppState>,
    page: Page,
    Path(kind): Path<String>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let p = page.check_csrf(v.get("csrf").map_or("", String::as_str))?;
    page.admin()?;
    let k = NoticeKind::parse(&kind).ok_or(ApiError::NotFound)?;
    let subject = v
        .get("subject")
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    let body = v
        .get("body")
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    let sample = k
        .placeholders()
        .iter()
        .map(|p| ((*p).to_owned(), String::new()))
        .collect();
    if let Err(e) = fill(k, &subject, &sample).and_then(|_| fill(k, &body, &sample)) {
        let page_data = Notices {
            ui: page.ui.clone(),
            rows: rows(&state, Some((k.as_str(), &subject, &body, e.to_string()))).await?,
        };
        return Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            render(&page_data),
        )
            .into_response());
    }
    state
        .app
        .save_notice_text(&crate::service::actor(p), k.as_str(), &subject, &body)
        .await?;
    Ok(Redirect::to(&format!("/admin/thong-bao#{kind}")).into_response())
}

async fn reset(
    State(state): State<AppState>,
    page: Page,
    Path(kind): Path<String>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let p = page.check_csrf(v.get("csrf").map_or("", String::as_str))?;
    page.admin()?;
    let k = NoticeKind::parse(&kind).ok_or(ApiError::NotFound)?;
    state
        .app
        .reset_notice_text(&crate::service::actor(p), k.as_str())
        .await?;
    Ok(Redirect::to(&format!("/admin/thong-bao#{kind}")).into_response())
}
