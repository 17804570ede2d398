//! Resident memory of `motcua serve`: the real binary in a process of its own on the benchmark
//! database, measured from `/proc` when idle (started, every page kind touched once) and after
//! a workflow-step load of `--soak` seconds at 16 clients. The in-process server the other
//! figures use shares its process with the load generator and the seeder, so its memory says
//! nothing about a deployed service.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};

use super::measure::drive;
use super::step::{assign, dossiers_at_a_step, leader_token};

/// What the memory run found.
pub struct Memory {
    /// Resident set when idle, in MiB.
    pub idle_mib: f64,
    /// Resident set after the load, in MiB.
    pub loaded_mib: f64,
    /// Peak resident set over the whole run, in MiB.
    pub peak_mib: f64,
    /// Seconds of load.
    pub seconds: f64,
    /// Workflow steps done during the load.
    pub steps: usize,
}

impl Memory {
    /// The JSON stored with the figures.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "idle_mib": self.idle_mib, "after_load_mib": self.loaded_mib,
            "peak_mib": self.peak_mib, "load_seconds": self.seconds, "load_steps": self.steps,
        })
    }
}

/// A field of `/proc/<pid>/status` in MiB (`VmRSS`, `VmHWM`).
fn status_mib(pid: u32, field: &str) -> Result<f64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("không đọc được /proc/{pid}/status"))?;
    let kib = text
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
        .with_context(|| format!("/proc/{pid}/status không có {field}"))?;
    Ok(kib / 1024.0)
}

/// Starts `motcua serve` on `database_url`, measures it idle and after `seconds` of steps.
pub async fn memory_run(
    db: &motcua_store::Db,
    http: &reqwest::Client,
    database_url: &str,
    codes: &[String],
    seconds: f64,
) -> Result<Memory> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .args(["--database-url", database_url])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("không chạy được motcua serve")?;
    let pid = child.id().context("motcua serve đã dừng")?;
    let mut up = false;
    for _ in 0..100 {
        if http
            .get(format!("{url}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if !up {
        bail!("motcua serve không trả lời ở {url}");
    }
    // Idle, but warm: the public pages and the API each served once, a hundred lookups.
    for path in ["/", "/tra-cuu", "/api/openapi.json", "/api/v1/procedures"] {
        let _ = http.get(format!("{url}{path}")).send().await;
    }
    for code in codes.iter().take(100) {
        let _ = http.get(format!("{url}/api/v1/lookup/{code}")).send().await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_mib = status_mib(pid, "VmRSS")?;
    let ids = Arc::new(dossiers_at_a_step(db).await?);
    let token = leader_token(db).await?;
    let (h, u) = (http.clone(), url.clone());
    let load = drive(
        16,
        seconds,
        Arc::new(move |i: usize| {
            let (http, url, ids, token) = (h.clone(), u.clone(), ids.clone(), token.clone());
            async move {
                let id = ids.get(i % ids.len()).copied().unwrap_or_default();
                assign(&http, &url, &token, id).await
            }
        }),
    )
    .await;
    let loaded_mib = status_mib(pid, "VmRSS")?;
    let peak_mib = status_mib(pid, "VmHWM")?;
    let _ = child.kill().await;
    Ok(Memory {
        idle_mib,
        loaded_mib,
        peak_mib,
        seconds,
        steps: load.ops,
    })
}
