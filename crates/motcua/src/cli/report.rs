//! `motcua report --from D --to D`: the periodic report (KPI.md §2) per resolving agency and for
//! the province, balanced on every row, with its rates, and the Decision 766 indicators held in
//! dossiers (§3). Computed from the dossiers themselves (see `App::figures`).

use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;
use clap::Args;
use motcua_core::kpi::{Outcome, Period, ReportRow, Tally, group_totals};

use super::{Ctx, open_db};
use crate::clock::SystemClock;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First day (YYYY-MM-DD).
    #[arg(long)]
    pub from: NaiveDate,
    /// Last day, included (YYYY-MM-DD).
    #[arg(long)]
    pub to: NaiveDate,
    /// The Decision 766 indicators instead of the periodic report (`motcua kpi`).
    #[arg(skip)]
    pub kpi: bool,
}

fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "—".into(), |r| format!("{:.1} %", r * 100.0))
}

/// A row as the JSON contract names it (issue 14): `key` is the agency's electronic identifier.
fn row_json(key: &str, name: &str, r: &ReportRow) -> serde_json::Value {
    serde_json::json!({
        "key": key, "name": name, "carried_over": r.carried_over,
        "received": {"online": r.received_online, "counter": r.received_counter, "postal": r.received_post,
                     "portal": r.received_national_portal, "total": r.received()},
        "finished": {"early": r.finished_early, "on_time": r.finished_on_time, "late": r.finished_late, "total": r.finished()},
        "refused": r.refused, "withdrawn": r.withdrawn,
        "in_process": {"not_due": r.in_process_not_due, "overdue": r.in_process_overdue, "total": r.in_process()},
    })
}

/// The indicators as the JSON contract names them: ratios as fractions, counts as integers.
fn indicators_json(outcomes: &[(motcua_core::kpi::Indicator, Outcome)]) -> serde_json::Value {
    let list: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|(i, o)| {
            let (n, d, ratio, score, status) = match o {
                Outcome::Scored {
                    numerator,
                    denominator,
                    score,
                } => {
                    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
                    let ratio = *numerator as f64 / *denominator as f64;
                    (
                        Some(*numerator),
                        Some(*denominator),
                        Some(ratio),
                        Some(*score),
                        "scored",
                    )
                }
                Outcome::NotApplicable => (None, Some(0), None, None, "not_applicable"),
                Outcome::NoData => (None, None, None, None, "no_data"),
            };
            serde_json::json!({
                "code": i.code, "name": i.name, "numerator": n, "denominator": d, "ratio": ratio,
                "threshold": i.threshold, "max": i.max, "score": score, "status": status,
            })
        })
        .collect();
    let groups: serde_json::Map<String, serde_json::Value> = group_totals(outcomes)
        .into_iter()
        .map(|(g, points)| {
            (
                g.to_owned(),
                serde_json::json!((points * 100.0).round() / 100.0),
            )
        })
        .collect();
    let total: f64 = group_totals(outcomes).iter().map(|(_, p)| p).sum();
    serde_json::json!({"indicators": list, "groups": groups, "total": (total * 100.0).round() / 100.0})
}

pub async fn run(ctx: &Ctx, args: ReportArgs) -> Result<()> {
    if args.to < args.from {
        bail!(
            "ngày cuối kỳ ({}) trước ngày đầu kỳ ({})",
            args.to,
            args.from
        );
    }
    let period = Period {
        from: args.from,
        to: args.to,
    };
    let db = open_db(&ctx.database_url).await?;
    let app = motcua_app::App::new(
        db.clone(),
        ctx.calendar_data().await?,
        std::sync::Arc::new(SystemClock),
    );
    let province = app
        .province()
        .await?
        .ok_or_else(|| anyhow!("hệ thống chưa được khởi tạo (motcua init)"))?;
    let units = app.figures(&province.code, period).await?;
    let names: std::collections::HashMap<String, String> = db
        .agencies(&province.code)
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    db.close().await;
    let (mut total, mut tally) = (ReportRow::default(), Tally::default());
    for u in &units {
        total.merge(&u.row);
        tally.merge(&u.tally);
    }
    let outcomes = tally.outcomes(None);
    if ctx.json {
        let rows: Vec<serde_json::Value> = units
            .iter()
            .map(|u| {
                row_json(
                    &u.unit,
                    names.get(&u.unit).map_or("", String::as_str),
                    &u.row,
                )
            })
            .collect();
        let mut body = serde_json::json!({
            "from": args.from, "to": args.to, "by": "agency", "rows": rows,
            "total": row_json("", &province.name, &total),
        });
        if args.kpi {
            body = serde_json::json!({"from": args.from, "to": args.to, "agency": null});
            if let (Some(o), Some(k)) =
                (body.as_object_mut(), indicators_json(&outcomes).as_object())
            {
                o.extend(k.clone());
            }
        }
        return ctx.print_json(&body);
    }
    let mut lines = vec![
        format!(
            "Báo cáo kết quả giải quyết TTHC — {}, từ {} đến {}",
            province.name,
            args.from.format("%d/%m/%Y"),
            args.to.format("%d/%m/%Y")
        ),
        format!(
            "{:<58} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>8} {:>8}",
            "Cơ quan",
            "K.trước",
            "Nhận",
            "TT",
            "S.hạn",
            "Đ.hạn",
            "Q.hạn",
            "T.chối",
            "Rút",
            "Đang",
            "Q.hạn",
            "Đúng hạn",
            "T.tuyến"
        ),
    ];
    let line = |name: &str, r: &ReportRow| {
        format!(
            "{:<58} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>8} {:>8}",
            name.chars().take(58).collect::<String>(),
            r.carried_over,
            r.received(),
            r.received_online + r.received_national_portal,
            r.finished_early,
            r.finished_on_time,
            r.finished_late,
            r.refused,
            r.withdrawn,
            r.in_process(),
            r.in_process_overdue,
            pct(r.on_time_rate()),
            pct(r.online_rate()),
        )
    };
    for u in &units {
        lines.push(line(names.get(&u.unit).map_or(&u.unit, |n| n), &u.row));
    }
    lines.push(line("Tổng", &total));
    lines.push(String::new());
    lines.push("Bộ chỉ số Quyết định 766/QĐ-TTg (các chỉ số tính từ hồ sơ):".into());
    for (i, o) in &outcomes {
        let shown = match o {
            Outcome::Scored {
                numerator,
                denominator,
                score,
            } => format!("{numerator}/{denominator} — {score:.2}/{} điểm", i.max),
            Outcome::NotApplicable => "không áp dụng (không có hồ sơ thuộc diện tính)".into(),
            Outcome::NoData => "chưa có dữ liệu".into(),
        };
        lines.push(format!("  {:<4} {:<46} {shown}", i.code, i.name));
    }
    let unbalanced = units.iter().filter(|u| !u.row.balances()).count();
    if unbalanced > 0 {
        bail!("{unbalanced} dòng không cân đối — báo lỗi cho người phát triển");
    }
    ctx.print(&lines.join("\n"))
}
