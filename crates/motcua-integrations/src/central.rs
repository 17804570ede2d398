//! Deployment option 2 with the ministry (seed MONRE 2022): some procedures are handled on
//! the ministry's central system, not here. Their dossiers are pulled in read-only, as the
//! national portal's dossier record (`DongBoHoSoMC`), so the province's reports, KPIs and
//! lookup hold them too; nothing here acts on them. The central system lists its records in
//! the order they changed, each change a new position; a cursor remembers how far the pull
//! has got, and a record seen again (a crash before the cursor moved, or a later change)
//! goes through the importer, which leaves it unchanged or restates it.

use motcua_app::{App, AppError, DossierImport, ImportRecord, ImportReject, ImportRun};
use serde::Deserialize;

use crate::Systems;
use crate::dispatch::DeliverError;
use crate::exchange::Payload;

const CURSOR: &str = "central.records";

/// The system's name in errors and the message log.
pub const SYSTEM: &str = "Hệ thống giải quyết TTHC của Bộ";

/// The source the pulled dossiers name (their history says "imported from" it).
pub const SOURCE: &str = "Hệ thống thông tin giải quyết TTHC của Bộ Nông nghiệp và Môi trường";

/// What one pull did: the importer's counts and the records it refused.
#[derive(Debug, Clone, Default)]
pub struct CentralPull {
    /// Read, created, updated, unchanged, rejected.
    pub import: DossierImport,
    /// Each refused record, with the field and why.
    pub rejects: Vec<ImportReject>,
}

#[derive(Deserialize)]
struct Page {
    #[serde(rename = "HoSo")]
    records: Vec<serde_json::Value>,
    #[serde(rename = "ViTri")]
    position: u64,
}

/// Pulls every record changed since the last pull.
pub async fn pull_central(app: &App, systems: &Systems) -> Result<CentralPull, DeliverError> {
    let config = &systems.config;
    if !config.central() {
        return Err(DeliverError::Bad(
            "chưa cấu hình hệ thống của Bộ (--central-url, --central-token)".into(),
        ));
    }
    let run = ImportRun {
        source: SOURCE.into(),
        actor_id: "system:central".into(),
        dry_run: false,
        read_only: true,
    };
    let db = app.db();
    let mut pulled = CentralPull::default();
    loop {
        let since: u64 = db
            .sync_cursor(CURSOR)
            .await?
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let url = format!("{}/ho-so?sau={since}", config.central_url);
        let page: Page = systems
            .call(
                SYSTEM,
                reqwest::Method::GET,
                url,
                None,
                Some(&config.central_token),
                Payload::None,
            )
            .await?
            .ok(SYSTEM)?
            .json(SYSTEM)?;
        if page.records.is_empty() {
            return Ok(pulled);
        }
        // A position that does not move on would pull the same page for ever.
        if page.position <= since {
            return Err(DeliverError::Bad(format!(
                "{SYSTEM} trả vị trí {} không sau vị trí {since}",
                page.position
            )));
        }
        let records: Vec<ImportRecord> = page
            .records
            .into_iter()
            .enumerate()
            .map(|(i, value)| ImportRecord {
                file: format!("{SYSTEM}, sau vị trí {since}"),
                row: i + 1,
                value,
                problems: Vec::new(),
                files: Default::default(),
            })
            .collect();
        app.import_dossiers(&run, &records, &mut pulled.import, &mut pulled.rejects)
            .await
            .map_err(|e| match e {
                AppError::Store(s) => DeliverError::Store(s),
                other => DeliverError::Bad(other.to_string()),
            })?;
        db.set_sync_cursor(CURSOR, &page.position.to_string())
            .await?;
    }
}
