//! Procedure versions, parsed once: a stored (code, version) never changes, so its parsed
//! form is kept for the life of the process. Which version is current is asked of the
//! database each time (a one-row indexed read), so an import applies at once.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use motcua_core::catalog::Procedure;

use crate::{App, AppError};

#[derive(Default)]
pub(crate) struct Procedures {
    parsed: RwLock<HashMap<(String, u32), Arc<Procedure>>>,
}

impl App {
    /// A procedure version; the current one when `version` is `None`.
    pub async fn procedure(
        &self,
        code: &str,
        version: Option<u32>,
    ) -> Result<Arc<Procedure>, AppError> {
        let unknown = || AppError::UnknownProcedure(code.to_owned());
        let version = match version {
            Some(v) => v,
            None => self
                .db()
                .current_procedure_version(code)
                .await?
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(unknown)?,
        };
        let key = (code.to_owned(), version);
        let cache = &self.inner.procedures.parsed;
        if let Some(p) = cache.read().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(p);
        }
        let stored = self
            .db()
            .procedure_version(code, i64::from(version))
            .await?
            .ok_or_else(unknown)?;
        let parsed = Arc::new(stored.procedure()?);
        if let Ok(mut c) = cache.write() {
            c.insert(key, parsed.clone());
        }
        Ok(parsed)
    }

    /// The current version of every procedure, by code.
    pub async fn current_procedures(&self) -> Result<Vec<Arc<Procedure>>, AppError> {
        let mut out = Vec::new();
        for stored in self.db().current_procedures().await? {
            let version = u32::try_from(stored.version).unwrap_or(0);
            out.push(self.procedure(&stored.code, Some(version)).await?);
        }
        Ok(out)
    }
}
