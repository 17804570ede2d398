//! `motcua demo`: seed the demo province once, print the accounts, serve.

use anyhow::{Context as _, Result};
use clap::Args;
use motcua_core::clock::Clock as _;

use motcua_integrations::{Keys, SystemsConfig};

use super::serve::{CommonServeArgs, bind, init_logging, public_url, serve_on};
use super::{Ctx, open_db};
use crate::clock::SystemClock;
use crate::demo;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address to listen on.
    #[arg(long, env = "MOTCUA_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Dossiers to generate on first run.
    #[arg(long, default_value_t = 300)]
    pub dossiers: usize,
    /// Over how many past days.
    #[arg(long, default_value_t = 60)]
    pub days: i64,
    #[command(flatten)]
    pub common: CommonServeArgs,
    /// Where the simulator of the government systems listens (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub sim_bind: String,
    /// Seed and exit, without serving.
    #[arg(long)]
    pub seed_only: bool,
}

pub async fn run(ctx: &Ctx, args: DemoArgs) -> Result<()> {
    init_logging();
    let db = open_db(&ctx.database_url).await?;
    let now = SystemClock.now();
    // Opened before anything is seeded, so a storage that does not answer leaves no
    // half-seeded province behind.
    let files = args.common.files.open(None).await?;
    if demo::seed_reference(&db, now).await? {
        ctx.print(&format!(
            "Đang tạo dữ liệu mẫu: Thành phố Đà Nẵng, {} hồ sơ trong {} ngày qua…",
            args.dossiers, args.days
        ))?;
        let register = motcua_app::App::new(
            db.clone(),
            ctx.calendar_data().await?,
            std::sync::Arc::new(SystemClock),
        );
        let loaded = demo::land::seed(&register).await?;
        ctx.print(&format!(
            "Sổ địa chính mẫu: {} đối tượng ({} thửa đất).",
            loaded.objects,
            demo::land::PARCELS
        ))?;
        let scan = files
            .put(&demo::sample_pdf())
            .await
            .map_err(|e| anyhow::anyhow!("không lưu được bản quét mẫu: {e}"))?;
        demo::generate_dossiers(
            &db,
            ctx.calendar_data().await?,
            now,
            args.dossiers,
            args.days,
            Some(&scan),
        )
        .await?;
    }
    let mut lines = vec![format!(
        "Tài khoản mẫu (mật khẩu chung: {}):",
        demo::DEMO_PASSWORD
    )];
    for (username, name, role, agency) in demo::STAFF {
        lines.push(format!("  {username:<12} {role:<14} {name:<18} {agency}"));
    }
    ctx.print(&lines.join("\n"))?;
    if args.seed_only {
        db.close().await;
        return Ok(());
    }
    // The simulator runs in this process for convenience, but the service reaches it only
    // over HTTP, by its URL and keys, exactly as it would reach the real systems.
    let sim_config = motcua_sim::SimConfig::default();
    let sim = motcua_sim::start(sim_config.clone(), &args.sim_bind)
        .await
        .with_context(|| format!("không mở được cổng {} cho hệ thống mô phỏng", args.sim_bind))?;
    let listener = bind(&args.bind).await?;
    let public = public_url(&args.common, &listener)?;
    let sample: Vec<String> = (0..3)
        .filter_map(|i| sim.sim.population().nth(i))
        .map(|c| format!("  {}  {}", c.so_dinh_danh, c.ho_va_ten))
        .collect();
    ctx.print(&format!(
        "Hệ thống mô phỏng (VNeID, CSDL dân cư, cổng thanh toán, SMS/email/Zalo, ký số từ xa): {}\nCông dân mẫu (mật khẩu VNeID: {}):\n{}\nTin nhắn đã gửi: {}/_sim/messages\nỨng dụng ký số trên điện thoại của lãnh đạo: {}/_sim/ky-so",
        sim.base_url(),
        sim_config.citizen_password,
        sample.join("\n"),
        sim.base_url(),
        sim.base_url()
    ))?;
    let systems = SystemsConfig::under(
        &sim.base_url(),
        &public,
        Keys {
            oidc_client_id: sim_config.oidc_client_id,
            oidc_client_secret: sim_config.oidc_client_secret,
            payment_secret: sim_config.payment_secret,
            tax_secret: sim_config.tax_secret,
            treasury_secret: sim_config.treasury_secret,
            portal_secret: sim_config.portal_secret,
            signing_secret: sim_config.signing_secret,
        },
    )
    // The simulated ministry system starts empty; what is added at /_sim/bo/ho-so is pulled.
    .with_central(None, Some(&sim_config.central_token));
    // The demo trusts its simulated CA (a new root each start), so the leaders' signatures
    // made on the simulated remote signer verify.
    if let Some(root) = sim.sim.ca_root_pem() {
        let crl = format!("{}/ca/crl.pem", sim.base_url());
        demo::trust_sim_ca(&db, &root, Some(&crl), now).await?;
    }
    let result = serve_on(ctx, db, listener, &args.common, Some(systems), None).await;
    sim.stop();
    result
}
