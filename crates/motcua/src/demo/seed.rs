//! Reference data and staff accounts for the demo province.

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use motcua_core::catalog::parse_procedure;
use motcua_core::units::{parse_admin_units, parse_agency_file};
use motcua_store::{Db, NewAccount};

/// The password of every demo account (printed at start; change it for anything real).
pub const DEMO_PASSWORD: &str = "motcua-demo-2026";

/// Demo staff: (username, full name, role, agency).
pub const STAFF: [(&str, &str, &str, &str); 11] = [
    ("mc1", "Lê Thị Hoa", "desk_officer", "000.00.20.H48"),
    (
        "mc.haichau",
        "Trần Minh Tuấn",
        "desk_officer",
        "H48.20242.01",
    ),
    ("cv1", "Nguyễn Văn Bình", "specialist", "000.11.12.H48"),
    ("ld1", "Phạm Thị Thu", "leader", "000.11.12.H48"),
    ("cv2", "Hoàng Đức Long", "specialist", "000.12.12.H48"),
    ("ld2", "Võ Thị Mai", "leader", "000.12.12.H48"),
    ("cv.mt", "Đặng Quốc Việt", "specialist", "000.00.12.H48"),
    ("ld.mt", "Bùi Thanh Hà", "leader", "000.00.12.H48"),
    ("cv.xa", "Ngô Thị Lan", "specialist", "H48.20242"),
    ("gs1", "Trịnh Văn Sơn", "supervisor", "000.00.00.H48"),
    ("qt1", "Lý Minh Châu", "administrator", "000.00.00.H48"),
];

const UNITS: &str = include_str!("../../../../data/administrative-units-2025.csv");
const AGENCIES: &str = include_str!("../../../../catalog/agencies/48.toml");

/// Loads units, agencies, the catalogue and the staff; returns false if already seeded.
/// The demo province's plan of targets.
const PLAN: &str = include_str!("../../../../data/plans/demo-da-nang.toml");

pub async fn seed_reference(db: &Db, now: DateTime<Utc>) -> Result<bool> {
    if db.account_by_username(STAFF[0].0).await?.is_some() {
        return Ok(false);
    }
    db.import_admin_units(&parse_admin_units(UNITS).map_err(anyhow::Error::msg)?)
        .await?;
    // The demo is `motcua init --province 48` with the demo's agency file, plus data.
    let app = motcua_app::App::new(
        db.clone(),
        std::sync::Arc::new(motcua_core::calendar::builtin_data()?),
        std::sync::Arc::new(motcua_core::clock::FixedClock(now)),
    );
    app.set_up_province(parse_agency_file("48.toml", AGENCIES).map_err(anyhow::Error::msg)?)
        .await?;
    for (name, text) in motcua_core::catalog::SEED {
        let p = parse_procedure(name, text)?;
        db.import_procedure(&p, text, now).await?;
    }
    // The demo's plan, so the dashboard shows its figures beside targets.
    let operator = motcua_core::dossier::Actor {
        id: "system:demo".into(),
        name: "motcua demo".into(),
        kind: motcua_core::dossier::ActorKind::Staff(motcua_core::catalog::Role::Administrator),
    };
    app.import_plan(&operator, "demo-da-nang.toml", PLAN)
        .await?;
    let hash =
        motcua_web::auth::hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    for (username, name, role, agency) in STAFF {
        let province_wide = matches!(role, "supervisor" | "administrator");
        db.create_account(
            &NewAccount {
                username: username.into(),
                full_name: name.into(),
                password_hash: hash.clone(),
                role: role.into(),
                province_code: "48".into(),
                units: if province_wide {
                    vec![]
                } else {
                    vec![agency.into()]
                },
            },
            now,
        )
        .await
        .with_context(|| format!("không tạo được tài khoản {username}"))?;
    }
    Ok(true)
}

/// Makes the demo trust the simulated CA's root (made anew at each start), through the same
/// administrator's use case a province runs, so the leaders' signatures verify.
pub async fn trust_sim_ca(
    db: &Db,
    root_pem: &str,
    crl_url: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let app = motcua_app::App::new(
        db.clone(),
        std::sync::Arc::new(motcua_core::calendar::builtin_data()?),
        std::sync::Arc::new(motcua_core::clock::FixedClock(now)),
    );
    let operator = motcua_core::dossier::Actor {
        id: "system:demo".into(),
        name: "motcua demo".into(),
        kind: motcua_core::dossier::ActorKind::Staff(motcua_core::catalog::Role::Administrator),
    };
    app.set_trust_anchors(&operator, root_pem).await?;
    if let Some(url) = crl_url {
        app.set_crl_urls(&operator, url).await?;
    }
    Ok(())
}
