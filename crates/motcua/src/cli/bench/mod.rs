//! `motcua bench …`: the benchmark harness's commands. `bench seed --dossiers N` fills a
//! dedicated database with N realistic dossiers (the demo province's procedures, units, staff,
//! states and histories with their hash chains), decided in memory and loaded in batches.

use std::time::Instant;

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use motcua_core::clock::Clock as _;

use super::{Ctx, open_db};
use crate::clock::SystemClock;
use crate::demo;

mod compare;
mod import;
mod land;
mod land_step;
mod lookup;
mod measure;
mod memory;
mod procedure;
mod queue;
mod report;
mod run;
mod session;
mod step;

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: BenchCommand,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Fill an empty database with N realistic dossiers.
    Seed(SeedArgs),
    /// Copy every dossier row N times (projection rows only, no histories): for list and
    /// work-queue figures at 10M on a disk that cannot hold 10M full histories.
    Copy(CopyArgs),
    /// Compare two runs' ratios (exit status 1 when one moved more than the tolerance).
    Compare(compare::CompareArgs),
    /// Measure each figure interleaved with its baseline; print the table, write JSON.
    Run(run::RunArgs),
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// How many dossiers.
    #[arg(long, default_value_t = 10_000)]
    pub dossiers: usize,
    /// Received over how many past days.
    #[arg(long, default_value_t = 365)]
    pub days: i64,
}

#[derive(Debug, Args)]
pub struct CopyArgs {
    /// Copies of every dossier row now in the database.
    #[arg(long, default_value_t = 9)]
    pub times: u32,
}

pub async fn run(ctx: &Ctx, args: BenchArgs) -> Result<()> {
    match args.command {
        BenchCommand::Seed(s) => seed(ctx, s).await,
        BenchCommand::Copy(c) => copy(ctx, c).await,
        BenchCommand::Compare(c) => compare::compare(ctx, &c),
        BenchCommand::Run(r) => run::run(ctx, r).await,
    }
}

async fn seed(ctx: &Ctx, args: SeedArgs) -> Result<()> {
    let db = open_db(&ctx.database_url).await?;
    let now = SystemClock.now();
    if db.dossier_count().await? > 0 {
        bail!("bench seed cần một cơ sở dữ liệu chưa có hồ sơ (dùng một tệp hoặc database riêng)");
    }
    demo::seed_reference(&db, now).await?;
    procedure::prepare(&db).await?;
    let started = Instant::now();
    let made = demo::generate_bulk(
        &db,
        ctx.calendar_data().await?,
        now,
        args.dossiers,
        args.days,
    )
    .await?;
    let seconds = started.elapsed().as_secs_f64();
    db.refresh_statistics().await?;
    let events = db.event_count().await?;
    let rate = if seconds > 0.0 {
        made as f64 / seconds
    } else {
        0.0
    };
    db.close().await;
    if ctx.json {
        ctx.print_json(
            &serde_json::json!({"dossiers": made, "events": events, "seconds": seconds,
            "dossiers_per_second": rate}),
        )?;
    } else {
        ctx.print(&format!(
            "Đã tạo {made} hồ sơ ({events} sự kiện) trong {seconds:.1} giây — {rate:.0} hồ sơ/giây"
        ))?;
    }
    Ok(())
}

async fn copy(ctx: &Ctx, args: CopyArgs) -> Result<()> {
    let db = open_db(&ctx.database_url).await?;
    procedure::ensure_bench_database(&db, &ctx.database_url).await?;
    let started = Instant::now();
    let mut shown = 0;
    let copied = db
        .copy_dossier_rows(args.times, 100_000, |n| {
            if n - shown >= 1_000_000 {
                shown = n;
                eprintln!("… {n} bản sao");
            }
        })
        .await?;
    db.refresh_statistics().await?;
    let seconds = started.elapsed().as_secs_f64();
    let total = db.dossier_count().await?;
    db.close().await;
    if ctx.json {
        ctx.print_json(
            &serde_json::json!({"copies": copied, "dossiers": total, "seconds": seconds}),
        )?;
    } else {
        ctx.print(&format!(
            "Đã sao {copied} dòng hồ sơ (không kèm lịch sử) trong {seconds:.1} giây; có {total} hồ sơ"
        ))?;
    }
    Ok(())
}
