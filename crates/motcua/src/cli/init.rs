//! `motcua init --province N`: a database for any of the 34 provinces — the 2025 units, the
//! province's agencies (from its file, or a generated starting file written beside it), the
//! seed catalogue, and a first administrator whose one-time password is printed once.

use std::path::PathBuf;

use anyhow::{Context as _, Result, anyhow};
use clap::Args;
use motcua_core::catalog::parse_procedure;
use motcua_core::clock::Clock as _;
use motcua_core::units::{agency_template, parse_admin_units, parse_agency_file};

use super::{Ctx, open_db};
use crate::clock::SystemClock;

/// The 2025 unit list, compiled in so a fresh install needs no download.
pub const UNITS_2025: &str = include_str!("../../../../data/administrative-units-2025.csv");

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The province's statistics code (2025 list: 01 Hà Nội … 48 Đà Nẵng … 96 Cà Mau).
    #[arg(long)]
    pub province: String,
    /// The province's agency file. Without it, a starting file is generated as
    /// `agencies-<province>.toml` (or read from there if it exists) for the province to edit.
    #[arg(long)]
    pub agencies: Option<PathBuf>,
    /// The first administrator's sign-in name.
    #[arg(long, default_value = "quantri")]
    pub admin: String,
    /// The first administrator's full name.
    #[arg(long, default_value = "Quản trị hệ thống")]
    pub admin_name: String,
}

pub async fn run(ctx: &Ctx, args: InitArgs) -> Result<()> {
    let units = parse_admin_units(UNITS_2025).map_err(anyhow::Error::msg)?;
    let (path, text) = match &args.agencies {
        Some(p) => (
            p.clone(),
            std::fs::read_to_string(p)
                .with_context(|| format!("không đọc được {}", p.display()))?,
        ),
        None => {
            let p = PathBuf::from(format!("agencies-{}.toml", args.province));
            if p.exists() {
                let text = std::fs::read_to_string(&p)
                    .with_context(|| format!("không đọc được {}", p.display()))?;
                (p, text)
            } else {
                let text = agency_template(&units, &args.province).map_err(anyhow::Error::msg)?;
                std::fs::write(&p, &text)
                    .with_context(|| format!("không ghi được {}", p.display()))?;
                (p, text)
            }
        }
    };
    let agencies =
        parse_agency_file(&path.display().to_string(), &text).map_err(anyhow::Error::msg)?;
    if agencies.province != args.province {
        return Err(anyhow!(
            "{} là tệp cơ quan của tỉnh {}, không phải {}",
            path.display(),
            agencies.province,
            args.province
        ));
    }
    let db = open_db(&ctx.database_url).await?;
    db.import_admin_units(&units).await?;
    let app = motcua_app::App::new(
        db.clone(),
        ctx.calendar_data().await?,
        std::sync::Arc::new(SystemClock),
    );
    let issued = app
        .init_province(agencies, &args.admin, &args.admin_name)
        .await?;
    let now = SystemClock.now();
    for (name, text) in motcua_core::catalog::SEED {
        let p = parse_procedure(name, text)?;
        db.import_procedure(&p, text, now).await?;
    }
    let province = app
        .province()
        .await?
        .ok_or_else(|| anyhow!("không đọc lại được tỉnh vừa khởi tạo"))?;
    let n_agencies = db.agencies(&province.code).await?.len();
    db.close().await;
    if ctx.json {
        return ctx.print_json(&serde_json::json!({
            "province": province.code, "name": province.name, "agencies": n_agencies,
            "agency_file": path.display().to_string(),
            "admin": issued.username, "one_time_password": issued.one_time_password,
        }));
    }
    ctx.print(&format!(
        "Đã khởi tạo hệ thống cho {} (mã {}): {n_agencies} cơ quan từ {}, {} thủ tục mẫu.\n\
         Quản trị viên đầu tiên: {}\n\
         Mật khẩu dùng một lần (chỉ hiện lần này, phải đổi khi đăng nhập lần đầu): {}\n\
         Tiếp theo: sửa {} (mã định danh, tên, chi nhánh) rồi `motcua agencies import {}`; \
         chạy `motcua serve --public-url <địa chỉ công khai>` và đăng nhập tại /login.",
        province.name,
        province.code,
        path.display(),
        motcua_core::catalog::SEED.len(),
        issued.username,
        issued.one_time_password,
        path.display(),
        path.display(),
    ))
}
