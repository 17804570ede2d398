//! Queue tickets at the desk: the kiosk where visitors take a number (`/lay-so/{desk}`), the
//! board that calls numbers (`/bang-goi-so/{desk}`), the officer's counter (`/quay`: call next,
//! came, absent, done; the dossier received in the visit is linked to it), and the figures of
//! wait and handling per day and counter (`/quay/so-lieu`).

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{NaiveDate, TimeDelta};
use motcua_app::{AppError, TicketGroup};
use motcua_core::calendar::deadline::local;
use motcua_core::tickets::{Ticket, TicketStatus, VisitFigures, figures};
use serde::Deserialize;
use uuid::Uuid;

use super::{Page, PageError, Ui, render};
use crate::auth::SourceAddr;
use crate::service::actor;
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/lay-so/{agency}", get(kiosk).post(take))
        .route("/bang-goi-so/{agency}", get(board))
        .route("/quay", get(counter))
        .route("/quay/goi", post(call))
        .route("/quay/{id}/{step}", post(step))
        .route("/quay/so-lieu", get(report))
}

fn hhmm(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| local(t).format("%H:%M").to_string())
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "ticket_kiosk.html")]
struct Kiosk {
    ui: Ui,
    agency: String,
    agency_name: String,
    groups: Vec<TicketGroup>,
    error: Option<String>,
    id_number: String,
    /// The number just taken: label, group, time, people ahead.
    taken: Option<(String, String, String, usize)>,
}

async fn desk_name(state: &AppState, agency: &str) -> Result<String, PageError> {
    match state.db.agency(agency).await? {
        Some(a) if a.code == agency => Ok(a.name),
        _ => Err(ApiError::NotFound.into()),
    }
}

async fn kiosk(
    State(state): State<AppState>,
    page: Page,
    Path(agency): Path<String>,
) -> Result<Response, PageError> {
    let agency_name = desk_name(&state, &agency).await?;
    Ok(render(&Kiosk {
        ui: page.ui,
        groups: state.app.ticket_groups().await?,
        agency,
        agency_name,
        error: None,
        id_number: String::new(),
        taken: None,
    }))
}

#[derive(Deserialize)]
struct TakeForm {
    group: Option<String>,
    id_number: Option<String>,
}

async fn take(
    State(state): State<AppState>,
    page: Page,
    SourceAddr(source): SourceAddr,
    Path(agency): Path<String>,
    Form(form): Form<TakeForm>,
) -> Result<Response, PageError> {
    // A public form: the same quota per address as the public lookup.
    state
        .lookup_limit
        .take(&source, state.clock.now().timestamp())
        .map_err(ApiError::TooMany)?;
    let agency_name = desk_name(&state, &agency).await?;
    let id_number = form.id_number.unwrap_or_default();
    let group = form.group.unwrap_or_default();
    let issued = state
        .app
        .issue_ticket(&agency, &group, Some(&id_number))
        .await;
    let (taken, error, status) = match issued {
        Ok(t) => {
            let today = t.day;
            let ahead = state
                .db
                .tickets(
                    std::slice::from_ref(&agency),
                    today,
                    today,
                    &[TicketStatus::Waiting],
                )
                .await?
                .iter()
                .filter(|w| w.group == t.group && w.number < t.number)
                .count();
            let label = t.label();
            (
                Some((label, t.group_name, hhmm(Some(t.issued_at)), ahead)),
                None,
                axum::http::StatusCode::OK,
            )
        }
        Err(AppError::Invalid(why)) => (
            None,
            Some(why),
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return Err(ApiError::from(e).into()),
    };
    let view = Kiosk {
        ui: page.ui,
        groups: state.app.ticket_groups().await?,
        agency,
        agency_name,
        id_number: if error.is_some() {
            id_number
        } else {
            String::new()
        },
        error,
        taken,
    };
    Ok((status, render(&view)).into_response())
}

#[derive(Template)]
#[template(path = "ticket_board.html")]
struct Board {
    ui: Ui,
    agency_name: String,
    /// Called numbers, latest first: label, counter, time.
    called: Vec<(String, String, String)>,
    /// Waiting per group: name, count.
    waiting: Vec<(String, usize)>,
}

async fn board(
    State(state): State<AppState>,
    page: Page,
    Path(agency): Path<String>,
) -> Result<Response, PageError> {
    let agency_name = desk_name(&state, &agency).await?;
    let today = local(state.clock.now()).date();
    let all = state
        .app
        .tickets(std::slice::from_ref(&agency), today, today)
        .await?;
    let mut called: Vec<&Ticket> = all.iter().filter(|t| t.called_at.is_some()).collect();
    called.sort_by_key(|t| std::cmp::Reverse(t.called_at));
    let mut waiting: BTreeMap<String, usize> = BTreeMap::new();
    for t in all.iter().filter(|t| t.status == TicketStatus::Waiting) {
        *waiting.entry(t.group_name.clone()).or_default() += 1;
    }
    Ok(render(&Board {
        ui: page.ui,
        agency_name,
        called: called
            .iter()
            .take(8)
            .map(|t| {
                (
                    t.label(),
                    t.counter.clone().unwrap_or_default(),
                    hhmm(t.called_at),
                )
            })
            .collect(),
        waiting: waiting.into_iter().collect(),
    }))
}

#[derive(Template)]
#[template(path = "ticket_counter.html")]
struct Counter {
    ui: Ui,
    agency: String,
    counter: String,
    groups: Vec<TicketGroup>,
    current: Option<Ticket>,
    error: Option<String>,
    /// Today at this desk.
    today: VisitFigures,
    waiting: usize,
}

#[derive(Deserialize, Default)]
struct CounterQuery {
    counter: Option<String>,
}

/// The desk an officer's counter belongs to: their first unit.
fn officer_desk(page: &Page) -> Result<String, PageError> {
    let p = page.user()?;
    p.units.first().cloned().ok_or_else(|| {
        ApiError::Forbidden("tài khoản chưa thuộc Bộ phận Một cửa nào".into()).into()
    })
}

async fn counter_page(
    state: &AppState,
    page: &Page,
    counter: String,
    error: Option<String>,
) -> Result<Response, PageError> {
    let agency = officer_desk(page)?;
    let by = actor(page.user()?);
    let today = local(state.clock.now()).date();
    let all = state
        .app
        .tickets(std::slice::from_ref(&agency), today, today)
        .await?;
    let current = state.app.counter_ticket(&by).await?;
    let counter = current
        .as_ref()
        .and_then(|t| t.counter.clone())
        .unwrap_or(counter);
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let view = Counter {
        ui: page.ui.clone(),
        groups: state.app.ticket_groups().await?,
        waiting: all
            .iter()
            .filter(|t| t.status == TicketStatus::Waiting)
            .count(),
        today: figures(&all),
        agency,
        counter,
        current,
        error,
    };
    Ok((status, render(&view)).into_response())
}

async fn counter(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<CounterQuery>,
) -> Result<Response, PageError> {
    let counter = q.counter.unwrap_or_else(|| "Quầy 1".to_owned());
    counter_page(&state, &page, counter, None).await
}

#[derive(Deserialize)]
struct CallForm {
    csrf: String,
    counter: String,
    #[serde(default)]
    group: String,
}

async fn call(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<CallForm>,
) -> Result<Response, PageError> {
    let by = actor(page.check_csrf(&form.csrf)?);
    let agency = officer_desk(&page)?;
    let groups: Vec<String> = form
        .group
        .split(',')
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect();
    match state
        .app
        .call_next(&by, &agency, &form.counter, &groups)
        .await
    {
        Ok(Some(_)) => Ok(Redirect::to("/quay").into_response()),
        Ok(None) => {
            let why = "Không còn ai chờ.".to_owned();
            counter_page(&state, &page, form.counter, Some(why)).await
        }
        Err(AppError::Invalid(why)) => counter_page(&state, &page, form.counter, Some(why)).await,
        Err(e) => Err(ApiError::from(e).into()),
    }
}

#[derive(Deserialize)]
struct StepForm {
    csrf: String,
}

async fn step(
    State(state): State<AppState>,
    page: Page,
    Path((id, name)): Path<(Uuid, String)>,
    Form(form): Form<StepForm>,
) -> Result<Response, PageError> {
    let by = actor(page.check_csrf(&form.csrf)?);
    let step = match name.as_str() {
        "phuc-vu" => "serve",
        "xong" => "finish",
        "vang" => "absent",
        _ => return Err(ApiError::NotFound.into()),
    };
    match state.app.ticket_step(&by, id, step).await {
        // The visitor is at the counter: straight to receiving their dossier.
        Ok(t) if t.status == TicketStatus::Serving => {
            Ok(Redirect::to("/desk/intake").into_response())
        }
        Ok(_) => Ok(Redirect::to("/quay").into_response()),
        Err(AppError::Invalid(why)) => counter_page(&state, &page, String::new(), Some(why)).await,
        Err(e) => Err(ApiError::from(e).into()),
    }
}

#[derive(Template)]
#[template(path = "ticket_figures.html")]
struct Figures {
    ui: Ui,
    from: String,
    to: String,
    /// Day, counter, figures.
    rows: Vec<(String, String, VisitFigures)>,
    total: VisitFigures,
}

#[derive(Deserialize, Default)]
struct Period {
    from: Option<String>,
    to: Option<String>,
}

async fn report(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<Period>,
) -> Result<Response, PageError> {
    let p = page.user()?;
    let today = local(state.clock.now()).date();
    let day = |s: &Option<String>| {
        s.as_deref()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    };
    let to = day(&q.to).unwrap_or(today);
    let from = day(&q.from).unwrap_or(to - TimeDelta::days(6)).min(to);
    // Staff see their units; supervisors and administrators the province's desks.
    let agencies: Vec<String> = if p.sees_whole_province() {
        state
            .db
            .agencies(&p.province)
            .await?
            .into_iter()
            .map(|a| a.code)
            .collect()
    } else {
        p.units.clone()
    };
    let all = state.app.tickets(&agencies, from, to).await?;
    let mut groups: BTreeMap<(NaiveDate, String), Vec<&Ticket>> = BTreeMap::new();
    for t in &all {
        let counter = t.counter.clone().unwrap_or_else(|| "—".to_owned());
        groups.entry((t.day, counter)).or_default().push(t);
    }
    Ok(render(&Figures {
        ui: page.ui.clone(),
        from: from.to_string(),
        to: to.to_string(),
        rows: groups
            .into_iter()
            .map(|((d, c), ts)| (d.format("%d/%m/%Y").to_string(), c, figures(ts)))
            .collect(),
        total: figures(&all),
    }))
}

/// Minutes, as people read them ("12,5 phút"); a dash when nothing was measured.
pub fn minutes(m: &Option<f64>) -> String {
    match m {
        Some(m) => format!("{:.1} phút", m).replace('.', ","),
        None => "—".to_owned(),
    }
}

impl Figures {
    fn m(&self, v: &Option<f64>) -> String {
        minutes(v)
    }
}

impl Counter {
    fn m(&self, v: &Option<f64>) -> String {
        minutes(v)
    }
}
