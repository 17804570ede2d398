//! `motcua deadline`: a due instant and its explanation.

use anyhow::{Context as _, Result, anyhow, bail};
use chrono::{DateTime, NaiveTime, Utc, Weekday};
use clap::{Args, ValueEnum};
use motcua_core::calendar::deadline::{self, VIETNAM, local};
use motcua_core::calendar::{DeadlineRequest, OfficeHours, Pause, StatutoryTime, WorkCalendar};
use serde_json::json;

use super::Ctx;
use super::calendar::day_label;

#[derive(Debug, Args)]
pub struct DeadlineArgs {
    /// Receipt instant, RFC 3339 (e.g. 2025-01-06T10:00:00+07:00).
    #[arg(long, allow_hyphen_values = true)]
    received: String,
    /// Statutory time in working days.
    #[arg(
        long,
        allow_hyphen_values = true,
        conflicts_with = "working_hours",
        required_unless_present = "working_hours"
    )]
    working_days: Option<String>,
    /// Statutory time in working hours.
    #[arg(long, allow_hyphen_values = true)]
    working_hours: Option<String>,
    /// A clock stop, FROM..TO in RFC 3339; repeat for several.
    #[arg(long = "pause", allow_hyphen_values = true)]
    pauses: Vec<String>,
    /// How the dossier came in: the paper cut-off applies to counter receipts only.
    #[arg(long, value_enum, default_value = "counter")]
    channel: Channel,
    /// Office hours, e.g. 07:00-11:30,13:30-17:00.
    #[arg(long, default_value = "07:00-11:30,13:30-17:00")]
    hours: String,
    /// Cut-off for same-day handling of paper dossiers (HH:MM, or "none").
    #[arg(long, default_value = "15:00")]
    cutoff: String,
    /// Unit code whose local days off apply.
    #[arg(long)]
    scope: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Channel {
    /// At a one-stop desk (paper).
    Counter,
    /// Online: the receipt instant is the officer's acceptance.
    Online,
}

pub async fn run(ctx: &Ctx, args: DeadlineArgs) -> Result<()> {
    let received = parse_instant(&args.received)?;
    let time = match (&args.working_days, &args.working_hours) {
        (Some(d), _) => StatutoryTime::WorkingDays(parse_count(d, "số ngày làm việc")?),
        (None, Some(h)) => StatutoryTime::WorkingHours(parse_count(h, "số giờ làm việc")?),
        (None, None) => bail!("cần --working-days hoặc --working-hours"),
    };
    let pauses = args
        .pauses
        .iter()
        .map(|p| parse_pause(p))
        .collect::<Result<Vec<_>>>()?;
    let cutoff = match args.cutoff.trim() {
        "none" => None,
        t => Some(
            NaiveTime::parse_from_str(t, "%H:%M")
                .with_context(|| format!("giờ chốt không hợp lệ: \"{t}\" (cần HH:MM hoặc none)"))?,
        ),
    };
    let weekdays = vec![
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];
    let office = OfficeHours::new(OfficeHours::parse_periods(&args.hours)?, weekdays, cutoff)?;
    let calendar = WorkCalendar::new(ctx.calendar_data().await?, args.scope, office);
    let due = deadline::due_date(
        &calendar,
        &DeadlineRequest {
            received_at: received,
            time,
            apply_cutoff: args.channel == Channel::Counter,
            pauses,
        },
    )?;
    let local_rfc3339 = |t: DateTime<Utc>| t.with_timezone(&VIETNAM).to_rfc3339();
    if ctx.json {
        return ctx.print_json(&json!({
            "due": local_rfc3339(due.due),
            "clock_start": local_rfc3339(due.clock_start),
            "explanation": due.explanation.iter().map(|s| json!({
                "date": s.date.to_string(),
                "kind": s.kind,
                "reason": ctx.pick(&s.reason.vi, &s.reason.en),
            })).collect::<Vec<_>>(),
        }));
    }
    let at = |t: DateTime<Utc>| {
        format!(
            "{} {}",
            local(t).format("%H:%M"),
            day_label(ctx, local(t).date())
        )
    };
    let amount = match time {
        StatutoryTime::WorkingDays(n) => {
            format!("{n} {}", ctx.pick("ngày làm việc", "working days"))
        }
        StatutoryTime::WorkingHours(n) => {
            format!("{n} {}", ctx.pick("giờ làm việc", "working hours"))
        }
    };
    let mut text = format!(
        "{}{}\n{}{}\n{}{amount}\n{}{}",
        ctx.pick("Tiếp nhận:         ", "Received:       "),
        at(received),
        ctx.pick("Bắt đầu tính:      ", "Clock starts:   "),
        at(due.clock_start),
        ctx.pick("Thời hạn:          ", "Statutory time: "),
        ctx.pick("Hẹn trả kết quả:   ", "Due:            "),
        at(due.due),
    );
    if !due.explanation.is_empty() {
        text.push_str(ctx.pick("\n\nGiải thích:", "\n\nExplanation:"));
        for s in &due.explanation {
            text.push_str(&format!(
                "\n  {}  {}",
                day_label(ctx, s.date),
                ctx.pick(&s.reason.vi, &s.reason.en)
            ));
        }
    }
    ctx.print(&text)
}

fn parse_instant(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| {
            format!(
                "thời điểm không hợp lệ: \"{text}\" (cần RFC 3339, ví dụ 2025-01-06T10:00:00+07:00)"
            )
        })
}

fn parse_count(text: &str, what: &str) -> Result<u32> {
    let n: i64 = text
        .trim()
        .parse()
        .map_err(|_| anyhow!("{what} phải là một số nguyên: \"{text}\""))?;
    if n < 0 {
        bail!("{what} không được âm: {n}");
    }
    u32::try_from(n)
        .ok()
        .filter(|n| *n <= 10_000)
        .ok_or_else(|| anyhow!("{what} quá lớn: {n}"))
}

fn parse_pause(text: &str) -> Result<Pause> {
    let (from, to) = text
        .split_once("..")
        .ok_or_else(|| anyhow!("khoảng tạm dừng không hợp lệ: \"{text}\" (cần FROM..TO)"))?;
    Ok(Pause {
        from: parse_instant(from)?,
        to: parse_instant(to)?,
        reason: None,
    })
}
