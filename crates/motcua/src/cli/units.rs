//! `motcua units import` and `motcua agencies import`.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Subcommand;
use motcua_core::clock::Clock as _;
use motcua_core::units::{parse_admin_units, parse_agency_file};

use super::{Ctx, open_db};
use crate::clock::SystemClock;

/// The 2025 unit list, compiled in so a fresh install needs no download.
const UNITS_2025: &str = include_str!("../../../../data/administrative-units-2025.csv");

#[derive(Debug, Subcommand)]
pub enum UnitsAction {
    /// Load the administrative units (the compiled-in 2025 list, or a CSV file).
    Import {
        /// A newer list, same columns.
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgenciesAction {
    /// Load a province's agency file (TOML).
    Import {
        /// The file, e.g. catalog/agencies/48.toml.
        file: PathBuf,
    },
    /// List a province's active agencies.
    List {
        /// Province code.
        province: String,
    },
}

pub async fn run_units(ctx: &Ctx, action: UnitsAction) -> Result<()> {
    let UnitsAction::Import { file } = action;
    let text = match &file {
        Some(f) => {
            std::fs::read_to_string(f).with_context(|| format!("không đọc được {}", f.display()))?
        }
        None => UNITS_2025.to_owned(),
    };
    let units = parse_admin_units(&text).map_err(anyhow::Error::msg)?;
    let db = open_db(&ctx.database_url).await?;
    let n = db.import_admin_units(&units).await?;
    db.close().await;
    let provinces = units.iter().filter(|u| u.province_code.is_none()).count();
    ctx.print(&format!(
        "{} {n} {} ({provinces} {}, {} {})",
        ctx.pick("Đã nạp", "Loaded"),
        ctx.pick("đơn vị hành chính", "administrative units"),
        ctx.pick("tỉnh, thành phố", "provinces"),
        n - provinces,
        ctx.pick("xã, phường, đặc khu", "communes"),
    ))
}

pub async fn run_agencies(ctx: &Ctx, action: AgenciesAction) -> Result<()> {
    let db = open_db(&ctx.database_url).await?;
    match action {
        AgenciesAction::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("không đọc được {}", file.display()))?;
            let parsed = parse_agency_file(&file.display().to_string(), &text)
                .map_err(anyhow::Error::msg)?;
            let n = db
                .import_agencies(&parsed, SystemClock.now())
                .await
                .context("hãy nạp đơn vị hành chính trước (motcua units import)")?;
            ctx.print(&format!(
                "{} {n} {}",
                ctx.pick("Đã nạp", "Loaded"),
                ctx.pick("cơ quan", "agencies")
            ))
        }
        AgenciesAction::List { province } => {
            let list = db.agencies(&province).await?;
            let lines: Vec<String> = list
                .iter()
                .map(|a| format!("{:<22} {:<28} {}", a.code, a.kind, a.name))
                .collect();
            ctx.print(&lines.join("\n"))
        }
    }
}
