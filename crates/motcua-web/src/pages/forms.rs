//! The printable forms of the one-stop desk (Circular 01/2018/TT-VPCP, names as Circular
//! 03/2025/TT-VPCP gives them): 01 receipt and appointment slip, 02 supplement request, 03
//! refusal, 04 apology with a new date, 05 control sheet — each on A4 in the state document
//! layout, under the agency that issues it and signed by the person who acted. A form is
//! offered only once its event happened (no receipt for an online filing not yet accepted).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use motcua_core::dossier::{Applicant, Dossier, DossierId, Status};
use motcua_core::ids::AgencyCode;
use qrcode::QrCode;
use qrcode::render::svg;
use uuid::Uuid;

use super::forms_sheet::{Handover, handovers};
use super::{Page, PageError, Ui, render, when, when_opt};
use crate::service;
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/dossiers/{id}/forms/{form}", get(paper))
}

/// A form's number, its title since 1 July 2025 and, where it differs, the 2018 title.
pub struct FormName {
    /// "01" … "05".
    pub number: &'static str,
    /// The title (Circular 03/2025/TT-VPCP).
    pub title: &'static str,
    /// The title in Circular 01/2018/TT-VPCP, when another.
    pub title_2018: Option<&'static str>,
}

const FORMS: [FormName; 5] = [
    FormName {
        number: "01",
        title: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        title_2018: None,
    },
    FormName {
        number: "02",
        title: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        title_2018: None,
    },
    FormName {
        number: "03",
        title: "Phiếu từ chối giải quyết hồ sơ",
        title_2018: Some("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    },
    FormName {
        number: "04",
        title: "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        title_2018: None,
    },
    FormName {
        number: "05",
        title: "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        title_2018: None,
    },
];

/// The forms a dossier has reached, in number order: the receipt and control sheet once it
/// is received, the supplement request once asked, the refusal once refused or not accepted,
/// the apology once the date was moved.
pub fn available(d: &Dossier) -> Vec<&'static FormName> {
    let received = d.received_at.is_some();
    let extended = d
        .appointment
        .as_ref()
        .is_some_and(|a| a.extension.is_some());
    FORMS
        .iter()
        .filter(|f| match f.number {
            "01" | "05" => received,
            "02" => !d.supplements.is_empty(),
            "03" => matches!(d.status, Status::Refused | Status::NotAccepted),
            "04" => extended,
            _ => false,
        })
        .collect()
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
    title_2018: String,
    id: String,
    /// The issuing agency's parent (cơ quan chủ quản), when it has one.
    parent: String,
    /// The issuing agency.
    agency: String,
    /// The desk that received the dossier.
    desk: String,
    /// The agency that resolves it.
    resolver: String,
    code: String,
    procedure: String,
    applicant: String,
    applicant_number: String,
    address: String,
    phone: String,
    email: String,
    docs: Vec<DocLine>,
    statutory_days: u32,
    received: String,
    /// The day it was received (dd/mm/yyyy).
    received_day: String,
    due: String,
    /// The electronic register's book (the desk and day) and the line in it (the code's
    /// sequence), printed as "Quyển số … Số thứ tự …".
    book: String,
    book_line: String,
    /// The signature: who signs in which capacity, and their name.
    signer_title: String,
    signer: String,
    place_date: String,
    qr_svg: String,
    lookup_url: String,
    check: String,
    missing: Vec<String>,
    reason: String,
    old_due: String,
    new_due: String,
    handovers: Vec<Handover>,
    coordinating: String,
}

async fn paper(
    State(state): State<AppState>,
    page: Page,
    Path((id, form)): Path<(Uuid, String)>,
) -> Result<Response, PageError> {
    let p = page.user()?;
    let d = service::visible(&state, p, DossierId(id)).await?;
    let name = FORMS
        .iter()
        .find(|f| f.number == form)
        .ok_or(ApiError::NotFound)?;
    if !available(&d).iter().any(|f| f.number == form) {
        return Err(ApiError::Invalid(format!(
            "Hồ sơ {} chưa có {} (Mẫu {}): việc làm ra phiếu này chưa diễn ra.",
            d.code,
            name.title.to_lowercase(),
            name.number
        ))
        .into());
    }
    let accounts = state.db.accounts(&p.province).await?;
    let names: HashMap<String, String> = accounts
        .iter()
        .map(|a| (a.id.to_string(), a.full_name.clone()))
        .collect();
    let name_of = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let procedure = state
        .db
        .procedure_version(d.procedure.as_str(), i64::from(d.procedure_version))
        .await?
        .map_or_else(|| d.procedure.to_string(), |s| s.name);
    // The configured public address, never the request's Host header (which a client sets).
    let check = motcua_core::dossier::lookup_check(d.id);
    let lookup_url = format!(
        "{}/tra-cuu?code={}&check={check}",
        state.public_url.trim_end_matches('/'),
        d.code
    );
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
    let events = state.db.dossier_events(d.id).await?;
    let actor_of = |kind: &str| {
        events
            .iter()
            .rev()
            .find(|e| e.kind == kind)
            .map(|e| e.actor_id.clone())
    };
    // Who acted, as the form is signed.
    let (signer_title, signer, issuer) = match form.as_str() {
        "01" => ("NGƯỜI TIẾP NHẬN HỒ SƠ", receiver, None),
        "02" => (
            "NGƯỜI HƯỚNG DẪN",
            supplement
                .map(|s| name_of(&s.requested_by))
                .unwrap_or_default(),
            None,
        ),
        "03" => {
            let by = actor_of("closed");
            (
                "NGƯỜI LẬP PHIẾU",
                by.as_deref().map(name_of).unwrap_or_default(),
                None,
            )
        }
        "04" => {
            let by = actor_of("extended");
            (
                "THỦ TRƯỞNG CƠ QUAN",
                by.as_deref().map(name_of).unwrap_or_default(),
                by,
            )
        }
        _ => ("", String::new(), None),
    };
    // The apology comes from the agency whose delay it is: the unit of the person who issued
    // it, among the dossier's agencies; else the resolving agency.
    let issuing = match form.as_str() {
        "04" => issuer
            .and_then(|id| accounts.iter().find(|a| a.id.to_string() == id))
            .and_then(|a| {
                a.units.0.iter().find(|u| {
                    *u == d.resolving_agency.as_str() || *u == d.receiving_agency.as_str()
                })
            })
            .and_then(|u| AgencyCode::parse(u).ok())
            .unwrap_or_else(|| d.resolving_agency.clone()),
        _ => d.receiving_agency.clone(),
    };
    let (parent, agency) = agency_with_parent(&state, &p.province, &issuing).await?;
    let (address, phone, email) = match &d.applicant {
        Applicant::Person {
            address,
            phone,
            email,
            ..
        }
        | Applicant::Organisation {
            address,
            phone,
            email,
            ..
        } => (
            address.clone(),
            phone.clone().unwrap_or_default(),
            email.clone().unwrap_or_default(),
        ),
    };
    let (book, book_line) = register_line(&d);
    let sheet = handovers(&state, &d, &names).await;
    let view = Paper {
        ui: page.ui.clone(),
        form: form.clone(),
        title: name.title.to_owned(),
        title_2018: name.title_2018.unwrap_or_default().to_owned(),
        id: id.to_string(),
        parent,
        agency,
        desk: super::dossier::agency_name(&state, &d.receiving_agency).await,
        resolver: super::dossier::agency_name(&state, &d.resolving_agency).await,
        code: d.code.to_string(),
        procedure,
        applicant: d.applicant.name().to_owned(),
        applicant_number: d.applicant.number().to_owned(),
        address,
        phone,
        email,
        docs: d
            .documents
            .iter()
            .map(|x| DocLine {
                name: x.name.clone(),
                originals: x.originals,
                copies: x.copies,
            })
            .collect(),
        statutory_days: d.statutory_days,
        received: when_opt(d.received_at),
        received_day: d
            .received_at
            .map(|t| {
                motcua_core::calendar::deadline::local(t)
                    .format("%d/%m/%Y")
                    .to_string()
            })
            .unwrap_or_default(),
        due: when_opt(d.appointment.as_ref().map(|a| a.current_due)),
        book,
        book_line,
        signer_title: signer_title.to_owned(),
        signer,
        place_date: place_date(&state, &province_of(&state, &d.receiving_agency).await?).await?,
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
        coordinating: sheet.coordinating,
        handovers: sheet.rows,
    };
    Ok(render(&view))
}

/// The place and date line of a state document of `province` (one the installation holds):
/// "Đà Nẵng, ngày 04 tháng 12 năm 2026".
pub async fn place_date(state: &AppState, province: &str) -> Result<String, PageError> {
    let place = state
        .app
        .province_or_own(Some(province))
        .await?
        .map(|p| p.place().to_owned())
        .unwrap_or_default();
    Ok(format!(
        "{place}, {}",
        motcua_core::calendar::deadline::local(state.clock.now()).format("ngày %d tháng %m năm %Y")
    ))
}

/// The province of the desk that received a dossier (the place its forms are dated at).
async fn province_of(
    state: &AppState,
    desk: &motcua_core::ids::AgencyCode,
) -> Result<String, PageError> {
    Ok(state
        .db
        .agency(desk.as_str())
        .await?
        .map(|a| a.province_code)
        .unwrap_or_default())
}

/// An agency's name and its parent's (the cơ quan chủ quản printed above it).
pub async fn agency_with_parent(
    state: &AppState,
    province: &str,
    code: &AgencyCode,
) -> Result<(String, String), PageError> {
    let all = state.db.agencies(province).await?;
    let Some(agency) = all.iter().find(|a| a.code == code.as_str()) else {
        return Ok((String::new(), code.to_string()));
    };
    let parent = agency
        .parent_id
        .and_then(|id| all.iter().find(|a| a.id == id))
        .map(|a| a.name.clone())
        .unwrap_or_default();
    Ok((parent, agency.name.clone()))
}

/// The register's book and line for a dossier: the code is `{desk}-{yymmdd}-{sequence}`, so
/// the electronic book of the desk's day and the receipt's sequence in it.
fn register_line(d: &Dossier) -> (String, String) {
    let code = d.code.as_str();
    let mut parts = code.rsplitn(3, '-');
    let (seq, day) = (parts.next(), parts.next());
    match (seq, day) {
        (Some(seq), Some(day)) => {
            let day = chrono::NaiveDate::parse_from_str(day, "%y%m%d")
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_else(|_| day.to_owned());
            (day, seq.trim_start_matches('0').to_owned())
        }
        _ => (String::new(), String::new()),
    }
}
