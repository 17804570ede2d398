//! The dashboard's charts as inline SVG drawn on the server: no script, no external tiles or
//! fonts; they scale to a phone (viewBox), print in black and grey, and each has its numbers in a
//! table beside it for screen readers.

use motcua_app::MonthFigures;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
fn rate(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// Received per month as bars, the on-time rate of finished dossiers as a line (0–100 %).
#[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
pub(super) fn trend(title: &str, months: &[MonthFigures]) -> String {
    let (w, h, left, bottom, top) = (640.0, 240.0, 44.0, 28.0, 16.0);
    let plot_h = h - bottom - top;
    let max = months.iter().map(|m| m.received).max().unwrap_or(0).max(1) as f64;
    let slot = (w - left * 2.0) / months.len().max(1) as f64;
    let mut s = format!(
        r#"<svg viewBox="0 0 {w} {h}" role="img" aria-label="{}" class="chart"><title>{}</title>"#,
        esc(title),
        esc(title)
    );
    // Axes and a scale: the largest month, half of it, 0; percentages on the right.
    for (frac, label) in [(0.0, "0"), (0.5, ""), (1.0, "")] {
        let y = top + plot_h * (1.0 - frac);
        s.push_str(&format!(
            r##"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#ccc"/>"##,
            w - left
        ));
        let count = if label.is_empty() {
            format!("{:.0}", max * frac)
        } else {
            label.to_owned()
        };
        s.push_str(&format!(
            r#"<text x="{}" y="{:.1}" font-size="10" text-anchor="end">{count}</text><text x="{}" y="{:.1}" font-size="10">{:.0} %</text>"#,
            left - 4.0,
            y + 3.0,
            w - left + 4.0,
            y + 3.0,
            frac * 100.0
        ));
    }
    let mut line = Vec::new();
    for (i, m) in months.iter().enumerate() {
        let x = left + slot * i as f64;
        let bh = plot_h * m.received as f64 / max;
        s.push_str(&format!(
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="#8fb3d9"><title>{}: {} hồ sơ tiếp nhận</title></rect>"##,
            x + slot * 0.15,
            top + plot_h - bh,
            slot * 0.7,
            m.month.format("%m/%Y"),
            m.received
        ));
        s.push_str(&format!(
            r#"<text x="{:.1}" y="{}" font-size="10" text-anchor="middle">{}</text>"#,
            x + slot / 2.0,
            h - 10.0,
            m.month.format("%m/%y")
        ));
        if let Some(r) = rate(m.on_time, m.finished) {
            line.push(format!(
                "{:.1},{:.1}",
                x + slot / 2.0,
                top + plot_h * (1.0 - r)
            ));
        }
    }
    if line.len() > 1 {
        s.push_str(&format!(
            r##"<polyline points="{}" fill="none" stroke="#1a5e1a" stroke-width="2"/>"##,
            line.join(" ")
        ));
    }
    for p in &line {
        let (x, y) = p.split_once(',').unwrap_or(("0", "0"));
        s.push_str(&format!(
            r##"<circle cx="{x}" cy="{y}" r="3" fill="#1a5e1a"/>"##
        ));
    }
    s.push_str("</svg>");
    s
}

/// One bar per row: its on-time rate (0–100 %), its name and the rate written out.
#[expect(clippy::cast_precision_loss, reason = "row counts are small")]
pub(super) fn side_by_side(title: &str, rows: &[(String, Option<f64>)]) -> String {
    let (w, bar_h, label_w) = (640.0, 22.0, 260.0);
    let h = bar_h * rows.len().max(1) as f64 + 8.0;
    let mut s = format!(
        r#"<svg viewBox="0 0 {w} {h}" role="img" aria-label="{}" class="chart"><title>{}</title>"#,
        esc(title),
        esc(title)
    );
    for (i, (name, r)) in rows.iter().enumerate() {
        let y = 4.0 + bar_h * i as f64;
        // Names of one kind differ at their end ("… khu vực Hải Châu"): keep the end.
        let n = name.chars().count();
        let short: String = if n > 40 {
            std::iter::once('…')
                .chain(name.chars().skip(n - 39))
                .collect()
        } else {
            name.to_owned()
        };
        s.push_str(&format!(
            r#"<text x="{}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"#,
            label_w - 6.0,
            y + bar_h * 0.65,
            esc(&short)
        ));
        let shown = r.map_or_else(|| "—".to_owned(), |r| format!("{:.1} %", r * 100.0));
        let bw = (w - label_w - 60.0) * r.unwrap_or(0.0);
        s.push_str(&format!(
            r##"<rect x="{label_w}" y="{:.1}" width="{bw:.1}" height="{:.1}" fill="#8fb3d9"/><text x="{:.1}" y="{:.1}" font-size="11">{shown}</text>"##,
            y + 3.0,
            bar_h - 6.0,
            label_w + bw + 4.0,
            y + bar_h * 0.65
        ));
    }
    s.push_str("</svg>");
    s
}
