//! `motcua export dossiers FILE`: every dossier as the national portal's record
//! (`DongBoHoSoMC`), one JSON record a line — what `motcua import dossiers` reads, so a
//! province's dossiers can move to another installation (a merger), and the format every
//! provincial system exports already.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Subcommand;
use motcua_core::dvcqg::{ProcedureOnPortal, dossier_record, is_synced};

use super::{Ctx, open_db};

#[derive(Debug, Subcommand)]
pub enum ExportAction {
    /// Write every dossier (inter-agency sub-dossiers left out) to a JSON Lines file.
    Dossiers {
        /// The file to write.
        out: PathBuf,
    },
}

pub async fn run(ctx: &Ctx, action: ExportAction) -> Result<()> {
    let ExportAction::Dossiers { out } = action;
    let db = open_db(&ctx.database_url).await?;
    let file =
        std::fs::File::create(&out).with_context(|| format!("không tạo được {}", out.display()))?;
    let mut w = std::io::BufWriter::new(file);
    let mut names: HashMap<(String, u32), String> = HashMap::new();
    let mut portal: HashMap<String, Option<String>> = HashMap::new();
    let (mut after, mut written) = (None, 0usize);
    loop {
        let page = db.dossiers_after(after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for d in page.iter().filter(|d| is_synced(d)) {
            let key = (d.procedure.to_string(), d.procedure_version);
            if !names.contains_key(&key) {
                let name = db
                    .procedure_version(&key.0, i64::from(key.1))
                    .await?
                    .map_or_else(|| key.0.clone(), |p| p.name);
                names.insert(key.clone(), name);
            }
            if !portal.contains_key(&key.0) {
                portal.insert(key.0.clone(), db.portal_code(&key.0).await?);
            }
            let procedure = ProcedureOnPortal {
                name: names.get(&key).map_or("", String::as_str),
                code: portal.get(&key.0).and_then(Option::as_deref),
            };
            serde_json::to_writer(&mut w, &dossier_record(d, &procedure, false))?;
            writeln!(w)?;
            written += 1;
        }
    }
    w.flush()?;
    db.close().await;
    if ctx.json {
        return ctx.print_json(&serde_json::json!({ "written": written, "file": out }));
    }
    ctx.print(&format!("Đã ghi {written} hồ sơ vào {}", out.display()))
}
