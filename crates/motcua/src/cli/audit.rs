//! `motcua verify-audit`: recompute every dossier's hash chain, the administrative log's chain,
//! and the signed log of messages exchanged with outside systems (chain and every signature,
//! with the public key registered in the database).

use anyhow::{Result, bail};

use super::{Ctx, open_db};

pub async fn run(ctx: &Ctx) -> Result<()> {
    let db = open_db(&ctx.database_url).await?;
    let report = db.verify_audit().await?;
    let key = db
        .installation_key(motcua_integrations::signing::PURPOSE)
        .await?;
    let messages = match &key {
        Some(k) => {
            db.verify_message_log(|hash, sig| motcua_integrations::signing::verify(k, hash, sig))
                .await?
        }
        // No key registered: nothing was ever exchanged, or the log was never opened.
        None => db.verify_message_log(|_, _| false).await?,
    };
    let admin = db.verify_admin_log().await?;
    db.close().await;
    if ctx.json {
        ctx.print_json(&serde_json::json!({
            "dossiers": report.dossiers,
            "events": report.events,
            "broken": report.broken.iter().map(|b| serde_json::json!({
                "dossier_code": b.dossier_code, "seq": b.seq, "reason": b.reason,
            })).collect::<Vec<_>>(),
            "messages": messages.messages,
            "message_log_broken": messages.broken.as_ref().map(|(seq, reason)| serde_json::json!({"seq": seq, "reason": reason})),
            "admin_log": admin.as_ref().ok(),
            "admin_log_broken": admin.as_ref().err().map(|(seq, reason)| serde_json::json!({"seq": seq, "reason": reason})),
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
        if messages.broken.is_none() {
            ctx.print(&format!(
                "{}: {} {}",
                ctx.pick(
                    "Nhật ký trao đổi với hệ thống khác toàn vẹn, chữ ký hợp lệ",
                    "Message log intact, signatures valid"
                ),
                messages.messages,
                ctx.pick("tin", "messages")
            ))?;
        }
        if let Ok(rows) = &admin {
            ctx.print(&format!(
                "{}: {rows} {}",
                ctx.pick("Nhật ký quản trị toàn vẹn", "Administrative log intact"),
                ctx.pick("thay đổi", "changes")
            ))?;
        }
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
    if let Err((seq, reason)) = &admin {
        bail!("nhật ký quản trị hỏng tại dòng số {seq}: {reason}");
    }
    if let Some((seq, reason)) = &messages.broken {
        bail!("nhật ký trao đổi hỏng tại tin số {seq}: {reason}");
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
