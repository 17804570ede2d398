//! `motcua catalog validate|import|export|diff`: the procedure catalogue as files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use clap::Subcommand;
use motcua_core::catalog::{Procedure, validate_catalog};
use motcua_core::clock::Clock as _;
use motcua_store::ImportOutcome;

use super::{Ctx, open_db};
use crate::clock::SystemClock;

/// The seed catalogue's folder, relative to the repository root.
pub const DEFAULT_DIR: &str = "catalog/procedures";

#[derive(Debug, Subcommand)]
pub enum CatalogAction {
    /// Check every procedure file; errors name the file, the line and the rule.
    Validate {
        /// Folder of procedure files.
        #[arg(default_value = DEFAULT_DIR)]
        dir: PathBuf,
    },
    /// Check, then store every new procedure version.
    Import {
        /// Folder of procedure files.
        #[arg(default_value = DEFAULT_DIR)]
        dir: PathBuf,
    },
    /// Write the current version of every stored procedure to a folder.
    Export {
        /// Target folder (created if missing).
        dir: PathBuf,
    },
    /// Name the agencies that resolve a procedure (none: back to the catalogue's agency kinds).
    Agencies {
        /// Procedure code.
        code: String,
        /// An agency (repeat for several).
        #[arg(long = "unit")]
        units: Vec<String>,
    },
    /// Map a procedure to the national portal's code (none: the same code).
    PortalCode {
        /// Procedure code.
        code: String,
        /// The portal's code.
        portal_code: Option<String>,
    },
    /// Compare a folder with what is stored.
    Diff {
        /// Folder of procedure files.
        #[arg(default_value = DEFAULT_DIR)]
        dir: PathBuf,
    },
}

pub async fn run(ctx: &Ctx, action: CatalogAction) -> Result<()> {
    match action {
        CatalogAction::Validate { dir } => {
            let procedures = load_dir(&dir)?;
            let mut lines: Vec<String> = procedures
                .iter()
                .map(|(p, _)| {
                    format!(
                        "  {} v{} — {} ({} {})",
                        p.code,
                        p.version,
                        p.name,
                        p.statutory_days,
                        ctx.pick("ngày làm việc", "working days")
                    )
                })
                .collect();
            lines.insert(
                0,
                format!(
                    "{} {} {}:",
                    procedures.len(),
                    ctx.pick("thủ tục hợp lệ trong", "valid procedures in"),
                    dir.display()
                ),
            );
            ctx.print(&lines.join("\n"))
        }
        CatalogAction::Import { dir } => {
            let procedures = load_dir(&dir)?;
            let db = open_db(&ctx.database_url).await?;
            let now = SystemClock.now();
            let mut lines = Vec::new();
            for (p, body) in &procedures {
                let outcome = db.import_procedure(p, body, now).await?;
                let word = match outcome {
                    ImportOutcome::Added => ctx.pick("thêm mới", "added"),
                    ImportOutcome::Unchanged => ctx.pick("không đổi", "unchanged"),
                };
                lines.push(format!("  {} v{}: {word}", p.code, p.version));
            }
            db.close().await;
            ctx.print(&lines.join("\n"))
        }
        CatalogAction::Agencies { code, units } => {
            let (db, app) = app(ctx).await?;
            app.set_procedure_agencies(&super::accounts::operator(), &code, units)
                .await?;
            db.close().await;
            ctx.print(ctx.pick("Đã lưu.", "Saved."))
        }
        CatalogAction::PortalCode { code, portal_code } => {
            let (db, app) = app(ctx).await?;
            app.set_portal_code(&super::accounts::operator(), &code, portal_code)
                .await?;
            db.close().await;
            ctx.print(ctx.pick("Đã lưu.", "Saved."))
        }
        CatalogAction::Export { dir } => {
            let db = open_db(&ctx.database_url).await?;
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("không tạo được thư mục {}", dir.display()))?;
            let stored = db.current_procedures().await?;
            for p in &stored {
                let path = dir.join(format!("{}.toml", p.code));
                std::fs::write(&path, &p.body)
                    .with_context(|| format!("không ghi được {}", path.display()))?;
            }
            ctx.print(&format!(
                "{} {} {}",
                ctx.pick("Đã xuất", "Exported"),
                stored.len(),
                dir.display()
            ))
        }
        CatalogAction::Diff { dir } => {
            let files = load_dir(&dir)?;
            let db = open_db(&ctx.database_url).await?;
            let mut stored: BTreeMap<String, Procedure> = BTreeMap::new();
            for s in db.current_procedures().await? {
                stored.insert(s.code.clone(), s.procedure()?);
            }
            let mut lines = Vec::new();
            for (p, _) in &files {
                match stored.remove(p.code.as_str()) {
                    None => lines.push(format!("+ {} v{} {}", p.code, p.version, p.name)),
                    Some(old) if old == *p => {}
                    Some(old) => {
                        lines.push(format!("~ {} v{} → v{}", p.code, old.version, p.version));
                        lines.extend(
                            motcua_core::catalog::differences(&old, p)
                                .into_iter()
                                .map(|d| format!("    {d}")),
                        );
                    }
                }
            }
            lines.extend(
                stored
                    .values()
                    .map(|p| format!("- {} v{} {}", p.code, p.version, p.name)),
            );
            if lines.is_empty() {
                lines.push(
                    ctx.pick("Không có khác biệt.", "No differences.")
                        .to_owned(),
                );
            }
            ctx.print(&lines.join("\n"))
        }
    }
}

async fn app(ctx: &Ctx) -> Result<(motcua_store::Db, motcua_app::App)> {
    let db = open_db(&ctx.database_url).await?;
    let app = motcua_app::App::new(
        db.clone(),
        ctx.calendar_data().await?,
        std::sync::Arc::new(SystemClock),
    );
    Ok((db, app))
}

/// Reads and checks every `*.toml` in a folder; any error fails the whole load.
fn load_dir(dir: &Path) -> Result<Vec<(Procedure, String)>> {
    let mut files = Vec::new();
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("không đọc được thư mục {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("không đọc được {}", path.display()))?;
            files.push((path.display().to_string(), text));
        }
    }
    files.sort();
    let (procedures, errors) = validate_catalog(&files);
    if !errors.is_empty() {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        bail!("danh mục có {} lỗi:\n{}", errors.len(), list.join("\n"));
    }
    // With no error, every file gave exactly one procedure, in order.
    Ok(procedures
        .into_iter()
        .zip(files.into_iter().map(|(_, text)| text))
        .collect())
}
