//! Procedure versions, parsed once: a stored (code, version) never changes, so its parsed
//! form is kept for the life of the process. Which version is current is asked of the
//! database each time (a one-row indexed read), so an import applies at once.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use motcua_core::catalog::Procedure;

use crate::{App, AppError};

/// Former code → current code, with the catalogue fingerprint it was built at.
type Aliases = ((i64, String), Arc<HashMap<String, String>>);

#[derive(Default)]
pub(crate) struct Procedures {
    parsed: RwLock<HashMap<(String, u32), Arc<Procedure>>>,
    aliases: RwLock<Option<Aliases>>,
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
            // A code the ministry has since replaced resolves to its successor, even where
            // the old one is still stored (dossiers received under it keep their version).
            None => {
                if let Some(next) = Box::pin(self.successor(code)).await? {
                    return Ok(next);
                }
                let v = self.db().current_procedure_version(code).await?;
                v.and_then(|v| u32::try_from(v).ok()).ok_or_else(unknown)?
            }
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

    /// The current procedure that lists `code` among its former codes, if any. The map of
    /// former codes is rebuilt only when the catalogue changed (one aggregate read).
    async fn successor(&self, code: &str) -> Result<Option<Arc<Procedure>>, AppError> {
        let fingerprint = self.db().procedures_fingerprint().await?;
        let cached = self
            .inner
            .procedures
            .aliases
            .read()
            .ok()
            .and_then(|a| a.clone())
            .filter(|(f, _)| *f == fingerprint)
            .map(|(_, map)| map);
        let map = match cached {
            Some(map) => map,
            None => {
                let mut map = HashMap::new();
                for p in self.current_procedures().await? {
                    for f in &p.former_codes {
                        map.insert(f.to_string(), p.code.to_string());
                    }
                }
                let map = Arc::new(map);
                if let Ok(mut a) = self.inner.procedures.aliases.write() {
                    *a = Some((fingerprint, map.clone()));
                }
                map
            }
        };
        match map.get(code) {
            Some(current) => Ok(Some(Box::pin(self.procedure(current, None)).await?)),
            None => Ok(None),
        }
    }

    /// The current version of every procedure, by code.
    /// A procedure whose code another lists as former is superseded and left out.
    pub async fn current_procedures(&self) -> Result<Vec<Arc<Procedure>>, AppError> {
        let mut out = Vec::new();
        for stored in self.db().current_procedures().await? {
            let version = u32::try_from(stored.version).unwrap_or(0);
            out.push(self.procedure(&stored.code, Some(version)).await?);
        }
        let superseded: std::collections::HashSet<String> = out
            .iter()
            .flat_map(|p| p.former_codes.iter().map(|c| c.to_string()))
            .collect();
        out.retain(|p| !superseded.contains(p.code.as_str()));
        Ok(out)
    }
}
