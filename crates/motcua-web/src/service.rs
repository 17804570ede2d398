//! The web edge's side of a command: who the signed-in caller is as an actor, and what they
//! may see. Everything else (the procedure version, the unit's calendar, the decision, the one
//! transaction) is the use-case layer's ([`motcua_app::App`]); nothing here builds a context
//! or opens a transaction.

use motcua_app::AppError;
pub use motcua_app::Intake;
use motcua_core::catalog::Role;
use motcua_core::dossier::{Action, Actor, Command, Dossier, DossierId, Officer};
use motcua_core::ids::AgencyCode;
use motcua_store::Answered;

use crate::auth::Principal;
use crate::{ApiError, AppState};

pub use motcua_app::{SystemOutcome, placeholder_code};

/// A staff member as the actor of a command.
pub fn actor(p: &Principal) -> Actor {
    Actor::staff(p.id.clone(), p.name.clone(), p.role)
}

/// Receives (or files online) a new dossier at one of the caller's desks.
pub async fn open(
    state: &AppState,
    principal: &Principal,
    intake: Intake,
    answer: Option<Answered>,
) -> Result<Dossier, ApiError> {
    let receiving = &intake.new.receiving_agency;
    if !principal.sees_whole_province() && !principal.units.iter().any(|u| u == receiving.as_str())
    {
        return Err(ApiError::Forbidden(format!(
            "không tiếp nhận hồ sơ thay cho {receiving}"
        )));
    }
    Ok(state
        .app
        .open_answered(&actor(principal), intake, answer)
        .await?)
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
    answer: Option<Answered>,
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
    if command.action().creates() {
        return Err(ApiError::Invalid(
            "hồ sơ mới được tạo qua POST /api/v1/dossiers".into(),
        ));
    }
    Ok(state
        .app
        .run_answered(&actor(principal), &d, expected_version, command, answer)
        .await?)
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
    Ok(state.app.run(who, d, expected_version, command).await?)
}

/// What the actor may do to the dossier now.
pub async fn available(
    state: &AppState,
    who: &Actor,
    d: &Dossier,
) -> Result<Vec<Action>, ApiError> {
    Ok(state.app.available_actions(who, d).await?)
}

/// Runs a command an external system asked for, retrying lost races (see
/// [`motcua_app::App::run_for_system`]).
pub async fn system_command(
    state: &AppState,
    who: &Actor,
    id: DossierId,
    already: impl Fn(&Dossier) -> bool,
    command: Command,
) -> Result<SystemOutcome, ApiError> {
    Ok(state.app.run_for_system(who, id, already, command).await?)
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

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Domain(d) => d.into(),
            AppError::Conflict { .. } => Self::PreconditionFailed,
            AppError::UnknownProcedure(_) => Self::NotFound,
            AppError::Forbidden(m) => Self::Forbidden(m),
            AppError::Invalid(m) => Self::Invalid(m),
            AppError::NotFound(_) => Self::NotFound,
            AppError::Store(s) => s.into(),
        }
    }
}

/// The content hashes of the restricted components `who` may not open in `d`: left out of
/// what they read (API bodies, histories), so no one learns a restricted scan's name and
/// names it elsewhere to open it.
pub async fn hidden_files(
    state: &AppState,
    who: &Actor,
    d: &Dossier,
) -> Result<std::collections::HashSet<String>, ApiError> {
    let procedure = state
        .app
        .procedure(d.procedure.as_str(), Some(d.procedure_version))
        .await?;
    Ok(d.documents
        .iter()
        .enumerate()
        .filter(|(i, _)| !d.may_open_document(*i, &procedure, who))
        .filter_map(|(_, x)| x.file.clone())
        .collect())
}

/// Replaces every string in `value` that names a hidden file.
pub fn redact(value: &mut serde_json::Value, hidden: &std::collections::HashSet<String>) {
    if hidden.is_empty() {
        return;
    }
    match value {
        serde_json::Value::String(s) if hidden.contains(s.as_str()) => {
            *s = "[hạn chế truy cập]".to_owned();
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| redact(v, hidden)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| redact(v, hidden)),
        _ => {}
    }
}
