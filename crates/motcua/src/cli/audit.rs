//! `motcua verify-audit`: recompute every dossier's hash chain.

use anyhow::{Result, bail};

use super::{Ctx, open_db};

pub async fn run(ctx: &Ctx) -> Result<()> {
    let db = open_db(&ctx.database_url).await?;
    let report = db.verify_audit().await?;
    db.close().await;
    if ctx.json {
        ctx.print_json(&serde_json::json!({
            "dossiers": report.dossiers,
            "events": report.events,
            "broken": report.broken.iter().map(|b| serde_json::json!({
                "dossier_code": b.dossier_code, "seq": b.seq, "reason": b.reason,
            })).collect::<Vec<_>>(),
        }))?;
    } else if report.broken.is_empty() {
        ctx.print(&format!(
            "{}: {} {}, {} {}",
            ctx.pick("Nhật ký toàn vẹn", "Audit chain intact"),
            report.dossiers,
            ctx.pick("hồ sơ", "dossiers"),
            report.events,
            ctx.pick("sự kiện", "events")
        ))?;
    } else {
        for b in &report.broken {
            eprintln!(
                "{}: {} #{}: {}",
                ctx.pick("hỏng", "broken"),
                b.dossier_code,
                b.seq,
                b.reason
            );
        }
    }
    if let Some(first) = report.broken.first() {
        bail!(
            "nhật ký hồ sơ {} bị sửa đổi tại sự kiện số {}",
            first.dossier_code,
            first.seq
        );
    }
    Ok(())
}
