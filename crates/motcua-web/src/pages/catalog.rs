//! The public catalogue: procedures searched without regard to diacritics ("chuyen nhuong"
//! finds "chuyển nhượng") and with the province's synonyms ("sang tên" finds "chuyển
//! nhượng"), filtered by field and agency; each procedure's page shows its
//! documents and forms, fees, time, result, legal basis and internal process.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use motcua_core::catalog::synonyms;
use motcua_core::catalog::{FeeRule, OnlineLevel, Procedure};
use motcua_core::text;
use serde::Deserialize;

use super::{Page, PageError, Ui, money, render, role_label};
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/thu-tuc", get(list))
        .route("/thu-tuc/{code}", get(show))
        .route("/thu-tuc/{code}/mau/{document}", get(blank_form))
}

/// An agency kind's name.
pub fn agency_kind_label(kind: &str) -> &'static str {
    match kind {
        "provincial_peoples_committee" => "UBND cấp tỉnh",
        "department" => "Sở, ban, ngành",
        "land_registration_office" => "Văn phòng đăng ký đất đai",
        "land_registration_branch" => "Chi nhánh Văn phòng đăng ký đất đai",
        "public_service_centre" => "Trung tâm Phục vụ hành chính công",
        "commune_peoples_committee" => "UBND cấp xã",
        "commune_service_centre" => "Trung tâm Phục vụ hành chính công cấp xã",
        "tax_office" => "Cơ quan thuế",
        "treasury" => "Kho bạc Nhà nước",
        _ => "Cơ quan khác",
    }
}

struct Item {
    code: String,
    name: String,
    field: String,
    days: u32,
    online: &'static str,
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct Catalog {
    ui: Ui,
    q: String,
    field: String,
    agency: String,
    fields: Vec<String>,
    agencies: Vec<(String, &'static str)>,
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Filter {
    q: Option<String>,
    field: Option<String>,
    agency: Option<String>,
}

fn online_label(level: OnlineLevel, ui: &Ui) -> &'static str {
    match level {
        OnlineLevel::Full => ui.t("Trực tuyến toàn trình", "Full online"),
        OnlineLevel::Partial => ui.t("Trực tuyến một phần", "Partly online"),
        OnlineLevel::None => ui.t("Nộp trực tiếp", "In person"),
    }
}

async fn procedures(state: &AppState) -> Result<Vec<Procedure>, PageError> {
    // The app's list leaves out procedures superseded by a re-published code.
    Ok(state
        .app
        .current_procedures()
        .await
        .map_err(ApiError::from)?
        .iter()
        .map(|p| (**p).clone())
        .collect())
}

async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(f): Query<Filter>,
) -> Result<Response, PageError> {
    let all = procedures(&state).await?;
    let synonyms = state.app.synonyms().await?;
    let q = f.q.unwrap_or_default();
    let field = f.field.unwrap_or_default();
    let agency = f.agency.unwrap_or_default();
    let fields: BTreeSet<String> = all.iter().map(|p| p.field.clone()).collect();
    let agencies: BTreeSet<String> = all.iter().flat_map(|p| p.agencies.clone()).collect();
    let items = all
        .iter()
        .filter(|p| {
            let former: Vec<&str> = p.former_codes.iter().map(|c| c.as_str()).collect();
            let words = format!("{} {} {} {}", p.name, p.code, former.join(" "), p.field);
            synonyms::matches_with(&words, &q, &synonyms)
        })
        .filter(|p| field.is_empty() || p.field == field)
        .filter(|p| agency.is_empty() || p.agencies.contains(&agency))
        .map(|p| Item {
            code: p.code.to_string(),
            name: p.name.clone(),
            field: p.field.clone(),
            days: p.statutory_days,
            online: online_label(p.online, &page.ui),
        })
        .collect();
    Ok(render(&Catalog {
        ui: page.ui,
        q,
        field,
        agency,
        fields: fields.into_iter().collect(),
        agencies: agencies
            .into_iter()
            .map(|a| {
                let l = agency_kind_label(&a);
                (a, l)
            })
            .collect(),
        items,
    }))
}

struct DocItem {
    code: String,
    name: String,
    /// A blank form is uploaded for it.
    blank: bool,
    form: String,
    originals: u32,
    copies: u32,
    mandatory: bool,
}

struct StepItem {
    name: String,
    role: &'static str,
    hours: u32,
}

#[derive(Template)]
#[template(path = "procedure.html")]
struct ProcedurePage {
    ui: Ui,
    code: String,
    /// Codes it was published under before, joined.
    former_codes: String,
    name: String,
    field: String,
    online: &'static str,
    days: u32,
    remote_days: u32,
    agencies: Vec<&'static str>,
    documents: Vec<DocItem>,
    fees: Vec<(String, String)>,
    result: String,
    legal_basis: Vec<String>,
    steps: Vec<StepItem>,
    effective_from: String,
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let p = procedures(&state)
        .await?
        .into_iter()
        .find(|p| p.code.as_str() == code || p.former_codes.iter().any(|f| f.as_str() == code))
        .ok_or(ApiError::NotFound)?;
    if p.code.as_str() != code {
        // A superseded code: the page lives under the current one.
        return Ok(
            axum::response::Redirect::permanent(&format!("/thu-tuc/{}", p.code)).into_response(),
        );
    }
    let mut blanks = Vec::new();
    for d in &p.documents {
        if d.form.is_some() && state.app.blank_form(&code, &d.code).await?.is_some() {
            blanks.push(d.code.clone());
        }
    }
    let ui = page.ui;
    let fee = |rule: &FeeRule| match rule {
        FeeRule::Fixed { amount } => money(*amount),
        FeeRule::PerArea { per_m2, min, max } => format!(
            "{} / m² ({} – {})",
            money(*per_m2),
            money(*min),
            money(*max)
        ),
        FeeRule::ShareOfValue {
            basis_points,
            min,
            max,
        } => {
            format!(
                "{},{:02}% {} ({} – {})",
                basis_points / 100,
                basis_points % 100,
                ui.t("giá trị", "of value"),
                money(*min),
                money(*max)
            )
        }
    };
    let view = ProcedurePage {
        code: p.code.to_string(),
        former_codes: p
            .former_codes
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        name: p.name.clone(),
        field: p.field.clone(),
        online: online_label(p.online, &ui),
        days: p.statutory_days,
        remote_days: p.remote_extra_days,
        agencies: p.agencies.iter().map(|a| agency_kind_label(a)).collect(),
        documents: p
            .documents
            .iter()
            .map(|d| DocItem {
                code: d.code.clone(),
                blank: blanks.contains(&d.code),
                name: d.name.clone(),
                form: d.form.clone().unwrap_or_default(),
                originals: d.originals,
                copies: d.copies,
                mandatory: d.mandatory,
            })
            .collect(),
        fees: p
            .fees
            .iter()
            .map(|f| {
                let discount = if f.online_discount_percent > 0 {
                    format!(
                        " — {} {}%",
                        ui.t("nộp trực tuyến giảm", "online discount"),
                        f.online_discount_percent
                    )
                } else {
                    String::new()
                };
                (f.name.clone(), format!("{}{discount}", fee(&f.rule)))
            })
            .collect(),
        result: p.result.name.clone(),
        legal_basis: p.legal_basis.clone(),
        steps: p
            .steps
            .iter()
            .map(|s| StepItem {
                name: s.name.clone(),
                role: role_label(Some(s.role), ui.lang),
                hours: s.budget_hours,
            })
            .collect(),
        effective_from: p.effective_from.format("%d/%m/%Y").to_string(),
        ui,
    };
    Ok(render(&view))
}

/// A document's blank form, as the PDF the province uploaded, to save and fill in.
async fn blank_form(
    State(state): State<AppState>,
    Path((code, document)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let digest = state
        .app
        .blank_form(&code, &document)
        .await?
        .ok_or(ApiError::NotFound)?;
    let bytes = state.files.get(&digest).await?;
    let name = format!("{}-{}.pdf", text::slug(&code), text::slug(&document));
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
