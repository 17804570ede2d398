//! Holiday documents imported by an administrator (see `motcua_core::calendar::data`).

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Order, Query};

use crate::db::Db;
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
enum CalendarDocuments {
    Table,
    Kind,
    DocKey,
    Name,
    Body,
    ImportedAt,
}

/// A holiday document as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCalendarDocument {
    /// `holiday-rules` or `year-schedule`.
    pub kind: String,
    /// What it replaces on re-import: `YEAR/SCOPE` for a schedule, the name for rules.
    pub doc_key: String,
    /// Where it came from (the imported file's name).
    pub name: String,
    /// The TOML text, kept verbatim so it can be exported and re-checked.
    pub body: String,
    /// When it was imported.
    pub imported_at: DateTime<Utc>,
}

db_row!(StoredCalendarDocument {
    kind,
    doc_key,
    name,
    body,
    imported_at
});

impl Db {
    /// Stores a document, replacing the one with the same kind and key.
    pub async fn save_calendar_document(
        &self,
        doc: &StoredCalendarDocument,
    ) -> Result<(), StoreError> {
        self.execute(&save_statement(doc)).await.map(|_| ())
    }

    /// Every imported document, in import order.
    pub async fn calendar_documents(&self) -> Result<Vec<StoredCalendarDocument>, StoreError> {
        use CalendarDocuments as C;
        let stmt = Query::select()
            .columns([C::Kind, C::DocKey, C::Name, C::Body, C::ImportedAt])
            .from(C::Table)
            .order_by(C::ImportedAt, Order::Asc)
            .order_by(C::DocKey, Order::Asc)
            .to_owned();
        self.fetch_all(&stmt).await
    }

    /// Removes an imported document; true if there was one.
    pub async fn delete_calendar_document(
        &self,
        kind: &str,
        doc_key: &str,
    ) -> Result<bool, StoreError> {
        Ok(self.execute(&delete_statement(kind, doc_key)).await? > 0)
    }
}

/// Stores a document (replacing the one with its kind and key): also for an administrative
/// change's transaction.
pub(crate) fn save_statement(doc: &StoredCalendarDocument) -> sea_query::InsertStatement {
    use CalendarDocuments as C;
    Query::insert()
        .into_table(C::Table)
        .columns([C::Kind, C::DocKey, C::Name, C::Body, C::ImportedAt])
        .values_panic([
            doc.kind.clone().into(),
            doc.doc_key.clone().into(),
            doc.name.clone().into(),
            doc.body.clone().into(),
            doc.imported_at.into(),
        ])
        .on_conflict(
            OnConflict::columns([C::Kind, C::DocKey])
                .update_columns([C::Name, C::Body, C::ImportedAt])
                .to_owned(),
        )
        .to_owned()
}

/// Removes a document.
pub(crate) fn delete_statement(kind: &str, doc_key: &str) -> sea_query::DeleteStatement {
    use CalendarDocuments as C;
    Query::delete()
        .from_table(C::Table)
        .and_where(Expr::col(C::Kind).eq(kind))
        .and_where(Expr::col(C::DocKey).eq(doc_key))
        .to_owned()
}
