//! The home page: a public welcome, or the signed-in user's overview for their role.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use motcua_store::{DossierFilter, ListOrder};

use super::queues::Queue;
use super::{Page, PageError, Ui, render};
use crate::AppState;
use crate::auth::Principal;

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/", get(home))
}

struct Tile {
    label: String,
    count: usize,
    href: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    ui: Ui,
    tiles: Vec<Tile>,
}

/// The filter of everything a user may see.
pub fn visible(p: &Principal) -> DossierFilter {
    DossierFilter {
        province: Some(p.province.clone()),
        visible_units: (!p.sees_whole_province()).then(|| p.units.clone()),
        limit: 500,
        order: ListOrder::DueFirst,
        ..DossierFilter::default()
    }
}

async fn home(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    let Some(p) = page.principal.as_ref() else {
        return Ok(render(&Home {
            ui: page.ui,
            tiles: Vec::new(),
        }));
    };
    let ui = &page.ui;
    let mut tiles = Vec::new();
    // Each card opens its own queue; the count is that queue's (up to 500).
    for queue in Queue::for_role(p.role) {
        let count = super::work::queue_rows(&state, p, queue, None, 500)
            .await?
            .len();
        tiles.push(Tile {
            label: queue.label(ui).into(),
            count,
            href: format!("/work?queue={}", queue.name()),
        });
    }
    tiles.push(Tile {
        label: ui.t("Chờ bổ sung", "Awaiting supplement").into(),
        count: state
            .db
            .list_dossiers(&DossierFilter {
                status: Some("supplement_requested".into()),
                ..visible(p)
            })
            .await?
            .len(),
        href: "/register?status=supplement_requested".into(),
    });
    // Feedback the user's units owe something (classify, answer, publish), overdue first.
    let owed = super::feedback::owed(&state, p).await?;
    let overdue = owed
        .iter()
        .filter(|(_, d)| d.is_some_and(|d| d.urgency == motcua_app::Urgency::Overdue))
        .count();
    tiles.push(Tile {
        label: if overdue > 0 {
            format!(
                "{} ({overdue} {})",
                ui.t("Phản ánh, kiến nghị cần xử lý", "Feedback owed"),
                ui.t("quá hạn", "overdue")
            )
        } else {
            ui.t("Phản ánh, kiến nghị cần xử lý", "Feedback owed")
                .into()
        },
        count: owed.iter().filter(|(_, d)| d.is_some()).count(),
        href: "/quan-ly-phan-anh?xem=can-xu-ly".into(),
    });
    Ok(render(&Home { ui: page.ui, tiles }))
}
