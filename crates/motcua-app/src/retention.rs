//! Retention as use cases: the province's rules (an administrator edits them), the files of an
//! agency whose period ended, the destruction list a supervisor or administrator proposes from
//! them, and its decision by a leader of that agency. Approval carries the list out at once:
//! each dossier records which of its files were destroyed under which list (through the
//! command path, as the records office), and the files no other kept record holds are
//! returned for the storage edge to delete. Nothing is destroyed without an approved list.

use chrono::{Datelike, NaiveTime};
use motcua_core::calendar::deadline::local;
use motcua_core::catalog::Role;
use motcua_core::dossier::{Actor, Command, ExternalSystem};
use motcua_core::retention::{
    self, DestructionList, Item, ListItem, ListStatus, Rule, defaults, expired,
};
use motcua_store::AdminChange;
use serde_json::json;

use crate::admin::{entry, require_admin};
use crate::{App, AppError, SystemOutcome};

/// The setting that holds the province's rules (JSON).
pub const RETENTION_RULES: &str = "retention_rules";

/// The most files one list names (a larger backlog takes several lists).
pub const MAX_ITEMS: usize = 2_000;

/// Dossiers read per page while looking for expired files.
const PAGE: u64 = 500;

impl App {
    /// The province's retention rules: as it set them, or the defaults until it does.
    pub async fn retention_rules(&self) -> Result<Vec<Rule>, AppError> {
        match self.db().setting(RETENTION_RULES).await? {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| AppError::Store(motcua_store::StoreError::Encoding(e.to_string()))),
            None => Ok(defaults()),
        }
    }

    /// Replaces the rules (an administrator); each is checked, types are unique.
    pub async fn set_retention_rules(&self, by: &Actor, rules: Vec<Rule>) -> Result<(), AppError> {
        require_admin(by)?;
        for r in &rules {
            retention::check(r).map_err(|e| AppError::Invalid(format!("{}: {e}", r.doc_type)))?;
        }
        for (i, r) in rules.iter().enumerate() {
            if rules.iter().skip(i + 1).any(|o| o.doc_type == r.doc_type) {
                return Err(AppError::Invalid(format!(
                    "loại \"{}\" có hai quy tắc",
                    r.doc_type
                )));
            }
        }
        let before = self.retention_rules().await?;
        let value = serde_json::to_string(&rules)
            .map_err(|e| AppError::Store(motcua_store::StoreError::Encoding(e.to_string())))?;
        let log = entry(
            by,
            "settings.set",
            RETENTION_RULES,
            json!(before),
            json!(rules),
        );
        let set = AdminChange::SetSetting {
            key: RETENTION_RULES.into(),
            value,
        };
        self.db().admin_change(&set, &log, self.now()).await?;
        Ok(())
    }

    /// The files of `agency`'s ended dossiers whose period ended by today, not already named
    /// by a list that is still open (at most [`MAX_ITEMS`]).
    pub async fn expired_files(&self, agency: &str) -> Result<Vec<ListItem>, AppError> {
        let rules = self.retention_rules().await?;
        let today = local(self.now()).date();
        // No rule is shorter than a year: nothing that ended since last New Year can be due.
        let Some(year_start) = today
            .with_ordinal(1)
            .map(|d| d.and_time(NaiveTime::MIN).and_utc() - chrono::TimeDelta::hours(7))
        else {
            return Ok(Vec::new());
        };
        let open: Vec<DestructionList> = self
            .db()
            .destruction_lists(Some(&[agency.to_owned()]), 200)
            .await?
            .into_iter()
            .filter(|l| matches!(l.status, ListStatus::Proposed | ListStatus::Approved))
            .collect();
        let listed = |d: &motcua_core::dossier::DossierId, item: &Item| {
            open.iter()
                .flat_map(|l| &l.items)
                .any(|i| i.dossier == *d && i.expired.item == *item)
        };
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .db()
                .ended_dossiers(agency, year_start, after, PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.0);
            for d in &page {
                let p = self
                    .procedure(d.procedure.as_str(), Some(d.procedure_version))
                    .await?;
                for e in expired(d, &p, &rules, today) {
                    if !listed(&d.id, &e.item) {
                        out.push(ListItem {
                            dossier: d.id,
                            code: d.code.to_string(),
                            expired: e,
                        });
                    }
                }
            }
            if out.len() >= MAX_ITEMS || u64::try_from(page.len()).unwrap_or(0) < PAGE {
                break;
            }
        }
        out.truncate(MAX_ITEMS);
        Ok(out)
    }

    /// Proposes a list of `agency`'s expired files (a supervisor, or an administrator, of
    /// the province's records); refused when there is nothing to list.
    pub async fn propose_destruction(
        &self,
        by: &Actor,
        agency: &str,
    ) -> Result<DestructionList, AppError> {
        if !matches!(by.role(), Some(Role::Supervisor | Role::Administrator)) {
            return Err(AppError::Forbidden(
                "danh mục tài liệu hết giá trị do cán bộ giám sát hoặc quản trị lập".into(),
            ));
        }
        let province = self.province().await?.map(|p| p.code).unwrap_or_default();
        let here = self
            .db()
            .agency(agency)
            .await?
            .is_some_and(|a| a.province_code == province);
        if !here {
            return Err(AppError::NotFound(format!(
                "không có cơ quan {agency} trong tỉnh"
            )));
        }
        let items = self.expired_files(agency).await?;
        if items.is_empty() {
            return Err(AppError::Invalid(
                "không có tài liệu nào hết thời hạn bảo quản".into(),
            ));
        }
        let now = self.now();
        let list = DestructionList {
            id: uuid::Uuid::now_v7(),
            agency: agency.to_owned(),
            status: ListStatus::Proposed,
            as_of: local(now).date(),
            proposed_by: by.id.clone(),
            proposed_by_name: by.name.clone(),
            proposed_at: now,
            items,
            decided_by: None,
            decided_by_name: None,
            decided_at: None,
            note: None,
            destroyed_at: None,
            deleted_files: 0,
            kept_shared: 0,
        };
        self.db().insert_destruction_list(&list).await?;
        Ok(list)
    }

    /// A leader of the list's agency decides it. Refusing needs a note. Approving carries it
    /// out: returns the list as destroyed and the files whose bytes may now be deleted.
    pub async fn decide_destruction(
        &self,
        by: &Actor,
        units: &[String],
        id: uuid::Uuid,
        approve: bool,
        note: Option<String>,
    ) -> Result<(DestructionList, Vec<String>), AppError> {
        let mut list = self
            .db()
            .destruction_list(id)
            .await?
            .ok_or_else(|| AppError::NotFound("không có danh mục này".into()))?;
        if by.role() != Some(Role::Leader) || !units.contains(&list.agency) {
            return Err(AppError::Forbidden(
                "lãnh đạo cơ quan quản lý tài liệu quyết định việc hủy".into(),
            ));
        }
        // An approved list whose carrying out was interrupted is carried out again.
        if list.status == ListStatus::Approved && approve {
            return self.finish_destruction(list).await;
        }
        if list.status != ListStatus::Proposed {
            return Err(AppError::Invalid("danh mục đã được quyết định".into()));
        }
        let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if let Some(n) = &note {
            motcua_core::limits::REASON
                .check(n)
                .map_err(AppError::Invalid)?;
        }
        if !approve && note.is_none() {
            return Err(AppError::Invalid("cần ghi lý do không phê duyệt".into()));
        }
        list.status = if approve {
            ListStatus::Approved
        } else {
            ListStatus::Refused
        };
        list.decided_by = Some(by.id.clone());
        list.decided_by_name = Some(by.name.clone());
        list.decided_at = Some(self.now());
        list.note = note;
        if !self
            .db()
            .advance_destruction_list(&list, ListStatus::Proposed)
            .await?
        {
            return Err(AppError::Invalid(
                "danh mục vừa được người khác quyết định".into(),
            ));
        }
        if !approve {
            return Ok((list, Vec::new()));
        }
        self.finish_destruction(list).await
    }

    /// Carries an approved list out and records it as destroyed; returns the files whose
    /// bytes may go.
    async fn finish_destruction(
        &self,
        mut list: DestructionList,
    ) -> Result<(DestructionList, Vec<String>), AppError> {
        let files = self.carry_out(&list).await?;
        let mut deletable = Vec::new();
        let mut kept = 0u32;
        for file in files {
            if self.file_still_kept(&file).await? {
                kept += 1;
            } else {
                deletable.push(file);
            }
        }
        list.status = ListStatus::Destroyed;
        list.destroyed_at = Some(self.now());
        list.deleted_files = u32::try_from(deletable.len()).unwrap_or(u32::MAX);
        list.kept_shared = kept;
        self.db()
            .advance_destruction_list(&list, ListStatus::Approved)
            .await?;
        Ok((list, deletable))
    }

    /// Records the destruction on each dossier (once: a retry finds it done); returns the
    /// distinct files the list named.
    async fn carry_out(&self, list: &DestructionList) -> Result<Vec<String>, AppError> {
        let office = Actor::system(ExternalSystem::RecordsOffice);
        let mut dossiers: Vec<motcua_core::dossier::DossierId> = Vec::new();
        for i in &list.items {
            if !dossiers.contains(&i.dossier) {
                dossiers.push(i.dossier);
            }
        }
        let name = list.id.to_string();
        for d in dossiers {
            let Some(current) = self.db().dossier(d).await? else {
                continue;
            };
            // What another list destroyed since is not destroyed again.
            let items = list.items.iter().filter(|i| i.dossier == d);
            let mut documents = Vec::new();
            let mut result = false;
            for i in items {
                match i.expired.item {
                    Item::Document { index } if current.document_destroyed(index).is_none() => {
                        documents.push(index);
                    }
                    Item::Result if current.result_destroyed().is_none() => result = true,
                    _ => {}
                }
            }
            if documents.is_empty() && !result {
                continue;
            }
            let outcome = self
                .run_for_system(
                    &office,
                    d,
                    |x| x.destroyed.iter().any(|y| y.list == name),
                    Command::DestroyFiles {
                        list: name.clone(),
                        documents,
                        result,
                    },
                )
                .await?;
            if outcome == SystemOutcome::Busy {
                return Err(AppError::Invalid(
                    "hồ sơ đang được cập nhật, vui lòng thử lại".into(),
                ));
            }
        }
        let mut files: Vec<String> = list.items.iter().map(|i| i.expired.file.clone()).collect();
        files.sort();
        files.dedup();
        Ok(files)
    }

    /// Whether a record still within its period holds `file`: a dossier naming it in a
    /// document, draft or result not destroyed, or a certified copy.
    async fn file_still_kept(&self, file: &str) -> Result<bool, AppError> {
        const LIMIT: u64 = 10_000;
        let (holders, copy) = self.db().holders_of_file(file, LIMIT).await?;
        // So many records name it that it is surely still kept (and the bytes cost nothing).
        if copy || u64::try_from(holders.len()).unwrap_or(u64::MAX) >= LIMIT {
            return Ok(true);
        }
        let named = |x: &Option<String>| x.as_deref() == Some(file);
        Ok(holders.iter().any(|d| {
            d.documents
                .iter()
                .enumerate()
                .any(|(i, x)| named(&x.file) && d.document_destroyed(i).is_none())
                || d.result
                    .as_ref()
                    .is_some_and(|r| named(&r.file) && d.result_destroyed().is_none())
                || d.draft_file() == Some(file)
        }))
    }
}
