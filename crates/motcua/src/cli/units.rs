//! `motcua units import` and `motcua agencies import`.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Subcommand;
use motcua_core::units::{agency_template, parse_admin_units, parse_agency_file};

use super::{Ctx, open_db};
use crate::clock::SystemClock;

use super::init::UNITS_2025;

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
    /// Print the starting agency file of a province (2025 units) for it to edit.
    Template {
        /// Province code.
        #[arg(long)]
        province: String,
    },
    /// Rename an agency.
    Rename {
        /// Its code.
        code: String,
        /// The new name.
        name: String,
    },
    /// Give an agency a new electronic identifier (the old one keeps resolving).
    Recode {
        /// Its code.
        code: String,
        /// The new identifier.
        new_code: String,
    },
    /// Merge an agency into another: its staff, API tokens and open dossiers move to the
    /// successor; its old code keeps resolving. Run again, it finishes an interrupted merger.
    Merge {
        /// The agency merged away.
        from: String,
        /// The agency that takes over.
        into: String,
    },
    /// Put an agency under another parent (`-` for none).
    Move {
        /// Its code.
        code: String,
        /// The new parent's code.
        parent: String,
    },
    /// Set an agency's office hours (or `--default` for the civil-service hours).
    Hours {
        /// Its code.
        code: String,
        /// Periods, e.g. 07:00-11:30,13:30-17:00.
        #[arg(long, required_unless_present = "default")]
        periods: Option<String>,
        /// Open on Saturdays too.
        #[arg(long)]
        saturday: bool,
        /// Daily cut-off HH:MM (later receipts count from the next working day).
        #[arg(long)]
        cutoff: Option<String>,
        /// Back to the civil-service default.
        #[arg(long, conflicts_with = "periods")]
        default: bool,
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
    if let AgenciesAction::Template { province } = &action {
        let units = parse_admin_units(UNITS_2025).map_err(anyhow::Error::msg)?;
        return ctx.print(&agency_template(&units, province).map_err(anyhow::Error::msg)?);
    }
    let db = open_db(&ctx.database_url).await?;
    match action {
        AgenciesAction::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("không đọc được {}", file.display()))?;
            let parsed = parse_agency_file(&file.display().to_string(), &text)
                .map_err(anyhow::Error::msg)?;
            let app = motcua_app::App::new(
                db.clone(),
                ctx.calendar_data().await?,
                std::sync::Arc::new(SystemClock),
            );
            let n = app
                .import_agency_file(&super::accounts::operator(), parsed)
                .await?;
            ctx.print(&format!(
                "{} {n} {}",
                ctx.pick("Đã nạp", "Loaded"),
                ctx.pick("cơ quan", "agencies")
            ))
        }
        AgenciesAction::Template { .. } => Ok(()),
        AgenciesAction::Hours {
            code,
            periods,
            saturday,
            cutoff,
            default: _,
        } => {
            let app = motcua_app::App::new(
                db.clone(),
                ctx.calendar_data().await?,
                std::sync::Arc::new(SystemClock),
            );
            let hours = periods.map(|periods| motcua_store::StoredOfficeHours {
                agency_code: code.clone(),
                periods,
                saturday,
                cutoff,
            });
            app.set_office_hours(&super::accounts::operator(), &code, hours)
                .await?;
            ctx.print(ctx.pick("Đã lưu giờ làm việc.", "Office hours saved."))
        }
        AgenciesAction::Rename { code, name } => {
            change(ctx, &db, motcua_app::AgencyChange::Rename { code, name }).await
        }
        AgenciesAction::Recode { code, new_code } => {
            change(
                ctx,
                &db,
                motcua_app::AgencyChange::Recode { code, new_code },
            )
            .await
        }
        AgenciesAction::Merge { from, into } => {
            let app = motcua_app::App::new(
                db.clone(),
                ctx.calendar_data().await?,
                std::sync::Arc::new(SystemClock),
            );
            let m = app
                .merge_agency(&super::accounts::operator(), &from, &into)
                .await?;
            if ctx.json {
                return ctx.print_json(&serde_json::to_value(&m)?);
            }
            ctx.print(&format!(
                "{} {} → {}: {} hồ sơ đang giải quyết đã chuyển sang đơn vị kế thừa.",
                if m.merged_now {
                    "Đã sáp nhập"
                } else {
                    "Đã sáp nhập từ trước; hoàn tất chuyển hồ sơ"
                },
                m.from,
                m.into,
                m.dossiers_moved
            ))
        }
        AgenciesAction::Move { code, parent } => {
            let parent = Some(parent).filter(|p| p != "-");
            change(ctx, &db, motcua_app::AgencyChange::Move { code, parent }).await
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

async fn change(ctx: &Ctx, db: &motcua_store::Db, change: motcua_app::AgencyChange) -> Result<()> {
    let app = motcua_app::App::new(
        db.clone(),
        ctx.calendar_data().await?,
        std::sync::Arc::new(SystemClock),
    );
    app.change_agency(&super::accounts::operator(), change)
        .await?;
    ctx.print(ctx.pick("Đã lưu thay đổi.", "Saved."))
}
