//! Orders sent to the payment gateway. A callback is only believed if it names an order we
//! made, for the amount we asked; the dossier's own history refuses a reference twice.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Iden, Order, Query};
use uuid::Uuid;

use crate::db::Db;
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
enum PaymentOrders {
    Table,
    TransactionId,
    DossierId,
    Purpose,
    Amount,
    CreatedAt,
    PaidAt,
    Callbacks,
}

/// An order at the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentOrder {
    /// The gateway's transaction id.
    pub transaction_id: String,
    /// The dossier.
    pub dossier_id: Uuid,
    /// `fees` or `obligation`.
    pub purpose: String,
    /// Amount in đồng.
    pub amount: i64,
    /// When the order was made.
    pub created_at: DateTime<Utc>,
    /// When the first valid callback said it was paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// Valid callbacks received (duplicates included).
    pub callbacks: i64,
}

db_row!(PaymentOrder {
    transaction_id,
    dossier_id,
    purpose,
    amount,
    created_at,
    paid_at,
    callbacks
});

const COLUMNS: [PaymentOrders; 7] = [
    PaymentOrders::TransactionId,
    PaymentOrders::DossierId,
    PaymentOrders::Purpose,
    PaymentOrders::Amount,
    PaymentOrders::CreatedAt,
    PaymentOrders::PaidAt,
    PaymentOrders::Callbacks,
];

impl Db {
    /// Remembers an order the gateway accepted.
    pub async fn create_payment_order(&self, o: &PaymentOrder) -> Result<(), StoreError> {
        self.execute(
            &Query::insert()
                .into_table(PaymentOrders::Table)
                .columns(COLUMNS)
                .values_panic([
                    o.transaction_id.as_str().into(),
                    o.dossier_id.into(),
                    o.purpose.as_str().into(),
                    o.amount.into(),
                    o.created_at.into(),
                    o.paid_at.into(),
                    o.callbacks.into(),
                ])
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// An order by the gateway's transaction id.
    pub async fn payment_order(
        &self,
        transaction_id: &str,
    ) -> Result<Option<PaymentOrder>, StoreError> {
        self.fetch_optional(
            &Query::select()
                .columns(COLUMNS)
                .from(PaymentOrders::Table)
                .and_where(Expr::col(PaymentOrders::TransactionId).eq(transaction_id))
                .to_owned(),
        )
        .await
    }

    /// A dossier's orders, newest first.
    pub async fn payment_orders(&self, dossier_id: Uuid) -> Result<Vec<PaymentOrder>, StoreError> {
        self.fetch_all(
            &Query::select()
                .columns(COLUMNS)
                .from(PaymentOrders::Table)
                .and_where(Expr::col(PaymentOrders::DossierId).eq(dossier_id))
                .order_by(PaymentOrders::CreatedAt, Order::Desc)
                .to_owned(),
        )
        .await
    }

    /// Counts a valid callback; the first one stamps the payment time.
    pub async fn payment_callback(
        &self,
        transaction_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use PaymentOrders as P;
        let mut tx = self.begin_write().await?;
        tx.execute(
            &Query::update()
                .table(P::Table)
                .value(P::Callbacks, Expr::col(P::Callbacks).add(1))
                .and_where(Expr::col(P::TransactionId).eq(transaction_id))
                .to_owned(),
        )
        .await?;
        tx.execute(
            &Query::update()
                .table(P::Table)
                .value(P::PaidAt, now)
                .and_where(Expr::col(P::TransactionId).eq(transaction_id))
                .and_where(Expr::col(P::PaidAt).is_null())
                .to_owned(),
        )
        .await?;
        tx.commit().await
    }
}
