//! `/thong-ke`: public statistics without sign-in, as the national portal shows them — dossiers
//! received and finished this year and this month, the on-time rate, per agency and per field.
//! Computed from the KPI rollup and kept for five minutes: the page is open to everyone and
//! must not become a way to load the database. An installation holding several provinces
//! serves each (`?tinh=CODE`, the installation's own by default).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use motcua_app::{FigureQuery, FigureRow, Grouping};
use motcua_core::kpi::{Period, ReportRow};

use super::report::pct;
use super::{Page, PageError, Ui, render};
use crate::AppState;

/// How long the figures are kept.
const KEEP: TimeDelta = TimeDelta::minutes(5);

/// The figures of the page by province, and when they were computed.
#[derive(Clone, Default)]
pub(crate) struct PublicStatsCache(Arc<Mutex<HashMap<String, Computed>>>);

/// Figures and the instant they were computed at.
type Computed = (DateTime<Utc>, Stats);

#[derive(Clone)]
struct Line {
    name: String,
    received: u64,
    finished: u64,
    on_time: String,
    in_process: u64,
}

#[derive(Clone)]
struct Stats {
    province: String,
    year: i32,
    month: String,
    year_total: Line,
    month_total: Line,
    agencies: Vec<Line>,
    fields: Vec<Line>,
    computed: String,
}

#[derive(Template)]
#[template(path = "public_stats.html")]
struct View {
    ui: Ui,
    s: Stats,
    /// The other provinces the installation holds: (code, name).
    others: Vec<(String, String)>,
}

/// The longest `?tinh=` read.
const PROVINCE_CODE_MAX: usize = 8;

/// `?tinh=`: which of the installation's provinces.
#[derive(Debug, serde::Deserialize)]
struct Which {
    #[serde(default)]
    tinh: Option<String>,
}

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/thong-ke", get(stats))
}

fn line(name: &str, r: &ReportRow) -> Line {
    Line {
        name: name.to_owned(),
        received: r.received(),
        finished: r.finished(),
        on_time: pct(r.on_time_rate()),
        in_process: r.in_process(),
    }
}

fn lines(rows: &[FigureRow]) -> Vec<Line> {
    rows.iter()
        .filter(|r| r.row.received() + r.row.finished() + r.row.in_process() > 0)
        .map(|r| line(&r.name, &r.row))
        .collect()
}

async fn compute(
    state: &AppState,
    now: DateTime<Utc>,
    province: &motcua_app::Province,
) -> Result<Stats, PageError> {
    let today = motcua_core::calendar::deadline::local(now).date();
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let month_start = today.with_day(1).unwrap_or(today);
    let query = |from, by| FigureQuery {
        period: Period { from, to: today },
        by,
        under: None,
        visible: None,
        units: motcua_app::UnitView::Current,
    };
    let year = state
        .app
        .figures(&province.code, &query(year_start, Grouping::Agency))
        .await?;
    let month = state
        .app
        .figures(&province.code, &query(month_start, Grouping::Agency))
        .await?;
    let fields = state
        .app
        .figures(&province.code, &query(year_start, Grouping::Field))
        .await?;
    Ok(Stats {
        province: province.name.clone(),
        year: today.year(),
        month: today.format("%m/%Y").to_string(),
        year_total: line(&province.name, &year.total.row),
        month_total: line(&province.name, &month.total.row),
        agencies: lines(&year.rows),
        fields: lines(&fields.rows),
        computed: super::when(now),
    })
}

async fn stats(
    State(state): State<AppState>,
    page: Page,
    Query(which): Query<Which>,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    // A province code is two digits; anything longer is no province's and is refused.
    if which
        .tinh
        .as_ref()
        .is_some_and(|t| t.chars().count() > PROVINCE_CODE_MAX)
    {
        return Err(crate::ApiError::Invalid(format!(
            "Mã tỉnh quá dài (tối đa {PROVINCE_CODE_MAX} ký tự)."
        ))
        .into());
    }
    let provinces = state.app.provinces().await?;
    // Only a province held here: any other text reads the installation's own.
    let wanted = which.tinh.as_deref();
    let Some(province) = provinces
        .iter()
        .find(|p| Some(p.code.as_str()) == wanted)
        .or_else(|| provinces.first())
    else {
        return Err(crate::ApiError::NotFound.into());
    };
    let cached = state
        .public_stats
        .0
        .lock()
        .ok()
        .and_then(|c| c.get(&province.code).cloned())
        .filter(|(at, _)| now - *at < KEEP && *at <= now);
    let s = match cached {
        Some((_, s)) => s,
        None => {
            let s = compute(&state, now, province).await?;
            if let Ok(mut c) = state.public_stats.0.lock() {
                c.insert(province.code.clone(), (now, s.clone()));
            }
            s
        }
    };
    let others = provinces
        .iter()
        .filter(|p| p.code != province.code)
        .map(|p| (p.code.clone(), p.name.clone()))
        .collect();
    let mut response = render(&View {
        ui: page.ui,
        s,
        others,
    });
    // Shared caches may keep it as long as the service does.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=300"),
    );
    Ok(response.into_response())
}
