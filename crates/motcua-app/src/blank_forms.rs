//! Blank forms (mẫu đơn, tờ khai) a citizen downloads to fill in, one per document of a
//! procedure that has a form (e.g. Mẫu số 18). The province uploads the official file; the
//! web edge checks and stores it by its SHA-256, and this records which file belongs to which
//! document, logged like every setting.

use motcua_core::dossier::Actor;
use motcua_store::AdminChange;
use serde_json::json;

use crate::admin::{entry, require_admin};
use crate::{App, AppError};

fn key(procedure: &str, document: &str) -> String {
    format!("blank_form:{procedure}:{document}")
}

impl App {
    /// The digest of a document's blank form, if the province uploaded one.
    pub async fn blank_form(
        &self,
        procedure: &str,
        document: &str,
    ) -> Result<Option<String>, AppError> {
        Ok(self
            .db()
            .setting(&key(procedure, document))
            .await?
            .filter(|d| !d.is_empty()))
    }

    /// Checks that a procedure in force has this document, before any file is stored for it.
    pub async fn check_blank_form_target(
        &self,
        by: &Actor,
        procedure: &str,
        document: &str,
    ) -> Result<(), AppError> {
        require_admin(by)?;
        let p = self.procedure(procedure, None).await?;
        if p.documents.iter().any(|d| d.code == document) {
            Ok(())
        } else {
            Err(AppError::Invalid(format!(
                "thủ tục {procedure} không có thành phần hồ sơ \"{document}\""
            )))
        }
    }

    /// Records (or with `None` removes) a document's blank form by the digest of its stored file.
    pub async fn set_blank_form(
        &self,
        by: &Actor,
        procedure: &str,
        document: &str,
        digest: Option<&str>,
    ) -> Result<(), AppError> {
        self.check_blank_form_target(by, procedure, document)
            .await?;
        if digest.is_some_and(|d| d.len() != 64 || !d.bytes().all(|b| b.is_ascii_hexdigit())) {
            return Err(AppError::Invalid("mã băm tệp không hợp lệ".into()));
        }
        let key = key(procedure, document);
        let before = self.blank_form(procedure, document).await?;
        let log = entry(by, "settings.set", &key, json!(before), json!(digest));
        let set = AdminChange::SetSetting {
            key,
            value: digest.unwrap_or_default().to_owned(),
        };
        self.db().admin_change(&set, &log, self.now()).await?;
        Ok(())
    }
}
