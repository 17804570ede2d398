//! The home page: a public welcome, or the signed-in user's overview for their role.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use motcua_core::catalog::Role;
use motcua_store::{DossierFilter, ListOrder};

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
    let now = state.clock.now();
    let count = |f: DossierFilter| {
        let db = state.db.clone();
        async move { db.list_dossiers(&f).await.map(|r| r.len()) }
    };
    let mut tiles = Vec::new();
    let base = visible(p);
    let role = Some(p.role.as_str().to_owned());
    match p.role {
        Role::DeskOfficer => {
            tiles.push(Tile {
                label: ui
                    .t(
                        "Hồ sơ trực tuyến chờ tiếp nhận",
                        "Online dossiers to accept",
                    )
                    .into(),
                count: count(DossierFilter {
                    status: Some("submitted".into()),
                    ..base.clone()
                })
                .await?,
                href: "/work".into(),
            });
            tiles.push(Tile {
                label: ui.t("Có kết quả, chờ trả", "Results to return").into(),
                count: count(DossierFilter {
                    status: Some("result_ready".into()),
                    ..base.clone()
                })
                .await?,
                href: "/register?status=result_ready".into(),
            });
        }
        Role::Specialist | Role::Leader => {
            tiles.push(Tile {
                label: ui.t("Chờ tôi xử lý", "Waiting for me").into(),
                count: count(DossierFilter {
                    waiting_role: role,
                    open_only: true,
                    ..base.clone()
                })
                .await?,
                href: "/work".into(),
            });
        }
        Role::Supervisor | Role::Administrator => {
            tiles.push(Tile {
                label: ui.t("Đang giải quyết", "In process").into(),
                count: count(DossierFilter {
                    open_only: true,
                    ..base.clone()
                })
                .await?,
                href: "/register".into(),
            });
        }
    }
    tiles.push(Tile {
        label: ui.t("Quá hạn", "Overdue").into(),
        count: count(DossierFilter {
            overdue_at: Some(now),
            ..base.clone()
        })
        .await?,
        href: "/work".into(),
    });
    tiles.push(Tile {
        label: ui.t("Chờ bổ sung", "Awaiting supplement").into(),
        count: count(DossierFilter {
            status: Some("supplement_requested".into()),
            ..base.clone()
        })
        .await?,
        href: "/register?status=supplement_requested".into(),
    });
    Ok(render(&Home { ui: page.ui, tiles }))
}
