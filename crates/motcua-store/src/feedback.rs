//! Feedback rows (`feedback`): stored with a code of the day (`PA-yymmdd-NNNN`, a unique key
//! behind it), saved only over the version read, found by id, code and period.

use chrono::{DateTime, Utc};
use motcua_core::feedback::Feedback;
use sea_query::{Expr, ExprTrait, Iden, Order, Query};
use sqlx::types::Json;

use crate::db::Db;
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
enum FeedbackTable {
    #[iden = "feedback"]
    Table,
    Id,
    Code,
    Agency,
    Status,
    ReceivedAt,
    Version,
    State,
}

struct FeedbackRow {
    state: Json<Feedback>,
}

db_row!(FeedbackRow { state });

struct CountRow {
    n: i64,
}

db_row!(CountRow { n });

fn encode(f: &Feedback) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(f).map_err(|e| StoreError::Encoding(e.to_string()))
}

fn version(f: &Feedback) -> i64 {
    i64::try_from(f.history.len()).unwrap_or(i64::MAX)
}

impl Db {
    /// Stores a new feedback under the next code of its day (`prefix` is `PA-yymmdd-`).
    pub async fn insert_feedback(&self, f: Feedback, prefix: &str) -> Result<Feedback, StoreError> {
        self.retry_on_conflict(|| self.try_insert_feedback(f.clone(), prefix))
            .await
    }

    async fn try_insert_feedback(
        &self,
        mut f: Feedback,
        prefix: &str,
    ) -> Result<Feedback, StoreError> {
        let mut tx = self.begin_write().await?;
        let n: Option<CountRow> = tx
            .fetch_optional(
                &Query::select()
                    .expr_as(
                        Expr::col(FeedbackTable::Id).count(),
                        sea_query::Alias::new("n"),
                    )
                    .from(FeedbackTable::Table)
                    .and_where(Expr::col(FeedbackTable::Code).like(format!("{prefix}%")))
                    .to_owned(),
            )
            .await?;
        f.code = format!("{prefix}{:04}", n.map_or(0, |r| r.n) + 1);
        tx.execute(
            &Query::insert()
                .into_table(FeedbackTable::Table)
                .columns([
                    FeedbackTable::Id,
                    FeedbackTable::Code,
                    FeedbackTable::Agency,
                    FeedbackTable::Status,
                    FeedbackTable::ReceivedAt,
                    FeedbackTable::Version,
                    FeedbackTable::State,
                ])
                .values_panic([
                    f.id.into(),
                    f.code.clone().into(),
                    f.agency.clone().into(),
                    f.status.as_str().into(),
                    f.received_at.into(),
                    version(&f).into(),
                    encode(&f)?.into(),
                ])
                .to_owned(),
        )
        .await?;
        tx.commit().await?;
        Ok(f)
    }

    /// Saves a feedback one event on from the version read (`read_version`, its history's
    /// length then); another save in between makes this one a conflict.
    pub async fn save_feedback(&self, f: &Feedback, read_version: usize) -> Result<(), StoreError> {
        let n = self
            .execute(
                &Query::update()
                    .table(FeedbackTable::Table)
                    .values([
                        (FeedbackTable::Agency, f.agency.clone().into()),
                        (FeedbackTable::Status, f.status.as_str().into()),
                        (FeedbackTable::Version, version(f).into()),
                        (FeedbackTable::State, encode(f)?.into()),
                    ])
                    .and_where(Expr::col(FeedbackTable::Id).eq(f.id))
                    .and_where(
                        Expr::col(FeedbackTable::Version)
                            .eq(i64::try_from(read_version).unwrap_or(i64::MAX)),
                    )
                    .to_owned(),
            )
            .await?;
        if n == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict(format!(
                "phản ánh {} vừa được người khác cập nhật; hãy tải lại",
                f.code
            )))
        }
    }

    /// A feedback by id or by code.
    pub async fn feedback(&self, id_or_code: &str) -> Result<Option<Feedback>, StoreError> {
        let cond = match uuid::Uuid::parse_str(id_or_code) {
            Ok(id) => Expr::col(FeedbackTable::Id).eq(id),
            Err(_) => Expr::col(FeedbackTable::Code).eq(id_or_code),
        };
        Ok(self
            .fetch_optional(
                &Query::select()
                    .column(FeedbackTable::State)
                    .from(FeedbackTable::Table)
                    .and_where(cond)
                    .to_owned(),
            )
            .await?
            .map(|r: FeedbackRow| r.state.0))
    }

    /// Feedback received in `[from, to)`, newest first (at most `limit`).
    pub async fn feedback_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<Feedback>, StoreError> {
        self.feedback_where(
            Expr::col(FeedbackTable::ReceivedAt)
                .gte(from)
                .and(Expr::col(FeedbackTable::ReceivedAt).lt(to)),
            limit,
        )
        .await
    }

    /// Published answers, newest first (at most `limit`).
    pub async fn published_feedback(&self, limit: u64) -> Result<Vec<Feedback>, StoreError> {
        self.feedback_where(Expr::col(FeedbackTable::Status).eq("published"), limit)
            .await
    }

    async fn feedback_where(&self, cond: Expr, limit: u64) -> Result<Vec<Feedback>, StoreError> {
        Ok(self
            .fetch_page(
                &Query::select()
                    .column(FeedbackTable::State)
                    .from(FeedbackTable::Table)
                    .and_where(cond)
                    .order_by(FeedbackTable::ReceivedAt, Order::Desc)
                    .to_owned(),
                limit,
            )
            .await?
            .into_iter()
            .map(|r: FeedbackRow| r.state.0)
            .collect())
    }
}
