//! The outbox: messages for other systems, written in the same transaction as the change that
//! causes them, then claimed and delivered by a dispatcher. A claim is a lease (the row's
//! `available_at` moves forward), so a dispatcher that dies mid-delivery leaves the message to
//! be claimed again; PostgreSQL skips rows another dispatcher holds (`FOR UPDATE SKIP LOCKED`),
//! SQLite serialises claims in its one write transaction.

use chrono::{DateTime, TimeDelta, Utc};
use motcua_core::effects::Effect;
use sea_query::{Expr, ExprTrait, Iden, LockBehavior, LockType, Order, Query};
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
pub(crate) enum Outbox {
    Table,
    Id,
    DossierId,
    Topic,
    Payload,
    IdempotencyKey,
    CreatedAt,
    AvailableAt,
    Attempts,
    DeliveredAt,
    LastError,
    DeadAt,
}

/// A message to deliver.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxMessage {
    /// Id.
    pub id: Uuid,
    /// The dossier it is about.
    pub dossier_id: Option<Uuid>,
    /// What kind of message (`notify`, `dossier.changed`).
    pub topic: String,
    /// The message.
    pub payload: Json<serde_json::Value>,
    /// Stamped on delivery so the receiver can drop duplicates.
    pub idempotency_key: String,
    /// Deliveries tried so far.
    pub attempts: i64,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

db_row!(OutboxMessage {
    id,
    dossier_id,
    topic,
    payload,
    idempotency_key,
    attempts,
    created_at
});

/// Counts of a topic's messages, for operators and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboxCounts {
    /// Delivered.
    pub delivered: i64,
    /// Not yet delivered, still being tried.
    pub pending: i64,
    /// Parked as dead letters.
    pub dead: i64,
    /// Delivery attempts made, over all messages.
    pub attempts: i64,
}

struct CountRow {
    delivered: i64,
    pending: i64,
    dead: i64,
    attempts: i64,
}

db_row!(CountRow {
    delivered,
    pending,
    dead,
    attempts
});

/// A message that kept failing, parked for an administrator.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadLetter {
    /// Id.
    pub id: Uuid,
    /// The dossier it is about.
    pub dossier_id: Option<Uuid>,
    /// Topic.
    pub topic: String,
    /// The message.
    pub payload: Json<serde_json::Value>,
    /// Deliveries tried.
    pub attempts: i64,
    /// The last failure.
    pub last_error: Option<String>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was parked.
    pub dead_at: Option<DateTime<Utc>>,
}

db_row!(DeadLetter {
    id,
    dossier_id,
    topic,
    payload,
    attempts,
    last_error,
    created_at,
    dead_at
});

impl Db {
    /// Claims up to `limit` due messages of a topic, oldest first, for `lease`.
    pub async fn claim_outbox(
        &self,
        topic: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u64,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        use Outbox as O;
        let mut tx = self.begin_write().await?;
        let mut select = Query::select()
            .columns([
                O::Id,
                O::DossierId,
                O::Topic,
                O::Payload,
                O::IdempotencyKey,
                O::Attempts,
                O::CreatedAt,
            ])
            .from(O::Table)
            .and_where(Expr::col(O::Topic).eq(topic))
            .and_where(Expr::col(O::DeliveredAt).is_null())
            .and_where(Expr::col(O::DeadAt).is_null())
            .and_where(Expr::col(O::AvailableAt).lte(now))
            // Per dossier, in order: a message waits while an earlier one of its dossier and
            // topic is undelivered (in flight, or waiting for its retry). Dead letters do not
            // hold the line; an administrator replays them.
            .and_where(Expr::cust(
                "NOT EXISTS (SELECT 1 FROM outbox AS earlier \
                 WHERE earlier.topic = outbox.topic AND earlier.dossier_id = outbox.dossier_id \
                 AND earlier.delivered_at IS NULL AND earlier.dead_at IS NULL \
                 AND (earlier.created_at < outbox.created_at \
                 OR (earlier.created_at = outbox.created_at AND earlier.id < outbox.id)))",
            ))
            .order_by(O::CreatedAt, Order::Asc)
            .order_by(O::Id, Order::Asc)
            .limit(limit)
            .to_owned();
        if matches!(tx, Tx::Postgres(_)) {
            select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let claimed: Vec<OutboxMessage> = tx.fetch_all(&select).await?;
        if !claimed.is_empty() {
            tx.execute(
                &Query::update()
                    .table(O::Table)
                    .value(O::AvailableAt, now + lease)
                    .and_where(Expr::col(O::Id).is_in(claimed.iter().map(|m| m.id)))
                    .to_owned(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// Marks a message delivered.
    pub async fn outbox_delivered(&self, id: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.end_attempt(id, Outbox::DeliveredAt, now, None).await
    }

    /// Records a failed delivery and when to try again.
    pub async fn outbox_failed(
        &self,
        id: Uuid,
        retry_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        self.end_attempt(id, Outbox::AvailableAt, retry_at, Some(error))
            .await
    }

    /// Parks a message that keeps failing (or can never succeed) as a dead letter.
    pub async fn outbox_dead(
        &self,
        id: Uuid,
        now: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        self.end_attempt(id, Outbox::DeadAt, now, Some(error)).await
    }

    /// One more attempt counted, its outcome's instant set in `column`, its error kept (or
    /// cleared on success).
    async fn end_attempt(
        &self,
        id: Uuid,
        column: Outbox,
        at: DateTime<Utc>,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        use Outbox as O;
        self.execute(
            &Query::update()
                .table(O::Table)
                .values([
                    (column, at.into()),
                    (O::Attempts, Expr::col(O::Attempts).add(1)),
                    (O::LastError, error.map(str::to_owned).into()),
                ])
                .and_where(Expr::col(O::Id).eq(id))
                .to_owned(),
        )
        .await
        .map(|_| ())
    }

    /// Dead letters, newest first.
    pub async fn dead_letters(&self, limit: u64) -> Result<Vec<DeadLetter>, StoreError> {
        use Outbox as O;
        self.fetch_page(
            &Query::select()
                .columns([
                    O::Id,
                    O::DossierId,
                    O::Topic,
                    O::Payload,
                    O::Attempts,
                    O::LastError,
                    O::CreatedAt,
                    O::DeadAt,
                ])
                .from(O::Table)
                .and_where(Expr::col(O::DeadAt).is_not_null())
                .order_by(O::DeadAt, Order::Desc)
                .to_owned(),
            limit,
        )
        .await
    }

    /// Puts a dead letter back in line, as if new; false if it was not dead.
    pub async fn replay_dead_letter(
        &self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        use Outbox as O;
        let changed = self
            .execute(
                &Query::update()
                    .table(O::Table)
                    .values([
                        (O::DeadAt, Option::<DateTime<Utc>>::None.into()),
                        (O::Attempts, 0i64.into()),
                        (O::AvailableAt, now.into()),
                        (O::LastError, Option::<String>::None.into()),
                    ])
                    .and_where(Expr::col(O::Id).eq(id))
                    .and_where(Expr::col(O::DeadAt).is_not_null())
                    .to_owned(),
            )
            .await?;
        Ok(changed > 0)
    }

    /// How many messages of a topic are delivered and pending.
    pub async fn outbox_counts(&self, topic: &str) -> Result<OutboxCounts, StoreError> {
        use Outbox as O;
        let row: Option<CountRow> = self
            .fetch_optional(
                &Query::select()
                    .expr_as(
                        Expr::cust(
                            "COALESCE(SUM(CASE WHEN delivered_at IS NULL THEN 0 ELSE 1 END), 0)",
                        ),
                        "delivered",
                    )
                    .expr_as(
                        Expr::cust(
                            "COALESCE(SUM(CASE WHEN delivered_at IS NULL AND dead_at IS NULL THEN 1 ELSE 0 END), 0)",
                        ),
                        "pending",
                    )
                    .expr_as(
                        Expr::cust("COALESCE(SUM(CASE WHEN dead_at IS NULL THEN 0 ELSE 1 END), 0)"),
                        "dead",
                    )
                    .expr_as(Expr::cust("CAST(COALESCE(SUM(attempts), 0) AS BIGINT)"), "attempts")
                    .from(O::Table)
                    .and_where(Expr::col(O::Topic).eq(topic))
                    .to_owned(),
            )
            .await?;
        Ok(row.map_or_else(OutboxCounts::default, |r| OutboxCounts {
            delivered: r.delivered,
            pending: r.pending,
            dead: r.dead,
            attempts: r.attempts,
        }))
    }
}

/// Writes a message in the caller's transaction, due at once.
#[cfg(feature = "bench")]
pub(crate) async fn enqueue(
    tx: &mut Tx,
    dossier_id: Uuid,
    topic: &'static str,
    payload: serde_json::Value,
    idempotency_key: String,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let effect = Effect {
        topic,
        key: idempotency_key,
        payload,
    };
    enqueue_all(tx, dossier_id, vec![effect], now).await
}

/// Writes a change's messages in the caller's transaction, due at once, in one statement
/// (each statement is a round trip to the database; a command owes two to four messages).
/// Their ids are made in order, so the dispatcher delivers them in the order given.
pub(crate) async fn enqueue_all(
    tx: &mut Tx,
    dossier_id: Uuid,
    effects: Vec<Effect>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use Outbox as O;
    if effects.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert()
        .into_table(O::Table)
        .columns([
            O::Id,
            O::DossierId,
            O::Topic,
            O::Payload,
            O::IdempotencyKey,
            O::CreatedAt,
            O::AvailableAt,
            O::Attempts,
        ])
        .to_owned();
    for e in effects {
        insert.values_panic([
            Uuid::now_v7().into(),
            dossier_id.into(),
            e.topic.into(),
            e.payload.into(),
            e.key.into(),
            now.into(),
            now.into(),
            0i64.into(),
        ]);
    }
    tx.execute(&insert).await.map(|_| ())
}
