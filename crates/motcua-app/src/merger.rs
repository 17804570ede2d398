//! Merging units (sáp nhập đơn vị): the administrator's one operation that hands a unit's
//! work to its successor. The agency is marked merged and its staff and API tokens act for
//! the successor (one transaction, with the administration log); then each open dossier it
//! received or resolves moves through the command path, so its history says so and the
//! national portal hears of it. Run again, it finishes a merger an interruption cut short.

use motcua_core::dossier::{Actor, Command};
use motcua_core::ids::AgencyCode;
use motcua_store::DossierFilter;
use serde_json::json;

use crate::admin::{entry, require_admin};
use crate::{App, AppError, SystemOutcome};

/// What a merger did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Merger {
    /// The unit merged away.
    pub from: String,
    /// Its successor.
    pub into: String,
    /// False when the unit had been merged already (a run that finishes an earlier one).
    pub merged_now: bool,
    /// Open dossiers moved to the successor.
    pub dossiers_moved: usize,
}

/// Dossiers read per page while moving.
const PAGE: u64 = 200;

impl App {
    /// Merges `from` into `into` and moves its open dossiers there.
    pub async fn merge_agency(
        &self,
        by: &Actor,
        from: &str,
        into: &str,
    ) -> Result<Merger, AppError> {
        require_admin(by)?;
        let province = self.province_code().await?;
        let successor = self.agency_in(into.to_owned(), &province).await?;
        // The agency itself, not the end of its chain of mergers (which `agency` gives).
        let id = self
            .db()
            .agency_codes()
            .await?
            .into_iter()
            .find_map(|(code, id)| (code == from).then_some(id));
        let gone = self
            .db()
            .agencies_ever(&province)
            .await?
            .into_iter()
            .find(|a| Some(a.id) == id)
            .ok_or_else(|| AppError::NotFound(format!("không có cơ quan {from} trong tỉnh")))?;
        let merged_now = if gone.active {
            let log = entry(
                by,
                "agency.merge",
                &gone.code,
                json!({"code": gone.code, "name": gone.name, "active": true}),
                json!({"merged_into": successor.code, "name": successor.name}),
            );
            let change = motcua_store::AdminChange::MergeAgency {
                from: gone.code.clone(),
                into: successor.code.clone(),
            };
            self.db()
                .admin_change(&change, &log, self.now())
                .await
                .map_err(|e| match e {
                    motcua_store::StoreError::Conflict(why) => AppError::Invalid(why),
                    other => other.into(),
                })?;
            true
        } else if gone.merged_into == Some(successor.id) {
            false
        } else {
            return Err(AppError::Invalid(format!(
                "cơ quan {from} đã được sáp nhập vào đơn vị khác"
            )));
        };
        let dossiers_moved = self
            .move_to_successor(by, &province, &gone.code, &successor.code)
            .await?;
        Ok(Merger {
            from: gone.code,
            into: successor.code,
            merged_now,
            dossiers_moved,
        })
    }

    /// Moves every open dossier `from` received or resolves to `into`; returns how many.
    async fn move_to_successor(
        &self,
        by: &Actor,
        province: &str,
        from: &str,
        into: &str,
    ) -> Result<usize, AppError> {
        let parse = |c: &str| AgencyCode::parse(c).map_err(|e| AppError::Invalid(e.to_string()));
        let (from_code, into_code) = (parse(from)?, parse(into)?);
        let mut moved = 0;
        // Open ones, then results waiting at the desk (the listing counts those as ended).
        for status in [None, Some("result_ready")] {
            let mut before_id = None;
            loop {
                let page = self
                    .db()
                    .list_dossiers(&DossierFilter {
                        province: Some(province.to_owned()),
                        unit: Some(from.to_owned()),
                        open_only: status.is_none(),
                        status: status.map(str::to_owned),
                        before_id,
                        limit: PAGE,
                        ..DossierFilter::default()
                    })
                    .await?;
                let Some(last) = page.last() else { break };
                before_id = Some(last.id);
                for row in &page {
                    let outcome = self
                        .run_for_system(
                            by,
                            motcua_core::dossier::DossierId(row.id),
                            |d| d.resolving_agency != from_code && d.receiving_agency != from_code,
                            Command::MoveToSuccessor {
                                from: from_code.clone(),
                                into: into_code.clone(),
                            },
                        )
                        .await?;
                    match outcome {
                        SystemOutcome::Done => moved += 1,
                        SystemOutcome::Duplicate => {}
                        SystemOutcome::Busy => {
                            return Err(AppError::Invalid(format!(
                                "hồ sơ {} đang được cập nhật; chạy lại thao tác sáp nhập để chuyển nốt",
                                row.code
                            )));
                        }
                    }
                }
            }
        }
        Ok(moved)
    }
}
