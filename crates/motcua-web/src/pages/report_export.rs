//! The periodic report as Excel (.xlsx: the state layout's heading, merged column headings,
//! numbers as numbers, a totals row) and as CSV, with the columns of the page.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use motcua_core::kpi::behind::column_value;

use super::report::{REPORT_COLUMNS, ReportParams, Selection, column_title, select};
use super::{Page, PageError};
use crate::xlsx::{Cell, Sheet, Style, workbook};
use crate::{ApiError, AppState};

/// The column groups above the columns: (heading, first column, number of columns).
const GROUP_HEADS: [(&str, usize, usize); 3] = [
    ("Tiếp nhận trong kỳ", 1, 6),
    ("Đã giải quyết", 7, 5),
    ("Đang giải quyết cuối kỳ", 14, 3),
];

async fn figures(
    state: &AppState,
    page: &Page,
    q: &ReportParams,
) -> Result<(Selection, motcua_app::Figures), PageError> {
    let sel = select(state, page, q).await?;
    let query = sel.query.clone().map_err(ApiError::Invalid)?;
    let figures = state.app.figures(&sel.province.code, &query).await?;
    Ok((sel, figures))
}

/// Sets a cell of a row made wide enough beforehand.
fn put(row: &mut [Cell], i: usize, cell: Cell) {
    if let Some(c) = row.get_mut(i) {
        *c = cell;
    }
}

fn file_name(sel: &Selection, ext: &str) -> String {
    format!("bao-cao-{}-{}.{ext}", sel.from, sel.to)
}

fn attachment(content_type: &'static str, name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// `GET /bao-cao.xlsx`.
pub(super) async fn xlsx(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ReportParams>,
) -> Result<Response, PageError> {
    let (sel, figures) = figures(&state, &page, &q).await?;
    let width = REPORT_COLUMNS.len() + 3;
    let today = motcua_core::calendar::deadline::local(state.clock.now()).date();
    let text = |s: &str, st| Cell::Text(s.to_owned(), st);
    let num = |v: u64, st| {
        #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
        Cell::Number(v as f64, st)
    };
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut merges = Vec::new();
    let unit = if sel.agency.is_empty() {
        sel.province.name.clone()
    } else {
        state
            .db
            .agency(&sel.agency)
            .await?
            .map_or_else(|| sel.agency.clone(), |a| a.name)
    };
    // The state layout's heading: the issuing body left, the national motto right.
    let half = 6;
    let heading = [
        (
            format!("UBND {}", sel.province.name.to_uppercase()),
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".to_owned(),
        ),
        (unit, "Độc lập - Tự do - Hạnh phúc".to_owned()),
        (
            String::new(),
            format!(
                "ngày {} tháng {} năm {}",
                today.day(),
                today.month(),
                today.year()
            ),
        ),
    ];
    for (i, (left, right)) in heading.into_iter().enumerate() {
        let r = rows.len();
        let mut row = vec![Cell::Empty; width];
        put(&mut row, 0, text(&left, Style::Title));
        // The place and date line is not bold.
        put(
            &mut row,
            half,
            text(&right, if i == 2 { Style::Plain } else { Style::Title }),
        );
        merges.push((r, 0, r, half - 1));
        merges.push((r, half, r, width - 1));
        rows.push(row);
    }
    rows.push(vec![]);
    for line in [
        "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH".to_owned(),
        format!("Kỳ báo cáo: từ ngày {} đến ngày {}", sel.from, sel.to),
    ] {
        let r = rows.len();
        let mut row = vec![Cell::Empty; width];
        put(&mut row, 0, text(&line, Style::Title));
        merges.push((r, 0, r, width - 1));
        rows.push(row);
    }
    rows.push(vec![]);
    // Two heading rows: groups over their columns; single columns span both rows.
    let (h1, h2) = (rows.len(), rows.len() + 1);
    let mut top = vec![Cell::Empty; width];
    let mut sub = vec![Cell::Empty; width];
    put(&mut top, 0, text(sel.by.heading(), Style::Header));
    put(&mut sub, 0, Cell::Text(String::new(), Style::Header));
    merges.push((h1, 0, h2, 0));
    for (i, c) in REPORT_COLUMNS.iter().enumerate() {
        let col = i + 1;
        match GROUP_HEADS
            .iter()
            .find(|(_, first, n)| (*first..first + n).contains(&i))
        {
            Some((title, first, n)) => {
                if i == *first {
                    put(&mut top, col, text(title, Style::Header));
                    merges.push((h1, col, h1, col + n - 1));
                } else {
                    put(&mut top, col, Cell::Text(String::new(), Style::Header));
                }
                put(&mut sub, col, text(column_title(c), Style::Header));
            }
            None => {
                put(&mut top, col, text(column_title(c), Style::Header));
                put(&mut sub, col, Cell::Text(String::new(), Style::Header));
                merges.push((h1, col, h2, col));
            }
        }
    }
    for (j, title) in ["Tỉ lệ đúng hạn", "Tỉ lệ trực tuyến"].iter().enumerate() {
        let col = REPORT_COLUMNS.len() + 1 + j;
        put(&mut top, col, text(title, Style::Header));
        put(&mut sub, col, Cell::Text(String::new(), Style::Header));
        merges.push((h1, col, h2, col));
    }
    rows.push(top);
    rows.push(sub);
    let body = |name: &str, r: &motcua_core::kpi::ReportRow, total: bool| {
        let (st_text, st_num) = if total {
            (Style::Total, Style::Total)
        } else {
            (Style::Text, Style::Number)
        };
        let mut row = vec![text(name, st_text)];
        row.extend(
            REPORT_COLUMNS
                .iter()
                .map(|c| num(column_value(r, c), st_num)),
        );
        for rate in [r.on_time_rate(), r.online_rate()] {
            row.push(match rate {
                Some(v) => Cell::Number(v, Style::Percent),
                None => text("—", Style::Text),
            });
        }
        row
    };
    for r in &figures.rows {
        rows.push(body(&r.name, &r.row, false));
    }
    rows.push(body("Tổng cộng", &figures.total.row, true));
    let mut widths = vec![40.0];
    widths.extend(std::iter::repeat_n(11.0, width - 1));
    let sheet = Sheet {
        name: "Báo cáo".into(),
        rows,
        merges,
        widths,
    };
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &file_name(&sel, "xlsx"),
        workbook(&sheet),
    ))
}

/// `GET /bao-cao.csv`: one heading row (group and column), the rows, the totals.
pub(super) async fn csv(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ReportParams>,
) -> Result<Response, PageError> {
    let (sel, figures) = figures(&state, &page, &q).await?;
    let mut head = vec![crate::csv::text("Mã"), crate::csv::text(sel.by.heading())];
    for (i, c) in REPORT_COLUMNS.iter().enumerate() {
        let group = GROUP_HEADS
            .iter()
            .find(|(_, first, n)| (*first..first + n).contains(&i))
            .map_or(String::new(), |(g, ..)| format!("{g}: "));
        head.push(crate::csv::text(&format!("{group}{}", column_title(c))));
    }
    head.push(crate::csv::text("Tỉ lệ đúng hạn"));
    head.push(crate::csv::text("Tỉ lệ trực tuyến"));
    let mut out = String::from("\u{feff}");
    out.push_str(&head.join(","));
    out.push_str("\r\n");
    let rate = |r: Option<f64>| r.map_or_else(String::new, |v| format!("{v:.4}"));
    let mut line = |key: &str, name: &str, r: &motcua_core::kpi::ReportRow| {
        let mut cells = vec![crate::csv::text(key), crate::csv::text(name)];
        cells.extend(
            REPORT_COLUMNS
                .iter()
                .map(|c| column_value(r, c).to_string()),
        );
        cells.push(rate(r.on_time_rate()));
        cells.push(rate(r.online_rate()));
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    };
    for r in &figures.rows {
        line(&r.key, &r.name, &r.row);
    }
    line("", "Tổng cộng", &figures.total.row);
    Ok(attachment(
        "text/csv; charset=utf-8",
        &file_name(&sel, "csv"),
        out.into_bytes(),
    ))
}
