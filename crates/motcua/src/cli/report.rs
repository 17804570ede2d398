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
}

fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "—".into(), |r| format!("{:.1} %", r * 100.0))
}

fn row_json(unit: &str, r: &ReportRow) -> serde_json::Value {
    serde_json::json!({
        "unit": unit, "carried_over": r.carried_over,
        "received": {"online": r.received_online, "counter": r.received_counter, "post": r.received_post,
                     "national_portal": r.received_national_portal, "total": r.received()},
        "finished": {"early": r.finished_early, "on_time": r.finished_on_time, "late": r.finished_late, "total": r.finished()},
        "refused": r.refused, "withdrawn": r.withdrawn,
        "in_process": {"not_due": r.in_process_not_due, "overdue": r.in_process_overdue, "total": r.in_process()},
        "balances": r.balances(), "on_time_rate": r.on_time_rate(), "online_rate": r.online_rate(),
    })
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
        let mut rows: Vec<serde_json::Value> =
            units.iter().map(|u| row_json(&u.unit, &u.row)).collect();
        rows.push(row_json("tổng", &total));
        return ctx.print_json(&serde_json::json!({
            "province": province.code, "from": args.from, "to": args.to, "rows": rows,
            "index_766": outcomes.iter().map(|(i, o)| serde_json::json!({
                "code": i.code, "name": i.name, "group": i.group, "max": i.max,
                "outcome": match o {
                    Outcome::Scored { numerator, denominator, score } =>
                        serde_json::json!({"numerator": numerator, "denominator": denominator, "score": score}),
                    Outcome::NotApplicable => serde_json::json!("not_applicable"),
                    Outcome::NoData => serde_json::json!("no_data"),
                },
            })).collect::<Vec<_>>(),
            "groups": group_totals(&outcomes),
        }));
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
