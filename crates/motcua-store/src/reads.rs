//! The personal-data access log (`personal_data_reads`): who opened which citizen's dossier
//! or document, when and why. Appended to, never changed; read per dossier and per person.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Iden, Order, Query};

use crate::db::Db;
use crate::error::StoreError;
use crate::row::db_row;

/// One opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalDataRead {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (account id, or `citizen:<CCCD>`).
    pub actor_id: String,
    /// Their name.
    pub actor_name: String,
    /// Whose data (CCCD or tax code).
    pub subject: String,
    /// The dossier, when it is one's.
    pub dossier: Option<uuid::Uuid>,
    /// What was opened (`dossier`, `document:1`, `result`, `draft`, `copy:<id>`).
    pub object: String,
    /// Why.
    pub purpose: String,
}

#[derive(Iden)]
enum PersonalDataReads {
    Table,
    Id,
    At,
    ActorId,
    ActorName,
    Subject,
    DossierId,
    Object,
    Purpose,
}

struct Row {
    at: DateTime<Utc>,
    actor_id: String,
    actor_name: String,
    subject: String,
    dossier_id: Option<uuid::Uuid>,
    object: String,
    purpose: String,
}

db_row!(Row {
    at,
    actor_id,
    actor_name,
    subject,
    dossier_id,
    object,
    purpose
});

impl Db {
    /// Appends an opening.
    pub async fn record_read(&self, r: &PersonalDataRead) -> Result<(), StoreError> {
        use PersonalDataReads as T;
        self.execute(
            &Query::insert()
                .into_table(T::Table)
                .columns([
                    T::Id,
                    T::At,
                    T::ActorId,
                    T::ActorName,
                    T::Subject,
                    T::DossierId,
                    T::Object,
                    T::Purpose,
                ])
                .values_panic([
                    uuid::Uuid::now_v7().into(),
                    r.at.into(),
                    r.actor_id.clone().into(),
                    r.actor_name.clone().into(),
                    r.subject.clone().into(),
                    r.dossier.into(),
                    r.object.clone().into(),
                    r.purpose.clone().into(),
                ])
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    /// The openings of a dossier's data, newest first, at most `limit`.
    pub async fn reads_of_dossier(
        &self,
        dossier: uuid::Uuid,
        limit: u64,
    ) -> Result<Vec<PersonalDataRead>, StoreError> {
        use PersonalDataReads as T;
        let rows: Vec<Row> = self
            .fetch_page(
                &Query::select()
                    .columns([
                        T::At,
                        T::ActorId,
                        T::ActorName,
                        T::Subject,
                        T::DossierId,
                        T::Object,
                        T::Purpose,
                    ])
                    .from(T::Table)
                    .and_where(Expr::col(T::DossierId).eq(dossier))
                    .order_by(T::At, Order::Desc)
                    // Ids are UUIDv7, made in order: openings of the same instant stay in order.
                    .order_by(T::Id, Order::Desc)
                    .to_owned(),
                limit,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| PersonalDataRead {
                at: r.at,
                actor_id: r.actor_id,
                actor_name: r.actor_name,
                subject: r.subject,
                dossier: r.dossier_id,
                object: r.object,
                purpose: r.purpose,
            })
            .collect())
    }
}
