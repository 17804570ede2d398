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
            None => match self.db().current_procedure_version(code).await? {
                Some(v) => u32::try_from(v).map_err(|_| unknown())?,
                // A code the ministry has since replaced resolves to its successor.
                None => return Box::pin(self.successor(code)).await?.ok_or_else(unknown),
            },
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

    /// The current procedure that lists `code` among its former codes, if any.
    async fn successor(&self, code: &str) -> Result<Option<Arc<Procedure>>, AppError> {
        Ok(self
            .current_procedures()
            .await?
            .into_iter()
            .find(|p| p.former_codes.iter().any(|f| f.as_str() == code)))
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
