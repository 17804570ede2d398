//! The dashboard and periodic report for leaders and supervisors (`/bao-cao`): for a period and a
//! unit (the province, a department, a commune), the Decision 766 groups and indicators, the
//! plan's targets met or behind, the trend by month and the units side by side as SVG charts
//! (with their numbers as tables), and the periodic report by agency, desk, field, procedure or
//! channel — every number a link to the dossiers behind it. Supervisors and administrators see
//! the province; a leader, the agencies they lead. Exports: `report_export`; lists:
//! `report_dossiers`.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::{Datelike, Months, NaiveDate};
use motcua_app::{FigureQuery, Grouping, Province, UnitView};
use motcua_core::catalog::Role;
use motcua_core::kpi::behind::{COLUMNS, column_value};
use motcua_core::kpi::targets::Standing;
use motcua_core::kpi::{Outcome, Period, ReportRow, group_totals};
use serde::Deserialize;

use super::{Page, PageError, Ui, render, report_charts};
use crate::auth::Principal;
use crate::{ApiError, AppState};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/bao-cao", get(dashboard))
        .route("/bao-cao.xlsx", get(super::report_export::xlsx))
        .route("/bao-cao.csv", get(super::report_export::csv))
        .route("/bao-cao/ho-so", get(super::report_dossiers::list))
}

/// The columns of the periodic report, in the order every table and export shows them.
pub(super) const REPORT_COLUMNS: [&str; 17] = [
    "carried_over",
    "received.online",
    "received.counter",
    "received.postal",
    "received.portal",
    "received.total",
    "received.boundary_free",
    "finished.early",
    "finished.on_time",
    "finished.late",
    "finished.late_with_apology",
    "finished.total",
    "refused",
    "withdrawn",
    "in_process.not_due",
    "in_process.overdue",
    "in_process.total",
];

/// The heading of a column.
pub(super) fn column_title(c: &str) -> &'static str {
    COLUMNS
        .iter()
        .find(|(k, _)| *k == c)
        .map_or("", |(_, t)| *t)
}

/// The 766 groups: code, Vietnamese name, maximum points.
pub(super) const GROUPS: [(&str, &str, f64); 6] = [
    ("CKMB", "Công khai, minh bạch", 18.0),
    ("TDGQ", "Tiến độ giải quyết", 20.0),
    ("CLGQ", "Cung cấp dịch vụ trực tuyến", 12.0),
    ("TTTT", "Thanh toán trực tuyến", 10.0),
    ("MDSH", "Mức độ số hóa hồ sơ", 22.0),
    ("MDHL", "Mức độ hài lòng", 18.0),
];

/// The query string of every report page and export.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct ReportParams {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub agency: Option<String>,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub m: Option<String>,
    #[serde(default)]
    pub units: Option<String>,
}

/// What a report page reads: the province, and the query or why it cannot be read.
pub(super) struct Selection {
    pub province: Province,
    pub query: Result<FigureQuery, String>,
    pub from: String,
    pub to: String,
    pub by: Grouping,
    pub agency: String,
    pub units: UnitView,
}

/// Only leaders, supervisors and administrators read reports.
pub(super) fn reader(page: &Page) -> Result<&Principal, PageError> {
    let p = page.user()?;
    if matches!(
        p.role,
        Role::Supervisor | Role::Administrator | Role::Leader
    ) {
        Ok(p)
    } else {
        Err(ApiError::Forbidden("báo cáo dành cho lãnh đạo và cán bộ giám sát".into()).into())
    }
}

fn clean(v: Option<&String>) -> Option<&str> {
    v.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// Reads the period, grouping and unit of a request (this month up to today by default).
pub(super) async fn select(
    state: &AppState,
    page: &Page,
    q: &ReportParams,
) -> Result<Selection, PageError> {
    let p = reader(page)?;
    let province = state.app.province().await?.ok_or(ApiError::NotFound)?;
    let today = motcua_core::calendar::deadline::local(state.clock.now()).date();
    let first = today.with_day(1).unwrap_or(today);
    let too_long = [&q.from, &q.to, &q.by, &q.agency, &q.key, &q.m, &q.units]
        .iter()
        .any(|v| v.as_ref().is_some_and(|s| s.chars().count() > 100));
    let date = |text: Option<&str>, default: NaiveDate| match text {
        None => Ok(default),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map_err(|_| format!("Ngày \"{t}\" không hợp lệ (cần dạng năm-tháng-ngày).")),
    };
    let from = date(clean(q.from.as_ref()), first);
    let to = date(clean(q.to.as_ref()), today);
    let by = clean(q.by.as_ref()).map_or(Ok(Grouping::Agency), |b| {
        Grouping::parse(b).ok_or_else(|| format!("Cách nhóm \"{b}\" không có."))
    });
    let units = clean(q.units.as_ref()).map_or(Ok(UnitView::Current), |u| {
        UnitView::parse(u).ok_or_else(|| format!("Cách xem đơn vị \"{u}\" không có."))
    });
    let agency = clean(q.agency.as_ref()).map(str::to_owned);
    let shown = |d: &Result<NaiveDate, String>, raw: Option<&String>| match d {
        Ok(d) => d.to_string(),
        Err(_) => raw.cloned().unwrap_or_default(),
    };
    let mut sel = Selection {
        from: shown(&from, q.from.as_ref()),
        to: shown(&to, q.to.as_ref()),
        by: *by.as_ref().unwrap_or(&Grouping::Agency),
        agency: agency.clone().unwrap_or_default(),
        units: *units.as_ref().unwrap_or(&UnitView::Current),
        province,
        query: Err(String::new()),
    };
    sel.query = (|| {
        if too_long {
            return Err("Tham số quá dài (tối đa 100 ký tự).".to_owned());
        }
        let (from, to, by, units) = (from?, to?, by?, units?);
        if to < from {
            return Err(format!(
                "Ngày cuối kỳ {} trước ngày đầu kỳ {}.",
                to.format("%d/%m/%Y"),
                from.format("%d/%m/%Y")
            ));
        }
        if (to - from).num_days() > 3700 {
            return Err("Kỳ báo cáo dài quá 10 năm.".to_owned());
        }
        Ok(FigureQuery {
            period: Period { from, to },
            by,
            under: agency,
            visible: (!p.sees_whole_province()).then(|| p.units.clone()),
            units,
        })
    })();
    Ok(sel)
}

/// A query string for report links: the selection, and optionally a row key and a figure.
pub(super) fn link(sel: &Selection, key: Option<&str>, m: Option<&str>) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("from", &sel.from);
    s.append_pair("to", &sel.to);
    s.append_pair("by", sel.by.as_str());
    if !sel.agency.is_empty() {
        s.append_pair("agency", &sel.agency);
    }
    if sel.units != UnitView::Current {
        s.append_pair("units", sel.units.as_str());
    }
    if let Some(k) = key {
        s.append_pair("key", k);
    }
    if let Some(m) = m {
        s.append_pair("m", m);
    }
    s.finish()
}

pub(super) fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "—".into(), |r| format!("{:.1} %", r * 100.0))
}

struct Num {
    value: u64,
    href: String,
}

struct Line {
    key: String,
    name: String,
    cells: Vec<Num>,
    on_time: String,
    online: String,
}

fn line(sel: &Selection, key: Option<&str>, name: &str, r: &ReportRow) -> Line {
    Line {
        key: key.unwrap_or("").to_owned(),
        name: name.to_owned(),
        cells: REPORT_COLUMNS
            .iter()
            .map(|c| Num {
                value: column_value(r, c),
                href: format!("/bao-cao/ho-so?{}", link(sel, key, Some(c))),
            })
            .collect(),
        on_time: pct(r.on_time_rate()),
        online: pct(r.online_rate()),
    }
}

struct IndicatorLine {
    code: &'static str,
    name: &'static str,
    numerator: String,
    denominator: String,
    ratio: String,
    score: String,
    max: f64,
    status: &'static str,
    misses: u64,
    href: String,
}

struct GroupCard {
    code: &'static str,
    name: &'static str,
    points: String,
    max: f64,
}

struct PlanRow {
    figure: &'static str,
    unit: String,
    target: String,
    by: String,
    value: String,
    met: Option<bool>,
    gap: String,
    plan: String,
}

struct TrendRow {
    month: String,
    received: u64,
    online: u64,
    finished: u64,
    on_time: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Dashboard {
    ui: Ui,
    province: String,
    unit: String,
    from: String,
    to: String,
    period: String,
    by: &'static str,
    heading: &'static str,
    agency: String,
    by_options: Vec<(&'static str, &'static str)>,
    agencies: Vec<(String, String)>,
    /// Some units were merged away: the page offers both readings.
    merged: bool,
    unit_view: &'static str,
    presets: Vec<(&'static str, String)>,
    query: String,
    error: Option<String>,
    groups: Vec<GroupCard>,
    total_points: String,
    indicators: Vec<IndicatorLine>,
    national: String,
    plan: Vec<PlanRow>,
    trend_svg: String,
    trend: Vec<TrendRow>,
    units_svg: String,
    units: Vec<(String, String)>,
    rows: Vec<Line>,
    total: Line,
    place_date: String,
}

fn shown(o: &Outcome) -> (String, String, String, String, &'static str, u64) {
    match o {
        Outcome::Scored {
            numerator,
            denominator,
            score,
        } => {
            #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
            let r = *numerator as f64 / *denominator as f64;
            (
                numerator.to_string(),
                denominator.to_string(),
                pct(Some(r)),
                format!("{score:.2}"),
                "scored",
                denominator - numerator,
            )
        }
        Outcome::NotApplicable => (
            "0".into(),
            "0".into(),
            "—".into(),
            "—".into(),
            "not_applicable",
            0,
        ),
        Outcome::NoData => ("—".into(), "—".into(), "—".into(), "—".into(), "no_data", 0),
    }
}

async fn dashboard(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ReportParams>,
) -> Result<Response, PageError> {
    let sel = select(&state, &page, &q).await?;
    let p = reader(&page)?;
    // Units merged away are listed (and read on their own) only by the units as they were.
    let ever = state.db.agencies_ever(&sel.province.code).await?;
    let merged = ever.iter().any(|a| a.merged_into.is_some());
    let successor_of = |a: &motcua_store::StoredAgency| {
        a.merged_into
            .and_then(|s| ever.iter().find(|x| x.id == s))
            .map(|s| s.code.clone())
    };
    let agencies: Vec<(String, String)> = ever
        .iter()
        .filter(|a| a.active || sel.units == UnitView::AsTheyWere)
        .filter(|a| {
            p.sees_whole_province()
                || p.units.contains(&a.code)
                || successor_of(a).is_some_and(|s| p.units.contains(&s))
        })
        .map(|a| {
            let name = if a.active {
                a.name.clone()
            } else {
                format!("{} ({})", a.name, page.ui.t("đã sáp nhập", "merged"))
            };
            (a.code.clone(), name)
        })
        .collect();
    let unit = agencies
        .iter()
        .find(|(c, _)| *c == sel.agency)
        .map_or_else(|| sel.province.name.clone(), |(_, n)| n.clone());
    let today = motcua_core::calendar::deadline::local(state.clock.now()).date();
    let preset = |label, from: NaiveDate, to: NaiveDate| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair("from", &from.to_string());
        s.append_pair("to", &to.to_string());
        s.append_pair("by", sel.by.as_str());
        if !sel.agency.is_empty() {
            s.append_pair("agency", &sel.agency);
        }
        if sel.units != UnitView::Current {
            s.append_pair("units", sel.units.as_str());
        }
        (label, format!("/bao-cao?{}", s.finish()))
    };
    let month = today.with_day(1).unwrap_or(today);
    let quarter =
        NaiveDate::from_ymd_opt(today.year(), (today.month0() / 3) * 3 + 1, 1).unwrap_or(month);
    let year = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(month);
    let last_month = month.checked_sub_months(Months::new(1)).unwrap_or(month);
    let mut view = Dashboard {
        ui: page.ui.clone(),
        province: sel.province.name.clone(),
        unit,
        from: sel.from.clone(),
        to: sel.to.clone(),
        period: String::new(),
        by: sel.by.as_str(),
        heading: sel.by.heading(),
        agency: sel.agency.clone(),
        by_options: Grouping::ALL
            .iter()
            .map(|g| (g.as_str(), g.heading()))
            .collect(),
        agencies,
        merged,
        unit_view: sel.units.as_str(),
        presets: vec![
            preset("Tháng này", month, today),
            preset("Tháng trước", last_month, month.pred_opt().unwrap_or(month)),
            preset("Quý này", quarter, today),
            preset("Năm nay", year, today),
        ],
        query: link(&sel, None, None),
        error: None,
        groups: vec![],
        total_points: String::new(),
        indicators: vec![],
        national: String::new(),
        plan: vec![],
        trend_svg: String::new(),
        trend: vec![],
        units_svg: String::new(),
        units: vec![],
        rows: vec![],
        total: line(&sel, None, "", &ReportRow::default()),
        place_date: String::new(),
    };
    let q = match &sel.query {
        Ok(q) => q.clone(),
        Err(e) => {
            view.error = Some(e.clone());
            return Ok(render(&view));
        }
    };
    view.period = format!(
        "Kỳ báo cáo: từ ngày {} đến ngày {}",
        q.period.from.format("%d/%m/%Y"),
        q.period.to.format("%d/%m/%Y")
    );
    view.place_date = format!(
        "ngày {} tháng {} năm {}",
        today.day(),
        today.month(),
        today.year()
    );
    let figures = match state.app.figures(&sel.province.code, &q).await {
        Ok(f) => f,
        Err(motcua_app::AppError::NotFound(m)) => {
            view.error = Some(format!("{m}."));
            return Ok(render(&view));
        }
        Err(e) => return Err(e.into()),
    };
    let outcomes = figures.total.tally.outcomes(None);
    let totals = group_totals(&outcomes);
    view.groups = GROUPS
        .iter()
        .map(|(code, name, max)| GroupCard {
            code,
            name,
            points: totals
                .iter()
                .find(|(g, _)| g == code)
                .map_or_else(|| "chưa có dữ liệu".into(), |(_, p)| format!("{p:.2}")),
            max: *max,
        })
        .collect();
    view.total_points = format!("{:.2}", totals.iter().map(|(_, p)| p).sum::<f64>());
    view.indicators = outcomes
        .iter()
        .map(|(i, o)| {
            let (numerator, denominator, ratio, score, status, misses) = shown(o);
            IndicatorLine {
                code: i.code,
                name: i.name,
                numerator,
                denominator,
                ratio,
                score,
                max: i.max,
                status,
                misses,
                href: format!(
                    "/bao-cao/ho-so?{}",
                    link(&sel, None, Some(&format!("i:{}", i.code)))
                ),
            }
        })
        .collect();
    let (n, d, ratio, ..) = shown(&figures.total.tally.on_time_national());
    view.national = format!("{n}/{d} ({ratio})");
    view.plan = state
        .app
        .plan_lines(&sel.province.code, &q)
        .await?
        .into_iter()
        .map(|l| {
            let show = |v: f64| {
                if l.figure.is_share() {
                    format!("{:.1} %", v * 100.0)
                } else {
                    format!("{v:.0}")
                }
            };
            let gap = |v: f64| {
                if !l.figure.is_share() {
                    format!("{v:.0}")
                } else if v * 100.0 < 0.05 {
                    // A gap the one-decimal figures cannot show is still a gap.
                    format!("{:.2} điểm %", v * 100.0)
                } else {
                    format!("{:.1} điểm %", v * 100.0)
                }
            };
            PlanRow {
                figure: l.figure.name(),
                unit: l.unit,
                target: show(l.target.value),
                by: l.target.by.format("%d/%m/%Y").to_string(),
                value: l.value.map_or_else(|| "chưa có dữ liệu".into(), show),
                met: match l.standing {
                    Standing::Met(_) => Some(true),
                    Standing::Behind(_) => Some(false),
                    Standing::NoData => None,
                },
                gap: match l.standing {
                    Standing::Met(g) => format!("vượt {}", gap(g)),
                    Standing::Behind(g) => format!("thiếu {}", gap(g)),
                    Standing::NoData => String::new(),
                },
                plan: l.plan,
            }
        })
        .collect();
    let months = state
        .app
        .monthly(
            &sel.province.code,
            q.under.as_deref(),
            q.visible.as_deref(),
            q.period.to,
            12,
        )
        .await?;
    view.trend_svg = report_charts::trend(
        "Hồ sơ tiếp nhận theo tháng (cột) và tỉ lệ giải quyết đúng hạn (đường)",
        &months,
    );
    view.trend = months
        .iter()
        .map(|m| TrendRow {
            month: m.month.format("%m/%Y").to_string(),
            received: m.received,
            online: m.online,
            finished: m.finished,
            on_time: pct(
                #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
                (m.finished > 0).then(|| m.on_time as f64 / m.finished as f64),
            ),
        })
        .collect();
    let mut side: Vec<(String, Option<f64>)> = figures
        .rows
        .iter()
        .filter(|r| r.row.finished() > 0)
        .map(|r| (r.name.clone(), r.row.on_time_rate()))
        .collect();
    side.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal));
    side.truncate(20);
    view.units_svg = report_charts::side_by_side(
        &format!(
            "Tỉ lệ giải quyết đúng hạn theo {}",
            sel.by.heading().to_lowercase()
        ),
        &side,
    );
    view.units = side.iter().map(|(n, r)| (n.clone(), pct(*r))).collect();
    view.rows = figures
        .rows
        .iter()
        .map(|r| line(&sel, Some(&r.key), &r.name, &r.row))
        .collect();
    view.total = line(
        &sel,
        None,
        page.ui.t("Tổng cộng", "Total"),
        &figures.total.row,
    );
    Ok(render(&view))
}
