//! Running a dossier command for a signed-in caller: load the procedure version the dossier
//! follows and its resolving unit's calendar, check visibility, decide, store — one
//! transaction in the store. The HTTP handlers and the pages both come through here.

use std::sync::Arc;

use motcua_core::calendar::{OfficeHours, WorkCalendar};
use motcua_core::catalog::{Procedure, Role};
use motcua_core::dossier::{
    Actor, Command, Context, Dossier, DossierError, DossierId, NewDossier, Officer, decide,
};
use motcua_core::ids::{AgencyCode, DossierCode};
use motcua_store::{CommandError, Target};

use crate::auth::Principal;
use crate::{ApiError, AppState};

/// What a new dossier needs besides its code (allocated in the transaction).
pub struct Intake {
    /// Procedure code (its current version applies).
    pub procedure: String,
    /// The facts; `id` and `code` are filled in here.
    pub new: NewDossier,
    /// Online filing rather than counter receipt.
    pub online: bool,
}

/// A staff member or system as the actor of a command.
pub fn actor(p: &Principal) -> Actor {
    Actor {
        id: p.id.clone(),
        name: p.name.clone(),
        role: Some(p.role),
    }
}

/// A procedure version (the current one when `version` is `None`).
pub async fn procedure(
    state: &AppState,
    code: &str,
    version: Option<u32>,
) -> Result<Procedure, ApiError> {
    let stored = match version {
        Some(v) => state.db.procedure_version(code, i64::from(v)).await?,
        None => state
            .db
            .current_procedures()
            .await?
            .into_iter()
            .find(|p| p.code == code),
    };
    Ok(stored.ok_or(ApiError::NotFound)?.procedure()?)
}

/// The resolving unit's calendar (national days plus its local ones).
pub fn calendar_for(state: &AppState, agency: &AgencyCode) -> Arc<WorkCalendar> {
    let build = || {
        Arc::new(WorkCalendar::new(
            state.calendar.clone(),
            Some(agency.to_string()),
            OfficeHours::civil_service(),
        ))
    };
    // A poisoned lock only loses the cache, never the answer.
    let Ok(mut cache) = state.calendars.lock() else {
        return build();
    };
    cache
        .entry(agency.to_string())
        .or_insert_with(build)
        .clone()
}

/// Receives (or files online) a new dossier.
pub async fn open(
    state: &AppState,
    principal: &Principal,
    intake: Intake,
) -> Result<Dossier, ApiError> {
    let receiving = &intake.new.receiving_agency;
    if !principal.sees_whole_province() && !principal.units.iter().any(|u| u == receiving.as_str())
    {
        return Err(ApiError::Forbidden(format!(
            "không tiếp nhận hồ sơ thay cho {receiving}"
        )));
    }
    let province = principal.province.clone();
    open_as(state, &actor(principal), &province, intake).await
}

/// Receives or files a new dossier for any actor (a citizen filing online included): the
/// caller has checked that this actor may.
pub async fn open_as(
    state: &AppState,
    who: &Actor,
    province: &str,
    intake: Intake,
) -> Result<Dossier, ApiError> {
    let new = intake.new;
    let p = procedure(state, &intake.procedure, None).await?;
    let calendar = calendar_for(state, &new.resolving_agency);
    let now = state.clock.now();
    let target = Target::New {
        agency: new.resolving_agency.clone(),
        province_code: province.to_owned(),
    };
    let online = intake.online;
    let dossier = state
        .db
        .run_command(&target, None, now, &who.id, |state_, code| {
            let mut new = new;
            new.id = DossierId(uuid::Uuid::now_v7());
            new.code = code.cloned().unwrap_or_else(|| new.code.clone());
            let command = if online {
                Command::SubmitOnline(new)
            } else {
                Command::ReceiveAtCounter(new)
            };
            let ctx = Context {
                now,
                actor: who,
                procedure: &p,
                calendar: &calendar,
            };
            decide(state_, &command, &ctx)
        })
        .await?;
    Ok(dossier)
}

/// A dossier the caller may see, with its province.
pub async fn visible(
    state: &AppState,
    principal: &Principal,
    id: DossierId,
) -> Result<Dossier, ApiError> {
    let (d, province) = state
        .db
        .dossier_located(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if principal.can_see(
        &province,
        d.receiving_agency.as_str(),
        d.resolving_agency.as_str(),
    ) {
        Ok(d)
    } else {
        // Not 403: whether a dossier exists is itself not for other units to learn.
        Err(ApiError::NotFound)
    }
}

/// Runs a command on a dossier the caller can see. `expected_version` is the `If-Match`.
pub async fn command(
    state: &AppState,
    principal: &Principal,
    id: DossierId,
    expected_version: Option<u64>,
    command: Command,
) -> Result<Dossier, ApiError> {
    let d = visible(state, principal, id).await?;
    if let Command::Assign { officer } = &command
        && officer.agency != d.resolving_agency
        && officer.agency != d.receiving_agency
    {
        return Err(ApiError::Invalid(format!(
            "{} không thuộc đơn vị xử lý hồ sơ",
            officer.name
        )));
    }
    if matches!(
        command,
        Command::SubmitOnline(_) | Command::ReceiveAtCounter(_) | Command::OpenSubDossier { .. }
    ) {
        return Err(ApiError::Invalid(
            "hồ sơ mới được tạo qua POST /api/v1/dossiers".into(),
        ));
    }
    command_as(state, &actor(principal), &d, expected_version, command).await
}

/// Runs a command on a dossier for any actor (a citizen, the payment gateway): the caller
/// has checked that this actor may touch this dossier.
pub async fn command_as(
    state: &AppState,
    who: &Actor,
    d: &Dossier,
    expected_version: Option<u64>,
    command: Command,
) -> Result<Dossier, ApiError> {
    Ok(command_as_raw(state, who, d, expected_version, command).await?)
}

/// [`command_as`] with the store's error kept, for callers that tell a stale version or a
/// duplicate payment from other refusals.
pub async fn command_as_raw(
    state: &AppState,
    who: &Actor,
    d: &Dossier,
    expected_version: Option<u64>,
    command: Command,
) -> Result<Dossier, CommandError> {
    let p = procedure(state, d.procedure.as_str(), Some(d.procedure_version))
        .await
        .map_err(|e| CommandError::Store(motcua_store::StoreError::Encoding(e.to_string())))?;
    let calendar = calendar_for(state, &d.resolving_agency);
    let now = state.clock.now();
    state
        .db
        .run_command(
            &Target::Existing(d.id),
            expected_version,
            now,
            &who.id,
            |current, _| {
                let ctx = Context {
                    now,
                    actor: who,
                    procedure: &p,
                    calendar: &calendar,
                };
                decide(current, &command, &ctx)
            },
        )
        .await
}

/// What became of a command an external system asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemOutcome {
    /// Done.
    Done,
    /// It was done before (a repeated message): nothing changed.
    Duplicate,
    /// Lost the race for the dossier too many times: the caller should retry.
    Busy,
}

/// Concurrent messages for one dossier race on its version; the losers try again.
const ATTEMPTS: usize = 8;

/// Runs a command an external system asked for (payment gateway, tax authority, treasury):
/// `already` tells from the current dossier that the message was acted on before; a
/// duplicate payment reference counts as such too. Retries when another change won the race.
pub async fn system_command(
    state: &AppState,
    who: &Actor,
    id: DossierId,
    already: impl Fn(&Dossier) -> bool,
    command: Command,
) -> Result<SystemOutcome, ApiError> {
    for _ in 0..ATTEMPTS {
        let current = state.db.dossier(id).await?.ok_or(ApiError::NotFound)?;
        if already(&current) {
            return Ok(SystemOutcome::Duplicate);
        }
        match command_as_raw(state, who, &current, Some(current.version), command.clone()).await {
            Ok(_) => return Ok(SystemOutcome::Done),
            Err(CommandError::Domain(DossierError::DuplicatePayment(_))) => {
                return Ok(SystemOutcome::Duplicate);
            }
            Err(CommandError::Conflict { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(SystemOutcome::Busy)
}

/// The officer behind a staff account, for assignments.
pub async fn officer(state: &AppState, username: &str) -> Result<Officer, ApiError> {
    let account = state
        .db
        .account_by_username(username)
        .await?
        .filter(|a| a.active)
        .ok_or_else(|| ApiError::Invalid(format!("không có cán bộ \"{username}\"")))?;
    let role = Role::parse(&account.role)
        .ok_or_else(|| ApiError::Internal(format!("unknown role {}", account.role)))?;
    let agency = account
        .units
        .0
        .first()
        .and_then(|u| AgencyCode::parse(u).ok())
        .ok_or_else(|| ApiError::Invalid(format!("cán bộ \"{username}\" chưa thuộc đơn vị nào")))?;
    Ok(Officer {
        id: account.id.to_string(),
        name: account.full_name,
        role,
        agency,
    })
}

/// A placeholder code for the facts before the store allocates the real one.
pub fn placeholder_code(agency: &AgencyCode) -> DossierCode {
    DossierCode::new(agency, chrono::NaiveDate::default(), 0)
}
