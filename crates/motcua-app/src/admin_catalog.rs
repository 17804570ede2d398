//! Publishing a procedure version from the administration page or the API: the file is
//! checked with the same rules as `motcua catalog validate` (against the rest of the catalogue),
//! shown as a difference from the current version, then published and logged. A published
//! version never changes; the next dossier uses the new one at once.

use motcua_core::catalog::synonyms::{self, Synonym};
use motcua_core::catalog::{Procedure, differences, validate_catalog};
use motcua_core::dossier::Actor;
use motcua_store::{AdminChange, AdminEntry, StoreError};
use serde_json::json;

use crate::{App, AppError};

/// A checked procedure file, before it is published.
#[derive(Debug, Clone)]
pub struct ProcedureCheck {
    /// The procedure as read.
    pub procedure: Procedure,
    /// The version in force now, if the code exists.
    pub current: Option<u32>,
    /// What changes from it (empty for a new procedure).
    pub changes: Vec<String>,
}

impl App {
    /// Checks a procedure file against the catalogue (errors name the file, the line and the
    /// rule) and compares it with the version in force.
    pub async fn check_procedure(
        &self,
        file_name: &str,
        text: &str,
    ) -> Result<ProcedureCheck, AppError> {
        let stored = self.db().current_procedures().await?;
        let (mut checked, errors) = validate_catalog(&[(file_name.to_owned(), text.to_owned())]);
        if let Some(e) = errors.first() {
            let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
            return Err(AppError::Invalid(if all.len() == 1 {
                e.to_string()
            } else {
                all.join("; ")
            }));
        }
        let procedure = checked
            .pop()
            .ok_or_else(|| AppError::Invalid(format!("{file_name}: không đọc được thủ tục")))?;
        let current = stored.iter().find(|s| s.code == procedure.code.as_str());
        let (current, changes) = match current {
            None => (None, vec![]),
            Some(s) => {
                let old = s.procedure()?;
                if procedure.version <= old.version && old != procedure {
                    return Err(AppError::Invalid(format!(
                        "phiên bản {} không mới hơn phiên bản đang áp dụng {}; hãy tăng `version`",
                        procedure.version, old.version
                    )));
                }
                let changes = if old == procedure {
                    vec![]
                } else {
                    differences(&old, &procedure)
                };
                (Some(old.version), changes)
            }
        };
        Ok(ProcedureCheck {
            procedure,
            current,
            changes,
        })
    }

    /// Publishes a checked procedure version.
    pub async fn publish_procedure(
        &self,
        by: &Actor,
        file_name: &str,
        text: &str,
    ) -> Result<ProcedureCheck, AppError> {
        crate::admin::require_admin(by)?;
        let check = self.check_procedure(file_name, text).await?;
        let p = &check.procedure;
        let log = AdminEntry {
            actor_id: by.id.clone(),
            actor_name: by.name.clone(),
            action: "procedure.publish".into(),
            object: p.code.to_string(),
            before: json!({"version": check.current}),
            after: json!({"version": p.version, "name": p.name, "changes": check.changes}),
        };
        let change = AdminChange::PublishProcedure {
            procedure: Box::new(p.clone()),
            body: text.into(),
        };
        self.db()
            .admin_change(&change, &log, self.now())
            .await
            .map_err(|e| match e {
                StoreError::Conflict(why) => AppError::Invalid(why),
                other => other.into(),
            })?;
        Ok(check)
    }
}

/// The setting that holds the province's search synonyms (absent: the default list).
const SYNONYMS_SETTING: &str = "catalog_synonyms";

impl App {
    /// The province's search synonyms as written (the default list until it saves its own).
    pub async fn synonyms_text(&self) -> Result<String, AppError> {
        Ok(self
            .db()
            .setting(SYNONYMS_SETTING)
            .await?
            .unwrap_or_else(|| synonyms::DEFAULT.to_owned()))
    }

    /// The province's search synonyms, read. A stored list that no longer reads (it was
    /// checked when saved) gives the default rather than no search at all.
    pub async fn synonyms(&self) -> Result<Vec<Synonym>, AppError> {
        let text = self.synonyms_text().await?;
        Ok(synonyms::parse(&text)
            .or_else(|_| synonyms::parse(synonyms::DEFAULT))
            .unwrap_or_default())
    }

    /// Saves the province's search synonyms after checking every line; logged.
    pub async fn set_synonyms(&self, by: &Actor, text: &str) -> Result<usize, AppError> {
        crate::admin::require_admin(by)?;
        let read = synonyms::parse(text).map_err(AppError::Invalid)?;
        let before = self.synonyms_text().await?;
        let log = crate::admin::entry(
            by,
            "settings.set",
            SYNONYMS_SETTING,
            json!(before),
            json!(text),
        );
        let set = AdminChange::SetSetting {
            key: SYNONYMS_SETTING.into(),
            value: text.to_owned(),
        };
        self.db().admin_change(&set, &log, self.now()).await?;
        Ok(read.len())
    }
}
