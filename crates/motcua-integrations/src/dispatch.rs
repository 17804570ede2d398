//! Delivers the applicant notifications the store wrote to the outbox with each change: claim
//! a batch, find the recipient and their chosen channel (the citizen's account; otherwise the
//! phone, then the e-mail on the dossier), render the text (an administrator's template or
//! the shipped one), send it with the message's idempotency key, and mark it delivered — or
//! try again later with exponential backoff and jitter, honouring `Retry-After`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use motcua_core::clock::Clock;
use motcua_core::dossier::{Applicant, DossierId};
use motcua_core::notify::{Notice, NoticeKind, render};
use motcua_store::{Db, NOTIFY_TOPIC, OutboxMessage};

use crate::{SystemError, Systems, check, unreachable};

/// How long a claimed message is ours before another dispatcher may take it.
const LEASE: TimeDelta = TimeDelta::seconds(60);
/// Messages claimed at once.
const BATCH: u64 = 32;
/// Deliveries tried before a message is parked as a dead letter (with the backoff below,
/// about four hours of trying).
pub const MAX_ATTEMPTS: i64 = 12;

/// Where and how one notification goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// `sms`, `email` or `zalo`.
    pub channel: String,
    /// Phone number or e-mail address.
    pub to: String,
    /// Subject (e-mail).
    pub subject: String,
    /// Text.
    pub text: String,
}

/// Claim rounds in one call: each round may free the next message of a dossier.
const ROUNDS: usize = 64;

/// Delivers what is due now — claiming again while a round freed the next message of some
/// dossier — and returns how many messages were delivered.
pub async fn dispatch_notifications(
    db: &Db,
    systems: &Systems,
    now: DateTime<Utc>,
) -> Result<usize, motcua_store::StoreError> {
    let mut delivered = 0;
    for _ in 0..ROUNDS {
        let claimed = db.claim_outbox(NOTIFY_TOPIC, now, LEASE, BATCH).await?;
        if claimed.is_empty() {
            break;
        }
        delivered += deliver_batch(db, systems, now, claimed).await?;
    }
    Ok(delivered)
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
                tracing::error!(id = %message.id, attempts = message.attempts + 1, error = %e, "notification parked as a dead letter");
                db.outbox_dead(message.id, now, &e.to_string()).await?;
            }
            Err(e) => {
                let retry_at = now + backoff(message.attempts, &e, message.id);
                tracing::warn!(id = %message.id, attempts = message.attempts + 1, error = %e, "notification not delivered; will retry");
                db.outbox_failed(message.id, retry_at, &e.to_string())
                    .await?;
            }
        }
    }
    Ok(delivered)
}

/// Runs [`dispatch_notifications`] every `every` until `stop` resolves.
pub async fn run(
    db: Db,
    systems: Arc<Systems>,
    clock: Arc<dyn Clock>,
    every: Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = tick.tick() => {
                if let Err(e) = dispatch_notifications(&db, &systems, clock.now()).await {
                    tracing::error!(error = %e, "notification dispatcher");
                }
            }
        }
    }
}

/// Why one message could not go out.
#[derive(Debug, thiserror::Error)]
enum DeliverError {
    #[error(transparent)]
    System(#[from] SystemError),
    #[error(transparent)]
    Store(#[from] motcua_store::StoreError),
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

async fn deliver(db: &Db, systems: &Systems, message: &OutboxMessage) -> Result<(), DeliverError> {
    let notice: Notice = serde_json::from_value(message.payload.0.clone())
        .map_err(|e| DeliverError::Bad(format!("thông báo không đọc được: {e}")))?;
    let Some(dossier_id) = message.dossier_id else {
        return Err(DeliverError::Bad("thông báo không gắn với hồ sơ".into()));
    };
    let Some(dossier) = db.dossier(DossierId(dossier_id)).await? else {
        return Err(DeliverError::Bad("không tìm thấy hồ sơ".into()));
    };
    let Some(delivery) = prepare(db, &dossier.applicant, &notice).await? else {
        // Nobody to tell (no phone, no e-mail): delivered as far as it can ever be.
        tracing::info!(code = %dossier.code, "no contact for the applicant; notification dropped");
        return Ok(());
    };
    send(systems, &delivery, &message.idempotency_key).await?;
    Ok(())
}

/// The recipient, channel and text of a notice.
pub async fn prepare(
    db: &Db,
    applicant: &Applicant,
    notice: &Notice,
) -> Result<Option<Delivery>, motcua_store::StoreError> {
    let (phone, email, number) = match applicant {
        Applicant::Person {
            id, phone, email, ..
        } => (phone.clone(), email.clone(), id.as_str().to_owned()),
        Applicant::Organisation {
            tax_code,
            phone,
            email,
            ..
        } => (phone.clone(), email.clone(), tax_code.as_str().to_owned()),
    };
    let account = db.citizen(&number).await?;
    let phone = account.as_ref().and_then(|c| c.phone.clone()).or(phone);
    let email = account.as_ref().and_then(|c| c.email.clone()).or(email);
    let chosen = account.map(|c| c.notify_channel);
    let target = match chosen.as_deref() {
        Some("email") => email.clone().map(|e| ("email", e)),
        Some("zalo") => phone.clone().map(|p| ("zalo", p)),
        _ => None,
    }
    .or_else(|| phone.map(|p| ("sms", p)))
    .or_else(|| email.map(|e| ("email", e)));
    let Some((channel, to)) = target else {
        return Ok(None);
    };
    let (subject, body) = text_for(db, notice.kind).await?;
    let subject = render(notice.kind, &subject, &notice.values).unwrap_or_default();
    let text = render(notice.kind, &body, &notice.values).unwrap_or_else(|_| {
        render(notice.kind, notice.kind.default_text().1, &notice.values).unwrap_or_default()
    });
    Ok(Some(Delivery {
        channel: channel.to_owned(),
        to,
        subject,
        text,
    }))
}

/// The administrator's text for a notice, or the shipped one.
async fn text_for(db: &Db, kind: NoticeKind) -> Result<(String, String), motcua_store::StoreError> {
    Ok(db
        .notification_templates()
        .await?
        .into_iter()
        .find(|t| t.kind == kind.as_str())
        .map_or_else(
            || {
                let (s, b) = kind.default_text();
                (s.to_owned(), b.to_owned())
            },
            |t| (t.subject, t.body),
        ))
}

/// Sends one message to the channel's gateway.
pub async fn send(systems: &Systems, d: &Delivery, key: &str) -> Result<(), SystemError> {
    const SYSTEM: &str = "cổng gửi thông báo";
    let url = format!(
        "{}/{}",
        systems.config.notify_url.trim_end_matches('/'),
        d.channel
    );
    let response = systems
        .http()
        .post(url)
        .header("Idempotency-Key", key)
        .json(&serde_json::json!({"to": d.to, "subject": d.subject, "text": d.text}))
        .send()
        .await
        .map_err(unreachable(SYSTEM))?;
    check(SYSTEM, response).map(|_| ())
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
