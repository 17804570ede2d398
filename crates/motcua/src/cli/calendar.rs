//! `motcua calendar YEAR` and the administrator's schedule commands.

use anyhow::{Context as _, Result, bail};
use chrono::{Datelike, NaiveDate};
use clap::{Args, Subcommand};
use motcua_core::calendar::data::{Document, NATIONAL};
use motcua_core::calendar::deadline::weekday_vi;
use motcua_core::calendar::{Name, OfficeHours, WorkCalendar, parse_document};
use serde_json::json;

use super::{Ctx, open_db};
use crate::clock::SystemClock;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CalendarArgs {
    /// The year to show (1900–2199).
    #[arg(allow_hyphen_values = true)]
    year: Option<String>,
    /// Show a unit's calendar: its local days off on top of the national ones.
    #[arg(long)]
    scope: Option<String>,
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Check a holiday document (a year schedule or holiday rules) and store it.
    Import {
        /// The TOML file.
        file: std::path::PathBuf,
    },
    /// Check a holiday document without storing it.
    Validate {
        /// The TOML file.
        file: std::path::PathBuf,
    },
    /// List the documents an administrator imported.
    Documents,
    /// Remove an imported document: KIND is year-schedule or holiday-rules.
    Remove {
        /// year-schedule or holiday-rules
        kind: String,
        /// YEAR/SCOPE for a schedule (e.g. 2027/national), the file name for rules.
        key: String,
    },
}

pub async fn run(ctx: &Ctx, args: CalendarArgs) -> Result<()> {
    match (args.action, args.year) {
        (Some(Action::Import { file }), _) => import(ctx, &file).await,
        (Some(Action::Validate { file }), _) => {
            let (doc, _) = read_document(&file)?;
            ctx.print(&describe(ctx, &doc, &file.display().to_string()))
        }
        (Some(Action::Documents), _) => documents(ctx).await,
        (Some(Action::Remove { kind, key }), _) => {
            let db = open_db(&ctx.database_url).await?;
            let app = motcua_app::App::new(
                db.clone(),
                ctx.calendar_data().await?,
                std::sync::Arc::new(SystemClock),
            );
            app.remove_calendar_document(&super::accounts::operator(), &kind, &key)
                .await?;
            db.close().await;
            ctx.print(&format!("{} {kind} {key}", ctx.pick("Đã xóa", "Removed")))
        }
        (None, Some(year)) => show(ctx, &year, args.scope).await,
        (None, None) => bail!("cần một năm, ví dụ: motcua calendar 2026"),
    }
}

async fn show(ctx: &Ctx, year: &str, scope: Option<String>) -> Result<()> {
    let year: i32 = year
        .trim()
        .parse()
        .with_context(|| format!("năm không hợp lệ: \"{year}\""))?;
    let calendar = WorkCalendar::new(
        ctx.calendar_data().await?,
        scope,
        OfficeHours::civil_service(),
    );
    let overview = calendar.overview(year)?;
    let name = |n: &Name| ctx.pick(&n.vi, &n.en).to_owned();
    if ctx.json {
        return ctx.print_json(&json!({
            "year": year,
            "days_off": overview.days_off.iter()
                .map(|(d, n)| json!({"date": d.to_string(), "name": name(n)}))
                .collect::<Vec<_>>(),
            "working_weekend_days": overview.working_weekend_days.iter()
                .map(|(d, _)| d.to_string())
                .collect::<Vec<_>>(),
            "sources": overview.sources,
        }));
    }
    let mut text = String::from(ctx.pick(
        &format!("Lịch nghỉ năm {year} (cán bộ, công chức, viên chức; làm việc thứ Hai – thứ Sáu)\n\nNgày nghỉ:"),
        &format!("Days off in {year} (civil service; Monday–Friday week)\n\nDays off:"),
    ));
    for (date, n) in &overview.days_off {
        text.push_str(&format!("\n  {}  {}", day_label(ctx, *date), name(n)));
    }
    if overview.days_off.is_empty() {
        text.push_str(ctx.pick("\n  (không có)", "\n  (none)"));
    }
    text.push_str(ctx.pick(
        "\n\nNgày làm bù (cuối tuần đi làm):",
        "\n\nWeekend days worked:",
    ));
    for (date, n) in &overview.working_weekend_days {
        text.push_str(&format!("\n  {}  {}", day_label(ctx, *date), name(n)));
    }
    if overview.working_weekend_days.is_empty() {
        text.push_str(ctx.pick("\n  (không có)", "\n  (none)"));
    }
    text.push_str(ctx.pick("\n\nCăn cứ:", "\n\nSources:"));
    for source in &overview.sources {
        text.push_str(&format!("\n  - {source}"));
    }
    ctx.print(&text)
}

/// "Thứ Năm 01/01/2026" or "Thu 2026-01-01".
pub fn day_label(ctx: &Ctx, date: NaiveDate) -> String {
    match ctx.lang {
        super::Lang::Vi => format!("{} {}", weekday_vi(date.weekday()), date.format("%d/%m/%Y")),
        super::Lang::En => format!("{} {}", date.weekday(), date.format("%Y-%m-%d")),
    }
}

fn read_document(file: &std::path::Path) -> Result<(Document, String)> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("không đọc được tệp {}", file.display()))?;
    let doc = parse_document(&file.display().to_string(), &text)?;
    Ok((doc, text))
}

fn describe(ctx: &Ctx, doc: &Document, name: &str) -> String {
    match doc {
        Document::Schedule(s) => {
            let scope = if s.scope == NATIONAL {
                ctx.pick("toàn quốc", "national")
            } else {
                &s.scope
            };
            format!(
                "{name}: {} {} ({scope}): {} {}, {} {}",
                ctx.pick("lịch năm", "schedule for"),
                s.year,
                s.days_off.len(),
                ctx.pick("ngày nghỉ", "days off"),
                s.working_days.len(),
                ctx.pick("ngày làm bù", "days worked"),
            )
        }
        Document::Rules(rules) => format!(
            "{name}: {} {}",
            rules.len(),
            ctx.pick("quy tắc ngày lễ", "holiday rules")
        ),
    }
}

async fn import(ctx: &Ctx, file: &std::path::Path) -> Result<()> {
    let (doc, body) = read_document(file)?;
    let file_name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let db = open_db(&ctx.database_url).await?;
    let app = motcua_app::App::new(
        db.clone(),
        ctx.calendar_data().await?,
        std::sync::Arc::new(SystemClock),
    );
    app.import_calendar_document(&super::accounts::operator(), &file_name, &body)
        .await?;
    db.close().await;
    ctx.print(&format!(
        "{} {}",
        ctx.pick("Đã nhập", "Imported"),
        describe(ctx, &doc, &file_name)
    ))
}

async fn documents(ctx: &Ctx) -> Result<()> {
    let db = open_db(&ctx.database_url).await?;
    let docs = db.calendar_documents().await?;
    if ctx.json {
        return ctx.print_json(&json!(docs.iter().map(|d| json!({
            "kind": d.kind, "key": d.doc_key, "name": d.name, "imported_at": d.imported_at.to_rfc3339(),
        })).collect::<Vec<_>>()));
    }
    if docs.is_empty() {
        return ctx.print(ctx.pick(
            "Chưa nhập tài liệu lịch nào.",
            "No calendar documents imported.",
        ));
    }
    let lines: Vec<String> = docs
        .iter()
        .map(|d| {
            format!(
                "{}  {}  {}  {}",
                d.kind,
                d.doc_key,
                d.name,
                d.imported_at.to_rfc3339()
            )
        })
        .collect();
    ctx.print(&lines.join("\n"))
}
