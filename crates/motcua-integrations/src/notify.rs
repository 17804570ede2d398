//! Notifications to applicants: the recipient and channel (the citizen's choice from their
//! account; otherwise the phone, then the e-mail on the dossier), the text (the
//! administrator's template or the shipped one), and the send to the channel's gateway.

use motcua_core::dossier::{Applicant, DossierId};
use motcua_core::notify::{Notice, NoticeKind, render};
use motcua_store::{Db, OutboxMessage};

use crate::dispatch::DeliverError;
use crate::{SystemError, Systems};

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

pub(crate) async fn deliver(
    db: &Db,
    systems: &Systems,
    message: &OutboxMessage,
) -> Result<(), DeliverError> {
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
    let url = format!(
        "{}/{}",
        systems.config.notify_url.trim_end_matches('/'),
        d.channel
    );
    let body = serde_json::json!({"to": d.to, "subject": d.subject, "text": d.text});
    systems
        .post_json("cổng gửi thông báo", url, key, &body)
        .await
        .map(|_| ())
}
