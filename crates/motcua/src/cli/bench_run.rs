//! `motcua bench run`: each figure measured interleaved with its physical baseline in the same
//! run on the same machine (runs alternate baseline, ours, baseline, ours…), reported as
//! medians and spreads and as the ratio ours / baseline, with the machine's cores and load.
//! Traffic goes to loopback only and every run is bounded in time.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use clap::Args;
use motcua_core::clock::Clock as _;
use motcua_web::AppState;

use super::{Ctx, open_db};
use crate::clock::SystemClock;
use crate::demo;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Dossiers to seed when the database has none.
    #[arg(long, default_value_t = 10_000)]
    pub dossiers: usize,
    /// Seconds each measured run lasts.
    #[arg(long, default_value_t = 3.0)]
    pub seconds: f64,
    /// Runs of each figure (and of its baseline), interleaved.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 64)]
    pub clients: usize,
    /// Where the JSON results go.
    #[arg(long, default_value = "bench/results")]
    pub out: std::path::PathBuf,
}

/// One measured run.
#[derive(Debug, Clone, Default)]
struct Sample {
    ops: usize,
    seconds: f64,
    latencies_us: Vec<u64>,
}

impl Sample {
    fn throughput(&self) -> f64 {
        if self.seconds > 0.0 {
            self.ops as f64 / self.seconds
        } else {
            0.0
        }
    }
    fn percentile(&self, p: f64) -> f64 {
        let mut l = self.latencies_us.clone();
        l.sort_unstable();
        let i = ((l.len() as f64 - 1.0) * p).round() as usize;
        l.get(i).copied().unwrap_or(0) as f64 / 1000.0
    }
}

/// Runs `op` from `clients` concurrent tasks for `seconds`; each task stops at the deadline.
async fn drive<F, Fut>(clients: usize, seconds: f64, op: Arc<F>) -> Sample
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let counter = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let op = op.clone();
        let counter = counter.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline && latencies.len() < 5_000_000 {
                let i = counter.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                if !op(i).await {
                    continue;
                }
                latencies.push(u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX));
            }
            latencies
        }));
    }
    let mut sample = Sample::default();
    for t in tasks {
        if let Ok(l) = t.await {
            sample.latencies_us.extend(l);
        }
    }
    sample.seconds = started.elapsed().as_secs_f64();
    sample.ops = sample.latencies_us.len();
    sample
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Median and spread ((max − min) / median) of a list.
fn summary(v: &[f64]) -> (f64, f64) {
    let m = median(v.to_vec());
    let (lo, hi) = v
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(*x), b.max(*x)));
    (m, if m > 0.0 { (hi - lo) / m } else { 0.0 })
}

struct Figure {
    name: &'static str,
    ours: Vec<Sample>,
    baseline: Vec<Sample>,
}

impl Figure {
    fn json(&self) -> serde_json::Value {
        let stats = |s: &[Sample]| {
            let (tp, spread) = summary(&s.iter().map(Sample::throughput).collect::<Vec<_>>());
            serde_json::json!({
                "throughput_median": tp, "throughput_spread": spread,
                "p50_ms": median(s.iter().map(|x| x.percentile(0.5)).collect()),
                "p99_ms": median(s.iter().map(|x| x.percentile(0.99)).collect()),
                "runs": s.iter().map(Sample::throughput).collect::<Vec<_>>(),
            })
        };
        let ours = stats(&self.ours);
        let base = stats(&self.baseline);
        let tp = |v: &serde_json::Value| {
            v.get("throughput_median")
                .and_then(serde_json::Value::as_f64)
                .unwrap_or(0.0)
        };
        let ratio = tp(&ours) / tp(&base).max(f64::MIN_POSITIVE);
        serde_json::json!({"figure": self.name, "ours": ours, "baseline": base, "ratio": ratio})
    }
}

pub async fn run(ctx: &Ctx, args: RunArgs) -> Result<()> {
    let db = open_db(&ctx.database_url).await?;
    let now = SystemClock.now();
    demo::seed_reference(&db, now).await?;
    if db.dossier_count().await? == 0 {
        ctx.print(&format!("Tạo {} hồ sơ mẫu…", args.dossiers))?;
        demo::generate_bulk(&db, ctx.calendar_data().await?, now, args.dossiers, 365).await?;
    }
    let dossiers = db.dossier_count().await?;
    let codes = Arc::new(db.sample_codes(2000).await?);
    let state = AppState::new(
        db.clone(),
        ctx.calendar_data().await?,
        Arc::new(SystemClock),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base_url = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(motcua_web::serve(listener, state, std::future::pending()));
    let http = motcua_integrations::http_client(Duration::from_secs(10))
        .map_err(|e| anyhow::anyhow!("{e}"))?;

    let mut lookup = Figure {
        name: "public lookup by code (HTTP) vs the raw indexed SELECT",
        ours: Vec::new(),
        baseline: Vec::new(),
    };
    for _ in 0..args.runs {
        let (db2, c2) = (db.clone(), codes.clone());
        lookup.baseline.push(
            drive(
                args.clients,
                args.seconds,
                Arc::new(move |i: usize| {
                    let (db, codes) = (db2.clone(), c2.clone());
                    async move {
                        let code = codes
                            .get(i % codes.len().max(1))
                            .cloned()
                            .unwrap_or_default();
                        db.baseline_lookup(&code).await.is_ok_and(|n| n > 0)
                    }
                }),
            )
            .await,
        );
        let (h, c2, url) = (http.clone(), codes.clone(), base_url.clone());
        lookup.ours.push(
            drive(
                args.clients,
                args.seconds,
                Arc::new(move |i: usize| {
                    let (http, codes, url) = (h.clone(), c2.clone(), url.clone());
                    async move {
                        let code = codes
                            .get(i % codes.len().max(1))
                            .cloned()
                            .unwrap_or_default();
                        match http.get(format!("{url}/api/v1/lookup/{code}")).send().await {
                            Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                            _ => false,
                        }
                    }
                }),
            )
            .await,
        );
    }
    let mut figures = vec![lookup];
    let postgres = matches!(db.backend(), motcua_store::Backend::Postgres);
    let counts: &[usize] = if postgres { &[1, 16, 64] } else { &[1, 16] };
    for clients in counts.iter().copied() {
        let baseline = if postgres {
            Baseline::Pgbench(ctx.database_url.clone())
        } else {
            Baseline::Hand
        };
        figures.push(step_figure(&db, &http, &base_url, clients, &args, baseline).await?);
    }
    figures.push(work_queue_figure(&db, &http, &base_url, &args).await?);
    server.abort();
    db.close().await;
    report(ctx, &args, dossiers, &figures)
}

/// What a workflow step is compared with.
enum Baseline {
    /// The same three writes, by hand, from this process.
    Hand,
    /// `pgbench` running the same writes (PostgreSQL URL).
    Pgbench(String),
}

/// `pgbench` with the script for `clients` over `seconds` (whole seconds, at least one).
async fn pgbench(
    url: &str,
    script: &std::path::Path,
    n: usize,
    clients: usize,
    seconds: f64,
) -> Result<Sample> {
    let seconds = seconds.ceil().max(1.0);
    let args: Vec<String> = vec![
        "-n".into(),
        "-f".into(),
        script.display().to_string(),
        "-c".into(),
        clients.to_string(),
        "-j".into(),
        clients.min(2).to_string(),
        "-T".into(),
        format!("{seconds:.0}"),
        "-D".into(),
        format!("n={n}"),
        url.to_owned(),
    ];
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("pgbench").args(args).output()
    })
    .await?
    .context("pgbench không chạy được (cài gói postgresql-contrib)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    anyhow::ensure!(
        out.status.success(),
        "pgbench lỗi: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let number = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let tps = number("tps = ");
    let latency_us = (number("latency average = ") * 1000.0) as u64;
    Ok(Sample {
        ops: (tps * seconds) as usize,
        seconds,
        // pgbench reports an average: it stands for both percentiles.
        latencies_us: vec![latency_us],
    })
}

/// A workflow step (assign the current step) over HTTP, against its baseline.
async fn step_figure(
    db: &motcua_store::Db,
    http: &reqwest::Client,
    base_url: &str,
    clients: usize,
    args: &RunArgs,
    baseline: Baseline,
) -> Result<Figure> {
    const UNIT: &str = "000.11.12.H48";
    let mut ids = Vec::new();
    let mut after = None;
    while ids.len() < 256 {
        let page = db.dossiers_after(after, 2000).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        ids.extend(
            page.iter()
                .filter(|d| {
                    d.status == motcua_core::dossier::Status::InProcess
                        && d.resolving_agency.as_str() == UNIT
                        && d.current_step().is_some_and(|s| {
                            s.kind == motcua_core::catalog::StepKind::Process
                                && s.role == motcua_core::catalog::Role::Specialist
                        })
                })
                .map(|d| d.id.0),
        );
    }
    anyhow::ensure!(
        ids.len() >= 2,
        "không có hồ sơ nào đang ở bước xử lý của {UNIT}"
    );
    // Separate dossiers for each side: the hand-written writes do not keep a real history, and
    // must not stand in the way of the command path's version checks.
    let half = ids.len() / 2;
    let base_ids = Arc::new(ids.split_off(half));
    let ids = Arc::new(ids);
    let token = motcua_web::auth::new_token();
    db.create_api_token(
        &motcua_web::auth::digest(&token),
        "bench",
        "leader",
        "48",
        &[UNIT.to_owned()],
        SystemClock.now(),
    )
    .await?;
    let name = match (&baseline, clients) {
        (Baseline::Hand, 1) => "workflow step over HTTP, 1 client, vs the same writes by hand",
        (Baseline::Hand, _) => "workflow step over HTTP, 16 clients, vs the same writes by hand",
        (Baseline::Pgbench(_), 1) => "workflow step over HTTP on PostgreSQL, 1 client, vs pgbench",
        (Baseline::Pgbench(_), 16) => {
            "workflow step over HTTP on PostgreSQL, 16 clients, vs pgbench"
        }
        (Baseline::Pgbench(_), _) => {
            "workflow step over HTTP on PostgreSQL, 64 clients, vs pgbench"
        }
    };
    let script = match &baseline {
        Baseline::Pgbench(_) => {
            let text = db.prepare_pgbench(&base_ids).await?;
            let path =
                std::env::temp_dir().join(format!("motcua-pgbench-{}.sql", std::process::id()));
            std::fs::write(&path, text)?;
            Some(path)
        }
        Baseline::Hand => None,
    };
    let mut figure = Figure {
        name,
        ours: Vec::new(),
        baseline: Vec::new(),
    };
    for _ in 0..args.runs {
        if let (Baseline::Pgbench(url), Some(path)) = (&baseline, &script) {
            figure
                .baseline
                .push(pgbench(url, path, base_ids.len(), clients, args.seconds).await?);
        } else {
            let (db2, i2) = (db.clone(), base_ids.clone());
            figure.baseline.push(
                drive(
                    clients,
                    args.seconds,
                    Arc::new(move |i: usize| {
                        let (db, ids) = (db2.clone(), i2.clone());
                        async move {
                            let id = ids.get(i % ids.len()).copied().unwrap_or_default();
                            db.baseline_step(id, SystemClock.now()).await.is_ok()
                        }
                    }),
                )
                .await,
            );
        }
        let (h, i2, url, t) = (
            http.clone(),
            ids.clone(),
            base_url.to_owned(),
            token.clone(),
        );
        figure.ours.push(
            drive(
                clients,
                args.seconds,
                Arc::new(move |i: usize| {
                    let (http, ids, url, token) = (h.clone(), i2.clone(), url.clone(), t.clone());
                    async move {
                        let id = ids.get(i % ids.len()).copied().unwrap_or_default();
                        http.post(format!("{url}/api/v1/dossiers/{id}/commands/assign"))
                            .bearer_auth(token)
                            .json(&serde_json::json!({"username": "cv1"}))
                            .send()
                            .await
                            .is_ok_and(|r| r.status().is_success())
                    }
                }),
            )
            .await,
        );
    }
    Ok(figure)
}

fn report(ctx: &Ctx, args: &RunArgs, dossiers: i64, figures: &[Figure]) -> Result<()> {
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
    });
    ctx.print(&format!(
        "máy: {cores} lõi, tải {load}; {dossiers} hồ sơ; {} máy khách; {} lần × {} giây\n",
        args.clients, args.runs, args.seconds
    ))?;
    ctx.print(&format!(
        "{:<58} {:>12} {:>8} {:>8} {:>8} | {:>12} {:>8} {:>8} | {:>7}",
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
            "{:<58} {:>12.0} {:>7.0}% {:>8.2} {:>8.2} | {:>12.0} {:>8.2} {:>8.2} | {:>7.3}",
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

/// An officer's work queue page (signed in, due-sorted, filtered to their unit and role)
/// against the indexed SELECT of the same page.
async fn work_queue_figure(
    db: &motcua_store::Db,
    http: &reqwest::Client,
    base_url: &str,
    args: &RunArgs,
) -> Result<Figure> {
    const UNIT: &str = "000.11.12.H48";
    let signed = http
        .post(format!("{base_url}/api/v1/session"))
        .json(&serde_json::json!({"username": "cv1", "password": demo::DEMO_PASSWORD}))
        .send()
        .await?;
    let cookie = signed
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
        .context("đăng nhập cv1 không thành công")?;
    let clients = (args.clients / 4).max(1);
    let mut figure = Figure {
        name: "work queue of one officer (page, due-sorted) vs its indexed SELECT",
        ours: Vec::new(),
        baseline: Vec::new(),
    };
    for _ in 0..args.runs {
        let db2 = db.clone();
        figure.baseline.push(
            drive(
                clients,
                args.seconds,
                Arc::new(move |_| {
                    let db = db2.clone();
                    async move { db.baseline_work_queue(UNIT, "specialist").await.is_ok() }
                }),
            )
            .await,
        );
        let (h, url, c) = (http.clone(), base_url.to_owned(), cookie.clone());
        figure.ours.push(
            drive(
                clients,
                args.seconds,
                Arc::new(move |_| {
                    let (http, url, cookie) = (h.clone(), url.clone(), c.clone());
                    async move {
                        match http
                            .get(format!("{url}/work"))
                            .header(reqwest::header::COOKIE, cookie)
                            .send()
                            .await
                        {
                            Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                            _ => false,
                        }
                    }
                }),
            )
            .await,
        );
    }
    Ok(figure)
}
