//! Imported procedure versions. The text is kept verbatim (comments and citations included)
//! so it can be exported and diffed; each (code, version) is immutable once stored.

use chrono::{DateTime, Utc};
use motcua_core::catalog::{Procedure, parse_procedure};
use sea_query::{Expr, ExprTrait, Iden, Order, Query};
use sha2::{Digest, Sha256};

use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
enum Procedures {
    Table,
    Code,
    Version,
    Name,
    Field,
    StatutoryDays,
    Body,
    ContentHash,
    ImportedAt,
}

/// A stored procedure version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProcedure {
    /// Procedure code.
    pub code: String,
    /// Version.
    pub version: i64,
    /// Name.
    pub name: String,
    /// Field.
    pub field: String,
    /// Statutory time in working days.
    pub statutory_days: i64,
    /// The file's text.
    pub body: String,
    /// SHA-256 of the text.
    pub content_hash: String,
    /// When it was imported.
    pub imported_at: DateTime<Utc>,
}

db_row!(StoredProcedure {
    code,
    version,
    name,
    field,
    statutory_days,
    body,
    content_hash,
    imported_at
});

struct VersionRow {
    version: i64,
}

db_row!(VersionRow { version });

struct FingerprintRow {
    n: i64,
    last: Option<String>,
}

db_row!(FingerprintRow { n, last });

/// What an import did with one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// A new (code, version) was stored.
    Added,
    /// The same text was stored already.
    Unchanged,
}

impl StoredProcedure {
    /// Parses the stored text.
    pub fn procedure(&self) -> Result<Procedure, StoreError> {
        parse_procedure(&format!("{}@{}", self.code, self.version), &self.body)
            .map_err(|e| StoreError::Encoding(e.to_string()))
    }
}

fn hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Db {
    /// Stores a checked procedure version. The same (code, version) with other text is a
    /// [`StoreError::Conflict`]: published versions never change, a change needs a new version.
    pub async fn import_procedure(
        &self,
        p: &Procedure,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<ImportOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        let outcome = import_procedure_in(&mut tx, p, body, now).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// One version of a procedure.
    pub async fn procedure_version(
        &self,
        code: &str,
        version: i64,
    ) -> Result<Option<StoredProcedure>, StoreError> {
        self.fetch_optional(
            &select()
                .and_where(Expr::col(Procedures::Code).eq(code))
                .and_where(Expr::col(Procedures::Version).eq(version))
                .to_owned(),
        )
        .await
    }

    /// The latest version number of one procedure (a small indexed read: callers keep the
    /// parsed versions, which never change, and ask only which one is current).
    pub async fn current_procedure_version(&self, code: &str) -> Result<Option<i64>, StoreError> {
        let rows: Vec<VersionRow> = self
            .fetch_page(
                &Query::select()
                    .column(Procedures::Version)
                    .from(Procedures::Table)
                    .and_where(Expr::col(Procedures::Code).eq(code))
                    .order_by(Procedures::Version, Order::Desc)
                    .to_owned(),
                1,
            )
            .await?;
        Ok(rows.into_iter().next().map(|r| r.version))
    }

    /// What changes whenever a version is imported (count and latest import instant): lets
    /// a caller keep what it derived from the whole catalogue until the next import.
    pub async fn procedures_fingerprint(&self) -> Result<(i64, String), StoreError> {
        let row: Option<FingerprintRow> = self
            .fetch_optional(
                &Query::select()
                    .expr_as(Expr::cust("COUNT(*)"), "n")
                    .expr_as(Expr::cust("CAST(MAX(imported_at) AS TEXT)"), "last")
                    .from(Procedures::Table)
                    .to_owned(),
            )
            .await?;
        Ok(row.map_or((0, String::new()), |r| (r.n, r.last.unwrap_or_default())))
    }

    /// The latest version of every procedure, by code.
    pub async fn current_procedures(&self) -> Result<Vec<StoredProcedure>, StoreError> {
        let all: Vec<StoredProcedure> = self
            .fetch_all(
                &select()
                    .order_by(Procedures::Code, Order::Asc)
                    .order_by(Procedures::Version, Order::Asc)
                    .to_owned(),
            )
            .await?;
        let mut latest: Vec<StoredProcedure> = Vec::new();
        for p in all {
            match latest.last_mut() {
                Some(last) if last.code == p.code => *last = p,
                _ => latest.push(p),
            }
        }
        Ok(latest)
    }
}

/// A procedure version without its text: what reports and lists need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureHead {
    /// Procedure code.
    pub code: String,
    /// Version.
    pub version: i64,
    /// Name.
    pub name: String,
    /// Field.
    pub field: String,
}

db_row!(ProcedureHead {
    code,
    version,
    name,
    field
});

impl Db {
    /// The current version of every procedure, without the text (the highest version of each
    /// code).
    pub async fn current_procedure_heads(&self) -> Result<Vec<ProcedureHead>, StoreError> {
        use Procedures as P;
        let all: Vec<ProcedureHead> = self
            .fetch_all(
                &Query::select()
                    .columns([P::Code, P::Version, P::Name, P::Field])
                    .from(P::Table)
                    .order_by(P::Code, Order::Asc)
                    .order_by(P::Version, Order::Asc)
                    .to_owned(),
            )
            .await?;
        let mut latest: Vec<ProcedureHead> = Vec::new();
        for p in all {
            match latest.last_mut() {
                Some(last) if last.code == p.code => *last = p,
                _ => latest.push(p),
            }
        }
        Ok(latest)
    }
}

fn select() -> sea_query::SelectStatement {
    use Procedures as P;
    Query::select()
        .columns([
            P::Code,
            P::Version,
            P::Name,
            P::Field,
            P::StatutoryDays,
            P::Body,
            P::ContentHash,
            P::ImportedAt,
        ])
        .from(P::Table)
        .to_owned()
}

/// [`Db::import_procedure`] inside a transaction (an administrative change logs it alongside).
pub(crate) async fn import_procedure_in(
    tx: &mut Tx,
    p: &Procedure,
    body: &str,
    now: DateTime<Utc>,
) -> Result<ImportOutcome, StoreError> {
    use Procedures as P;
    let content_hash = hash(body);
    let existing: Option<HashRow> = tx
        .fetch_optional(
            &Query::select()
                .column(P::ContentHash)
                .from(P::Table)
                .and_where(Expr::col(P::Code).eq(p.code.as_str()))
                .and_where(Expr::col(P::Version).eq(i64::from(p.version)))
                .to_owned(),
        )
        .await?;
    if let Some(existing) = existing {
        return if existing.content_hash == content_hash {
            Ok(ImportOutcome::Unchanged)
        } else {
            Err(StoreError::Conflict(format!(
                "thủ tục {} phiên bản {} đã có với nội dung khác; hãy tăng `version`",
                p.code, p.version
            )))
        };
    }
    tx.execute(
        &Query::insert()
            .into_table(P::Table)
            .columns([
                P::Code,
                P::Version,
                P::Name,
                P::Field,
                P::StatutoryDays,
                P::Body,
                P::ContentHash,
                P::ImportedAt,
            ])
            .values_panic([
                p.code.as_str().into(),
                i64::from(p.version).into(),
                p.name.clone().into(),
                p.field.clone().into(),
                i64::from(p.statutory_days).into(),
                body.into(),
                content_hash.into(),
                now.into(),
            ])
            .to_owned(),
    )
    .await?;
    Ok(ImportOutcome::Added)
}

struct HashRow {
    content_hash: String,
}

db_row!(HashRow { content_hash });
