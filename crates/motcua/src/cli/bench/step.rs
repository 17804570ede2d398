//! A workflow step (assign) over HTTP against the same writes with nothing around them: by hand
//! on SQLite, `pgbench` running them on PostgreSQL.

use std::sync::Arc;

use anyhow::{Context as _, Result};
use motcua_core::clock::Clock as _;

use super::measure::{Figure, Sample, drive};
use super::run::RunArgs;
use crate::clock::SystemClock;

/// What a workflow step is compared with.
pub enum Baseline {
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

/// The unit whose specialist steps the step load assigns.
const UNIT: &str = "000.11.12.H48";

/// Up to 256 dossiers of the unit waiting at a specialist's processing step (the ones the
/// step load assigns, again and again).
pub async fn dossiers_at_a_step(db: &motcua_store::Db) -> Result<Vec<uuid::Uuid>> {
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
    Ok(ids)
}

/// An API token of a leader of the unit, for the step load.
pub async fn leader_token(db: &motcua_store::Db) -> Result<String> {
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
    Ok(token)
}

/// One workflow step over HTTP: the leader assigns the current step of dossier `id` to `cv1`.
pub async fn assign(http: &reqwest::Client, url: &str, token: &str, id: uuid::Uuid) -> bool {
    http.post(format!("{url}/api/v1/dossiers/{id}/commands/assign"))
        .bearer_auth(token)
        .json(&serde_json::json!({"username": "cv1"}))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
}

/// A workflow step (assign the current step) over HTTP, against its baseline.
pub async fn step_figure(
    db: &motcua_store::Db,
    http: &reqwest::Client,
    base_url: &str,
    clients: usize,
    args: &RunArgs,
    baseline: Baseline,
) -> Result<Figure> {
    let mut ids = dossiers_at_a_step(db).await?;
    // Separate dossiers for each side: the hand-written writes do not keep a real history, and
    // must not stand in the way of the command path's version checks.
    let half = ids.len() / 2;
    let base_ids = Arc::new(ids.split_off(half));
    let ids = Arc::new(ids);
    let token = leader_token(db).await?;
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
                        assign(&http, &url, &token, id).await
                    }
                }),
            )
            .await,
        );
    }
    Ok(figure)
}
