//! Running dossier commands: the one recipe (procedure version, unit calendar, context,
//! decide, the change written in one transaction) every edge uses.

use chrono::{DateTime, SubsecRound, Utc};
use motcua_core::calendar::WorkCalendar;
use motcua_core::catalog::{Channel, Procedure};
use motcua_core::dossier::{
    Action, Actor, Change, Command, Context, Dossier, DossierError, DossierId, NewDossier,
    available_actions, decide,
};
use motcua_core::ids::DossierCode;
use motcua_store::{Answered, Target};

use crate::{App, AppError};

/// A new dossier: the procedure (its current version applies), the province it is filed in,
/// and the facts. `new.id` and `new.code` are placeholders: the id is made here and the code
/// is allocated in the transaction, in the resolving agency's series for the day.
#[derive(Debug, Clone)]
pub struct Intake {
    /// Procedure code.
    pub procedure: String,
    /// Province code (the shard key).
    pub province: String,
    /// The facts.
    pub new: NewDossier,
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

impl App {
    /// Files (online channels) or receives (desk, post) a new dossier, now.
    pub async fn open(&self, who: &Actor, intake: Intake) -> Result<Dossier, AppError> {
        self.open_at(self.now(), who, intake).await
    }

    /// [`App::open`], recording `answer` (an `Idempotency-Key`'s) in the same transaction.
    pub async fn open_answered(
        &self,
        who: &Actor,
        intake: Intake,
        answer: Option<Answered>,
    ) -> Result<Dossier, AppError> {
        let p = self.procedure(&intake.procedure, None).await?;
        self.check_resolving_agency(&p, &intake).await?;
        self.check_land_ref(who, &p, intake.new.land.as_ref())
            .await?;
        let d = self
            .open_with(self.now(), who, intake, open_command, answer.as_ref())
            .await?;
        // Received at a counter during a visit: the visit's ticket names the dossier.
        self.link_visit(who, d.id.0).await;
        Ok(d)
    }

    /// [`App::open`] at a past instant: for seeders and imports that rebuild a history.
    pub async fn open_at(
        &self,
        at: DateTime<Utc>,
        who: &Actor,
        intake: Intake,
    ) -> Result<Dossier, AppError> {
        let p = self.procedure(&intake.procedure, None).await?;
        self.check_resolving_agency(&p, &intake).await?;
        self.check_land_ref(who, &p, intake.new.land.as_ref())
            .await?;
        self.open_with(at, who, intake, open_command, None).await
    }

    /// The resolving agency exists, is in the province the dossier is filed in, and resolves
    /// the procedure: named for it by the province, or else of a kind the catalogue names (a
    /// land procedure is resolved by a land registration office, not by a commune's centre).
    async fn check_resolving_agency(&self, p: &Procedure, intake: &Intake) -> Result<(), AppError> {
        let code = &intake.new.resolving_agency;
        let refuse = |why: String| Err(AppError::Domain(DossierError::Invalid(why)));
        let Some(agency) = self.db().agency(code.as_str()).await? else {
            return refuse(format!("không có cơ quan giải quyết mã {code}"));
        };
        if agency.province_code != intake.province {
            return refuse(format!(
                "cơ quan {} không thuộc tỉnh, thành phố tiếp nhận hồ sơ",
                agency.name
            ));
        }
        // The named agencies, else the kinds: one small read, not the province's whole list.
        let named = self.db().procedure_agencies(p.code.as_str()).await?;
        let resolves = if named.is_empty() {
            p.agencies.is_empty() || p.agencies.contains(&agency.kind)
        } else {
            named.contains(&agency.code)
        };
        if !resolves {
            return refuse(format!(
                "{} không giải quyết thủ tục {} ({})",
                agency.name, p.code, p.name
            ));
        }
        Ok(())
    }

    /// Opens an inter-agency sub-dossier (hồ sơ liên thông) at another agency, linked to the
    /// dossier `origin`; the agency has `budget_hours` working hours (the origin step's).
    pub async fn open_sub_dossier(
        &self,
        who: &Actor,
        intake: Intake,
        origin: DossierCode,
        budget_hours: u32,
    ) -> Result<Dossier, AppError> {
        self.open_with(
            self.now(),
            who,
            intake,
            |new| Command::OpenSubDossier {
                new,
                origin,
                budget_hours,
            },
            None,
        )
        .await
    }

    async fn open_with(
        &self,
        at: DateTime<Utc>,
        who: &Actor,
        intake: Intake,
        command: impl FnOnce(NewDossier) -> Command + Send,
        answer: Option<&Answered>,
    ) -> Result<Dossier, AppError> {
        let at = at.trunc_subsecs(6);
        let p = self.procedure(&intake.procedure, None).await?;
        let calendar = self.calendar(&intake.new.resolving_agency).await;
        let target = Target::New {
            agency: intake.new.resolving_agency.clone(),
            province_code: intake.province,
        };
        let mut new = intake.new;
        // A filing now takes the process's monotonic UUIDv7 (two in one instant keep their
        // order); one a seeder rebuilds in the past takes its own instant's, so ids sort as
        // filings do either way.
        new.id = if at < self.now() - chrono::TimeDelta::seconds(1) {
            minted_at(at)
        } else {
            DossierId(uuid::Uuid::now_v7())
        };
        let dossier = self
            .db()
            .run_command_answered(
                &target,
                None,
                at,
                &who.id,
                |state, code| {
                    if let Some(code) = code {
                        new.code = code.clone();
                    }
                    change(&p, &calendar, at, who, state, &command(new))
                },
                answer,
            )
            .await?;
        Ok(dossier)
    }

    /// Runs a command on a dossier the caller has read (and checked it may act on), now.
    /// `expected_version` is the caller's `If-Match`: a stale one is [`AppError::Conflict`].
    pub async fn run(
        &self,
        who: &Actor,
        d: &Dossier,
        expected_version: Option<u64>,
        command: Command,
    ) -> Result<Dossier, AppError> {
        self.run_at(self.now(), who, d, expected_version, command)
            .await
    }

    /// [`App::run`], recording `answer` (an `Idempotency-Key`'s) in the same transaction.
    pub async fn run_answered(
        &self,
        who: &Actor,
        d: &Dossier,
        expected_version: Option<u64>,
        command: Command,
        answer: Option<Answered>,
    ) -> Result<Dossier, AppError> {
        self.run_inner(
            self.now(),
            who,
            d,
            expected_version,
            command,
            answer.as_ref(),
        )
        .await
    }

    /// [`App::run`] at a past instant: for seeders and imports that rebuild a history.
    ///
    /// The command is decided on the caller's copy and written only if that is still the
    /// stored version. When another change got there first and the caller named no version
    /// (no `If-Match`), the dossier is read again and the command decided again: a caller
    /// that did not ask for a version check never gets a stale-version refusal for a race it
    /// did not see.
    pub async fn run_at(
        &self,
        at: DateTime<Utc>,
        who: &Actor,
        d: &Dossier,
        expected_version: Option<u64>,
        command: Command,
    ) -> Result<Dossier, AppError> {
        self.run_inner(at, who, d, expected_version, command, None)
            .await
    }

    async fn run_inner(
        &self,
        at: DateTime<Utc>,
        who: &Actor,
        d: &Dossier,
        expected_version: Option<u64>,
        command: Command,
        answer: Option<&Answered>,
    ) -> Result<Dossier, AppError> {
        if command.action().creates() {
            return Err(DossierError::AlreadyExists.into());
        }
        let at = at.trunc_subsecs(6);
        // The procedure version and the resolving unit are fixed when a dossier opens, so
        // the copy the caller read names the right ones.
        let p = self
            .procedure(d.procedure.as_str(), Some(d.procedure_version))
            .await?;
        let calendar = self.calendar(&d.resolving_agency).await;
        // A land dossier's approving step writes its change set to the register, in the same
        // transaction as the step.
        let land = self.land_write_for(d, &p, &command, at).await?;
        let mut target = Target::AsRead(Box::new(d.clone()));
        for _ in 0..ATTEMPTS {
            let outcome = self
                .db()
                .run_command_answered(
                    &target,
                    expected_version,
                    at,
                    &who.id,
                    |state, _| {
                        let mut c = change(&p, &calendar, at, who, state, &command)?;
                        if !c.events.is_empty() {
                            c.land.clone_from(&land);
                        }
                        Ok(c)
                    },
                    answer,
                )
                .await;
            match outcome {
                Err(motcua_store::CommandError::Conflict { .. }) if expected_version.is_none() => {
                    target = Target::Existing(d.id);
                }
                // The register moved since the change was prepared (the guarded write met an
                // ended version): retrying cannot help, the change must be prepared again.
                Err(motcua_store::CommandError::Store(motcua_store::StoreError::Conflict(why)))
                    if land.is_some() =>
                {
                    return Err(AppError::Invalid(format!(
                        "không ghi được sổ địa chính: {why}; chuẩn bị lại thay đổi của hồ sơ"
                    )));
                }
                other => return Ok(other?),
            }
        }
        Err(AppError::Conflict { current: d.version })
    }

    /// Runs a command an external system asked for (payment gateway, tax authority,
    /// treasury): `already` tells from the current dossier that the message was acted on
    /// before; a duplicate payment reference counts as such too. Retries when another change
    /// won the race.
    pub async fn run_for_system(
        &self,
        who: &Actor,
        id: DossierId,
        already: impl Fn(&Dossier) -> bool,
        command: Command,
    ) -> Result<SystemOutcome, AppError> {
        for _ in 0..ATTEMPTS {
            let current = self.db().dossier(id).await?.ok_or(DossierError::NotFound)?;
            if already(&current) {
                return Ok(SystemOutcome::Duplicate);
            }
            match self
                .run(who, &current, Some(current.version), command.clone())
                .await
            {
                Ok(_) => return Ok(SystemOutcome::Done),
                Err(AppError::Domain(DossierError::DuplicatePayment(_))) => {
                    return Ok(SystemOutcome::Duplicate);
                }
                Err(AppError::Conflict { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(SystemOutcome::Busy)
    }

    /// What `who` may do to `d` now (the guards of the decider, no dry runs).
    pub async fn available_actions(
        &self,
        who: &Actor,
        d: &Dossier,
    ) -> Result<Vec<Action>, AppError> {
        let p = self
            .procedure(d.procedure.as_str(), Some(d.procedure_version))
            .await?;
        let calendar = self.calendar(&d.resolving_agency).await;
        let ctx = Context {
            now: self.now(),
            actor: who,
            procedure: &p,
            calendar: &calendar,
        };
        Ok(available_actions(d, &ctx))
    }

    /// Decides a command in memory, without the database: for the bulk seeder, which keeps
    /// the open dossiers itself and loads their histories in batches. `state` is the dossier
    /// (none for a new one, whose `code` the caller allocated); `calendar` is the resolving
    /// unit's ([`App::calendar`]).
    pub fn decide_in_memory(
        &self,
        p: &Procedure,
        calendar: &WorkCalendar,
        at: DateTime<Utc>,
        who: &Actor,
        state: Option<&Dossier>,
        command: &Command,
    ) -> Result<Change, AppError> {
        Ok(change(
            p,
            calendar,
            at.trunc_subsecs(6),
            who,
            state,
            command,
        )?)
    }
}

/// The command that opens a dossier arriving by `new.channel`.
fn open_command(new: NewDossier) -> Command {
    match new.channel {
        Channel::Online | Channel::NationalPortal => Command::SubmitOnline(new),
        Channel::Counter | Channel::Post => Command::ReceiveAtCounter(new),
    }
}

/// The context, the decision and the change it makes: the one place a `Context` is built.
fn change(
    procedure: &Procedure,
    calendar: &WorkCalendar,
    now: DateTime<Utc>,
    actor: &Actor,
    state: Option<&Dossier>,
    command: &Command,
) -> Result<Change, DossierError> {
    let ctx = Context {
        now,
        actor,
        procedure,
        calendar,
    };
    let events = decide(state, command, &ctx)?;
    Change::new(state, events, now)
}

/// The id of a dossier filed at a past instant (a seeder's): a UUIDv7 of that instant, so ids
/// sort as filings do. Queues with no due instant yet (online filings to accept) list in id
/// order.
pub fn minted_at(at: DateTime<Utc>) -> DossierId {
    let ts = uuid::Timestamp::from_unix(
        uuid::NoContext,
        u64::try_from(at.timestamp()).unwrap_or(0),
        at.timestamp_subsec_nanos(),
    );
    DossierId(uuid::Uuid::new_v7(ts))
}

/// A placeholder code for a new dossier's facts before the store allocates the real one.
pub fn placeholder_code(agency: &motcua_core::ids::AgencyCode) -> DossierCode {
    DossierCode::new(agency, chrono::NaiveDate::default(), 0)
}
