//! The report page for leaders and supervisors (`/bao-cao`): the periodic report per resolving
//! agency and in total for a period, with its rates, and the Decision 766 indicators the dossiers
//! hold. Supervisors and administrators see the province; a leader, the agencies they lead.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::{Datelike, NaiveDate};
use motcua_core::catalog::Role;
use motcua_core::kpi::{Outcome, Period, ReportRow, Tally, group_totals};
use serde::Deserialize;

use super::{Page, PageError, Ui, render};
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/bao-cao", get(report))
}

struct Row {
    unit: String,
    name: String,
    r: ReportRow,
    on_time: String,
    online: String,
}

struct IndicatorRow {
    code: &'static str,
    name: &'static str,
    shown: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Report {
    ui: Ui,
    province: String,
    from: String,
    to: String,
    rows: Vec<Row>,
    total: Row,
    indicators: Vec<IndicatorRow>,
    groups: Vec<(&'static str, String)>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct ReportQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "—".into(), |r| format!("{:.1} %", r * 100.0))
}

fn row(unit: &str, name: &str, r: ReportRow) -> Row {
    Row {
        unit: unit.into(),
        name: name.into(),
        on_time: pct(r.on_time_rate()),
        online: pct(r.online_rate()),
        r,
    }
}

async fn report(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let p = page.user()?;
    if !matches!(
        p.role,
        Role::Supervisor | Role::Administrator | Role::Leader
    ) {
        return Err(
            ApiError::Forbidden("báo cáo dành cho lãnh đạo và cán bộ giám sát".into()).into(),
        );
    }
    let today = motcua_core::calendar::deadline::local(state.clock.now()).date();
    let first = today.with_day(1).unwrap_or(today);
    let date = |text: Option<&String>, default: NaiveDate| match text.map(|t| t.trim()) {
        None | Some("") => Ok(default),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map_err(|_| format!("Ngày \"{t}\" không hợp lệ (cần dạng năm-tháng-ngày).")),
    };
    let (from, to) = (date(q.from.as_ref(), first), date(q.to.as_ref(), today));
    let error = match (&from, &to) {
        (Err(e), _) | (_, Err(e)) => Some(e.clone()),
        (Ok(f), Ok(t)) if t < f => Some(format!(
            "Ngày cuối kỳ {} trước ngày đầu kỳ {}.",
            t.format("%d/%m/%Y"),
            f.format("%d/%m/%Y")
        )),
        _ => None,
    };
    let shown = |d: &Result<NaiveDate, String>, raw: Option<&String>| match d {
        Ok(d) => d.to_string(),
        Err(_) => raw.cloned().unwrap_or_default(),
    };
    let province = state.app.province().await?;
    let mut view = Report {
        ui: page.ui.clone(),
        province: province
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        from: shown(&from, q.from.as_ref()),
        to: shown(&to, q.to.as_ref()),
        rows: vec![],
        total: row("", "", ReportRow::default()),
        indicators: vec![],
        groups: vec![],
        error,
    };
    let (Ok(from), Ok(to), None, Some(province)) = (from, to, &view.error, province) else {
        return Ok(render(&view));
    };
    let names: std::collections::HashMap<String, String> = state
        .db
        .agencies(&province.code)
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let figures = state
        .app
        .figures(&province.code, Period { from, to })
        .await?;
    let (mut total, mut tally) = (ReportRow::default(), Tally::default());
    for f in figures
        .iter()
        .filter(|f| p.sees_whole_province() || p.units.contains(&f.unit))
    {
        total.merge(&f.row);
        tally.merge(&f.tally);
        let name = names.get(&f.unit).map_or(f.unit.as_str(), String::as_str);
        view.rows.push(row(&f.unit, name, f.row));
    }
    view.total = row("", page.ui.t("Tổng", "Total"), total);
    let outcomes = tally.outcomes(None);
    view.groups = group_totals(&outcomes)
        .into_iter()
        .map(|(g, points)| (g, format!("{points:.2}")))
        .collect();
    view.indicators = outcomes
        .iter()
        .map(|(i, o)| IndicatorRow {
            code: i.code,
            name: i.name,
            shown: match o {
                Outcome::Scored {
                    numerator,
                    denominator,
                    score,
                } => format!("{numerator}/{denominator} — {score:.2}/{}", i.max),
                Outcome::NotApplicable => page.ui.t("không áp dụng", "not applicable").into(),
                Outcome::NoData => page.ui.t("chưa có dữ liệu", "no data").into(),
            },
        })
        .collect();
    Ok(render(&view))
}
