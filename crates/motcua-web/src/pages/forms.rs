//! The printable forms (Circular 01/2018/TT-VPCP; names of Circular 03/2025/TT-VPCP):
//! 01 receipt and appointment slip, 02 supplement request, 03 refusal, 04 apology with a new
//! date, 05 control sheet — on A4 in the state document layout, the receipt with a QR code.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use motcua_core::dossier::DossierId;
use qrcode::QrCode;
use qrcode::render::svg;
use uuid::Uuid;

use super::dossier::{StepView, agency_name, staff_names, step_views};
use super::{Page, PageError, Ui, render, when, when_opt};
use crate::service;
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/dossiers/{id}/forms/{form}", get(paper))
}

struct DocLine {
    name: String,
    originals: u32,
    copies: u32,
}

#[derive(Template)]
#[template(path = "paper.html")]
struct Paper {
    ui: Ui,
    form: String,
    title: String,
    id: String,
    agency: String,
    code: String,
    procedure: String,
    applicant: String,
    applicant_number: String,
    address: String,
    phone: String,
    docs: Vec<DocLine>,
    received: String,
    due: String,
    officer: String,
    place_date: String,
    qr_svg: String,
    lookup_url: String,
    check: String,
    missing: Vec<String>,
    reason: String,
    old_due: String,
    new_due: String,
    steps: Vec<StepView>,
}

async fn paper(
    State(state): State<AppState>,
    page: Page,
    Path((id, form)): Path<(Uuid, String)>,
) -> Result<Response, PageError> {
    let p = page.user()?;
    let d = service::visible(&state, p, DossierId(id)).await?;
    let names = staff_names(&state, &p.province).await?;
    let name_of = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let procedure = state
        .db
        .procedure_version(d.procedure.as_str(), i64::from(d.procedure_version))
        .await?
        .map_or_else(|| d.procedure.to_string(), |s| s.name);
    let title = match form.as_str() {
        "01" => "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "02" => "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        "03" => "Phiếu từ chối giải quyết hồ sơ",
        "04" => "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        "05" => "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        _ => return Err(ApiError::NotFound.into()),
    };
    // The configured public address, never the request's Host header (which a client sets).
    let check = motcua_core::dossier::lookup_check(d.id);
    let lookup_url = format!(
        "{}/tra-cuu?code={}&check={check}",
        state.public_url.trim_end_matches('/'),
        d.code
    );
    let place = state
        .app
        .province()
        .await?
        .map(|p| p.place().to_owned())
        .unwrap_or_default();
    let qr_svg = QrCode::new(lookup_url.as_bytes())
        .map(|q| {
            q.render::<svg::Color<'_>>()
                .min_dimensions(120, 120)
                .build()
        })
        .unwrap_or_default();
    let receiver = d
        .steps
        .first()
        .and_then(|s| s.finished_by.as_deref())
        .map(name_of)
        .unwrap_or_default();
    let supplement = d.supplements.last();
    let extension = d.appointment.as_ref().and_then(|a| a.extension.clone());
    let officer = match form.as_str() {
        "02" => supplement
            .map(|s| name_of(&s.requested_by))
            .unwrap_or_default(),
        "03" => d
            .steps
            .last()
            .and_then(|s| s.finished_by.as_deref())
            .map(name_of)
            .unwrap_or_default(),
        _ => receiver,
    };
    let (address, phone) = match &d.applicant {
        motcua_core::dossier::Applicant::Person { address, phone, .. }
        | motcua_core::dossier::Applicant::Organisation { address, phone, .. } => {
            (address.clone(), phone.clone().unwrap_or_default())
        }
    };
    let view = Paper {
        ui: page.ui.clone(),
        form: form.clone(),
        title: title.to_owned(),
        id: id.to_string(),
        agency: agency_name(&state, &d.receiving_agency).await,
        code: d.code.to_string(),
        procedure,
        applicant: d.applicant.name().to_owned(),
        applicant_number: d.applicant.number().to_owned(),
        address,
        phone,
        docs: d
            .documents
            .iter()
            .map(|x| DocLine {
                name: x.name.clone(),
                originals: x.originals,
                copies: x.copies,
            })
            .collect(),
        received: when_opt(d.received_at.or(Some(d.submitted_at))),
        due: when_opt(d.appointment.as_ref().map(|a| a.current_due)),
        officer,
        place_date: format!(
            "{place}, {}",
            motcua_core::calendar::deadline::local(state.clock.now())
                .format("ngày %d tháng %m năm %Y")
        ),
        qr_svg,
        lookup_url,
        check,
        missing: supplement.map(|s| s.missing.clone()).unwrap_or_default(),
        reason: match form.as_str() {
            "02" => supplement.map(|s| s.reason.clone()).unwrap_or_default(),
            "04" => extension
                .as_ref()
                .map(|e| e.reason.clone())
                .unwrap_or_default(),
            _ => d.closing_reason.clone().unwrap_or_default(),
        },
        old_due: extension
            .as_ref()
            .map(|e| when(e.previous_due))
            .unwrap_or_default(),
        new_due: extension
            .as_ref()
            .map(|e| when(e.new_due))
            .unwrap_or_default(),
        steps: step_views(&d, &page.ui, &names),
    };
    Ok(render(&view))
}
