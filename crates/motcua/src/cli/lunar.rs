//! `motcua lunar DATE` and `motcua solar --lunar D/M/Y [--leap]`.

use anyhow::{Context as _, Result, anyhow};
use chrono::NaiveDate;
use clap::Args;
use motcua_core::calendar::lunar::{self, LunarDate};
use serde_json::json;

use super::Ctx;
use super::calendar::day_label;

#[derive(Debug, Args)]
pub struct LunarArgs {
    /// The solar date, YYYY-MM-DD.
    #[arg(allow_hyphen_values = true)]
    date: String,
}

#[derive(Debug, Args)]
pub struct SolarArgs {
    /// The lunar date, D/M/Y (e.g. 10/3/2026).
    #[arg(long, allow_hyphen_values = true)]
    lunar: String,
    /// The date is in the leap month (tháng nhuận).
    #[arg(long)]
    leap: bool,
}

pub fn run_lunar(ctx: &Ctx, args: &LunarArgs) -> Result<()> {
    let date = NaiveDate::parse_from_str(args.date.trim(), "%Y-%m-%d")
        .with_context(|| format!("ngày không hợp lệ: \"{}\" (cần dạng YYYY-MM-DD)", args.date))?;
    let l = lunar::solar_to_lunar(date)?;
    if ctx.json {
        return ctx
            .print_json(&json!({"day": l.day, "month": l.month, "year": l.year, "leap": l.leap}));
    }
    ctx.print(&match ctx.lang {
        super::Lang::Vi => format!(
            "{} dương lịch là {} âm lịch",
            day_label(ctx, date),
            describe_vi(&l)
        ),
        super::Lang::En => format!("{} is {}", day_label(ctx, date), describe_en(&l)),
    })
}

pub fn run_solar(ctx: &Ctx, args: &SolarArgs) -> Result<()> {
    let l = parse_lunar(&args.lunar, args.leap)?;
    let date = lunar::lunar_to_solar(l)?;
    if ctx.json {
        return ctx.print_json(&json!({"date": date.to_string()}));
    }
    ctx.print(&match ctx.lang {
        super::Lang::Vi => format!(
            "{} âm lịch là {} dương lịch",
            describe_vi(&l),
            day_label(ctx, date)
        ),
        super::Lang::En => format!("{} is {}", describe_en(&l), day_label(ctx, date)),
    })
}

fn parse_lunar(text: &str, leap: bool) -> Result<LunarDate> {
    let bad = || anyhow!("ngày âm lịch không hợp lệ: \"{text}\" (cần dạng D/M/Y, ví dụ 10/3/2026)");
    let parts: Vec<&str> = text.trim().split('/').collect();
    let [d, m, y] = parts.as_slice() else {
        return Err(bad());
    };
    Ok(LunarDate {
        day: d.trim().parse().map_err(|_| bad())?,
        month: m.trim().parse().map_err(|_| bad())?,
        year: y.trim().parse().map_err(|_| bad())?,
        leap,
    })
}

fn describe_vi(l: &LunarDate) -> String {
    format!(
        "ngày {} tháng {}{} năm {} ({})",
        l.day,
        l.month_name(),
        if l.leap { " nhuận" } else { "" },
        l.year_name(),
        l.year
    )
}

fn describe_en(l: &LunarDate) -> String {
    format!(
        "day {} of {}month {} of the lunar year {} ({})",
        l.day,
        if l.leap { "leap " } else { "" },
        l.month,
        l.year_name(),
        l.year
    )
}
