//! `motcua bench run`: each figure measured interleaved with its physical baseline in the same
//! run on the same machine (runs alternate baseline, ours, baseline, ours…), reported as
//! medians and spreads and as the ratio ours / baseline, with the machine's cores and load.
//! Traffic goes to loopback only and every run is bounded in time.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use clap::Args;
use motcua_core::clock::Clock as _;
use motcua_web::AppState;

use super::lookup::lookup_figure;
use super::measure::Figure;
use super::memory::{Memory, memory_run};
use super::procedure::{self, procedure_figure};
use super::queue::work_queue_figure;
use super::report::{report_figure, rollup_cost_figure};
use super::step::{Baseline, step_figure};
use crate::cli::{Ctx, open_db};
use crate::clock::SystemClock;
use crate::demo;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Dossiers to seed when the database has none.
    #[arg(long, default_value_t = 10_000)]
    pub dossiers: usize,
    /// Seconds each measured run lasts.
    #[arg(long, default_value_t = 4.0)]
    pub seconds: f64,
    /// Runs of each figure (and of its baseline), interleaved; the medians are reported.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 64)]
    pub clients: usize,
    /// Where the JSON results go.
    #[arg(long, default_value = "bench/results")]
    pub out: std::path::PathBuf,
    /// Which figures to measure (all by default).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = Which::ALL)]
    pub figures: Vec<Which>,
    /// Seconds of workflow-step load (16 clients) before the service's memory is read again.
    #[arg(long, default_value_t = 60.0)]
    pub soak: f64,
    /// Parcels in the land register for the land figures (seeded up to this many; 5000000
    /// for a large province).
    #[arg(long, default_value_t = 100_000)]
    pub parcels: u64,
    /// Records per run in the import figure (1000000 for the figure; PostgreSQL).
    #[arg(long, default_value_t = 100_000)]
    pub imports: usize,
    /// Signatures of each kind per run in the land signing figure.
    #[arg(long, default_value_t = 400)]
    pub signs: usize,
    /// The virtual environment for SpiffWorkflow (made and filled from PyPI on first use).
    #[arg(long, default_value_os_t = default_venv())]
    pub venv: std::path::PathBuf,
}

/// The figures `bench run` can measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    /// The public lookup by code.
    Lookup,
    /// A workflow step at 1 and 16 clients (64 too on PostgreSQL).
    Step,
    /// The six-step procedure against SpiffWorkflow.
    Procedure,
    /// An officer's work queue.
    Queue,
    /// Resident memory of `motcua serve`, idle and after `--soak` seconds of steps.
    Memory,
    /// The periodic report off the KPI rollup against a GROUP BY over the dossiers.
    Report,
    /// A workflow step keeping the KPI rollup against the same step without it.
    Rollup,
    /// The land register's reads: by parcel number, by holder, as of a past instant.
    Land,
    /// Importing another system's records against PostgreSQL's COPY of the same rows
    /// (PostgreSQL only; not in the default set: a scratch database of its own).
    Import,
}

impl Which {
    const ALL: [Self; 8] = [
        Self::Lookup,
        Self::Step,
        Self::Procedure,
        Self::Queue,
        Self::Report,
        Self::Rollup,
        Self::Land,
        Self::Memory,
    ];
}

/// Outside the clone, beside the build cache: a fresh clone reuses it.
fn default_venv() -> std::path::PathBuf {
    std::env::var_os("HOME")
        .map_or_else(std::env::temp_dir, std::path::PathBuf::from)
        .join(".cache/motcua-bench/venv")
}

pub async fn run(ctx: &Ctx, args: RunArgs) -> Result<()> {
    let db = open_db(&ctx.database_url).await?;
    let now = SystemClock.now();
    procedure::ensure_bench_database(&db, &ctx.database_url).await?;
    demo::seed_reference(&db, now).await?;
    procedure::prepare(&db).await?;
    if db.dossier_count().await? == 0 {
        ctx.print(&format!("Tạo {} hồ sơ mẫu…", args.dossiers))?;
        demo::generate_bulk(&db, ctx.calendar_data().await?, now, args.dossiers, 365).await?;
        db.refresh_statistics().await?;
    }
    let dossiers = db.dossier_count().await?;
    // What a citizen's receipt carries: the code and its check, as the lookup's path.
    let codes = Arc::new(
        db.sample_codes(2000)
            .await?
            .into_iter()
            .map(|(code, id)| {
                let check = motcua_core::dossier::lookup_check(motcua_core::dossier::DossierId(id));
                format!("{code}?check={check}")
            })
            .collect::<Vec<_>>(),
    );
    // The rollup is kept whatever a run before this one left.
    motcua_store::set_rollup_disabled(false);
    let mut state = AppState::new(
        db.clone(),
        ctx.calendar_data().await?,
        Arc::new(SystemClock),
    );
    // Scans for the dossiers the land figure files, in a folder of the bench's own.
    state.files =
        motcua_web::files::FileStore::new(std::env::temp_dir().join("motcua-bench-files"));
    let scan = state
        .files
        .put(&demo::sample_pdf())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // The load generator is one address asking thousands of times a second.
    state.lookup_limit = Arc::new(motcua_web::limiter::RateLimit::new(u32::MAX));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base_url = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(motcua_web::serve(
        listener,
        state.clone(),
        std::future::pending(),
    ));
    let http = motcua_integrations::http_client(Duration::from_secs(10))
        .map_err(|e| anyhow::anyhow!("{e}"))?;

    let mut figures = Vec::new();
    if args.figures.contains(&Which::Lookup) {
        figures.push(lookup_figure(&db, &http, &base_url, &codes, &args).await);
    }
    let postgres = matches!(db.backend(), motcua_store::Backend::Postgres);
    let counts: &[usize] = if postgres { &[1, 16, 64] } else { &[1, 16] };
    for clients in counts
        .iter()
        .copied()
        .filter(|_| args.figures.contains(&Which::Step))
    {
        let baseline = if postgres {
            Baseline::Pgbench(ctx.database_url.clone())
        } else {
            Baseline::Hand
        };
        figures.push(step_figure(&db, &http, &base_url, clients, &args, baseline).await?);
    }
    if args.figures.contains(&Which::Procedure) {
        figures.push(procedure_figure(&http, &base_url, &args).await?);
    }
    if args.figures.contains(&Which::Queue) {
        figures.push(work_queue_figure(&db, &http, &base_url, &args).await?);
    }
    if args.figures.contains(&Which::Report) {
        figures.push(report_figure(&state.app, &args).await?);
    }
    if args.figures.contains(&Which::Rollup) {
        figures.push(rollup_cost_figure(&db, &http, &base_url, &args).await?);
    }
    let mut notes = Vec::new();
    if args.figures.contains(&Which::Land) {
        let (land, plan) = super::land::land_figures(&db, &args).await?;
        figures.extend(land);
        notes.push(format!("land as-of plan: {plan}"));
        // Parcels from a place that moves each run: a certificate signed on before keeps
        // its (applied) change, and a new one starts from its current version.
        let span = args
            .parcels
            .saturating_sub(4 * (args.runs as u64) * (args.signs as u64))
            .max(1);
        let first = (SystemClock.now().timestamp().unsigned_abs() * 7_919) % span;
        figures
            .push(super::land_step::land_step_figure(&http, &base_url, &scan, &args, first).await?);
    }
    if args.figures.contains(&Which::Import) {
        figures.push(super::import::import_figure(ctx, &db, &args).await?);
    }
    server.abort();
    let memory = if args.figures.contains(&Which::Memory) {
        Some(memory_run(&db, &http, &ctx.database_url, &codes, args.soak).await?)
    } else {
        None
    };
    db.close().await;
    report(ctx, &args, dossiers, &figures, memory.as_ref(), &notes)
}

fn report(
    ctx: &Ctx,
    args: &RunArgs,
    dossiers: i64,
    figures: &[Figure],
    memory: Option<&Memory>,
    notes: &[String],
) -> Result<()> {
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let json = serde_json::json!({
        "machine": {"cores": cores, "loadavg": load},
        "database": if ctx.database_url.starts_with("postgres") { "postgresql" } else { "sqlite" },
        "dossiers": dossiers, "clients": args.clients, "seconds_per_run": args.seconds, "runs": args.runs,
        "figures": figures.iter().map(Figure::json).collect::<Vec<_>>(),
        "serve_memory": memory.map(Memory::json),
        "parcels": args.parcels,
        "notes": notes,
    });
    ctx.print(&format!(
        "máy: {cores} lõi, tải {load}; {dossiers} hồ sơ; {} máy khách; {} lần × {} giây\n",
        args.clients, args.runs, args.seconds
    ))?;
    let w = figures.iter().map(|f| f.name.len()).max().unwrap_or(6);
    ctx.print(&format!(
        "{:<w$} {:>12} {:>8} {:>8} {:>8} | {:>12} {:>8} {:>8} | {:>7}",
        "figure",
        "ours op/s",
        "spread",
        "p50 ms",
        "p99 ms",
        "base op/s",
        "p50 ms",
        "p99 ms",
        "ratio"
    ))?;
    for f in json
        .get("figures")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
    {
        let g = |a: &str, b: &str| {
            f.pointer(&format!("/{a}/{b}"))
                .and_then(serde_json::Value::as_f64)
                .unwrap_or(0.0)
        };
        ctx.print(&format!(
            "{:<w$} {:>12.0} {:>7.0}% {:>8.2} {:>8.2} | {:>12.0} {:>8.2} {:>8.2} | {:>7.3}",
            f.get("figure")
                .and_then(serde_json::Value::as_str)
                .unwrap_or(""),
            g("ours", "throughput_median"),
            g("ours", "throughput_spread") * 100.0,
            g("ours", "p50_ms"),
            g("ours", "p99_ms"),
            g("baseline", "throughput_median"),
            g("baseline", "p50_ms"),
            g("baseline", "p99_ms"),
            f.get("ratio")
                .and_then(serde_json::Value::as_f64)
                .unwrap_or(0.0),
        ))?;
    }
    if let Some(m) = memory {
        ctx.print(&format!(
            "\nbộ nhớ của motcua serve (RSS): {:.0} MiB lúc nghỉ; {:.0} MiB sau {:.0} giây tải bước ({} bước, 16 máy khách); đỉnh {:.0} MiB",
            m.idle_mib, m.loaded_mib, m.seconds, m.steps, m.peak_mib
        ))?;
    }
    for n in notes {
        ctx.print(n)?;
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("không tạo được {}", args.out.display()))?;
    let file = args.out.join(format!(
        "{}.json",
        SystemClock.now().format("%Y%m%dT%H%M%SZ")
    ));
    std::fs::write(&file, serde_json::to_string_pretty(&json)?)?;
    ctx.print(&format!("\nKết quả: {}", file.display()))?;
    Ok(())
}
