//! Loading a province's existing register as a use case: the files are read into objects by
//! the core (every row checked), compared with the register, and written in batches — or,
//! with rejects, not at all. A second run finds every object unchanged.

use motcua_core::land::ChangeSet;
use motcua_core::land::import::{Counts, Files, Reject, load, plan};
use serde::Serialize;

use crate::{App, AppError};

/// Objects compared and written per transaction.
const BATCH: usize = 1_000;

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, Serialize)]
pub struct LandImport {
    /// Rows read, all files.
    pub rows: usize,
    /// Objects the files describe.
    pub objects: usize,
    /// New, changed and unchanged objects.
    #[serde(flatten)]
    pub counts: Counts,
    /// Rows refused; when there are any, nothing was written.
    pub rejects: Vec<Reject>,
    /// Nothing was written on purpose.
    pub dry_run: bool,
}

impl App {
    /// Imports the register files; `progress(done, total)` is told after each batch.
    pub async fn import_land(
        &self,
        files: &Files,
        dry_run: bool,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<LandImport, AppError> {
        let loaded = load(files);
        let mut report = LandImport {
            rows: loaded.rows,
            objects: loaded.objects.len(),
            dry_run,
            ..LandImport::default()
        };
        if !loaded.rejects.is_empty() {
            report.rejects = loaded.rejects;
            return Ok(report);
        }
        let total = loaded.objects.len();
        let mut done = 0;
        for batch in loaded.objects.chunks(BATCH) {
            let ids: Vec<uuid::Uuid> = batch.iter().map(|(o, _)| o.id).collect();
            let history = self.db().land_history(&ids).await?;
            let (ops, counts) = plan(batch, |o| crate::land::by_object(&history, o));
            report.counts.created += counts.created;
            report.counts.updated += counts.updated;
            report.counts.unchanged += counts.unchanged;
            report.counts.kept += counts.kept;
            if !dry_run && !ops.is_empty() {
                let set = ChangeSet {
                    dossier: String::new(),
                    ops,
                };
                let mut write = set
                    .apply(|o| crate::land::by_object(&history, o), self.now())
                    .map_err(|e| AppError::Invalid(format!("không nạp được sổ địa chính: {e}")))?;
                // A loaded register names no dossier.
                for v in &mut write.begun {
                    v.dossier = None;
                }
                self.db().apply_land_versions(&write).await?;
            }
            done += batch.len();
            progress(done, total);
        }
        Ok(report)
    }
}
