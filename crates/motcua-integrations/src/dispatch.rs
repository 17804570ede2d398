//! The outbox dispatcher: for each topic, claim a batch of due messages (per dossier in order),
//! hand each to its topic's delivery (applicant notifications, national-portal sync), and mark
//! it delivered — or try again later with exponential backoff and jitter, honouring
//! `Retry-After` — or park it as a dead letter when trying again cannot help.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use motcua_core::clock::Clock;
use motcua_store::{CHANGED_TOPIC, Db, NOTIFY_TOPIC, OutboxMessage, STORE_TOPIC, TAX_TOPIC};

use crate::{SystemError, Systems};

/// How long a claimed message is ours before another dispatcher may take it.
const LEASE: TimeDelta = TimeDelta::seconds(60);
/// Messages claimed at once.
const BATCH: u64 = 32;
/// Deliveries tried before a message is parked as a dead letter (with the backoff below,
/// about four hours of trying).
pub const MAX_ATTEMPTS: i64 = 12;

/// Claim rounds in one call: each round may free the next message of a dossier.
const ROUNDS: usize = 64;

/// The topics delivered, each by its own delivery.
pub const TOPICS: [&str; 4] = [NOTIFY_TOPIC, CHANGED_TOPIC, TAX_TOPIC, STORE_TOPIC];

/// Delivers the applicant notifications due now; returns how many were delivered.
pub async fn dispatch_notifications(
    db: &Db,
    systems: &Systems,
    now: DateTime<Utc>,
) -> Result<usize, motcua_store::StoreError> {
    dispatch(db, systems, now, NOTIFY_TOPIC).await
}

/// Delivers a topic's messages due now — claiming again while a round freed the next
/// message of some dossier — and returns how many were delivered.
pub async fn dispatch(
    db: &Db,
    systems: &Systems,
    now: DateTime<Utc>,
    topic: &str,
) -> Result<usize, motcua_store::StoreError> {
    let mut delivered = 0;
    for _ in 0..ROUNDS {
        let claimed = db.claim_outbox(topic, now, LEASE, BATCH).await?;
        if claimed.is_empty() {
            break;
        }
        delivered += deliver_batch(db, systems, now, claimed).await?;
    }
    Ok(delivered)
}

async fn deliver(db: &Db, systems: &Systems, message: &OutboxMessage) -> Result<(), DeliverError> {
    match message.topic.as_str() {
        NOTIFY_TOPIC => crate::notify::deliver(db, systems, message).await,
        CHANGED_TOPIC => crate::sync::deliver(db, systems, message).await,
        TAX_TOPIC => crate::interagency::deliver(db, systems, message).await,
        STORE_TOPIC => crate::personal_store::deliver(db, systems, message).await,
        other => Err(DeliverError::Bad(format!(
            "không có nơi nhận cho loại tin {other}"
        ))),
    }
}

async fn deliver_batch(
    db: &Db,
    systems: &Systems,
    now: DateTime<Utc>,
    claimed: Vec<OutboxMessage>,
) -> Result<usize, motcua_store::StoreError> {
    let mut delivered = 0;
    for message in claimed {
        match deliver(db, systems, &message).await {
            Ok(()) => {
                db.outbox_delivered(message.id, now).await?;
                delivered += 1;
            }
            Err(e) if e.is_permanent() || message.attempts + 1 >= MAX_ATTEMPTS => {
                tracing::error!(id = %message.id, topic = %message.topic, attempts = message.attempts + 1, error = %e, "message parked as a dead letter");
                db.outbox_dead(message.id, now, &e.to_string()).await?;
            }
            Err(e) => {
                let retry_at = now + backoff(message.attempts, &e, message.id);
                tracing::warn!(id = %message.id, topic = %message.topic, attempts = message.attempts + 1, error = %e, "message not delivered; will retry");
                db.outbox_failed(message.id, retry_at, &e.to_string())
                    .await?;
            }
        }
    }
    Ok(delivered)
}

/// Runs [`dispatch`] for every topic each `every` until `stop` resolves.
pub async fn run(
    db: Db,
    systems: Arc<Systems>,
    clock: Arc<dyn Clock>,
    every: Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    periodically(every, stop, || async {
        for topic in TOPICS {
            if let Err(e) = dispatch(&db, &systems, clock.now(), topic).await {
                tracing::error!(error = %e, topic, "outbox dispatcher");
            }
        }
    })
    .await;
}

/// Runs `work` every `every` (a late round delays the next, never piles up) until `stop`.
pub(crate) async fn periodically<F, Fut>(
    every: Duration,
    stop: impl std::future::Future<Output = ()>,
    mut work: F,
) where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = tick.tick() => work().await,
        }
    }
}

/// Why a message could not go out (or a comparison could not be made).
#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    /// The other system failed or refused.
    #[error(transparent)]
    System(#[from] SystemError),
    /// Our database failed.
    #[error(transparent)]
    Store(#[from] motcua_store::StoreError),
    /// The message itself is wrong: no retry can help.
    #[error("{0}")]
    Bad(String),
}

impl DeliverError {
    /// Whether trying again cannot help: a message we cannot read, a dossier gone, or the
    /// gateway refusing the request itself (4xx other than timeout and rate limiting).
    fn is_permanent(&self) -> bool {
        match self {
            Self::Bad(_) => true,
            Self::System(SystemError::Status { status, .. }) => {
                (400..500).contains(status) && *status != 408 && *status != 429
            }
            _ => false,
        }
    }
}

/// Exponential backoff from 5 s, capped at one hour, with up to 20 % jitter (taken from the
/// message id's random bits, so it needs no random source); `Retry-After` wins when longer.
fn backoff(attempts: i64, error: &DeliverError, id: uuid::Uuid) -> TimeDelta {
    let exp = u32::try_from(attempts.clamp(0, 10)).unwrap_or(10);
    let base = (5i64 << exp).min(3600);
    let jitter = i64::from(id.as_bytes().last().copied().unwrap_or(0)) * base / 255 / 5;
    let wait = base + jitter;
    let asked = match error {
        DeliverError::System(SystemError::Status {
            retry_after: Some(s),
            ..
        }) => i64::try_from(*s).unwrap_or(i64::MAX).min(86_400),
        _ => 0,
    };
    TimeDelta::seconds(wait.max(asked))
}
