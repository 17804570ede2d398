//! `motcua report --from D --to D [--by agency|desk|field|procedure|channel] [--agency CODE]`: the
//! periodic report (KPI.md §2), balanced on every row, with its rates, and the Decision 766
//! indicators (§3); `motcua kpi` for the indicators alone. Read off the KPI rollup; `--verify`
//! recomputes the rollup from the event histories and compares (`--repair` rewrites it).

use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;
use clap::Args;
use motcua_app::{FigureQuery, Grouping, UnitView};
use motcua_core::kpi::{Outcome, Period, ReportRow};

use super::{Ctx, open_db};
use crate::clock::SystemClock;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First day (YYYY-MM-DD).
    #[arg(long, required_unless_present = "verify")]
    pub from: Option<NaiveDate>,
    /// Last day, included (YYYY-MM-DD).
    #[arg(long, required_unless_present = "verify")]
    pub to: Option<NaiveDate>,
    /// Rows by: agency (resolving), desk (receiving), field, procedure, channel.
    #[arg(long, default_value = "agency", value_parser = parse_grouping)]
    pub by: Grouping,
    /// Only this agency and the agencies under it (its electronic identifier).
    #[arg(long)]
    pub agency: Option<String>,
    /// Rows by today's units (`current`: units merged away roll up into their successor) or
    /// by the units as they were (`as-they-were`).
    #[arg(long, default_value = "current", value_parser = parse_units)]
    pub units: UnitView,
    /// Recompute the rollup from the event histories and compare it with the one kept.
    #[arg(long)]
    pub verify: bool,
    /// With --verify: replace the kept rollup with the recompute when they differ.
    #[arg(long, requires = "verify")]
    pub repair: bool,
    /// The Decision 766 indicators instead of the periodic report (`motcua kpi`).
    #[arg(skip)]
    pub kpi: bool,
}

fn parse_grouping(text: &str) -> Result<Grouping, String> {
    Grouping::parse(text)
        .ok_or_else(|| format!("\"{text}\": cần một trong agency, desk, field, procedure, channel"))
}

fn parse_units(text: &str) -> Result<UnitView, String> {
    UnitView::parse(&text.replace('-', "_"))
        .ok_or_else(|| format!("\"{text}\": cần current hoặc as-they-were"))
}

fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "—".into(), |r| format!("{:.1} %", r * 100.0))
}

async fn verify(ctx: &Ctx, app: &motcua_app::App, repair: bool) -> Result<()> {
    let check = app.check_rollup(repair).await?;
    if ctx.json {
        let diffs: Vec<serde_json::Value> = check
            .differences
            .iter()
            .map(|d| {
                serde_json::json!({
                    "day": d.key.day, "resolving": d.key.resolving, "receiving": d.key.receiving,
                    "procedure": d.key.procedure, "channel": d.key.channel.as_str(),
                    "kept": d.kept.values(), "recomputed": d.recomputed.values(),
                })
            })
            .collect();
        ctx.print_json(&serde_json::json!({
            "dossiers": check.dossiers, "rows": check.rows, "columns": motcua_core::kpi::Counts::COLUMNS,
            "differences": diffs, "repaired": check.repaired, "drifted": check.drifted,
        }))?;
    } else {
        let mut lines = vec![format!(
            "Đã tính lại từ lịch sử của {} hồ sơ: {} dòng số liệu tổng hợp.",
            check.dossiers, check.rows
        )];
        for d in check.differences.iter().take(20) {
            lines.push(format!(
                "  khác: {} {} {} {} {} — đang giữ {:?}, tính lại {:?}",
                d.key.day,
                d.key.resolving,
                d.key.receiving,
                d.key.procedure,
                d.key.channel.as_str(),
                d.kept.values(),
                d.recomputed.values()
            ));
        }
        if !check.drifted.is_empty() {
            lines.push(format!(
                "  hồ sơ có trạng thái lưu khác lịch sử: {}",
                check.drifted.join(", ")
            ));
        }
        lines.push(match (check.differences.len(), check.repaired) {
            (0, _) => "Số liệu tổng hợp khớp hoàn toàn.".into(),
            (n, true) => format!("{n} dòng khác nhau: đã thay bằng số liệu tính lại."),
            (n, false) => format!("{n} dòng khác nhau: chạy lại với --repair để sửa."),
        });
        ctx.print(&lines.join("\n"))?;
    }
    if !check.differences.is_empty() && !check.repaired {
        bail!("số liệu tổng hợp không khớp với lịch sử hồ sơ");
    }
    Ok(())
}

pub async fn run(ctx: &Ctx, args: ReportArgs) -> Result<()> {
    let db = open_db(&ctx.database_url).await?;
    let app = motcua_app::App::new(
        db.clone(),
        ctx.calendar_data().await?,
        std::sync::Arc::new(SystemClock),
    );
    if args.verify {
        let outcome = verify(ctx, &app, args.repair).await;
        db.close().await;
        return outcome;
    }
    let (Some(from), Some(to)) = (args.from, args.to) else {
        bail!("cần --from và --to");
    };
    if to < from {
        bail!("ngày cuối kỳ ({to}) trước ngày đầu kỳ ({from})");
    }
    let period = Period { from, to };
    let province = app
        .province()
        .await?
        .ok_or_else(|| anyhow!("hệ thống chưa được khởi tạo (motcua init)"))?;
    let figures = app
        .figures(
            &province.code,
            &FigureQuery {
                period,
                by: args.by,
                under: args.agency.clone(),
                visible: None,
                units: args.units,
            },
        )
        .await?;
    db.close().await;
    let total = figures.total.row;
    let outcomes = figures.total.tally.outcomes(None);
    if ctx.json {
        let body = if args.kpi {
            motcua_app::kpi_json(&period, args.agency.as_deref(), &figures)
        } else {
            motcua_app::report_json(&period, args.by, &province.name, &figures)
        };
        return ctx.print_json(&body);
    }
    let mut lines = vec![
        format!(
            "Báo cáo kết quả giải quyết TTHC — {}, từ {} đến {}",
            province.name,
            from.format("%d/%m/%Y"),
            to.format("%d/%m/%Y")
        ),
        format!(
            "{:<58} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>8} {:>8}",
            args.by.heading(),
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
    for r in &figures.rows {
        lines.push(line(&r.name, &r.row));
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
    let unbalanced = figures.rows.iter().filter(|r| !r.row.balances()).count();
    if unbalanced > 0 {
        bail!("{unbalanced} dòng không cân đối — báo lỗi cho người phát triển");
    }
    ctx.print(&lines.join("\n"))
}
