//! Feedback pages (phản ánh, kiến nghị). Anyone, signed in or not, sends one at `/phan-anh`
//! and follows it with its code and check (supplying what is asked, rating the answer once);
//! published answers are at `/phan-anh/cong-khai`. Staff handle them at `/quan-ly-phan-anh`:
//! the list with what is due and indicators 5.2–5.3, each feedback with its history and the
//! actions its state allows (route, refuse, ask for more, answer, publish).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use motcua_app::{AppError, FeedbackDue, NewFeedback, Urgency};
use motcua_core::dossier::{DossierId, lookup_check};
use motcua_core::feedback::{
    Feedback, FeedbackCommand, Happened, Kind, Rating, Subject, Who, indicators,
};
use serde::Deserialize;

use super::{Page, PageError, Ui, render, when};
use crate::auth::{Principal, SourceAddr};
use crate::service::actor;
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/phan-anh", get(form).post(send))
        .route("/phan-anh/tra-cuu", get(track).post(sender_act))
        .route("/phan-anh/cong-khai", get(published))
        .route("/quan-ly-phan-anh", get(list))
        .route("/quan-ly-phan-anh/{code}", get(detail))
        .route("/quan-ly-phan-anh/{code}/{action}", post(act))
}

fn check_of(f: &Feedback) -> String {
    lookup_check(DossierId(f.id))
}

/// Agency names by code, for people (a code no longer in the list shows as itself).
struct Names(std::collections::HashMap<String, String>);

impl Names {
    async fn load(state: &AppState) -> Result<Self, PageError> {
        let mut names = std::collections::HashMap::new();
        for province in state.app.provinces().await? {
            for a in state.db.agencies(&province.code).await? {
                names.insert(a.code, a.name);
            }
        }
        Ok(Self(names))
    }

    fn of(&self, code: &str) -> String {
        self.0.get(code).cloned().unwrap_or_else(|| code.to_owned())
    }
}

/// A history line for people.
fn happened(h: &Happened, names: &Names) -> String {
    match h {
        Happened::Received => "Tiếp nhận phản ánh".into(),
        Happened::Routed { kind, agency } => format!(
            "Phân loại: {}; chuyển {}",
            if *kind == Kind::Report {
                "phản ánh"
            } else {
                "kiến nghị"
            },
            names.of(agency)
        ),
        Happened::Refused { reason } => format!("Từ chối tiếp nhận: {reason}"),
        Happened::AskedMore { what } => format!("Đề nghị bổ sung: {what}"),
        Happened::Supplied { text, .. } => format!("Người gửi bổ sung: {text}"),
        Happened::Answered { late, .. } => {
            format!("Trả lời{}", if *late { " (quá hạn)" } else { "" })
        }
        Happened::Published { late } => {
            format!("Công khai kết quả{}", if *late { " (quá hạn)" } else { "" })
        }
        Happened::Rated { rating } => format!("Người gửi đánh giá: {}", rating.label_vi()),
    }
}

/// One feedback as a page shows it.
struct View {
    code: String,
    check: String,
    subject: &'static str,
    about: String,
    content: String,
    sender: String,
    contact: String,
    status: &'static str,
    status_key: &'static str,
    agency: String,
    received: String,
    answer_by: String,
    answer: String,
    rating: String,
    publishable: bool,
    late: bool,
    /// The earlier feedback this one repeats.
    repeat_of: String,
    /// The next duty and its deadline, for staff ("" when nothing is owed).
    duty: String,
    due_by: String,
    /// "overdue", "due-soon" or "".
    urgency: &'static str,
    history: Vec<(String, String, String)>,
}

impl View {
    /// Adds the reminder of what the agency owes next.
    fn with_due(mut self, due: Option<FeedbackDue>) -> Self {
        if let Some(d) = due {
            self.duty = d.duty.label_vi().into();
            self.due_by = when(d.by);
            self.urgency = match d.urgency {
                Urgency::Overdue => "overdue",
                Urgency::DueSoon => "due-soon",
                Urgency::Later => "",
            };
        }
        self
    }
}

fn subject_label(s: Subject) -> &'static str {
    match s {
        Subject::Procedure => "Thủ tục hành chính",
        Subject::Dossier => "Hồ sơ",
        Subject::Person => "Cán bộ, công chức",
        Subject::Other => "Khác",
    }
}

fn view(f: &Feedback, now: chrono::DateTime<chrono::Utc>, names: &Names) -> View {
    View {
        code: f.code.clone(),
        check: check_of(f),
        subject: subject_label(f.subject),
        about: f.about.clone(),
        content: f.content.clone(),
        sender: f.sender.clone(),
        contact: f.contact.clone(),
        status: f.status.label_vi(),
        status_key: f.status.as_str(),
        agency: f.agency.as_deref().map(|a| names.of(a)).unwrap_or_default(),
        received: when(f.received_at),
        answer_by: when(f.deadlines.answer_by),
        answer: f.answer.clone().unwrap_or_default(),
        rating: f
            .rating
            .map(|r| r.label_vi().to_owned())
            .unwrap_or_default(),
        publishable: f.publishable,
        late: f.on_time(now) == Some(false),
        repeat_of: f.repeat_of.clone().unwrap_or_default(),
        duty: String::new(),
        due_by: String::new(),
        urgency: "",
        history: f
            .history
            .iter()
            .map(|e| (when(e.at), e.by_name.clone(), happened(&e.what, names)))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "feedback_public.html")]
struct Public {
    ui: Ui,
    /// "form", "sent", "track" or "published".
    mode: &'static str,
    error: Option<String>,
    /// What was typed, kept after an error.
    values: std::collections::HashMap<String, String>,
    one: Option<View>,
    list: Vec<View>,
}

impl Public {
    fn v(&self, k: &str) -> String {
        self.values.get(k).cloned().unwrap_or_default()
    }
}

fn public(ui: Ui, mode: &'static str) -> Public {
    Public {
        ui,
        mode,
        error: None,
        values: std::collections::HashMap::new(),
        one: None,
        list: Vec::new(),
    }
}

async fn form(State(_state): State<AppState>, page: Page) -> Result<Response, PageError> {
    let mut p = public(page.ui.clone(), "form");
    if let Some(c) = &page.citizen {
        p.values.insert("sender".into(), c.name.clone());
    }
    Ok(render(&p))
}

#[derive(Deserialize)]
struct SendForm {
    subject: Option<String>,
    about: Option<String>,
    content: Option<String>,
    sender: Option<String>,
    contact: Option<String>,
    publishable: Option<String>,
}

async fn send(
    State(state): State<AppState>,
    page: Page,
    SourceAddr(source): SourceAddr,
    Form(form): Form<SendForm>,
) -> Result<Response, PageError> {
    state
        .lookup_limit
        .take(&source, state.clock.now().timestamp())
        .map_err(ApiError::TooMany)?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let subject = form
        .subject
        .as_deref()
        .and_then(Subject::parse)
        .unwrap_or(Subject::Other);
    let new = NewFeedback {
        subject,
        about: text(&form.about),
        content: text(&form.content),
        sender: text(&form.sender),
        contact: text(&form.contact),
        citizen: page.citizen.as_ref().map(|c| c.id_number.clone()),
        publishable: form.publishable.is_some(),
    };
    match state.app.receive_feedback(new).await {
        Ok(f) => {
            let mut p = public(page.ui.clone(), "sent");
            p.one = Some(view(&f, state.clock.now(), &Names::load(&state).await?));
            Ok(render(&p))
        }
        Err(AppError::Invalid(why)) => {
            let mut p = public(page.ui.clone(), "form");
            p.error = Some(why);
            for (k, v) in [
                ("subject", &form.subject),
                ("about", &form.about),
                ("content", &form.content),
                ("sender", &form.sender),
                ("contact", &form.contact),
                ("publishable", &form.publishable),
            ] {
                p.values.insert(k.into(), text(v));
            }
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response())
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}

#[derive(Deserialize, Default)]
struct TrackQuery {
    code: Option<String>,
    check: Option<String>,
}

/// The feedback with this code, if the check matches (a wrong check answers as no code).
async fn find(
    state: &AppState,
    source: &str,
    code: &str,
    check: &str,
) -> Result<Option<Feedback>, PageError> {
    state
        .lookup_limit
        .take(source, state.clock.now().timestamp())
        .map_err(ApiError::TooMany)?;
    let code = code.trim().to_uppercase();
    if code.is_empty() || code.len() > 40 {
        return Ok(None);
    }
    Ok(state
        .db
        .feedback(&code)
        .await?
        .filter(|f| check_of(f).eq_ignore_ascii_case(check.trim())))
}

async fn track(
    State(state): State<AppState>,
    page: Page,
    SourceAddr(source): SourceAddr,
    Query(q): Query<TrackQuery>,
) -> Result<Response, PageError> {
    let mut p = public(page.ui.clone(), "track");
    let (code, check) = (q.code.unwrap_or_default(), q.check.unwrap_or_default());
    p.values.insert("code".into(), code.clone());
    p.values.insert("check".into(), check.clone());
    if !code.is_empty() {
        match find(&state, &source, &code, &check).await? {
            Some(f) => p.one = Some(view(&f, state.clock.now(), &Names::load(&state).await?)),
            None => p.error = Some("Không tìm thấy phản ánh với mã và mã kiểm tra này.".into()),
        }
    }
    Ok(render(&p))
}

#[derive(Deserialize)]
struct SenderForm {
    code: String,
    check: String,
    action: String,
    text: Option<String>,
    rating: Option<String>,
}

async fn sender_act(
    State(state): State<AppState>,
    page: Page,
    SourceAddr(source): SourceAddr,
    Form(form): Form<SenderForm>,
) -> Result<Response, PageError> {
    let Some(f) = find(&state, &source, &form.code, &form.check).await? else {
        return Err(ApiError::NotFound.into());
    };
    let cmd = match form.action.as_str() {
        "supply" => FeedbackCommand::Supply {
            text: form.text.clone().unwrap_or_default(),
            answer_by: f.deadlines.answer_by,
        },
        "rate" => FeedbackCommand::Rate {
            rating: form
                .rating
                .as_deref()
                .and_then(Rating::parse)
                .ok_or_else(|| ApiError::Invalid("Chọn mức đánh giá.".into()))?,
        },
        _ => return Err(ApiError::NotFound.into()),
    };
    let outcome = state
        .app
        .feedback_command(&Who::Sender, &f.id.to_string(), cmd)
        .await;
    let mut p = public(page.ui.clone(), "track");
    p.values.insert("code".into(), form.code.clone());
    p.values.insert("check".into(), form.check.clone());
    let names = Names::load(&state).await?;
    match outcome {
        Ok(f) => p.one = Some(view(&f, state.clock.now(), &names)),
        Err(AppError::Invalid(why)) => {
            p.one = Some(view(&f, state.clock.now(), &names));
            p.error = Some(why);
            p.values
                .insert("text".into(), form.text.unwrap_or_default());
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response());
        }
        Err(e) => return Err(ApiError::from(e).into()),
    }
    Ok(render(&p))
}

async fn published(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    let mut p = public(page.ui.clone(), "published");
    let now = state.clock.now();
    let names = Names::load(&state).await?;
    p.list = state
        .app
        .published_feedback()
        .await?
        .iter()
        .map(|f| view(f, now, &names))
        .collect();
    Ok(render(&p))
}

/// Whether a staff member sees a feedback: province-wide roles all; others what is not yet
/// routed and what is routed to one of their units.
fn sees(p: &Principal, f: &Feedback) -> bool {
    p.sees_whole_province()
        || f.agency
            .as_ref()
            .is_none_or(|a| p.units.iter().any(|u| u == a))
}

#[derive(Template)]
#[template(path = "feedback_list.html")]
struct List {
    ui: Ui,
    rows: Vec<View>,
    /// Showing only what is owed ("can-xu-ly").
    owed_only: bool,
    /// Owed, of which overdue and due within a working day.
    owed: (usize, usize, usize),
    /// 5.2 and 5.3 over the last 90 days: (numerator, denominator) each.
    on_time: (usize, usize),
    satisfied: (usize, usize),
}

#[derive(Deserialize, Default)]
struct ListQuery {
    /// `can-xu-ly`: only feedback the agency owes something, most urgent first.
    xem: Option<String>,
}

/// The feedback a staff member sees in the last 90 days, each with its reminder.
pub(super) async fn owed(
    state: &AppState,
    p: &Principal,
) -> Result<Vec<(Feedback, Option<FeedbackDue>)>, PageError> {
    let mut out = Vec::new();
    for f in state.app.recent_feedback(90).await? {
        if sees(p, &f) {
            let due = state.app.feedback_due(&f).await?;
            out.push((f, due));
        }
    }
    Ok(out)
}

async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let p = page.user()?;
    let now = state.clock.now();
    let mut all = owed(&state, p).await?;
    let feedback: Vec<Feedback> = all.iter().map(|(f, _)| f.clone()).collect();
    let (on_time, satisfied, n) = indicators(&feedback, now);
    let count = |u: Urgency| {
        all.iter()
            .filter(|(_, d)| d.is_some_and(|d| d.urgency == u))
            .count()
    };
    let owed = (
        all.iter().filter(|(_, d)| d.is_some()).count(),
        count(Urgency::Overdue),
        count(Urgency::DueSoon),
    );
    let owed_only = q.xem.as_deref() == Some("can-xu-ly");
    if owed_only {
        all.retain(|(_, d)| d.is_some());
        all.sort_by_key(|(_, d)| d.map(|d| (d.urgency, d.by)));
    }
    let names = Names::load(&state).await?;
    Ok(render(&List {
        ui: page.ui.clone(),
        rows: all
            .into_iter()
            .map(|(f, d)| view(&f, now, &names).with_due(d))
            .collect(),
        owed_only,
        owed,
        on_time: (on_time, n),
        satisfied: (satisfied, n),
    }))
}

#[derive(Template)]
#[template(path = "feedback_staff.html")]
struct Detail {
    ui: Ui,
    one: View,
    agencies: Vec<(String, String)>,
    error: Option<String>,
    typed: String,
}

async fn detail_page(
    state: &AppState,
    page: &Page,
    f: &Feedback,
    error: Option<String>,
    typed: String,
) -> Result<Response, PageError> {
    let p = page.user()?;
    let agencies = state
        .db
        .agencies(&p.province)
        .await?
        .into_iter()
        .filter(|a| a.active)
        .map(|a| (a.code, a.name))
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let due = state.app.feedback_due(f).await?;
    let view = Detail {
        ui: page.ui.clone(),
        one: view(f, state.clock.now(), &Names::load(state).await?).with_due(due),
        agencies,
        error,
        typed,
    };
    Ok((status, render(&view)).into_response())
}

async fn visible(state: &AppState, page: &Page, code: &str) -> Result<Feedback, PageError> {
    let p = page.user()?;
    match state.db.feedback(code).await? {
        Some(f) if sees(p, &f) => Ok(f),
        _ => Err(ApiError::NotFound.into()),
    }
}

async fn detail(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let f = visible(&state, &page, &code).await?;
    detail_page(&state, &page, &f, None, String::new()).await
}

#[derive(Deserialize)]
struct ActForm {
    csrf: String,
    text: Option<String>,
    kind: Option<String>,
    agency: Option<String>,
}

async fn act(
    State(state): State<AppState>,
    page: Page,
    Path((code, action)): Path<(String, String)>,
    Form(form): Form<ActForm>,
) -> Result<Response, PageError> {
    let p = page.check_csrf(&form.csrf)?;
    let f = visible(&state, &page, &code).await?;
    let a = actor(p);
    let who = Who::Staff {
        id: a.id.clone(),
        name: a.name.clone(),
    };
    let text = form.text.clone().unwrap_or_default();
    let cmd = match action.as_str() {
        "route" => FeedbackCommand::Route {
            kind: form
                .kind
                .as_deref()
                .and_then(Kind::parse)
                .unwrap_or(Kind::Report),
            agency: form.agency.clone().unwrap_or_default(),
        },
        "refuse" => FeedbackCommand::Refuse {
            reason: text.clone(),
        },
        "ask" => FeedbackCommand::AskMore { what: text.clone() },
        "answer" => FeedbackCommand::Answer { text: text.clone() },
        "publish" => FeedbackCommand::Publish {
            publish_by: f.received_at,
        },
        _ => return Err(ApiError::NotFound.into()),
    };
    // Answering and publishing belong to the agency it was routed to.
    if matches!(action.as_str(), "answer" | "publish")
        && !p.sees_whole_province()
        && f.agency.as_ref().is_some_and(|a| !p.units.contains(a))
    {
        return Err(ApiError::Forbidden("phản ánh đã chuyển cơ quan khác".into()).into());
    }
    match state
        .app
        .feedback_command(&who, &f.id.to_string(), cmd)
        .await
    {
        Ok(f) => Ok(Redirect::to(&format!("/quan-ly-phan-anh/{}", f.code)).into_response()),
        Err(AppError::Invalid(why)) => detail_page(&state, &page, &f, Some(why), text).await,
        Err(e) => Err(ApiError::from(e).into()),
    }
}
