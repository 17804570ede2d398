//! A whole six-step procedure over HTTP — receive, assign, review, sign, record the result,
//! return it, each a command durable before it answers — against SpiffWorkflow running the
//! same six user tasks and persisting the workflow after each one, in a virtual environment
//! this harness makes. One client on each side.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use motcua_core::catalog::parse_procedure;
use motcua_core::clock::Clock as _;

use super::measure::{Figure, Sample, drive};
use super::run::RunArgs;
use super::session::{Session, sign_in};
use crate::clock::SystemClock;

const PROCEDURE: &str = include_str!("six_steps.toml");
const BPMN: &str = include_str!("six_steps.bpmn");
const SCRIPT: &str = include_str!("six_steps.py");
/// Pinned, so that two runs months apart measure the same library.
const SPIFF: &str = "SpiffWorkflow==3.2.0";
const DESK: &str = "000.00.20.H48";
const RESOLVING: &str = "000.11.12.H48";

/// Refuses a database that is not a benchmark one: empty, or marked by the benchmark procedure
/// that `bench seed` loads. Benchmarks write bare rows without histories; they must never run
/// on a database someone works in.
pub async fn ensure_bench_database(db: &motcua_store::Db, url: &str) -> Result<()> {
    let p = parse_procedure("six_steps.toml", PROCEDURE)?;
    let marked = db
        .procedure_version(p.code.as_str(), i64::from(p.version))
        .await?
        .is_some();
    if !marked && db.dossier_count().await? > 0 {
        bail!(
            "{url} có hồ sơ nhưng không phải cơ sở dữ liệu đo hiệu năng (do `bench seed` tạo): \
             bench ghi dữ liệu thử không có lịch sử, hãy dùng một cơ sở dữ liệu riêng"
        );
    }
    Ok(())
}

/// Loads the benchmark procedure, which also marks the database as a benchmark one (once; the
/// same text again changes nothing).
pub async fn prepare(db: &motcua_store::Db) -> Result<()> {
    let p = parse_procedure("six_steps.toml", PROCEDURE)?;
    db.import_procedure(&p, PROCEDURE, SystemClock.now())
        .await?;
    Ok(())
}

/// The virtual environment with SpiffWorkflow, made on first use; its Python.
fn venv_python(dir: &Path) -> Result<PathBuf> {
    let python = dir.join("bin").join("python");
    let ready = |py: &Path| {
        std::process::Command::new(py)
            .args(["-c", "import SpiffWorkflow"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if ready(&python) {
        return Ok(python);
    }
    let made = std::process::Command::new("python3")
        .args(["-m", "venv"])
        .arg(dir)
        .output()
        .context("python3 không chạy được (cần Python 3 với venv)")?;
    if !made.status.success() {
        bail!(
            "không tạo được môi trường ảo: {}",
            String::from_utf8_lossy(&made.stderr)
        );
    }
    let pip = std::process::Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", SPIFF])
        .output()
        .context("pip không chạy được")?;
    if !pip.status.success() || !ready(&python) {
        bail!(
            "không cài được {SPIFF}: {}",
            String::from_utf8_lossy(&pip.stderr)
        );
    }
    Ok(python)
}

/// One SpiffWorkflow run of `seconds` in its own process, on a fresh SQLite file.
async fn spiff_run(python: &Path, dir: &Path, seconds: f64, n: usize) -> Result<Sample> {
    let db = dir.join(format!("spiff-{n}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let mut cmd = std::process::Command::new(python);
    cmd.arg(dir.join("six_steps.py"))
        .arg(dir.join("six_steps.bpmn"))
        .arg(&db)
        .arg(seconds.to_string());
    let out = tokio::task::spawn_blocking(move || cmd.output()).await??;
    if !out.status.success() {
        bail!(
            "SpiffWorkflow lỗi: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("SpiffWorkflow không trả về JSON kết quả")?;
    Ok(Sample {
        ops: v
            .get("ops")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0) as usize,
        seconds: v
            .get("seconds")
            .and_then(serde_json::Value::as_f64)
            .unwrap_or(seconds),
        latencies_us: v
            .get("latencies_us")
            .and_then(serde_json::Value::as_array)
            .map(|a| a.iter().filter_map(serde_json::Value::as_u64).collect())
            .unwrap_or_default(),
    })
}

/// The three officers of the procedure, signed in, and the intake they file.
struct Officers {
    desk: Session,
    leader: Session,
    specialist: Session,
    intake: serde_json::Value,
}

/// The desk's intake of the benchmark procedure: an applicant and each mandatory document.
fn intake() -> Result<serde_json::Value> {
    let p = parse_procedure("six_steps.toml", PROCEDURE)?;
    let documents: Vec<serde_json::Value> = p
        .documents
        .iter()
        .filter(|d| d.mandatory)
        .map(|d| {
            serde_json::json!({
                "code": d.code, "name": d.name, "originals": 1, "copies": 0, "file": null,
                "reused_from": null
            })
        })
        .collect();
    Ok(serde_json::json!({
        "procedure_code": p.code.as_str(), "channel": "counter",
        "receiving_agency": DESK, "resolving_agency": RESOLVING,
        "applicant": {
            "type": "person", "id": "048190000001", "name": "Nguyễn Thị Minh Khai",
            "born": null, "address": "Phường Hải Châu, Thành phố Đà Nẵng",
            "phone": "0905123456", "email": null
        },
        "documents": documents,
    }))
}

/// One procedure from receipt to return: six commands; false if any is refused.
async fn one_procedure(http: &reqwest::Client, url: &str, o: &Officers) -> bool {
    let opened = o
        .desk
        .post(http, &format!("{url}/api/v1/dossiers"), &o.intake)
        .await;
    let Some(id) = opened
        .as_ref()
        .and_then(|v| v.get("id"))
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
    else {
        return false;
    };
    let steps: [(&Session, &str, serde_json::Value); 5] = [
        (&o.leader, "assign", serde_json::json!({"username": "cv1"})),
        (
            &o.specialist,
            "complete_step",
            serde_json::json!({"note": "Đủ điều kiện"}),
        ),
        (&o.leader, "sign", serde_json::json!({"note": null})),
        (
            &o.desk,
            "record_result",
            serde_json::json!({"result": {"name": "GCN đã xác nhận thay đổi", "file": null}}),
        ),
        (&o.desk, "return_result", serde_json::json!({})),
    ];
    for (who, name, body) in steps {
        let answer = who
            .post(
                http,
                &format!("{url}/api/v1/dossiers/{id}/commands/{name}"),
                &body,
            )
            .await;
        if answer.is_none() {
            return false;
        }
    }
    true
}

/// The figure: SpiffWorkflow and ours, run for run.
pub async fn procedure_figure(
    http: &reqwest::Client,
    base_url: &str,
    args: &RunArgs,
) -> Result<Figure> {
    std::fs::create_dir_all(&args.venv)
        .with_context(|| format!("không tạo được {}", args.venv.display()))?;
    let python = venv_python(&args.venv)?;
    let work = std::env::temp_dir().join(format!("motcua-spiff-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    std::fs::write(work.join("six_steps.py"), SCRIPT)?;
    std::fs::write(work.join("six_steps.bpmn"), BPMN)?;
    let figure = measure_both(http, base_url, args, &python, &work).await;
    let _ = std::fs::remove_dir_all(&work);
    figure
}

async fn measure_both(
    http: &reqwest::Client,
    base_url: &str,
    args: &RunArgs,
    python: &Path,
    work: &Path,
) -> Result<Figure> {
    let officers = Arc::new(Officers {
        desk: sign_in(http, base_url, "mc1").await?,
        leader: sign_in(http, base_url, "ld1").await?,
        specialist: sign_in(http, base_url, "cv1").await?,
        intake: intake()?,
    });
    // A dry run first: a refused command is an error, not a slow figure.
    if !one_procedure(http, base_url, &officers).await {
        bail!("quy trình sáu bước bị từ chối qua HTTP");
    }
    let mut figure = Figure {
        name: "six-step procedure over HTTP, 1 client, vs SpiffWorkflow (six user tasks)",
        ours: Vec::new(),
        baseline: Vec::new(),
    };
    for n in 0..args.runs {
        figure
            .baseline
            .push(spiff_run(python, work, args.seconds, n).await?);
        let (h, url, o) = (http.clone(), base_url.to_owned(), officers.clone());
        figure.ours.push(
            drive(
                1,
                args.seconds,
                Arc::new(move |_| {
                    let (http, url, o) = (h.clone(), url.clone(), o.clone());
                    async move { one_procedure(&http, &url, &o).await }
                }),
            )
            .await,
        );
    }
    Ok(figure)
}
