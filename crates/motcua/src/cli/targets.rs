//! `motcua targets import FILE | list | delete NAME`: the plans' targets (KPI.md §4) a province
//! imports as TOML files (`data/plans/` has an example), checked like the catalogue.

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use clap::Subcommand;

use super::{Ctx, open_db};
use crate::clock::SystemClock;

#[derive(Debug, Subcommand)]
pub enum TargetsAction {
    /// Import a plan file (replaces the plan of the same name); `--dry-run` only checks it.
    Import {
        /// The plan file (TOML).
        file: PathBuf,
        /// Check the file without importing it.
        #[arg(long)]
        dry_run: bool,
    },
    /// The targets of the installation's province.
    List,
    /// Remove a plan's targets.
    Delete {
        /// The plan's name (as `list` prints it).
        name: String,
    },
}

pub async fn run(ctx: &Ctx, action: TargetsAction) -> Result<()> {
    let db = open_db(&ctx.database_url).await?;
    let app = motcua_app::App::new(
        db.clone(),
        ctx.calendar_data().await?,
        std::sync::Arc::new(SystemClock),
    );
    let operator = super::accounts::operator();
    let outcome = match action {
        TargetsAction::Import { file, dry_run } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("không đọc được {}", file.display()))?;
            let name = file.display().to_string();
            if dry_run {
                let plan = motcua_core::kpi::targets::parse_plan(&name, &text)
                    .map_err(anyhow::Error::msg)?;
                ctx.print(&format!(
                    "{name}: hợp lệ — {} ({} chỉ tiêu); chưa nạp (--dry-run)",
                    plan.name,
                    plan.targets.len()
                ))
            } else {
                let n = app.import_plan(&operator, &name, &text).await?;
                ctx.print(&format!("Đã nạp {n} chỉ tiêu từ {name}"))
            }
        }
        TargetsAction::List => {
            let province = app
                .province()
                .await?
                .ok_or_else(|| anyhow!("hệ thống chưa được khởi tạo (motcua init)"))?;
            let targets = db.plan_targets(&province.code).await?;
            if ctx.json {
                let list: Vec<serde_json::Value> = targets
                    .iter()
                    .map(|(plan, t)| {
                        let (agency, kind) = scope(&t.scope);
                        serde_json::json!({
                            "plan": plan, "figure": t.figure.as_str(), "agency": agency,
                            "kind": kind, "by": t.by, "value": t.value,
                        })
                    })
                    .collect();
                ctx.print_json(&serde_json::json!({ "targets": list }))
            } else if targets.is_empty() {
                ctx.print("Chưa có kế hoạch nào.")
            } else {
                let lines: Vec<String> = targets
                    .iter()
                    .map(|(plan, t)| {
                        let (agency, kind) = scope(&t.scope);
                        let unit = agency
                            .map(|a| format!("cơ quan {a}"))
                            .or(kind.map(|k| format!("mỗi cơ quan loại {k}")))
                            .unwrap_or_else(|| "toàn tỉnh".into());
                        let value = if t.figure.is_share() {
                            format!("{:.0} %", t.value * 100.0)
                        } else {
                            format!("{}", t.value)
                        };
                        format!(
                            "{plan} | {} | {unit} | {value} trước {}",
                            t.figure.name(),
                            t.by.format("%d/%m/%Y")
                        )
                    })
                    .collect();
                ctx.print(&lines.join("\n"))
            }
        }
        TargetsAction::Delete { name } => {
            app.delete_plan(&operator, &name).await?;
            ctx.print(&format!("Đã xóa kế hoạch \"{name}\""))
        }
    };
    db.close().await;
    outcome
}

fn scope(s: &motcua_core::kpi::targets::TargetScope) -> (Option<String>, Option<String>) {
    use motcua_core::kpi::targets::TargetScope;
    match s {
        TargetScope::Province => (None, None),
        TargetScope::Agency(a) => (Some(a.to_string()), None),
        TargetScope::Kind(k) => (None, Some(k.clone())),
    }
}
