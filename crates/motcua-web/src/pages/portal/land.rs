//! "Đất đai của tôi": the parcels where the signed-in citizen holds a right, from their
//! verified identity, each with the land procedures that start from its certificate.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use motcua_core::land::LandObject;

use super::super::land::{ParcelRow, commune_names, parcel_row};
use super::super::{Page, PageError, Ui, render};
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/cong-dan/dat-dai", get(my_land))
}

/// A procedure a certificate can start.
struct Start {
    code: String,
    name: String,
}

struct Row {
    parcel: ParcelRow,
    /// (certificate id, serial).
    certificates: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "portal_land.html")]
struct MyLand {
    ui: Ui,
    rows: Vec<Row>,
    starts: Vec<Start>,
}

async fn my_land(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    let c = page.citizen()?;
    let hits = state
        .app
        .my_land(&c.actor())
        .await
        .map_err(ApiError::from)?;
    let starts = state
        .app
        .current_procedures()
        .await?
        .iter()
        .filter(|p| {
            p.land_change
                .is_some_and(|k| k != motcua_core::land::ChangeKind::FirstRegistration)
        })
        .map(|p| Start {
            code: p.code.to_string(),
            name: p.name.clone(),
        })
        .collect();
    let mut rows = Vec::new();
    for h in &hits {
        let mut parcel = parcel_row(h);
        parcel.number = commune_names(&state, &parcel.number).await;
        rows.push(Row {
            parcel,
            certificates: h
                .certificates
                .iter()
                .filter_map(|v| match &v.value {
                    LandObject::Certificate(x) => Some((v.object.id.to_string(), x.serial.clone())),
                    _ => None,
                })
                .collect(),
        });
    }
    Ok(render(&MyLand {
        ui: page.ui.clone(),
        rows,
        starts,
    }))
}
