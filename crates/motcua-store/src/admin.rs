//! Administrative changes — accounts, agencies, settings, second factors — each written in one
//! transaction with its entry in the administrative log: who, when, what, the object before
//! and after, hash-chained so that `verify-audit` finds an edited or removed row.

use chrono::{DateTime, SecondsFormat, Utc};
use motcua_core::units::AgencyFile;
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Order, Query};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::accounts::{NewAccount, StaffAccounts, StaffSessions};
use crate::audit::GENESIS;
use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
enum AdminLog {
    Table,
    Seq,
    RecordedAt,
    ActorId,
    ActorName,
    Action,
    Object,
    Before,
    After,
    PrevHash,
    Hash,
}

#[derive(Iden)]
enum Settings {
    Table,
    Key,
    Value,
    UpdatedAt,
}

#[derive(Iden)]
enum StaffRecoveryCodes {
    Table,
    AccountId,
    CodeHash,
    UsedAt,
}

struct ValueRow {
    value: String,
}
db_row!(ValueRow { value });

struct HeadRow {
    seq: i64,
    hash: String,
}
db_row!(HeadRow { seq, hash });

/// Who made an administrative change and what it was, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminEntry {
    /// The account id (or `system:init` for the installer).
    pub actor_id: String,
    /// Their name.
    pub actor_name: String,
    /// What was done (`account.create`, `account.reset_password`, `agencies.import`, …).
    pub action: String,
    /// What it was done to (a username, an agency file, a setting's key).
    pub object: String,
    /// The object before (JSON; `null` when it did not exist). Never a secret.
    pub before: serde_json::Value,
    /// The object after (JSON). Never a secret.
    pub after: serde_json::Value,
}

/// A change an administrator (or the installer) makes.
#[derive(Debug, Clone)]
pub enum AdminChange {
    /// A new staff account; `must_change_password` when someone else chose the password.
    CreateAccount {
        /// Its id.
        id: Uuid,
        /// The account.
        account: NewAccount,
        /// The owner must set their own password at first sign-in.
        must_change_password: bool,
    },
    /// Name, role and agencies.
    SetAccess {
        /// The account.
        id: Uuid,
        /// Full name.
        full_name: String,
        /// Role name.
        role: String,
        /// Agency codes.
        units: Vec<String>,
    },
    /// Enables or disables sign-in (disabling ends every session).
    SetActive {
        /// The account.
        id: Uuid,
        /// Whether it may sign in.
        active: bool,
    },
    /// Clears a lockout.
    Unlock {
        /// The account.
        id: Uuid,
    },
    /// A password chosen by an administrator: sessions end, the owner must replace it.
    ResetPassword {
        /// The account.
        id: Uuid,
        /// argon2id hash of the one-time password.
        hash: String,
    },
    /// A password its owner chose: the one-time flag clears, every session ends.
    ChangePassword {
        /// The account.
        id: Uuid,
        /// argon2id hash.
        hash: String,
    },
    /// Offers a TOTP secret, to be confirmed with a code.
    OfferTotp {
        /// The account.
        id: Uuid,
        /// Base32 secret.
        secret: String,
    },
    /// Confirms the offered secret and stores the recovery codes' hashes.
    EnableTotp {
        /// The account.
        id: Uuid,
        /// The confirmed secret.
        secret: String,
        /// The time step of the code that confirmed it.
        step: i64,
        /// SHA-256 of each recovery code.
        recovery: Vec<String>,
    },
    /// Removes the second factor (an administrator's reset for a lost device).
    DisableTotp {
        /// The account.
        id: Uuid,
    },
    /// A token for an external system (only its digest is stored).
    CreateApiToken {
        /// Its id.
        id: Uuid,
        /// SHA-256 of the token, hex.
        token_hash: String,
        /// The system's name.
        name: String,
        /// The role it acts with.
        role: String,
        /// Province.
        province_code: String,
        /// Agencies it may act for.
        units: Vec<String>,
    },
    /// Sets what a token may read beyond its role.
    SetTokenScopes {
        /// Its id.
        id: Uuid,
        /// The scopes (`land.read`).
        scopes: Vec<String>,
    },
    /// Revokes a token.
    RevokeApiToken {
        /// Its id.
        id: Uuid,
    },
    /// A calendar document (holiday rules, a year's schedule), replacing the one with its key.
    SaveCalendarDocument(crate::StoredCalendarDocument),
    /// Removes a calendar document.
    DeleteCalendarDocument {
        /// `holiday-rules` or `year-schedule`.
        kind: String,
        /// Its key.
        key: String,
    },
    /// Publishes a checked procedure version (a stored version never changes).
    PublishProcedure {
        /// The parsed procedure.
        procedure: Box<motcua_core::catalog::Procedure>,
        /// Its text, kept verbatim.
        body: String,
    },
    /// Sets (`Some`) or clears an agency's office hours.
    SetOfficeHours {
        /// The agency.
        agency: String,
        /// The hours; `None` for the civil-service default.
        hours: Option<crate::StoredOfficeHours>,
    },
    /// Names the agencies that resolve a procedure (empty: the catalogue's kinds decide).
    SetProcedureAgencies {
        /// The procedure's code.
        procedure: String,
        /// Agency codes.
        agencies: Vec<String>,
    },
    /// Maps a procedure to the national portal's code (`None`: the same code).
    SetPortalCode {
        /// The local code.
        procedure: String,
        /// The portal's code.
        portal_code: Option<String>,
    },
    /// A notification text an administrator wrote.
    SaveNoticeText(crate::StoredTemplate),
    /// Back to the shipped notification text.
    ResetNoticeText {
        /// The notice kind.
        kind: String,
    },
    /// A setting.
    SetSetting {
        /// Key.
        key: String,
        /// Value.
        value: String,
    },
    /// A province's agency file.
    ImportAgencies(AgencyFile),
    /// A plan's targets, replacing those of the same plan.
    ImportPlan(motcua_core::kpi::targets::Plan),
    /// A plan removed.
    DeletePlan {
        /// Its name.
        name: String,
    },
    /// Renames an agency.
    RenameAgency {
        /// Its code.
        code: String,
        /// The new name.
        name: String,
    },
    /// Gives an agency a new identifier (the old one keeps resolving).
    RecodeAgency {
        /// Its code.
        code: String,
        /// The new code.
        new_code: motcua_core::ids::AgencyCode,
    },
    /// Merges an agency into another.
    MergeAgency {
        /// The agency merged away.
        from: String,
        /// The agency that takes over.
        into: String,
    },
    /// Puts an agency under another parent.
    MoveAgency {
        /// Its code.
        code: String,
        /// The new parent's code (none: top level).
        parent: Option<String>,
    },
}

/// One row of the administrative log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminLogEntry {
    /// Position in the log.
    pub seq: i64,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// Who (account id).
    pub actor_id: String,
    /// Who (name).
    pub actor_name: String,
    /// What.
    pub action: String,
    /// To what.
    pub object: String,
    /// Before (JSON text).
    pub before: String,
    /// After (JSON text).
    pub after: String,
    /// The previous row's hash.
    pub prev_hash: String,
    /// This row's hash.
    pub hash: String,
}

db_row!(AdminLogEntry {
    seq,
    recorded_at,
    actor_id,
    actor_name,
    action,
    object,
    before,
    after,
    prev_hash,
    hash
});

/// SHA-256 over the previous hash and the row's content.
pub fn admin_hash(prev: &str, e: &AdminLogEntry) -> String {
    let body = serde_json::json!([
        e.seq,
        e.recorded_at.to_rfc3339_opts(SecondsFormat::Micros, true),
        e.actor_id,
        e.actor_name,
        e.action,
        e.object,
        e.before,
        e.after
    ])
    .to_string();
    let mut hasher = Sha256::new();
    hasher.update(prev.as_bytes());
    hasher.update(b"\n");
    hasher.update(body.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const LOG_COLUMNS: [AdminLog; 10] = [
    AdminLog::Seq,
    AdminLog::RecordedAt,
    AdminLog::ActorId,
    AdminLog::ActorName,
    AdminLog::Action,
    AdminLog::Object,
    AdminLog::Before,
    AdminLog::After,
    AdminLog::PrevHash,
    AdminLog::Hash,
];

impl Db {
    /// Makes an administrative change and logs it, in one transaction.
    pub async fn admin_change(
        &self,
        change: &AdminChange,
        entry: &AdminEntry,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        apply(&mut tx, change, now).await?;
        append(&mut tx, entry, now).await?;
        tx.commit().await
    }

    /// A setting's value.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row: Option<ValueRow> = self
            .fetch_optional(
                &Query::select()
                    .column(Settings::Value)
                    .from(Settings::Table)
                    .and_where(Expr::col(Settings::Key).eq(key))
                    .to_owned(),
            )
            .await?;
        Ok(row.map(|r| r.value))
    }

    /// A setting's value, set to `value` first if it had none (the first caller's value wins
    /// a race). For values an installation makes once and keeps, never shown in the log.
    pub async fn setting_once(
        &self,
        key: &str,
        value: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let mut tx = self.begin_write().await?;
        tx.execute(
            &Query::insert()
                .into_table(Settings::Table)
                .columns([Settings::Key, Settings::Value, Settings::UpdatedAt])
                .values_panic([key.into(), value.into(), now.into()])
                .on_conflict(OnConflict::column(Settings::Key).do_nothing().to_owned())
                .to_owned(),
        )
        .await?;
        tx.commit().await?;
        Ok(self.setting(key).await?.unwrap_or_else(|| value.to_owned()))
    }

    /// Removes a setting (a flag a migration left for work done once).
    pub(crate) async fn clear_setting(&self, key: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.execute(
            &Query::delete()
                .from_table(Settings::Table)
                .and_where(Expr::col(Settings::Key).eq(key))
                .to_owned(),
        )
        .await?;
        tx.commit().await
    }

    /// The administrative log, newest first, `limit` rows before `before_seq`.
    pub async fn admin_log(
        &self,
        before_seq: Option<i64>,
        limit: u64,
    ) -> Result<Vec<AdminLogEntry>, StoreError> {
        let mut q = Query::select()
            .columns(LOG_COLUMNS)
            .from(AdminLog::Table)
            .order_by(AdminLog::Seq, Order::Desc)
            .to_owned();
        if let Some(seq) = before_seq {
            q.and_where(Expr::col(AdminLog::Seq).lt(seq));
        }
        self.fetch_page(&q, limit).await
    }

    /// Checks the whole administrative log: the number of rows, or the first broken one.
    pub async fn verify_admin_log(&self) -> Result<Result<usize, (i64, String)>, StoreError> {
        let rows: Vec<AdminLogEntry> = self
            .fetch_all(
                &Query::select()
                    .columns(LOG_COLUMNS)
                    .from(AdminLog::Table)
                    .order_by(AdminLog::Seq, Order::Asc)
                    .to_owned(),
            )
            .await?;
        let mut prev = GENESIS.to_owned();
        for (i, row) in rows.iter().enumerate() {
            let expected_seq = i64::try_from(i).unwrap_or(i64::MAX) + 1;
            if row.seq != expected_seq {
                return Ok(Err((
                    expected_seq,
                    "dòng nhật ký bị xóa hoặc đảo thứ tự".into(),
                )));
            }
            if row.prev_hash != prev {
                return Ok(Err((row.seq, "không nối với dòng trước".into())));
            }
            if admin_hash(&prev, row) != row.hash {
                return Ok(Err((row.seq, "nội dung đã bị sửa".into())));
            }
            prev.clone_from(&row.hash);
        }
        Ok(Ok(rows.len()))
    }

    /// Uses a recovery code: true if it was valid and unused (it is then spent).
    pub async fn use_recovery_code(
        &self,
        account: Uuid,
        code_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        use StaffRecoveryCodes as R;
        let n = self
            .execute(
                &Query::update()
                    .table(R::Table)
                    .value(R::UsedAt, now)
                    .and_where(Expr::col(R::AccountId).eq(account))
                    .and_where(Expr::col(R::CodeHash).eq(code_hash))
                    .and_where(Expr::col(R::UsedAt).is_null())
                    .to_owned(),
            )
            .await?;
        Ok(n == 1)
    }

    /// Accepts a TOTP time step once: false when this step (or a later one) was used already,
    /// so a code seen over someone's shoulder cannot be replayed.
    pub async fn accept_totp_step(&self, account: Uuid, step: i64) -> Result<bool, StoreError> {
        use StaffAccounts as A;
        let n = self
            .execute(
                &Query::update()
                    .table(A::Table)
                    .value(A::TotpLastStep, step)
                    .and_where(Expr::col(A::Id).eq(account))
                    .and_where(Expr::col(A::TotpLastStep).lt(step))
                    .to_owned(),
            )
            .await?;
        Ok(n == 1)
    }
}

async fn apply(tx: &mut Tx, change: &AdminChange, now: DateTime<Utc>) -> Result<(), StoreError> {
    use StaffAccounts as A;
    let update = |id: Uuid| {
        Query::update()
            .table(A::Table)
            .and_where(Expr::col(A::Id).eq(id))
            .to_owned()
    };
    match change {
        AdminChange::CreateAccount {
            id,
            account,
            must_change_password,
        } => {
            crate::accounts::insert_account(tx, *id, account, *must_change_password, now).await?;
        }
        AdminChange::SetAccess {
            id,
            full_name,
            role,
            units,
        } => {
            let units =
                serde_json::to_value(units).map_err(|e| StoreError::Encoding(e.to_string()))?;
            one(tx
                .execute(
                    update(*id)
                        .value(A::FullName, full_name.as_str())
                        .value(A::Role, role.as_str())
                        .value(A::Units, units),
                )
                .await?)?;
        }
        AdminChange::SetActive { id, active } => {
            one(tx.execute(update(*id).value(A::Active, *active)).await?)?;
            if !active {
                end_sessions(tx, *id).await?;
            }
        }
        AdminChange::Unlock { id } => {
            one(tx
                .execute(
                    update(*id)
                        .value(A::LockedUntil, Option::<DateTime<Utc>>::None)
                        .value(A::FailedAttempts, 0i64),
                )
                .await?)?;
        }
        AdminChange::ResetPassword { id, hash } => {
            one(tx
                .execute(
                    update(*id)
                        .value(A::PasswordHash, hash.as_str())
                        .value(A::PasswordChangedAt, now)
                        .value(A::MustChangePassword, true)
                        .value(A::LockedUntil, Option::<DateTime<Utc>>::None)
                        .value(A::FailedAttempts, 0i64),
                )
                .await?)?;
            end_sessions(tx, *id).await?;
        }
        AdminChange::ChangePassword { id, hash } => {
            one(tx
                .execute(
                    update(*id)
                        .value(A::PasswordHash, hash.as_str())
                        .value(A::PasswordChangedAt, now)
                        .value(A::MustChangePassword, false),
                )
                .await?)?;
            end_sessions(tx, *id).await?;
        }
        AdminChange::OfferTotp { id, secret } => {
            one(tx
                .execute(update(*id).value(A::TotpPending, secret.as_str()))
                .await?)?;
        }
        AdminChange::EnableTotp {
            id,
            secret,
            step,
            recovery,
        } => {
            one(tx
                .execute(
                    update(*id)
                        .value(A::TotpSecret, secret.as_str())
                        .value(A::TotpPending, Option::<String>::None)
                        .value(A::TotpLastStep, *step),
                )
                .await?)?;
            replace_recovery(tx, *id, recovery).await?;
        }
        AdminChange::DisableTotp { id } => {
            one(tx
                .execute(
                    update(*id)
                        .value(A::TotpSecret, Option::<String>::None)
                        .value(A::TotpPending, Option::<String>::None),
                )
                .await?)?;
            replace_recovery(tx, *id, &[]).await?;
        }
        AdminChange::CreateApiToken {
            id,
            token_hash,
            name,
            role,
            province_code,
            units,
        } => {
            crate::accounts::insert_api_token(
                tx,
                *id,
                token_hash,
                name,
                role,
                province_code,
                units,
                now,
            )
            .await?;
        }
        AdminChange::SetTokenScopes { id, scopes } => {
            use crate::accounts::ApiTokens as T;
            let value =
                serde_json::to_value(scopes).map_err(|e| StoreError::Encoding(e.to_string()))?;
            one(tx
                .execute(
                    &Query::update()
                        .table(T::Table)
                        .value(T::Scopes, value)
                        .and_where(Expr::col(T::Id).eq(*id))
                        .to_owned(),
                )
                .await?)?;
        }
        AdminChange::RevokeApiToken { id } => {
            use crate::accounts::ApiTokens as T;
            one(tx
                .execute(
                    &Query::update()
                        .table(T::Table)
                        .value(T::RevokedAt, now)
                        .and_where(Expr::col(T::Id).eq(*id))
                        .and_where(Expr::col(T::RevokedAt).is_null())
                        .to_owned(),
                )
                .await?)?;
        }
        AdminChange::SaveCalendarDocument(doc) => {
            tx.execute(&crate::calendar::save_statement(doc)).await?;
        }
        AdminChange::DeleteCalendarDocument { kind, key } => {
            one(tx
                .execute(&crate::calendar::delete_statement(kind, key))
                .await?)?;
        }
        AdminChange::PublishProcedure { procedure, body } => {
            if crate::procedures::import_procedure_in(tx, procedure, body, now).await?
                == crate::ImportOutcome::Unchanged
            {
                return Err(StoreError::Conflict(format!(
                    "phiên bản {} của thủ tục {} đã được công bố",
                    procedure.version, procedure.code
                )));
            }
        }
        AdminChange::SetOfficeHours { agency, hours } => {
            crate::agency_settings::set_office_hours(tx, agency, hours.as_ref(), now).await?;
        }
        AdminChange::SetProcedureAgencies {
            procedure,
            agencies,
        } => {
            crate::agency_settings::set_procedure_agencies(tx, procedure, agencies).await?;
        }
        AdminChange::SetPortalCode {
            procedure,
            portal_code,
        } => {
            crate::agency_settings::set_portal_code(tx, procedure, portal_code.as_deref(), now)
                .await?;
        }
        AdminChange::SaveNoticeText(t) => {
            tx.execute(&crate::templates::save_statement(t)).await?;
        }
        AdminChange::ResetNoticeText { kind } => {
            tx.execute(&crate::templates::reset_statement(kind)).await?;
        }
        AdminChange::SetSetting { key, value } => {
            tx.execute(
                &Query::insert()
                    .into_table(Settings::Table)
                    .columns([Settings::Key, Settings::Value, Settings::UpdatedAt])
                    .values_panic([key.as_str().into(), value.as_str().into(), now.into()])
                    .on_conflict(
                        OnConflict::column(Settings::Key)
                            .update_columns([Settings::Value, Settings::UpdatedAt])
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        }
        AdminChange::ImportAgencies(file) => {
            crate::units::import_agencies_in(tx, file, now).await?;
        }
        AdminChange::ImportPlan(plan) => {
            crate::targets::import_plan_in(tx, plan, now).await?;
        }
        AdminChange::DeletePlan { name } => {
            if crate::targets::delete_plan_in(tx, name).await? == 0 {
                return Err(StoreError::NotFound);
            }
        }
        AdminChange::RenameAgency { code, name } => {
            crate::units::rename_in(tx, code, name, now).await?;
        }
        AdminChange::RecodeAgency { code, new_code } => {
            crate::units::recode_in(tx, code, new_code, now).await?;
        }
        AdminChange::MergeAgency { from, into } => {
            crate::units::merge_in(tx, from, into, now).await?;
        }
        AdminChange::MoveAgency { code, parent } => {
            crate::units::move_in(tx, code, parent.as_deref(), now).await?;
        }
    }
    Ok(())
}

/// An update that matched no account names an account that does not exist.
fn one(rows: u64) -> Result<(), StoreError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

async fn end_sessions(tx: &mut Tx, id: Uuid) -> Result<(), StoreError> {
    tx.execute(
        &Query::delete()
            .from_table(StaffSessions::Table)
            .and_where(Expr::col(StaffSessions::AccountId).eq(id))
            .to_owned(),
    )
    .await
    .map(|_| ())
}

async fn replace_recovery(tx: &mut Tx, id: Uuid, hashes: &[String]) -> Result<(), StoreError> {
    use StaffRecoveryCodes as R;
    tx.execute(
        &Query::delete()
            .from_table(R::Table)
            .and_where(Expr::col(R::AccountId).eq(id))
            .to_owned(),
    )
    .await?;
    if hashes.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert()
        .into_table(R::Table)
        .columns([R::AccountId, R::CodeHash, R::UsedAt])
        .to_owned();
    for h in hashes {
        insert.values_panic([
            id.into(),
            h.as_str().into(),
            Option::<DateTime<Utc>>::None.into(),
        ]);
    }
    tx.execute(&insert).await.map(|_| ())
}

/// Appends the entry after the log's last row. Appends are serialised: SQLite's write
/// transaction holds the database, PostgreSQL takes the table's lock for the append.
async fn append(tx: &mut Tx, entry: &AdminEntry, now: DateTime<Utc>) -> Result<(), StoreError> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("LOCK TABLE admin_log IN EXCLUSIVE MODE")
            .execute(&mut **t)
            .await?;
    }
    let last: Option<HeadRow> = tx
        .fetch_first(
            &Query::select()
                .columns([AdminLog::Seq, AdminLog::Hash])
                .from(AdminLog::Table)
                .order_by(AdminLog::Seq, Order::Desc)
                .to_owned(),
        )
        .await?;
    let (seq, prev) = last.map_or((1, GENESIS.to_owned()), |h| (h.seq + 1, h.hash));
    let mut row = AdminLogEntry {
        seq,
        recorded_at: now,
        actor_id: entry.actor_id.clone(),
        actor_name: entry.actor_name.clone(),
        action: entry.action.clone(),
        object: entry.object.clone(),
        before: entry.before.to_string(),
        after: entry.after.to_string(),
        prev_hash: prev.clone(),
        hash: String::new(),
    };
    row.hash = admin_hash(&prev, &row);
    tx.execute(
        &Query::insert()
            .into_table(AdminLog::Table)
            .columns(LOG_COLUMNS)
            .values_panic([
                row.seq.into(),
                row.recorded_at.into(),
                row.actor_id.into(),
                row.actor_name.into(),
                row.action.into(),
                row.object.into(),
                row.before.into(),
                row.after.into(),
                row.prev_hash.into(),
                row.hash.into(),
            ])
            .to_owned(),
    )
    .await
    .map(|_| ())
}
