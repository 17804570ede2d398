//! Calendar documents an administrator imports or removes (a year's schedule of days off and
//! swapped working days, local days off, holiday rules): checked like the CLI checks them,
//! logged, and applied to the next command without a restart.

use std::sync::Arc;

use motcua_core::calendar::{Document, builtin_data, parse_document};
use motcua_store::{AdminChange, AdminEntry, StoredCalendarDocument};
use serde_json::json;

use crate::{App, AppError};

/// What a document is stored under: its kind and key (`YEAR/SCOPE` for a schedule, the file's
/// name for rules); a later document with the same key replaces it.
pub fn calendar_key(doc: &Document, file_name: &str) -> (&'static str, String) {
    match doc {
        Document::Schedule(s) => ("year-schedule", format!("{}/{}", s.year, s.scope)),
        Document::Rules(_) => ("holiday-rules", file_name.to_owned()),
    }
}

impl App {
    /// The shipped holiday data with every stored document laid on top.
    pub async fn load_holidays(&self) -> Result<motcua_core::calendar::CalendarData, AppError> {
        let mut data = builtin_data()
            .map_err(|e| AppError::Invalid(format!("dữ liệu lịch kèm theo bị lỗi: {e}")))?;
        for doc in self.db().calendar_documents().await? {
            let parsed = parse_document(&doc.name, &doc.body)
                .map_err(|e| AppError::Invalid(e.to_string()))?;
            data.add(parsed);
        }
        Ok(data)
    }

    async fn reload_holidays(&self) -> Result<(), AppError> {
        let data = self.load_holidays().await?;
        self.inner.calendars.replace(Arc::new(data));
        Ok(())
    }

    /// Checks and stores a calendar document; answers its kind and key.
    pub async fn import_calendar_document(
        &self,
        by: &motcua_core::dossier::Actor,
        file_name: &str,
        text: &str,
    ) -> Result<(&'static str, String), AppError> {
        crate::admin::require_admin(by)?;
        let doc = parse_document(file_name, text).map_err(|e| AppError::Invalid(e.to_string()))?;
        let (kind, key) = calendar_key(&doc, file_name);
        let change = AdminChange::SaveCalendarDocument(StoredCalendarDocument {
            kind: kind.into(),
            doc_key: key.clone(),
            name: file_name.into(),
            body: text.into(),
            imported_at: self.now(),
        });
        let log = AdminEntry {
            actor_id: by.id.clone(),
            actor_name: by.name.clone(),
            action: "calendar.import".into(),
            object: format!("{kind} {key}"),
            before: serde_json::Value::Null,
            after: json!({"file": file_name, "bytes": text.len()}),
        };
        self.db().admin_change(&change, &log, self.now()).await?;
        self.reload_holidays().await?;
        Ok((kind, key))
    }

    /// Removes a stored calendar document.
    pub async fn remove_calendar_document(
        &self,
        by: &motcua_core::dossier::Actor,
        kind: &str,
        key: &str,
    ) -> Result<(), AppError> {
        crate::admin::require_admin(by)?;
        let change = AdminChange::DeleteCalendarDocument {
            kind: kind.into(),
            key: key.into(),
        };
        let log = AdminEntry {
            actor_id: by.id.clone(),
            actor_name: by.name.clone(),
            action: "calendar.remove".into(),
            object: format!("{kind} {key}"),
            before: json!({"stored": true}),
            after: json!({"stored": false}),
        };
        self.db()
            .admin_change(&change, &log, self.now())
            .await
            .map_err(|e| match e {
                motcua_store::StoreError::NotFound => {
                    AppError::NotFound(format!("không có tài liệu lịch {kind} {key}"))
                }
                other => other.into(),
            })?;
        self.reload_holidays().await
    }
}
