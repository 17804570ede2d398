//! Staff accounts, their sessions, API tokens for external systems, and the Idempotency-Key
//! replay store. Secrets are never stored: passwords as argon2id hashes (made by the caller),
//! session and API tokens as SHA-256 digests.

use chrono::{DateTime, Utc};
use motcua_core::dossier::Dossier;
use sea_query::{Expr, ExprTrait, Iden, Query};
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
pub(crate) enum StaffAccounts {
    Table,
    Id,
    Username,
    FullName,
    PasswordHash,
    Role,
    ProvinceCode,
    Units,
    FailedAttempts,
    LockedUntil,
    Active,
    PasswordChangedAt,
    CreatedAt,
    MustChangePassword,
    TotpSecret,
    TotpPending,
    TotpLastStep,
}

#[derive(Iden)]
pub(crate) enum StaffSessions {
    Table,
    TokenHash,
    AccountId,
    CsrfToken,
    CreatedAt,
    LastSeenAt,
    SecondFactor,
}

#[derive(Iden)]
pub(crate) enum ApiTokens {
    Table,
    Id,
    TokenHash,
    Name,
    Role,
    ProvinceCode,
    Units,
    CreatedAt,
    RevokedAt,
    LastUsedAt,
    Scopes,
}

#[derive(Iden)]
enum IdempotencyKeys {
    Table,
    Principal,
    IdemKey,
    RequestHash,
    Status,
    Response,
    CreatedAt,
}

/// A staff account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Id.
    pub id: Uuid,
    /// Sign-in name.
    pub username: String,
    /// Full name, printed on forms.
    pub full_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Role name (see `motcua_core::catalog::Role`).
    pub role: String,
    /// Province.
    pub province_code: String,
    /// Agency codes the account works for.
    pub units: Json<Vec<String>>,
    /// Consecutive failed sign-ins.
    pub failed_attempts: i64,
    /// Locked until this instant after too many failures.
    pub locked_until: Option<DateTime<Utc>>,
    /// Whether the account may sign in.
    pub active: bool,
    /// When the password last changed.
    pub password_changed_at: DateTime<Utc>,
    /// The password was set by someone else: its owner must replace it at sign-in.
    pub must_change_password: bool,
    /// The TOTP secret (base32) once enrolled.
    pub totp_secret: Option<String>,
    /// A secret offered at enrolment, not yet confirmed with a code.
    pub totp_pending: Option<String>,
    /// The last TOTP time step accepted (a code is accepted once).
    pub totp_last_step: i64,
}

db_row!(Account {
    id,
    username,
    full_name,
    password_hash,
    role,
    province_code,
    units,
    failed_attempts,
    locked_until,
    active,
    password_changed_at,
    must_change_password,
    totp_secret,
    totp_pending,
    totp_last_step
});

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The account.
    pub account_id: Uuid,
    /// The token forms must echo.
    pub csrf_token: String,
    /// Last request.
    pub last_seen_at: DateTime<Utc>,
    /// The second factor was passed (or none was needed when it opened).
    pub second_factor: bool,
}

db_row!(Session {
    account_id,
    csrf_token,
    last_seen_at,
    second_factor
});

/// An external system's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Id.
    pub id: Uuid,
    /// Name of the system.
    pub name: String,
    /// Role it acts with.
    pub role: String,
    /// Province.
    pub province_code: String,
    /// Agencies it may act for.
    pub units: Json<Vec<String>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// What it may read beyond its role (`land.read`).
    pub scopes: Json<Vec<String>>,
}

db_row!(ApiToken {
    id,
    name,
    role,
    province_code,
    units,
    revoked_at,
    created_at,
    last_used_at,
    scopes
});

const TOKEN_COLUMNS: [ApiTokens; 9] = [
    ApiTokens::Id,
    ApiTokens::Name,
    ApiTokens::Role,
    ApiTokens::ProvinceCode,
    ApiTokens::Units,
    ApiTokens::RevokedAt,
    ApiTokens::CreatedAt,
    ApiTokens::LastUsedAt,
    ApiTokens::Scopes,
];

/// A stored response for an Idempotency-Key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// SHA-256 of the request body.
    pub request_hash: String,
    /// HTTP status.
    pub status: i64,
    /// Response body.
    pub response: String,
}

db_row!(StoredResponse {
    request_hash,
    status,
    response
});

/// What a new account needs.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Sign-in name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// argon2id hash.
    pub password_hash: String,
    /// Role name.
    pub role: String,
    /// Province.
    pub province_code: String,
    /// Agencies.
    pub units: Vec<String>,
}

fn account_select() -> sea_query::SelectStatement {
    use StaffAccounts as A;
    Query::select()
        .columns([
            A::Id,
            A::Username,
            A::FullName,
            A::PasswordHash,
            A::Role,
            A::ProvinceCode,
            A::Units,
            A::FailedAttempts,
            A::LockedUntil,
            A::Active,
            A::PasswordChangedAt,
            A::MustChangePassword,
            A::TotpSecret,
            A::TotpPending,
            A::TotpLastStep,
        ])
        .from(A::Table)
        .to_owned()
}

impl Db {
    /// Creates an account; a taken username is a [`StoreError::Conflict`].
    pub async fn create_account(
        &self,
        a: &NewAccount,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        let mut tx = self.begin_write().await?;
        insert_account(&mut tx, id, a, false, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An account by sign-in name.
    pub async fn account_by_username(&self, username: &str) -> Result<Option<Account>, StoreError> {
        self.fetch_optional(
            &account_select()
                .and_where(Expr::col(StaffAccounts::Username).eq(username))
                .to_owned(),
        )
        .await
    }

    /// An account by id.
    pub async fn account(&self, id: Uuid) -> Result<Option<Account>, StoreError> {
        self.fetch_optional(
            &account_select()
                .and_where(Expr::col(StaffAccounts::Id).eq(id))
                .to_owned(),
        )
        .await
    }

    /// Every active account of a province.
    pub async fn accounts(&self, province: &str) -> Result<Vec<Account>, StoreError> {
        self.fetch_all(
            &account_select()
                .and_where(Expr::col(StaffAccounts::ProvinceCode).eq(province))
                .and_where(Expr::col(StaffAccounts::Active).eq(true))
                .order_by(StaffAccounts::FullName, sea_query::Order::Asc)
                .to_owned(),
        )
        .await
    }

    /// Every account of a province, disabled ones too, by sign-in name.
    pub async fn all_accounts(&self, province: &str) -> Result<Vec<Account>, StoreError> {
        self.fetch_all(
            &account_select()
                .and_where(Expr::col(StaffAccounts::ProvinceCode).eq(province))
                .order_by(StaffAccounts::Username, sea_query::Order::Asc)
                .to_owned(),
        )
        .await
    }

    /// Records a failed sign-in, locking the account when `lock_until` is given.
    pub async fn record_login_failure(
        &self,
        id: Uuid,
        lock_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        use StaffAccounts as A;
        let mut stmt = Query::update()
            .table(A::Table)
            .and_where(Expr::col(A::Id).eq(id))
            .to_owned();
        // One assignment per column: PostgreSQL refuses a column set twice (SQLite took the
        // last, so a lockout answered 500 only on PostgreSQL).
        match lock_until {
            Some(until) => stmt
                .value(A::LockedUntil, until)
                .value(A::FailedAttempts, 0i64),
            None => stmt.value(A::FailedAttempts, Expr::col(A::FailedAttempts).add(1)),
        };
        self.execute(&stmt).await.map(|_| ())
    }

    /// Clears the failure count after a successful sign-in.
    pub async fn record_login_success(&self, id: Uuid) -> Result<(), StoreError> {
        use StaffAccounts as A;
        self.execute(
            &Query::update()
                .table(A::Table)
                .values([
                    (A::FailedAttempts, 0i64.into()),
                    (A::LockedUntil, Option::<DateTime<Utc>>::None.into()),
                ])
                .and_where(Expr::col(A::Id).eq(id))
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// Sets a new password hash chosen by the account's owner and ends every session of the
    /// account.
    pub async fn set_password(
        &self,
        id: Uuid,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use StaffAccounts as A;
        let mut tx = self.begin_write().await?;
        tx.execute(
            &Query::update()
                .table(A::Table)
                .values([
                    (A::PasswordHash, hash.into()),
                    (A::PasswordChangedAt, now.into()),
                    (A::MustChangePassword, false.into()),
                ])
                .and_where(Expr::col(A::Id).eq(id))
                .to_owned(),
        )
        .await?;
        tx.execute(
            &Query::delete()
                .from_table(StaffSessions::Table)
                .and_where(Expr::col(StaffSessions::AccountId).eq(id))
                .to_owned(),
        )
        .await?;
        tx.commit().await
    }

    /// Stores a new session.
    pub async fn create_session(
        &self,
        token_hash: &str,
        account_id: Uuid,
        csrf: &str,
        second_factor: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use StaffSessions as S;
        self.execute(
            &Query::insert()
                .into_table(S::Table)
                .columns([
                    S::TokenHash,
                    S::AccountId,
                    S::CsrfToken,
                    S::CreatedAt,
                    S::LastSeenAt,
                    S::SecondFactor,
                ])
                .values_panic([
                    token_hash.into(),
                    account_id.into(),
                    csrf.into(),
                    now.into(),
                    now.into(),
                    second_factor.into(),
                ])
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// A session by its token's digest.
    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        use StaffSessions as S;
        self.fetch_optional(
            &Query::select()
                .columns([S::AccountId, S::CsrfToken, S::LastSeenAt, S::SecondFactor])
                .from(S::Table)
                .and_where(Expr::col(S::TokenHash).eq(token_hash))
                .to_owned(),
        )
        .await
    }

    /// Records that a session passed its second factor.
    pub async fn pass_second_factor(&self, token_hash: &str) -> Result<(), StoreError> {
        use StaffSessions as S;
        self.execute(
            &Query::update()
                .table(S::Table)
                .value(S::SecondFactor, true)
                .and_where(Expr::col(S::TokenHash).eq(token_hash))
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// Marks a session as used now.
    pub async fn touch_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use StaffSessions as S;
        self.execute(
            &Query::update()
                .table(S::Table)
                .value(S::LastSeenAt, now)
                .and_where(Expr::col(S::TokenHash).eq(token_hash))
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        use StaffSessions as S;
        self.execute(
            &Query::delete()
                .from_table(S::Table)
                .and_where(Expr::col(S::TokenHash).eq(token_hash))
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// Creates an API token (its digest) for an external system.
    pub async fn create_api_token(
        &self,
        token_hash: &str,
        name: &str,
        role: &str,
        province_code: &str,
        units: &[String],
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        let mut tx = self.begin_write().await?;
        insert_api_token(
            &mut tx,
            id,
            token_hash,
            name,
            role,
            province_code,
            units,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An API token by its digest.
    pub async fn api_token(&self, token_hash: &str) -> Result<Option<ApiToken>, StoreError> {
        use ApiTokens as T;
        self.fetch_optional(
            &Query::select()
                .columns(TOKEN_COLUMNS)
                .from(T::Table)
                .and_where(Expr::col(T::TokenHash).eq(token_hash))
                .to_owned(),
        )
        .await
    }

    /// A province's API tokens, revoked ones too, newest first.
    pub async fn api_tokens(&self, province: &str) -> Result<Vec<ApiToken>, StoreError> {
        use ApiTokens as T;
        self.fetch_all(
            &Query::select()
                .columns(TOKEN_COLUMNS)
                .from(T::Table)
                .and_where(Expr::col(T::ProvinceCode).eq(province))
                .order_by(T::CreatedAt, sea_query::Order::Desc)
                .to_owned(),
        )
        .await
    }

    /// An API token by id.
    pub async fn api_token_by_id(&self, id: Uuid) -> Result<Option<ApiToken>, StoreError> {
        use ApiTokens as T;
        self.fetch_optional(
            &Query::select()
                .columns(TOKEN_COLUMNS)
                .from(T::Table)
                .and_where(Expr::col(T::Id).eq(id))
                .to_owned(),
        )
        .await
    }

    /// Records that a token was used now.
    pub async fn touch_api_token(&self, id: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
        use ApiTokens as T;
        self.execute(
            &Query::update()
                .table(T::Table)
                .value(T::LastUsedAt, now)
                .and_where(Expr::col(T::Id).eq(id))
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// The response stored for an Idempotency-Key, if any.
    pub async fn idempotent_response(
        &self,
        principal: &str,
        key: &str,
    ) -> Result<Option<StoredResponse>, StoreError> {
        use IdempotencyKeys as K;
        self.fetch_optional(
            &Query::select()
                .columns([K::RequestHash, K::Status, K::Response])
                .from(K::Table)
                .and_where(Expr::col(K::Principal).eq(principal))
                .and_where(Expr::col(K::IdemKey).eq(key))
                .to_owned(),
        )
        .await
    }

    /// Claims an Idempotency-Key before running the request; false if it was taken (the
    /// request ran or is running: read it with [`Db::idempotent_response`]). A reservation
    /// with no answer older than `expiry` is taken over by a retry of the same request: its
    /// request did not commit (an answer is written in the command's own transaction), so
    /// the process that held it died or gave up.
    pub async fn reserve_idempotency_key(
        &self,
        principal: &str,
        key: &str,
        request_hash: &str,
        now: DateTime<Utc>,
        expiry: chrono::TimeDelta,
    ) -> Result<bool, StoreError> {
        use IdempotencyKeys as K;
        let stale = Expr::col((K::Table, K::Status))
            .eq(0i64)
            .and(Expr::col((K::Table, K::CreatedAt)).lt(now - expiry))
            .and(Expr::col((K::Table, K::RequestHash)).eq(request_hash));
        let inserted = self
            .execute(
                &Query::insert()
                    .into_table(K::Table)
                    .columns([
                        K::Principal,
                        K::IdemKey,
                        K::RequestHash,
                        K::Status,
                        K::Response,
                        K::CreatedAt,
                    ])
                    .values_panic([
                        principal.into(),
                        key.into(),
                        request_hash.into(),
                        0i64.into(),
                        "".into(),
                        now.into(),
                    ])
                    .on_conflict(
                        sea_query::OnConflict::columns([K::Principal, K::IdemKey])
                            .value(K::CreatedAt, now)
                            .action_and_where(stale)
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(inserted == 1)
    }

    /// Records the response of a request run under a reserved key (a request that changed no
    /// dossier; a command's answer is written with its change, see [`Answered`]).
    pub async fn finish_idempotency_key(
        &self,
        principal: &str,
        key: &str,
        status: i64,
        response: &str,
    ) -> Result<(), StoreError> {
        use IdempotencyKeys as K;
        self.execute(
            &Query::update()
                .table(K::Table)
                .values([(K::Status, status.into()), (K::Response, response.into())])
                .and_where(Expr::col(K::Principal).eq(principal))
                .and_where(Expr::col(K::IdemKey).eq(key))
                .and_where(Expr::col(K::Status).eq(0i64))
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// Frees a reserved key whose request failed, so the client may retry (only while it
    /// holds no answer: a refusal after another attempt committed frees nothing).
    pub async fn release_idempotency_key(
        &self,
        principal: &str,
        key: &str,
    ) -> Result<(), StoreError> {
        use IdempotencyKeys as K;
        self.execute(
            &Query::delete()
                .from_table(K::Table)
                .and_where(Expr::col(K::Principal).eq(principal))
                .and_where(Expr::col(K::IdemKey).eq(key))
                .and_where(Expr::col(K::Status).eq(0i64))
                .to_owned(),
        )
        .await
        .map(|_| ())
    }
}

/// Inserts an account row (a taken username is a [`StoreError::Conflict`]).
pub(crate) async fn insert_account(
    tx: &mut Tx,
    id: Uuid,
    a: &NewAccount,
    must_change_password: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use StaffAccounts as A;
    let units = serde_json::to_value(&a.units).map_err(|e| StoreError::Encoding(e.to_string()))?;
    tx.execute(
        &Query::insert()
            .into_table(A::Table)
            .columns([
                A::Id,
                A::Username,
                A::FullName,
                A::PasswordHash,
                A::Role,
                A::ProvinceCode,
                A::Units,
                A::FailedAttempts,
                A::LockedUntil,
                A::Active,
                A::PasswordChangedAt,
                A::CreatedAt,
                A::MustChangePassword,
            ])
            .values_panic([
                id.into(),
                a.username.clone().into(),
                a.full_name.clone().into(),
                a.password_hash.clone().into(),
                a.role.clone().into(),
                a.province_code.clone().into(),
                units.into(),
                0i64.into(),
                Option::<DateTime<Utc>>::None.into(),
                true.into(),
                now.into(),
                now.into(),
                must_change_password.into(),
            ])
            .to_owned(),
    )
    .await
    .map(|_| ())
}

/// Inserts an API token row.
#[expect(clippy::too_many_arguments, reason = "a token's scope is its columns")]
pub(crate) async fn insert_api_token(
    tx: &mut Tx,
    id: Uuid,
    token_hash: &str,
    name: &str,
    role: &str,
    province_code: &str,
    units: &[String],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use ApiTokens as T;
    let units = serde_json::to_value(units).map_err(|e| StoreError::Encoding(e.to_string()))?;
    tx.execute(
        &Query::insert()
            .into_table(T::Table)
            .columns([
                T::Id,
                T::TokenHash,
                T::Name,
                T::Role,
                T::ProvinceCode,
                T::Units,
                T::CreatedAt,
                T::RevokedAt,
            ])
            .values_panic([
                id.into(),
                token_hash.into(),
                name.into(),
                role.into(),
                province_code.into(),
                units.into(),
                now.into(),
                Option::<DateTime<Utc>>::None.into(),
            ])
            .to_owned(),
    )
    .await
    .map(|_| ())
}

/// The answer to record for an `Idempotency-Key` with the change it answers.
#[derive(Debug, Clone)]
pub struct Answered {
    /// Who asked (the key's owner).
    pub principal: String,
    /// The key.
    pub key: String,
    /// The answer's status.
    pub status: i64,
    /// The answer's body, from the dossier as the change left it.
    pub render: fn(&Dossier) -> String,
}

/// Writes the answer in the change's transaction. A reservation that is gone (a retry took
/// it over after it expired) refuses the change: the retry runs the command instead.
pub(crate) async fn answer_in(tx: &mut Tx, a: &Answered, d: &Dossier) -> Result<(), StoreError> {
    use IdempotencyKeys as K;
    let n = tx
        .execute(
            &Query::update()
                .table(K::Table)
                .values([
                    (K::Status, a.status.into()),
                    (K::Response, (a.render)(d).into()),
                ])
                .and_where(Expr::col(K::Principal).eq(a.principal.as_str()))
                .and_where(Expr::col(K::IdemKey).eq(a.key.as_str()))
                .and_where(Expr::col(K::Status).eq(0i64))
                .to_owned(),
        )
        .await?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(
            "yêu cầu với Idempotency-Key này đã được thực hiện lại ở nơi khác".into(),
        ))
    }
}
