//! The tracking register (Sổ theo dõi hồ sơ, Mẫu 06): one row per dossier, filtered, printable,
//! and as CSV for spreadsheets.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use std::collections::HashMap;

use motcua_core::calendar::deadline;
use motcua_core::dossier::{Applicant, Collector, Dossier};
use motcua_core::ids::AgencyCode;
use motcua_store::{DossierFilter, DossierSummary, ListOrder};
use serde::Deserialize;

use super::home::visible;
use super::{Page, PageError, Ui, render, when, when_opt};
use crate::AppState;

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/register", get(register))
        .route("/register.csv", get(register_csv))
}

#[derive(Debug, Deserialize, Default)]
struct Filter {
    /// Words to find: code, applicant's name (with or without diacritics), CCCD or tax code,
    /// phone.
    q: Option<String>,
    status: Option<String>,
    procedure: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// A line of the book, with the columns of Mẫu 06.
struct Row {
    n: usize,
    id: String,
    code: String,
    procedure: String,
    applicant: String,
    /// Address and phone.
    contact: String,
    resolver: String,
    received: String,
    due: String,
    /// Handed to the resolving agency (the desk's step finished).
    transferred: String,
    /// Result back from the resolving agency.
    finished: String,
    /// Returned to the applicant, and to whom.
    returned: String,
    note: String,
}

#[derive(Template)]
#[template(path = "register.html")]
struct Register {
    ui: Ui,
    rows: Vec<Row>,
    status: String,
    procedure: String,
    from: String,
    to: String,
    q: String,
    query: String,
    statuses: Vec<(&'static str, &'static str)>,
    /// The book's header: the desk and its parent, the period, the date printed.
    desk: String,
    parent: String,
    period: String,
    place_date: String,
    /// Why the filter cannot be applied (shown, instead of an empty list).
    error: Option<String>,
}

/// The longest search a person types.
const QUERY_LIMIT: usize = 200;

/// What is wrong with a filter, in words for the officer.
fn filter_error(f: &Filter) -> Option<String> {
    let day = |s: &Option<String>| {
        s.as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
    };
    if f.q
        .as_deref()
        .is_some_and(|q| q.chars().count() > QUERY_LIMIT)
    {
        return Some(format!("Từ khóa tìm kiếm dài quá {QUERY_LIMIT} ký tự."));
    }
    match (day(&f.from), day(&f.to)) {
        (Some(Err(_)), _) | (_, Some(Err(_))) => {
            Some("Ngày không hợp lệ (dạng năm-tháng-ngày).".into())
        }
        (Some(Ok(a)), Some(Ok(b))) if b < a => Some(format!(
            "Ngày kết thúc ({}) trước ngày bắt đầu ({}): hãy chọn lại khoảng thời gian.",
            b.format("%d/%m/%Y"),
            a.format("%d/%m/%Y")
        )),
        _ => None,
    }
}

async fn rows(state: &AppState, page: &Page, f: &Filter) -> Result<Vec<DossierSummary>, PageError> {
    let p = page.user()?;
    let day = |s: &Option<String>| {
        s.as_deref()
            .filter(|s| !s.is_empty())
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    };
    let start = |d: NaiveDate| deadline::utc(d.and_time(chrono::NaiveTime::MIN));
    if filter_error(f).is_some() {
        return Ok(Vec::new());
    }
    let filter = DossierFilter {
        terms: motcua_core::dossier::search::query_terms(f.q.as_deref().unwrap_or_default()),
        status: f.status.clone().filter(|s| !s.is_empty()),
        procedure: f.procedure.clone().filter(|s| !s.is_empty()),
        submitted_from: day(&f.from).map(start),
        submitted_to: day(&f.to).and_then(|d| d.succ_opt()).map(start),
        limit: 500,
        order: ListOrder::Newest,
        ..visible(p)
    };
    Ok(state.db.list_dossiers(&filter).await?)
}

fn status_label(s: &str) -> String {
    motcua_core::dossier::Status::parse(s).map_or_else(|| s.to_owned(), |x| x.label_vi().to_owned())
}

async fn register(
    State(state): State<AppState>,
    page: Page,
    Query(f): Query<Filter>,
) -> Result<Response, PageError> {
    let list = rows(&state, &page, &f).await?;
    let rows = book_rows(&state, &page, list).await?;
    let query = format!(
        "q={}&status={}&procedure={}&from={}&to={}",
        urlencoding(f.q.as_deref().unwrap_or_default()),
        f.status.clone().unwrap_or_default(),
        f.procedure.clone().unwrap_or_default(),
        f.from.clone().unwrap_or_default(),
        f.to.clone().unwrap_or_default()
    );
    let statuses = motcua_core::dossier::Status::ALL
        .iter()
        .map(|s| (s.as_str(), s.label_vi()))
        .collect();
    let error = filter_error(&f);
    let p = page.user()?;
    let (parent, desk) = match p.units.first().map(|u| AgencyCode::parse(u)) {
        Some(Ok(code)) => super::forms::agency_with_parent(&state, &p.province, &code).await?,
        _ => (String::new(), String::new()),
    };
    let day = |s: &Option<String>| {
        s.as_deref()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .map(|d| d.format("%d/%m/%Y").to_string())
    };
    let period = match (day(&f.from), day(&f.to)) {
        (Some(a), Some(b)) => format!("Từ ngày {a} đến ngày {b}"),
        (Some(a), None) => format!("Từ ngày {a}"),
        (None, Some(b)) => format!("Đến ngày {b}"),
        (None, None) => "Tất cả hồ sơ".to_owned(),
    };
    let place_date = super::forms::place_date(&state, &p.province).await?;
    Ok(render(&Register {
        desk,
        parent,
        period,
        place_date,
        ui: page.ui,
        rows,
        status: f.status.unwrap_or_default(),
        procedure: f.procedure.unwrap_or_default(),
        error,
        from: f.from.unwrap_or_default(),
        to: f.to.unwrap_or_default(),
        q: f.q.unwrap_or_default(),
        query,
        statuses,
    }))
}

async fn register_csv(
    State(state): State<AppState>,
    page: Page,
    Query(f): Query<Filter>,
) -> Result<Response, PageError> {
    let list = rows(&state, &page, &f).await?;
    // A byte-order mark so spreadsheet programs read Vietnamese correctly. The columns of the
    // tracking register (Mẫu 06) and those supervisors asked for: channel, resolving agency,
    // due, finished, classification, paid online, digitised, reused, rating.
    let mut out = String::from(
        "\u{feff}STT,Mã hồ sơ,Mã thủ tục,Người nộp,Ngày nhận,Hẹn trả,Ngày có kết quả,Trạng thái,\
         Hình thức nộp,Cơ quan giải quyết,Hạn giải quyết,Kết thúc,Phân loại,\
         Thanh toán trực tuyến,Số hóa,Tái sử dụng,Đánh giá\r\n",
    );
    let yes = |b: bool| if b { "có" } else { "không" };
    let full = records(&state, &list).await?;
    for (i, r) in list.iter().enumerate() {
        // The flags come from the dossier itself, read the way the figures read them.
        let d = full.get(&r.id);
        let facts = d.map(motcua_core::kpi::Facts::of);
        let fields = [
            (i + 1).to_string(),
            r.code.clone(),
            r.procedure_code.clone(),
            r.applicant_name.clone(),
            when(r.submitted_at),
            when_opt(r.due_at),
            when_opt(r.finished_at),
            status_label(&r.status),
            motcua_core::catalog::Channel::parse(&r.channel).map_or_else(
                || r.channel.clone(),
                |c| motcua_app::channel_name(c).to_owned(),
            ),
            r.resolving_agency.clone(),
            when_opt(facts.as_ref().and_then(|f| f.due)),
            when_opt(facts.as_ref().and_then(|f| f.ending.map(|(_, at)| at))),
            d.as_ref()
                .and_then(|d| d.completion)
                .map_or("", |c| c.label_vi())
                .to_owned(),
            facts.as_ref().map_or("", |f| yes(f.paid_online)).to_owned(),
            facts
                .as_ref()
                .map_or("", |f| yes(f.inputs_digitised))
                .to_owned(),
            facts.as_ref().map_or("", |f| yes(f.reused)).to_owned(),
            d.as_ref()
                .and_then(|d| d.rating)
                .map_or("", |s| s.label_vi())
                .to_owned(),
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| crate::csv::text(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"so-theo-doi-ho-so.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

/// The book's lines for a page of dossiers: their full records read in one statement.
async fn book_rows(
    state: &AppState,
    page: &Page,
    list: Vec<DossierSummary>,
) -> Result<Vec<Row>, PageError> {
    let p = page.user()?;
    let full = records(state, &list).await?;
    let procedures: HashMap<String, String> = state
        .db
        .current_procedures()
        .await?
        .into_iter()
        .map(|s| (s.code, s.name))
        .collect();
    let agencies: HashMap<String, String> = state
        .db
        .agencies(&p.province)
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let day = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| deadline::local(t).format("%d/%m/%Y").to_string())
            .unwrap_or_default()
    };
    Ok(list
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let d = full.get(&r.id);
            let contact = d.map(contact).unwrap_or_default();
            let returned = d
                .and_then(|d| d.returned_at.map(|at| (d, at)))
                .map(|(d, at)| match &d.returned_to {
                    Some(Collector::Representative { name, .. }) => {
                        format!("{} ({name}, người được ủy quyền)", day(Some(at)))
                    }
                    _ => day(Some(at)),
                })
                .unwrap_or_default();
            let note = d
                .map(|d| {
                    let mut note = status_label(d.status.as_str());
                    if let Some(c) = d.completion {
                        note = format!("{note}, {}", c.label_vi());
                    }
                    if d.appointment
                        .as_ref()
                        .is_some_and(|a| a.extension.is_some())
                    {
                        note.push_str("; đã xin lỗi, hẹn lại (Mẫu 04)");
                    }
                    note
                })
                .unwrap_or_default();
            Row {
                n: i + 1,
                id: r.id.to_string(),
                procedure: procedures
                    .get(&r.procedure_code)
                    .cloned()
                    .unwrap_or_else(|| r.procedure_code.clone()),
                resolver: agencies
                    .get(&r.resolving_agency)
                    .cloned()
                    .unwrap_or_else(|| r.resolving_agency.clone()),
                code: r.code,
                applicant: r.applicant_name,
                contact,
                // An online filing not yet accepted is not in the book as received.
                received: day(d.and_then(|d| d.received_at)),
                due: day(r.due_at),
                transferred: day(d.and_then(|d| d.steps.get(1)).map(|s| s.started_at)),
                finished: day(r.finished_at),
                returned,
                note,
            }
        })
        .collect())
}

/// The full records of a page of dossiers, by id, read in one statement.
async fn records(
    state: &AppState,
    list: &[DossierSummary],
) -> Result<HashMap<uuid::Uuid, Dossier>, PageError> {
    let ids: Vec<uuid::Uuid> = list.iter().map(|r| r.id).collect();
    Ok(state
        .db
        .dossiers_by_ids(&ids)
        .await?
        .into_iter()
        .map(|d| (d.id.0, d))
        .collect())
}

/// An applicant's address and phone, as the book's column holds them.
fn contact(d: &Dossier) -> String {
    let (Applicant::Person { address, phone, .. } | Applicant::Organisation { address, phone, .. }) =
        &d.applicant;
    match phone {
        Some(phone) => format!("{address}; ĐT {phone}"),
        None => address.clone(),
    }
}

/// A query string value, percent-encoded (what a form would send).
fn urlencoding(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
