//! The tracking register (Sổ theo dõi hồ sơ, Mẫu 06): one row per dossier, filtered, printable,
//! and as CSV for spreadsheets.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use motcua_core::calendar::deadline;
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

struct Row {
    n: usize,
    id: String,
    code: String,
    procedure: String,
    applicant: String,
    received: String,
    due: String,
    finished: String,
    status: String,
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
    let rows = list
        .into_iter()
        .enumerate()
        .map(|(i, r)| Row {
            n: i + 1,
            id: r.id.to_string(),
            code: r.code,
            procedure: r.procedure_code,
            applicant: r.applicant_name,
            received: when(r.submitted_at),
            due: when_opt(r.due_at),
            finished: when_opt(r.finished_at),
            status: status_label(&r.status),
        })
        .collect();
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
    Ok(render(&Register {
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
    for (i, r) in list.iter().enumerate() {
        // The flags come from the dossier itself, read the way the figures read them.
        let d = state
            .db
            .dossier(motcua_core::dossier::DossierId(r.id))
            .await?;
        let facts = d.as_ref().map(motcua_core::kpi::Facts::of);
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

/// A query string value, percent-encoded (what a form would send).
fn urlencoding(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
