//! Notification texts an administrator rewrote. A kind without a row uses the shipped text
//! (`motcua_core::notify::NoticeKind::default_text`).

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Query};

use crate::db::Db;
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
enum NotificationTemplates {
    Table,
    Kind,
    Subject,
    Body,
    UpdatedBy,
    UpdatedAt,
}

/// A rewritten notification text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTemplate {
    /// Notice kind (`NoticeKind::as_str`).
    pub kind: String,
    /// Subject (e-mail).
    pub subject: String,
    /// Text.
    pub body: String,
    /// Who wrote it.
    pub updated_by: String,
    /// When.
    pub updated_at: DateTime<Utc>,
}

db_row!(StoredTemplate {
    kind,
    subject,
    body,
    updated_by,
    updated_at
});

const COLUMNS: [NotificationTemplates; 5] = [
    NotificationTemplates::Kind,
    NotificationTemplates::Subject,
    NotificationTemplates::Body,
    NotificationTemplates::UpdatedBy,
    NotificationTemplates::UpdatedAt,
];

impl Db {
    /// Every rewritten text.
    pub async fn notification_templates(&self) -> Result<Vec<StoredTemplate>, StoreError> {
        self.fetch_all(
            &Query::select()
                .columns(COLUMNS)
                .from(NotificationTemplates::Table)
                .to_owned(),
        )
        .await
    }

    /// Stores a text (replacing the previous one of its kind).
    pub async fn save_notification_template(&self, t: &StoredTemplate) -> Result<(), StoreError> {
        self.execute(&save_statement(t)).await.map(|_| ())
    }

    /// Goes back to the shipped text.
    pub async fn reset_notification_template(&self, kind: &str) -> Result<(), StoreError> {
        self.execute(&reset_statement(kind)).await.map(|_| ())
    }
}

/// Stores a text (replacing the kind's): also for an administrative change's transaction.
pub(crate) fn save_statement(t: &StoredTemplate) -> sea_query::InsertStatement {
    use NotificationTemplates as T;
    Query::insert()
        .into_table(T::Table)
        .columns(COLUMNS)
        .values_panic([
            t.kind.as_str().into(),
            t.subject.as_str().into(),
            t.body.as_str().into(),
            t.updated_by.as_str().into(),
            t.updated_at.into(),
        ])
        .on_conflict(
            OnConflict::column(T::Kind)
                .update_columns([T::Subject, T::Body, T::UpdatedBy, T::UpdatedAt])
                .to_owned(),
        )
        .to_owned()
}

/// Removes a kind's text (the shipped one applies again).
pub(crate) fn reset_statement(kind: &str) -> sea_query::DeleteStatement {
    use NotificationTemplates as T;
    Query::delete()
        .from_table(T::Table)
        .and_where(Expr::col(T::Kind).eq(kind))
        .to_owned()
}
