//! The administrator's view of the outbox: what was delivered, what is waiting, and the dead
//! letters — messages that kept failing or could never succeed — with their last error and a
//! button to put each back in line once the cause is fixed.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use motcua_core::dossier::DossierId;
use uuid::Uuid;

use super::{Page, PageError, Ui, render, when, when_opt};
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/admin/hang-doi", get(show))
        .route("/admin/hang-doi/{id}/gui-lai", post(replay))
        .route("/admin/doi-soat", get(reconcile))
}

/// The topics the dispatchers deliver, and what they are for.
const TOPICS: [(&str, &str); 4] = [
    (
        motcua_store::NOTIFY_TOPIC,
        "Thông báo cho người nộp hồ sơ (SMS, thư điện tử, Zalo)",
    ),
    (
        motcua_store::CHANGED_TOPIC,
        "Đồng bộ hồ sơ và tiến độ lên Cổng Dịch vụ công quốc gia",
    ),
    (
        motcua_store::TAX_TOPIC,
        "Chuyển thông tin xác định nghĩa vụ tài chính cho cơ quan thuế",
    ),
    (
        motcua_store::STORE_TOPIC,
        "Lưu kết quả và giấy tờ vào kho dữ liệu cá nhân trên Cổng DVCQG",
    ),
];

struct TopicRow {
    label: String,
    delivered: i64,
    pending: i64,
    dead: i64,
}

struct DeadRow {
    id: String,
    topic: String,
    code: String,
    what: String,
    attempts: i64,
    error: String,
    created: String,
    dead: String,
}

#[derive(Template)]
#[template(path = "admin_outbox.html")]
struct OutboxPage {
    ui: Ui,
    topics: Vec<TopicRow>,
    dead: Vec<DeadRow>,
}

async fn show(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    page.admin()?;
    let mut topics = Vec::new();
    for (topic, label) in TOPICS {
        let c = state.db.outbox_counts(topic).await?;
        topics.push(TopicRow {
            label: label.to_owned(),
            delivered: c.delivered,
            pending: c.pending,
            dead: c.dead,
        });
    }
    let mut dead = Vec::new();
    for d in state.db.dead_letters(200).await? {
        let code = match d.dossier_id {
            Some(id) => state
                .db
                .dossier(DossierId(id))
                .await?
                .map(|x| x.code.to_string())
                .unwrap_or_default(),
            None => String::new(),
        };
        dead.push(DeadRow {
            id: d.id.to_string(),
            topic: d.topic,
            code,
            what: d
                .payload
                .0
                .get("kind")
                .and_then(|k| k.as_str())
                .and_then(motcua_core::notify::NoticeKind::parse)
                .map_or_else(String::new, |k| k.label_vi().to_owned()),
            attempts: d.attempts,
            error: d.last_error.unwrap_or_default(),
            created: when(d.created_at),
            dead: when_opt(d.dead_at),
        });
    }
    Ok(render(&OutboxPage {
        ui: page.ui.clone(),
        topics,
        dead,
    }))
}

async fn replay(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    page.check_csrf(v.get("csrf").map_or("", String::as_str))?;
    page.admin()?;
    if !state.db.replay_dead_letter(id, state.clock.now()).await? {
        return Err(ApiError::NotFound.into());
    }
    tracing::info!(%id, "dead letter replayed");
    Ok(Redirect::to("/admin/hang-doi").into_response())
}

#[derive(Template)]
#[template(path = "admin_reconcile.html")]
struct ReconcilePage {
    ui: Ui,
    at: String,
    differences: Vec<String>,
}

/// Compares every synced dossier with the national portal's copy, now.
async fn reconcile(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    page.admin()?;
    let systems = state.systems()?;
    let differences = motcua_integrations::sync::reconcile(&state.db, systems)
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))?
        .iter()
        .map(motcua_core::dvcqg::Difference::describe)
        .collect();
    Ok(render(&ReconcilePage {
        ui: page.ui.clone(),
        at: when(state.clock.now()),
        differences,
    }))
}
