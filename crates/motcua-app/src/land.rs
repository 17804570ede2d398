//! Land dossiers' change sets as use cases: the specialist handling the dossier prepares the
//! change from the register (checked against it now, and against other dossiers' pending
//! changes on the same parcels), and the step that approves the dossier applies it in its own
//! transaction — the first approval step of the procedure, or its signing step when it has
//! none; a dossier with a financial obligation applies only once it is paid.

use chrono::{DateTime, Utc};
use motcua_core::catalog::{Procedure, StepKind};
use motcua_core::dossier::{Actor, Command, Dossier, DossierId, PaymentPurpose};
use motcua_core::land::{ChangeSet, LandWrite, ObjectId, Version};
use motcua_store::StoredChangeSet;

use crate::{App, AppError};

/// The most operations one change set holds.
pub const MAX_OPS: usize = 200;

/// The command whose step applies a procedure's change sets.
fn applies(p: &Procedure, command: &Command) -> bool {
    let approve = p.steps.iter().any(|s| s.kind == StepKind::Approve);
    match command {
        Command::Approve { .. } => approve,
        Command::Sign { .. } => !approve,
        _ => false,
    }
}

/// The versions of one object, from versions grouped by object.
pub(crate) fn by_object(history: &[Version], o: ObjectId) -> &[Version] {
    let start = history.iter().position(|v| v.object == o);
    match start {
        Some(s) => {
            let len = history.iter().skip(s).take_while(|v| v.object == o).count();
            history.get(s..s + len).unwrap_or(&[])
        }
        None => &[],
    }
}

impl App {
    /// A dossier's change set, if one was prepared.
    pub async fn land_change(&self, id: DossierId) -> Result<Option<StoredChangeSet>, AppError> {
        Ok(self.db().land_change(id.0).await?)
    }

    /// Prepares (or replaces) `d`'s change set: by the officer its current processing step is
    /// assigned to, while it is handled; checked against the register now and refused when
    /// another dossier's pending change bears on one of the same parcels.
    pub async fn prepare_land_change(
        &self,
        who: &Actor,
        d: &Dossier,
        ops: Vec<motcua_core::land::Op>,
    ) -> Result<ChangeSet, AppError> {
        // Whoever may finish the current processing step prepares its change (the decider's
        // own rule: role, assignment, status).
        let processing = d
            .current_step()
            .is_some_and(|s| s.kind == StepKind::Process);
        let may = processing
            && self
                .available_actions(who, d)
                .await?
                .contains(&motcua_core::dossier::Action::CompleteStep);
        if !may {
            return Err(AppError::Forbidden(
                "chuyên viên đang xử lý hồ sơ chuẩn bị thay đổi sổ địa chính".into(),
            ));
        }
        // An applied set is the register's history now; the store would replace an
        // unmarked one (it knows it applied only by its versions).
        if self
            .land_change(d.id)
            .await?
            .is_some_and(|s| s.applied_at.is_some())
        {
            return Err(AppError::Invalid(
                "thay đổi của hồ sơ đã được ghi vào sổ địa chính".into(),
            ));
        }
        if ops.is_empty() || ops.len() > MAX_OPS {
            return Err(AppError::Invalid(format!(
                "bộ thay đổi cần từ 1 đến {MAX_OPS} thao tác"
            )));
        }
        let set = ChangeSet {
            dossier: d.code.to_string(),
            ops,
        };
        let ids: Vec<uuid::Uuid> = set.objects().iter().map(|o| o.id).collect();
        let history = self.db().land_history(&ids).await?;
        set.check(|o| by_object(&history, o))
            .map_err(|e| AppError::Invalid(e.to_string()))?;
        let mut parcels: Vec<uuid::Uuid> = set
            .parcels(|o| {
                by_object(&history, o)
                    .iter()
                    .find(|v| v.end.is_none())
                    .map(|v| &v.value)
            })
            .into_iter()
            .collect();
        // A change of a holder's details bears on the dossier's certificate's parcels too
        // (they show it as pending, and a second dossier on them is told).
        if let Some(r) = &d.land {
            for v in self.db().land_objects(&[r.certificate], None).await? {
                if let motcua_core::land::LandObject::Certificate(c) = v.value {
                    parcels.extend(c.parcels);
                }
            }
            parcels.sort_unstable();
            parcels.dedup();
        }
        let others = self.db().pending_land_changes(&parcels, d.id.0).await?;
        if let Some(other) = others.first() {
            let code = self
                .db()
                .dossier(DossierId(*other))
                .await?
                .map_or_else(|| other.to_string(), |o| o.code.to_string());
            return Err(AppError::Invalid(format!(
                "thửa đất đang có hồ sơ {code} chuẩn bị thay đổi; chờ hồ sơ đó được giải quyết"
            )));
        }
        let bases: Vec<Version> = history.into_iter().filter(|v| v.end.is_none()).collect();
        self.db()
            .save_land_change(d.id.0, &set, &bases, &parcels, &who.id, self.now())
            .await?;
        Ok(set)
    }

    /// The register write `command` owes, when it is the step that applies `d`'s pending
    /// change set (built from the versions the set was prepared on; the store refuses it if
    /// the register moved since).
    pub(crate) async fn land_write_for(
        &self,
        d: &Dossier,
        p: &Procedure,
        command: &Command,
        at: DateTime<Utc>,
    ) -> Result<Option<LandWrite>, AppError> {
        if !applies(p, command) {
            return Ok(None);
        }
        let Some(stored) = self.db().land_change(d.id.0).await? else {
            return Ok(None);
        };
        if stored.applied_at.is_some() {
            return Ok(None);
        }
        let owed: i64 = d.obligations.iter().map(|c| c.amount).sum();
        if owed > d.paid(PaymentPurpose::Obligation) {
            return Err(AppError::Invalid(
                "chưa ghi được sổ địa chính: người nộp chưa hoàn thành nghĩa vụ tài chính".into(),
            ));
        }
        // Applied against the versions it was prepared on: they never change, and if one
        // has been ended since, the store's guarded write refuses the whole command.
        let history = match stored.bases {
            Some(bases) => bases,
            None => {
                let ids: Vec<uuid::Uuid> = stored.set.objects().iter().map(|o| o.id).collect();
                self.db().land_history(&ids).await?
            }
        };
        stored
            .set
            .apply(|o| by_object(&history, o), at)
            .map(Some)
            .map_err(|e| AppError::Invalid(format!("không ghi được sổ địa chính: {e}")))
    }
}
