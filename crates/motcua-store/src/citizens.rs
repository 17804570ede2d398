//! Citizens (signed in through the national e-ID), their sessions, sign-ins in flight, and
//! their saved e-forms (drafts). Session tokens are stored as SHA-256 digests only.

use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Order, Query};
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::Db;
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
enum Citizens {
    Table,
    IdNumber,
    FullName,
    BirthDate,
    Gender,
    Address,
    Phone,
    Email,
    NotifyChannel,
    IdentityLevel,
    InRegistry,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden)]
enum CitizenSessions {
    Table,
    TokenHash,
    IdNumber,
    CsrfToken,
    CreatedAt,
    LastSeenAt,
}

#[derive(Iden)]
enum OidcLogins {
    Table,
    State,
    Nonce,
    ReturnTo,
    CreatedAt,
}

#[derive(Iden)]
enum Drafts {
    Table,
    Id,
    IdNumber,
    ProcedureCode,
    Data,
    CreatedAt,
    UpdatedAt,
}

/// A citizen's account: what the e-ID and the population registry said, and their contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citizen {
    /// Personal identification number (CCCD).
    pub id_number: String,
    /// Full name.
    pub full_name: String,
    /// Date of birth.
    pub birth_date: Option<NaiveDate>,
    /// "Nam" / "Nữ".
    pub gender: String,
    /// Permanent residence.
    pub address: String,
    /// Phone for SMS / Zalo.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// `sms`, `email` or `zalo`.
    pub notify_channel: String,
    /// Electronic identity level (2 = verified in person).
    pub identity_level: i64,
    /// The population registry returned this person at their last sign-in.
    pub in_registry: bool,
}

db_row!(Citizen {
    id_number,
    full_name,
    birth_date,
    gender,
    address,
    phone,
    email,
    notify_channel,
    identity_level,
    in_registry
});

/// A citizen's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenSession {
    /// Whose.
    pub id_number: String,
    /// CSRF token for forms.
    pub csrf_token: String,
    /// Last use (idle timeout).
    pub last_seen_at: DateTime<Utc>,
}

db_row!(CitizenSession {
    id_number,
    csrf_token,
    last_seen_at
});

/// A sign-in in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcLogin {
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// Where to go afterwards.
    pub return_to: String,
    /// When it began.
    pub created_at: DateTime<Utc>,
}

db_row!(OidcLogin {
    nonce,
    return_to,
    created_at
});

/// An e-form saved before submission.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Id.
    pub id: Uuid,
    /// Whose.
    pub id_number: String,
    /// Procedure.
    pub procedure_code: String,
    /// Field values and attached files.
    pub data: Json<serde_json::Value>,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

db_row!(Draft {
    id,
    id_number,
    procedure_code,
    data,
    updated_at
});

impl Db {
    /// Creates or refreshes a citizen from the e-ID and registry; keeps their contacts.
    pub async fn upsert_citizen(&self, c: &Citizen, now: DateTime<Utc>) -> Result<(), StoreError> {
        use Citizens as C;
        self.execute(
            &Query::insert()
                .into_table(C::Table)
                .columns([
                    C::IdNumber,
                    C::FullName,
                    C::BirthDate,
                    C::Gender,
                    C::Address,
                    C::Phone,
                    C::Email,
                    C::NotifyChannel,
                    C::IdentityLevel,
                    C::InRegistry,
                    C::CreatedAt,
                    C::UpdatedAt,
                ])
                .values_panic([
                    c.id_number.as_str().into(),
                    c.full_name.as_str().into(),
                    c.birth_date.into(),
                    c.gender.as_str().into(),
                    c.address.as_str().into(),
                    c.phone.clone().into(),
                    c.email.clone().into(),
                    c.notify_channel.as_str().into(),
                    c.identity_level.into(),
                    c.in_registry.into(),
                    now.into(),
                    now.into(),
                ])
                .on_conflict(
                    OnConflict::column(C::IdNumber)
                        .update_columns([
                            C::FullName,
                            C::BirthDate,
                            C::Gender,
                            C::Address,
                            C::IdentityLevel,
                            C::InRegistry,
                            C::UpdatedAt,
                        ])
                        .to_owned(),
                )
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// A citizen by id number.
    pub async fn citizen(&self, id_number: &str) -> Result<Option<Citizen>, StoreError> {
        use Citizens as C;
        self.fetch_optional(
            &Query::select()
                .columns([
                    C::IdNumber,
                    C::FullName,
                    C::BirthDate,
                    C::Gender,
                    C::Address,
                    C::Phone,
                    C::Email,
                    C::NotifyChannel,
                    C::IdentityLevel,
                    C::InRegistry,
                ])
                .from(C::Table)
                .and_where(Expr::col(C::IdNumber).eq(id_number))
                .to_owned(),
        )
        .await
    }

    /// Sets how a citizen is reached.
    pub async fn set_citizen_contact(
        &self,
        id_number: &str,
        phone: Option<&str>,
        email: Option<&str>,
        channel: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use Citizens as C;
        self.execute(
            &Query::update()
                .table(C::Table)
                .values([
                    (C::Phone, phone.map(str::to_owned).into()),
                    (C::Email, email.map(str::to_owned).into()),
                    (C::NotifyChannel, channel.into()),
                    (C::UpdatedAt, now.into()),
                ])
                .and_where(Expr::col(C::IdNumber).eq(id_number))
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// Stores a citizen's session.
    pub async fn create_citizen_session(
        &self,
        token_hash: &str,
        id_number: &str,
        csrf: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use CitizenSessions as S;
        self.execute(
            &Query::insert()
                .into_table(S::Table)
                .columns([
                    S::TokenHash,
                    S::IdNumber,
                    S::CsrfToken,
                    S::CreatedAt,
                    S::LastSeenAt,
                ])
                .values_panic([
                    token_hash.into(),
                    id_number.into(),
                    csrf.into(),
                    now.into(),
                    now.into(),
                ])
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// A citizen's session by its token's digest.
    pub async fn citizen_session(
        &self,
        token_hash: &str,
    ) -> Result<Option<CitizenSession>, StoreError> {
        use CitizenSessions as S;
        self.fetch_optional(
            &Query::select()
                .columns([S::IdNumber, S::CsrfToken, S::LastSeenAt])
                .from(S::Table)
                .and_where(Expr::col(S::TokenHash).eq(token_hash))
                .to_owned(),
        )
        .await
    }

    /// Marks a citizen's session as used now.
    pub async fn touch_citizen_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use CitizenSessions as S;
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

    /// Ends a citizen's session.
    pub async fn delete_citizen_session(&self, token_hash: &str) -> Result<(), StoreError> {
        use CitizenSessions as S;
        self.execute(
            &Query::delete()
                .from_table(S::Table)
                .and_where(Expr::col(S::TokenHash).eq(token_hash))
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// Remembers a sign-in in flight.
    pub async fn begin_oidc_login(
        &self,
        state: &str,
        nonce: &str,
        return_to: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use OidcLogins as L;
        self.execute(
            &Query::insert()
                .into_table(L::Table)
                .columns([L::State, L::Nonce, L::ReturnTo, L::CreatedAt])
                .values_panic([state.into(), nonce.into(), return_to.into(), now.into()])
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// Takes a sign-in in flight: it can be used once.
    pub async fn take_oidc_login(&self, state: &str) -> Result<Option<OidcLogin>, StoreError> {
        use OidcLogins as L;
        let mut tx = self.begin_write().await?;
        let found: Option<OidcLogin> = tx
            .fetch_optional(
                &Query::select()
                    .columns([L::Nonce, L::ReturnTo, L::CreatedAt])
                    .from(L::Table)
                    .and_where(Expr::col(L::State).eq(state))
                    .to_owned(),
            )
            .await?;
        tx.execute(
            &Query::delete()
                .from_table(L::Table)
                .and_where(Expr::col(L::State).eq(state))
                .to_owned(),
        )
        .await?;
        tx.commit().await?;
        Ok(found)
    }

    /// Saves a draft (creates it, or replaces its data if it is the owner's).
    pub async fn save_draft(
        &self,
        id: Uuid,
        id_number: &str,
        procedure_code: &str,
        data: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use Drafts as D;
        let updated = self
            .execute(
                &Query::update()
                    .table(D::Table)
                    .values([(D::Data, data.clone().into()), (D::UpdatedAt, now.into())])
                    .and_where(Expr::col(D::Id).eq(id))
                    .and_where(Expr::col(D::IdNumber).eq(id_number))
                    .to_owned(),
            )
            .await?;
        if updated > 0 {
            return Ok(());
        }
        self.execute(
            &Query::insert()
                .into_table(D::Table)
                .columns([
                    D::Id,
                    D::IdNumber,
                    D::ProcedureCode,
                    D::Data,
                    D::CreatedAt,
                    D::UpdatedAt,
                ])
                .values_panic([
                    id.into(),
                    id_number.into(),
                    procedure_code.into(),
                    data.clone().into(),
                    now.into(),
                    now.into(),
                ])
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// A citizen's draft.
    pub async fn draft(&self, id: Uuid, id_number: &str) -> Result<Option<Draft>, StoreError> {
        use Drafts as D;
        self.fetch_optional(
            &Query::select()
                .columns([D::Id, D::IdNumber, D::ProcedureCode, D::Data, D::UpdatedAt])
                .from(D::Table)
                .and_where(Expr::col(D::Id).eq(id))
                .and_where(Expr::col(D::IdNumber).eq(id_number))
                .to_owned(),
        )
        .await
    }

    /// A citizen's drafts, last saved first.
    pub async fn drafts(&self, id_number: &str) -> Result<Vec<Draft>, StoreError> {
        use Drafts as D;
        self.fetch_all(
            &Query::select()
                .columns([D::Id, D::IdNumber, D::ProcedureCode, D::Data, D::UpdatedAt])
                .from(D::Table)
                .and_where(Expr::col(D::IdNumber).eq(id_number))
                .order_by(D::UpdatedAt, Order::Desc)
                .to_owned(),
        )
        .await
    }

    /// Deletes a draft (after it was submitted).
    pub async fn delete_draft(&self, id: Uuid, id_number: &str) -> Result<(), StoreError> {
        use Drafts as D;
        self.execute(
            &Query::delete()
                .from_table(D::Table)
                .and_where(Expr::col(D::Id).eq(id))
                .and_where(Expr::col(D::IdNumber).eq(id_number))
                .to_owned(),
        )
        .await
        .map(|_| ())
    }
}
