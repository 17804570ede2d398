//! Dossiers: one command, one transaction — allocate the code (for a new dossier), check the
//! version, write the projection row, append the hash-chained events and the outbox row.

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use motcua_core::calendar::deadline::local;
use motcua_core::dossier::{Change, Dossier, DossierError, DossierId, Event, PublicView};
use motcua_core::ids::{AgencyCode, DossierCode};
use sea_query::{Expr, ExprTrait, Iden, InsertStatement, LockType, OnConflict, Order, Query};
use sqlx::types::Json;
use uuid::Uuid;

use crate::accounts::Answered;
use crate::audit::{GENESIS, event_hash};
use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::outbox::enqueue_all;
use crate::row::db_row;

#[derive(Iden)]
pub(crate) enum Dossiers {
    Table,
    Id,
    Code,
    ProvinceCode,
    ProcedureCode,
    ProcedureVersion,
    Status,
    Channel,
    ReceivingAgency,
    ResolvingAgency,
    ApplicantName,
    ApplicantNumber,
    OriginCode,
    CurrentAssignee,
    SubmittedAt,
    ReceivedAt,
    DueAt,
    FinishedAt,
    State,
    Version,
    UpdatedAt,
    StepRole,
    StepName,
    ClockStopped,
    ExternalCode,
    PublicView,
}

#[derive(Iden)]
pub(crate) enum DossierEvents {
    Table,
    DossierId,
    Seq,
    Kind,
    Payload,
    ActorId,
    RecordedAt,
    PrevHash,
    Hash,
}

/// The event columns, in the order [`StoredEvent`] lists them.
pub(crate) const EVENT_COLUMNS: [DossierEvents; 8] = [
    DossierEvents::DossierId,
    DossierEvents::Seq,
    DossierEvents::Kind,
    DossierEvents::Payload,
    DossierEvents::ActorId,
    DossierEvents::RecordedAt,
    DossierEvents::PrevHash,
    DossierEvents::Hash,
];

#[derive(Iden)]
enum SyncCursors {
    Table,
    Name,
    Position,
}

struct CursorRow {
    position: String,
}

db_row!(CursorRow { position });

#[derive(Iden)]
pub(crate) enum DossierCodeSequences {
    Table,
    AgencyCode,
    Day,
    LastValue,
}

/// Which dossier a command is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A new dossier: its code is allocated in `agency`'s series for today (Vietnam date).
    New {
        /// The agency whose identifier starts the code.
        agency: AgencyCode,
        /// Province code (the shard key).
        province_code: String,
    },
    /// A dossier imported from another system: its code is allocated in `agency`'s series
    /// for `day`, the day it was filed there.
    Imported {
        /// The agency whose identifier starts the code.
        agency: AgencyCode,
        /// Province code (the shard key).
        province_code: String,
        /// The day of the series.
        day: chrono::NaiveDate,
    },
    /// An existing dossier, read in the transaction.
    Existing(DossierId),
    /// An existing dossier as the caller read it, before the transaction: decided on this
    /// copy and written only if it is still the stored version (otherwise
    /// [`CommandError::Conflict`], and the caller reads again). Saves reading and decoding the
    /// state a second time on the hot path.
    AsRead(Box<Dossier>),
}

/// Why a command did not land.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The domain refused it.
    #[error(transparent)]
    Domain(#[from] DossierError),
    /// Someone else changed the dossier first (stale version).
    #[error("hồ sơ đã được người khác cập nhật (phiên bản hiện tại {current})")]
    Conflict {
        /// The version now stored.
        current: u64,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An event as stored, with its place in the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Dossier.
    pub dossier_id: Uuid,
    /// Position, from 1.
    pub seq: i64,
    /// Event kind.
    pub kind: String,
    /// The event.
    pub payload: Json<serde_json::Value>,
    /// Who caused it.
    pub actor_id: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// The previous event's hash.
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

db_row!(StoredEvent {
    dossier_id,
    seq,
    kind,
    payload,
    actor_id,
    recorded_at,
    prev_hash,
    hash
});

pub(crate) struct StateRow {
    pub(crate) state: Json<Dossier>,
    version: i64,
}

db_row!(StateRow { state, version });

struct PublicRow {
    id: uuid::Uuid,
    public_view: Option<String>,
}

db_row!(PublicRow { id, public_view });

struct SeqRow {
    last_value: i64,
}

db_row!(SeqRow { last_value });

struct HashRow {
    hash: String,
}

db_row!(HashRow { hash });

impl Db {
    /// Runs one command in one transaction. `decide` gets the current state (none for a new
    /// dossier) and, for a new one, the code allocated for it, and returns the change to
    /// store: its events, the state they build and the outbox rows they owe, all written
    /// here as given. `expected_version` is the caller's `If-Match`: a stale one gives
    /// [`CommandError::Conflict`]. `now` must already be truncated to microseconds (what
    /// PostgreSQL keeps), so that the hashes verify when read back.
    pub async fn run_command<F>(
        &self,
        target: &Target,
        expected_version: Option<u64>,
        now: DateTime<Utc>,
        actor_id: &str,
        decide: F,
    ) -> Result<Dossier, CommandError>
    where
        F: FnOnce(Option<&Dossier>, Option<&DossierCode>) -> Result<Change, DossierError> + Send,
    {
        self.run_command_answered(target, expected_version, now, actor_id, decide, None)
            .await
    }

    /// [`Db::run_command`], also recording the answer to an `Idempotency-Key` in the same
    /// transaction: a change that committed always has its answer, so a retry after a crash
    /// learns the result instead of running the command again.
    pub async fn run_command_answered<F>(
        &self,
        target: &Target,
        expected_version: Option<u64>,
        now: DateTime<Utc>,
        actor_id: &str,
        decide: F,
        answer: Option<&Answered>,
    ) -> Result<Dossier, CommandError>
    where
        F: FnOnce(Option<&Dossier>, Option<&DossierCode>) -> Result<Change, DossierError> + Send,
    {
        // Callers truncate already; this keeps a stray nanosecond from breaking a hash.
        let now = now.trunc_subsecs(6);
        let mut tx = self.begin_write().await?;
        let (state, code, province) = match target {
            Target::New {
                agency,
                province_code,
            } => {
                let code = new_code(&mut tx, agency, local(now).date()).await?;
                (None, Some(code), province_code.clone())
            }
            Target::Imported {
                agency,
                province_code,
                day,
            } => {
                let code = new_code(&mut tx, agency, *day).await?;
                (None, Some(code), province_code.clone())
            }
            Target::Existing(id) => {
                let mut read = Query::select()
                    .columns([Dossiers::State, Dossiers::Version])
                    .from(Dossiers::Table)
                    .and_where(Expr::col(Dossiers::Id).eq(id.0))
                    .to_owned();
                // SQLite's write transaction already holds the database; PostgreSQL locks the
                // row, so a command read here cannot lose the race it is retried after.
                if matches!(tx, Tx::Postgres(_)) {
                    read.lock(LockType::Update);
                }
                let row: Option<StateRow> = tx.fetch_all(&read).await?.into_iter().next();
                let row = row.ok_or(DossierError::NotFound)?;
                let current = u64::try_from(row.version).unwrap_or(0);
                if expected_version.is_some_and(|v| v != current) {
                    return Err(CommandError::Conflict { current });
                }
                (Some(row.state.0), None, String::new())
            }
            Target::AsRead(d) => {
                if expected_version.is_some_and(|v| v != d.version) {
                    return Err(CommandError::Conflict { current: d.version });
                }
                (Some(d.as_ref().clone()), None, String::new())
            }
        };
        let change = decide(state.as_ref(), code.as_ref())?;
        if change.events.is_empty() {
            return Ok(change.dossier);
        }
        let dossier = &change.dossier;
        write_row(
            &mut tx,
            dossier,
            state.is_none(),
            change.from_version,
            &province,
            now,
        )
        .await?;
        let mut inserts = vec![
            events_insert(
                &mut tx,
                dossier,
                change.from_version,
                &change.events,
                actor_id,
                now,
            )
            .await?,
        ];
        // The register write goes with the events, in the same call: on SQLite each call
        // is a round trip inside the single writer's turn. On SQLite a failure there can
        // only be the register's (the dossier's version was checked by its own write).
        if let Some(land) = &change.land {
            inserts.extend(crate::land_write::statements(land)?);
        }
        tx.execute_all(&inserts)
            .await
            .map_err(|e| match &change.land {
                Some(_) => crate::land_write::moved(e),
                None => e,
            })?;
        if change.land.as_ref().is_some_and(|l| l.begun.is_empty()) {
            crate::land_changes::mark_applied(&mut tx, dossier.id.0, now).await?;
        }
        enqueue_all(&mut tx, dossier.id.0, change.effects, now).await?;
        crate::rollups::apply_change(&mut tx, &change.counts).await?;
        if let Some(a) = answer {
            crate::accounts::answer_in(&mut tx, a, &change.dossier).await?;
        }
        tx.commit().await?;
        Ok(change.dossier)
    }

    /// A dossier by id.
    pub async fn dossier(&self, id: DossierId) -> Result<Option<Dossier>, StoreError> {
        self.dossier_where(Expr::col(Dossiers::Id).eq(id.0)).await
    }

    /// Dossiers by id, in one statement (a page of a register); the order is not kept.
    pub async fn dossiers_by_ids(&self, ids: &[uuid::Uuid]) -> Result<Vec<Dossier>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .fetch_all(
                &Query::select()
                    .columns([Dossiers::State, Dossiers::Version])
                    .from(Dossiers::Table)
                    .and_where(Expr::col(Dossiers::Id).is_in(ids.iter().copied()))
                    .to_owned(),
            )
            .await?
            .into_iter()
            .map(|r: StateRow| r.state.0)
            .collect())
    }

    /// A dossier by the code another system gave it.
    pub async fn dossier_by_external_code(
        &self,
        code: &str,
    ) -> Result<Option<Dossier>, StoreError> {
        self.dossier_where(Expr::col(Dossiers::ExternalCode).eq(code))
            .await
    }

    /// A dossier imported from another system, by the code that system gave it, with its
    /// public view.
    pub async fn imported_public_view(
        &self,
        code: &str,
    ) -> Result<Option<(Dossier, String)>, StoreError> {
        match self.dossier_by_external_code(code).await? {
            Some(d) if d.imported.is_some() => {
                let view = public_view(&d)?;
                Ok(Some((d, view)))
            }
            _ => Ok(None),
        }
    }

    /// Where a pull from another system has got to.
    pub async fn sync_cursor(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .fetch_optional(
                &Query::select()
                    .column(SyncCursors::Position)
                    .from(SyncCursors::Table)
                    .and_where(Expr::col(SyncCursors::Name).eq(name))
                    .to_owned(),
            )
            .await?
            .map(|r: CursorRow| r.position))
    }

    /// Moves a pull's cursor.
    pub async fn set_sync_cursor(&self, name: &str, position: &str) -> Result<(), StoreError> {
        self.execute(
            &Query::insert()
                .into_table(SyncCursors::Table)
                .columns([SyncCursors::Name, SyncCursors::Position])
                .values_panic([name.into(), position.into()])
                .on_conflict(
                    OnConflict::column(SyncCursors::Name)
                        .update_column(SyncCursors::Position)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// The public lookup's answer (JSON) for a citizen's dossier by code, with the dossier's
    /// id (its check comes from it); none for an unknown code or an inter-agency sub-dossier
    /// (those are not citizen requests).
    pub async fn public_view(&self, code: &str) -> Result<Option<(DossierId, String)>, StoreError> {
        let row: Option<PublicRow> = self
            .fetch_optional(
                &Query::select()
                    .columns([Dossiers::Id, Dossiers::PublicView])
                    .from(Dossiers::Table)
                    .and_where(Expr::col(Dossiers::Code).eq(code))
                    .and_where(Expr::col(Dossiers::OriginCode).is_null())
                    .to_owned(),
            )
            .await?;
        match row {
            None => Ok(None),
            Some(PublicRow {
                id,
                public_view: Some(view),
            }) => Ok(Some((DossierId(id), view))),
            // Written before the view existed: computed from the state.
            Some(PublicRow {
                public_view: None, ..
            }) => match self.dossier_by_code(code).await? {
                Some(d) => public_view(&d).map(|v| Some((d.id, v))),
                None => Ok(None),
            },
        }
    }

    /// A dossier by code.
    pub async fn dossier_by_code(&self, code: &str) -> Result<Option<Dossier>, StoreError> {
        self.dossier_where(Expr::col(Dossiers::Code).eq(code)).await
    }

    async fn dossier_where(&self, cond: Expr) -> Result<Option<Dossier>, StoreError> {
        Ok(self
            .fetch_optional(
                &Query::select()
                    .columns([Dossiers::State, Dossiers::Version])
                    .from(Dossiers::Table)
                    .and_where(cond)
                    .to_owned(),
            )
            .await?
            .map(|r: StateRow| r.state.0))
    }

    /// Every dossier, a page at a time in id order (`after`: the last id of the previous page).
    pub async fn dossiers_after(
        &self,
        after: Option<DossierId>,
        limit: u64,
    ) -> Result<Vec<Dossier>, StoreError> {
        let mut q = Query::select()
            .columns([Dossiers::State, Dossiers::Version])
            .from(Dossiers::Table)
            .order_by(Dossiers::Id, Order::Asc)
            .to_owned();
        if let Some(a) = after {
            q.and_where(Expr::col(Dossiers::Id).gt(a.0));
        }
        let rows: Vec<StateRow> = self.fetch_page(&q, limit).await?;
        Ok(rows.into_iter().map(|r| r.state.0).collect())
    }

    /// An applicant's dossiers (by CCCD or tax code), newest first; sub-dossiers left out.
    pub async fn dossiers_of_applicant(&self, number: &str) -> Result<Vec<Dossier>, StoreError> {
        let rows: Vec<StateRow> = self
            .fetch_page(
                &Query::select()
                    .columns([Dossiers::State, Dossiers::Version])
                    .from(Dossiers::Table)
                    .and_where(Expr::col(Dossiers::ApplicantNumber).eq(number))
                    .and_where(Expr::col(Dossiers::OriginCode).is_null())
                    .order_by(Dossiers::SubmittedAt, Order::Desc)
                    .to_owned(),
                200,
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.state.0).collect())
    }

    /// A dossier's history, in order.
    pub async fn dossier_events(&self, id: DossierId) -> Result<Vec<StoredEvent>, StoreError> {
        use DossierEvents as E;
        self.fetch_all(
            &Query::select()
                .columns(EVENT_COLUMNS)
                .from(E::Table)
                .and_where(Expr::col(E::DossierId).eq(id.0))
                .order_by(E::Seq, Order::Asc)
                .to_owned(),
        )
        .await
    }
}

/// Takes the next number in an agency's series for a day. The upsert holds the row lock
/// until commit, so concurrent receipts queue and a rolled-back one leaves no gap.
/// The next code in `agency`'s series for `day`.
async fn new_code(
    tx: &mut Tx,
    agency: &AgencyCode,
    day: NaiveDate,
) -> Result<DossierCode, StoreError> {
    let seq = next_code(tx, agency, day).await?;
    Ok(DossierCode::new(
        agency,
        day,
        u32::try_from(seq).unwrap_or(u32::MAX),
    ))
}

async fn next_code(tx: &mut Tx, agency: &AgencyCode, day: NaiveDate) -> Result<i64, StoreError> {
    take_codes(tx, agency.as_str(), day, 1).await
}

/// Takes the next `n` numbers of `agency`'s series for `day`; the last of them.
pub(crate) async fn take_codes(
    tx: &mut Tx,
    agency: &str,
    day: NaiveDate,
    n: i64,
) -> Result<i64, StoreError> {
    use DossierCodeSequences as S;
    let stmt = Query::insert()
        .into_table(S::Table)
        .columns([S::AgencyCode, S::Day, S::LastValue])
        .values_panic([agency.into(), day.into(), n.into()])
        .on_conflict(
            OnConflict::columns([S::AgencyCode, S::Day])
                .value(S::LastValue, Expr::col((S::Table, S::LastValue)).add(n))
                .to_owned(),
        )
        .returning_col(S::LastValue)
        .to_owned();
    let rows: Vec<SeqRow> = tx.fetch_all(&stmt).await?;
    rows.into_iter()
        .next()
        .map(|r| r.last_value)
        .ok_or(StoreError::NotFound)
}

/// The projection row's columns, in the order [`row_values`] gives them.
pub(crate) const ROW_COLUMNS: [Dossiers; 25] = [
    Dossiers::Id,
    Dossiers::Code,
    Dossiers::ProvinceCode,
    Dossiers::ProcedureCode,
    Dossiers::ProcedureVersion,
    Dossiers::Status,
    Dossiers::Channel,
    Dossiers::ReceivingAgency,
    Dossiers::ResolvingAgency,
    Dossiers::ApplicantName,
    Dossiers::ApplicantNumber,
    Dossiers::OriginCode,
    Dossiers::CurrentAssignee,
    Dossiers::SubmittedAt,
    Dossiers::ReceivedAt,
    Dossiers::DueAt,
    Dossiers::FinishedAt,
    Dossiers::State,
    Dossiers::Version,
    Dossiers::UpdatedAt,
    Dossiers::StepRole,
    Dossiers::StepName,
    Dossiers::ClockStopped,
    Dossiers::ExternalCode,
    Dossiers::PublicView,
];

/// A dossier's projection row.
pub(crate) fn row_values(
    d: &Dossier,
    province: &str,
    now: DateTime<Utc>,
) -> Result<[sea_query::Expr; 25], StoreError> {
    let state = serde_json::to_value(d).map_err(|e| StoreError::Encoding(e.to_string()))?;
    let step = d.current_step();
    Ok([
        d.id.0.into(),
        d.code.as_str().into(),
        province.into(),
        d.procedure.as_str().into(),
        i64::from(d.procedure_version).into(),
        d.status.as_str().into(),
        d.channel.as_str().into(),
        d.receiving_agency.as_str().into(),
        d.resolving_agency.as_str().into(),
        d.applicant.name().into(),
        d.applicant.number().into(),
        d.origin_code.as_ref().map(|c| c.as_str().to_owned()).into(),
        step.and_then(|s| s.assignee.as_ref())
            .map(|o| o.id.clone())
            .into(),
        d.submitted_at.into(),
        d.received_at.into(),
        d.appointment.as_ref().map(|a| a.current_due).into(),
        d.finished_at.into(),
        state.into(),
        i64::try_from(d.version).unwrap_or(i64::MAX).into(),
        now.into(),
        step.map(|s| s.role.as_str().to_owned()).into(),
        step.map(|s| s.name.clone()).into(),
        d.open_pause().is_some().into(),
        d.external_code.clone().into(),
        public_view(d)?.into(),
    ])
}

/// The public lookup's answer for `d`, as stored.
fn public_view(d: &Dossier) -> Result<String, StoreError> {
    serde_json::to_string(&PublicView::of(d)).map_err(|e| StoreError::Encoding(e.to_string()))
}

async fn write_row(
    tx: &mut Tx,
    d: &Dossier,
    insert: bool,
    old_version: u64,
    province: &str,
    now: DateTime<Utc>,
) -> Result<(), CommandError> {
    let version = i64::try_from(d.version).unwrap_or(i64::MAX);
    let due = d.appointment.as_ref().map(|a| a.current_due);
    let stopped = d.open_pause().is_some();
    let current_role = d.current_step().map(|s| s.role.as_str().to_owned());
    let current_step = d.current_step().map(|s| s.name.clone());
    let assignee = d
        .current_step()
        .and_then(|s| s.assignee.as_ref())
        .map(|o| o.id.clone());
    if insert {
        tx.execute(
            &Query::insert()
                .into_table(Dossiers::Table)
                .columns(ROW_COLUMNS)
                .values_panic(row_values(d, province, now)?)
                .to_owned(),
        )
        .await?;
        crate::search::insert_terms(tx, &[d]).await?;
        return Ok(());
    }
    let state = serde_json::to_value(d).map_err(|e| StoreError::Encoding(e.to_string()))?;
    let updated = tx
        .execute(
            &Query::update()
                .table(Dossiers::Table)
                .values([
                    (Dossiers::Status, d.status.as_str().into()),
                    (Dossiers::CurrentAssignee, assignee.into()),
                    (Dossiers::ReceivedAt, d.received_at.into()),
                    (Dossiers::DueAt, due.into()),
                    (Dossiers::FinishedAt, d.finished_at.into()),
                    (Dossiers::State, state.into()),
                    (Dossiers::Version, version.into()),
                    (Dossiers::UpdatedAt, now.into()),
                    (Dossiers::StepRole, current_role.into()),
                    (Dossiers::StepName, current_step.into()),
                    (Dossiers::ClockStopped, stopped.into()),
                    (Dossiers::PublicView, public_view(d)?.into()),
                ])
                .and_where(Expr::col(Dossiers::Id).eq(d.id.0))
                .and_where(
                    Expr::col(Dossiers::Version).eq(i64::try_from(old_version).unwrap_or(i64::MAX)),
                )
                .to_owned(),
        )
        .await?;
    if updated == 0 {
        return Err(CommandError::Conflict {
            current: old_version + 1,
        });
    }
    Ok(())
}

/// The insert of a command's events, each chained to the one before by its hash (the last
/// stored one read here).
async fn events_insert(
    tx: &mut Tx,
    d: &Dossier,
    old_version: u64,
    events: &[Event],
    actor_id: &str,
    now: DateTime<Utc>,
) -> Result<InsertStatement, CommandError> {
    use DossierEvents as E;
    let mut prev: String = if old_version == 0 {
        GENESIS.to_owned()
    } else {
        let rows: Vec<HashRow> = tx
            .fetch_page(
                &Query::select()
                    .column(E::Hash)
                    .from(E::Table)
                    .and_where(Expr::col(E::DossierId).eq(d.id.0))
                    .order_by(E::Seq, Order::Desc)
                    .to_owned(),
                1,
            )
            .await?;
        rows.into_iter()
            .next()
            .map(|r| r.hash)
            .unwrap_or_else(|| GENESIS.to_owned())
    };
    let mut insert = Query::insert()
        .into_table(E::Table)
        .columns(EVENT_COLUMNS)
        .to_owned();
    for (i, event) in events.iter().enumerate() {
        let seq = i64::try_from(old_version).unwrap_or(0) + i64::try_from(i).unwrap_or(0) + 1;
        let hash =
            event_hash(&prev, d.id.0, seq, event, actor_id, now).map_err(StoreError::Encoding)?;
        let payload =
            serde_json::to_value(event).map_err(|e| StoreError::Encoding(e.to_string()))?;
        insert.values_panic([
            d.id.0.into(),
            seq.into(),
            event.kind().into(),
            payload.into(),
            actor_id.into(),
            now.into(),
            prev.clone().into(),
            hash.clone().into(),
        ]);
        prev = hash;
    }
    // One statement for the command's events: each statement is a round trip.
    Ok(insert)
}
