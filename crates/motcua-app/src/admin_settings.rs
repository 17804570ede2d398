//! Per-agency and per-procedure settings a province makes: office hours (the unit's calendar
//! follows them at once), which agencies resolve a procedure, and the national portal's code of
//! a procedure. Each change is checked, logged, and applied without a restart.

use motcua_core::calendar::OfficeHours;
use motcua_core::catalog::Procedure;
use motcua_core::dossier::Actor;
use motcua_store::{AdminChange, StoredAgency, StoredOfficeHours};
use serde_json::json;

use crate::admin::{entry, require_admin};
use crate::{App, AppError};

impl App {
    /// The agencies of the province that resolve a procedure: those the province named for it,
    /// or else those of the kinds its catalogue entry names.
    pub async fn resolving_agencies(
        &self,
        p: &Procedure,
        province: &str,
    ) -> Result<Vec<StoredAgency>, AppError> {
        let named = self.db().procedure_agencies(p.code.as_str()).await?;
        let all = self.db().agencies(province).await?;
        Ok(all
            .into_iter()
            .filter(|a| {
                if named.is_empty() {
                    p.agencies.is_empty() || p.agencies.contains(&a.kind)
                } else {
                    named.contains(&a.code)
                }
            })
            .collect())
    }

    /// Sets an agency's office hours (`None`: back to the civil-service default).
    pub async fn set_office_hours(
        &self,
        by: &Actor,
        agency: &str,
        hours: Option<StoredOfficeHours>,
    ) -> Result<(), AppError> {
        require_admin(by)?;
        let province = self.province().await?.map(|p| p.code).unwrap_or_default();
        match self.db().agency(agency).await? {
            Some(a) if a.province_code == province && a.code == agency => {}
            _ => {
                return Err(AppError::NotFound(format!(
                    "không có cơ quan {agency} trong tỉnh"
                )));
            }
        }
        if let Some(h) = &hours {
            if h.periods.len() > 100 || h.cutoff.as_ref().is_some_and(|c| c.len() > 5) {
                return Err(AppError::Invalid(
                    "khung giờ tối đa 100 ký tự, giờ chốt dạng HH:MM".into(),
                ));
            }
            OfficeHours::from_spec(&h.periods, h.saturday, h.cutoff.as_deref())
                .map_err(|e| AppError::Invalid(e.to_string()))?;
        }
        let view = |h: &Option<StoredOfficeHours>| match h {
            Some(h) => json!({"periods": h.periods, "saturday": h.saturday, "cutoff": h.cutoff}),
            None => json!("mặc định"),
        };
        let before = self.db().office_hours(agency).await?;
        let log = entry(
            by,
            "agency.office_hours",
            agency,
            view(&before),
            view(&hours),
        );
        let change = AdminChange::SetOfficeHours {
            agency: agency.into(),
            hours,
        };
        self.db().admin_change(&change, &log, self.now()).await?;
        self.forget_calendars();
        Ok(())
    }

    /// Names the agencies that resolve a procedure (empty: the catalogue's kinds decide).
    pub async fn set_procedure_agencies(
        &self,
        by: &Actor,
        procedure: &str,
        agencies: Vec<String>,
    ) -> Result<(), AppError> {
        require_admin(by)?;
        self.procedure(procedure, None).await?;
        let province = self.province().await?.map(|p| p.code).unwrap_or_default();
        for code in &agencies {
            match self.db().agency(code).await? {
                Some(a) if a.province_code == province && a.active && &a.code == code => {}
                _ => {
                    return Err(AppError::Invalid(format!(
                        "không có cơ quan {code} trong tỉnh"
                    )));
                }
            }
        }
        let before = self.db().procedure_agencies(procedure).await?;
        let log = entry(
            by,
            "procedure.agencies",
            procedure,
            json!(before),
            json!(agencies),
        );
        let change = AdminChange::SetProcedureAgencies {
            procedure: procedure.into(),
            agencies,
        };
        Ok(self.db().admin_change(&change, &log, self.now()).await?)
    }

    /// Maps a procedure to the national portal's code (`None` or empty: the same code).
    pub async fn set_portal_code(
        &self,
        by: &Actor,
        procedure: &str,
        portal_code: Option<String>,
    ) -> Result<(), AppError> {
        require_admin(by)?;
        self.procedure(procedure, None).await?;
        let portal_code = portal_code
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        if let Some(c) = &portal_code {
            let ok = c.len() <= 40
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
            if !ok {
                return Err(AppError::Invalid(format!(
                    "mã thủ tục trên Cổng DVCQG \"{c}\" không hợp lệ (chữ, số, . _ -; tối đa 40 ký tự)"
                )));
            }
        }
        let before = self.db().portal_code(procedure).await?;
        let log = entry(
            by,
            "procedure.portal_code",
            procedure,
            json!(before),
            json!(portal_code),
        );
        let change = AdminChange::SetPortalCode {
            procedure: procedure.into(),
            portal_code,
        };
        Ok(self.db().admin_change(&change, &log, self.now()).await?)
    }

    /// Saves a notification text (checked by the edge against its fields) and logs the old and
    /// new wording.
    pub async fn save_notice_text(
        &self,
        by: &Actor,
        kind: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), AppError> {
        require_admin(by)?;
        let before = self
            .db()
            .notification_templates()
            .await?
            .into_iter()
            .find(|t| t.kind == kind)
            .map_or(
                serde_json::Value::Null,
                |t| json!({"subject": t.subject, "body": t.body}),
            );
        let log = entry(
            by,
            "notice.text",
            kind,
            before,
            json!({"subject": subject, "body": body}),
        );
        let change = AdminChange::SaveNoticeText(motcua_store::StoredTemplate {
            kind: kind.into(),
            subject: subject.into(),
            body: body.into(),
            updated_by: by.name.clone(),
            updated_at: self.now(),
        });
        Ok(self.db().admin_change(&change, &log, self.now()).await?)
    }

    /// Goes back to the shipped notification text.
    pub async fn reset_notice_text(&self, by: &Actor, kind: &str) -> Result<(), AppError> {
        require_admin(by)?;
        let log = entry(
            by,
            "notice.reset",
            kind,
            serde_json::Value::Null,
            json!("mặc định"),
        );
        let change = AdminChange::ResetNoticeText { kind: kind.into() };
        Ok(self.db().admin_change(&change, &log, self.now()).await?)
    }
}
