//! A land dossier's change, from the specialist's intent to the diff the leader signs: the
//! intent is turned into operations against the register around the dossier's certificate
//! (read here, never typed), and the prepared set is shown as before/after lines.

use motcua_core::catalog::Procedure;
use motcua_core::dossier::{Actor, ActorKind, Dossier};
use motcua_core::land::display::{OpView, view};
use motcua_core::land::{ChangeSet, Intent, LandObject, LandRef, Op, build};
use uuid::Uuid;

use crate::{App, AppError};

/// A prepared change set as the page shows it.
#[derive(Debug, Clone)]
pub struct ChangeView {
    /// Each operation's diff.
    pub ops: Vec<OpView>,
    /// Who prepared it.
    pub prepared_by: String,
    /// When.
    pub prepared_at: chrono::DateTime<chrono::Utc>,
    /// When the approving step wrote it to the register.
    pub applied_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl App {
    /// Checks the certificate a new dossier names: the procedure changes the register, the
    /// certificate is in force with that serial, and a citizen filing online holds it.
    pub(crate) async fn check_land_ref(
        &self,
        who: &Actor,
        p: &Procedure,
        land: Option<&LandRef>,
    ) -> Result<(), AppError> {
        let Some(r) = land else { return Ok(()) };
        if p.land_change.is_none() {
            return Err(AppError::Invalid(
                "thủ tục này không gắn với Giấy chứng nhận".into(),
            ));
        }
        let found = self.db().land_objects(&[r.certificate], None).await?;
        let serial_ok = found
            .iter()
            .any(|v| matches!(&v.value, LandObject::Certificate(c) if c.serial == r.serial));
        if !serial_ok {
            return Err(AppError::Invalid(
                "Giấy chứng nhận không có hoặc không còn hiệu lực trong sổ địa chính".into(),
            ));
        }
        if who.kind == ActorKind::Applicant && !self.holds_certificate(who, r.certificate).await? {
            return Err(AppError::Forbidden(
                "bạn không đứng tên trên Giấy chứng nhận này".into(),
            ));
        }
        Ok(())
    }

    /// Prepares `d`'s change set from the specialist's intent, built against the register
    /// around the dossier's certificate now.
    pub async fn prepare_land_intent(
        &self,
        who: &Actor,
        d: &Dossier,
        intent: &Intent,
    ) -> Result<ChangeSet, AppError> {
        let p = self
            .procedure(d.procedure.as_str(), Some(d.procedure_version))
            .await?;
        intent.check_limits().map_err(AppError::Invalid)?;
        if p.land_change != Some(intent.kind()) {
            return Err(AppError::Invalid(
                "thay đổi này không thuộc thủ tục của hồ sơ".into(),
            ));
        }
        let numbers: Vec<String> = match intent {
            Intent::Transfer { to, .. } => to.iter().map(|h| h.number.clone()).collect(),
            Intent::FirstRegistration { holders, .. } => {
                holders.iter().map(|h| h.number.clone()).collect()
            }
            _ => Vec::new(),
        };
        let certificate = match intent {
            Intent::FirstRegistration { .. } => None,
            _ => Some(
                d.land
                    .as_ref()
                    .map(|r| r.certificate)
                    .ok_or_else(|| AppError::Invalid("hồ sơ chưa gắn Giấy chứng nhận".into()))?,
            ),
        };
        if let Intent::FirstRegistration { parcel, .. } = intent
            && self
                .db()
                .parcel_by_number(&parcel.number, None)
                .await?
                .is_some()
        {
            return Err(AppError::Invalid(format!(
                "thửa đất số {} tờ bản đồ số {} đã có trong sổ địa chính",
                parcel.number.number, parcel.number.sheet
            )));
        }
        // A new number must not be another person's: two parties under one number would
        // merge their land.
        if let Intent::HolderInfo { party, number, .. } = intent {
            let taken = self
                .db()
                .land_by_key(number.trim(), None, 5)
                .await?
                .into_iter()
                .any(|v| matches!(v.value, LandObject::Party(_)) && v.object.id != *party);
            if taken {
                return Err(AppError::Invalid(format!(
                    "số định danh {} đã là của người khác trong sổ địa chính",
                    number.trim()
                )));
            }
        }
        let holding = self.land_holding(certificate, &numbers).await?;
        let ops = build(&holding, intent).map_err(AppError::Invalid)?;
        self.prepare_land_change(who, d, ops).await
    }

    /// `d`'s change set as before/after lines, if one was prepared.
    pub async fn land_change_view(&self, d: &Dossier) -> Result<Option<ChangeView>, AppError> {
        let Some(stored) = self.land_change(d.id).await? else {
            return Ok(None);
        };
        let ids: Vec<Uuid> = stored.set.objects().iter().map(|o| o.id).collect();
        let history = self.db().land_history(&ids).await?;
        let before = |op: &Op| -> Option<LandObject> {
            let base = match op {
                Op::Update { base, .. } | Op::Retire { base, .. } => *base,
                Op::Create { .. } => return None,
            };
            history
                .iter()
                .find(|v| v.object == op.object() && v.version == base)
                .map(|v| v.value.clone())
        };
        // Names of every party the set mentions: in the register, or created by the set.
        let mut parties: Vec<(Uuid, String)> = stored
            .set
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::Create {
                    object,
                    value: LandObject::Party(p),
                } => Some((object.id, p.name.clone())),
                _ => None,
            })
            .collect();
        let mentioned: Vec<Uuid> = stored
            .set
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::Create { value, .. } | Op::Update { value, .. } => Some(value.clone()),
                Op::Retire { .. } => before(op),
            })
            .chain(stored.set.ops.iter().filter_map(&before))
            .flat_map(|v| match v {
                LandObject::Certificate(c) => c.holders.iter().map(|h| h.party).collect(),
                LandObject::Rrr(r) => r.holders.iter().map(|h| h.party).collect(),
                _ => Vec::new(),
            })
            .collect();
        let registered = self.db().land_history(&mentioned).await?;
        for v in registered.iter().rev() {
            if let LandObject::Party(p) = &v.value
                && !parties.iter().any(|(id, _)| *id == v.object.id)
            {
                parties.push((v.object.id, p.name.clone()));
            }
        }
        let name = |id: Uuid| {
            parties
                .iter()
                .find(|(p, _)| *p == id)
                .map_or_else(|| "—".to_owned(), |(_, n)| n.clone())
        };
        let ops = stored
            .set
            .ops
            .iter()
            .map(|op| view(op, before(op).as_ref(), &name))
            .collect();
        let account = match stored.prepared_by.parse::<Uuid>() {
            Ok(id) => self.db().account(id).await?,
            Err(_) => None,
        };
        let prepared_by = account.map_or_else(|| stored.prepared_by.clone(), |a| a.full_name);
        Ok(Some(ChangeView {
            ops,
            prepared_by,
            prepared_at: stored.prepared_at,
            applied_at: stored.applied_at,
        }))
    }
}
