//! National-portal sync (DVCQG): for each `dossier.changed` message, push the dossier as it
//! stands (`DongBoHoSoMC`) and the progress records of the events the change added
//! (`CapNhatTienDoHoSoMC`). Every push carries a key derived from the message, so a retry
//! after a lost answer is recognised by the portal and never applied twice; messages of one
//! dossier go out in order (the outbox claims them so). Inter-agency sub-dossiers are never
//! pushed as citizen requests.

use motcua_core::dossier::{DossierId, Event, apply};
use motcua_core::dvcqg::{ProcedureOnPortal, dossier_record, is_synced, progress_record};
use motcua_store::{Db, OutboxMessage};

use crate::Systems;
use crate::dispatch::DeliverError;
use crate::exchange::Payload;

/// The national portal, as named in errors and the message log.
pub(crate) const SYSTEM: &str = "Cổng Dịch vụ công quốc gia";

pub(crate) async fn deliver(
    db: &Db,
    systems: &Systems,
    message: &OutboxMessage,
) -> Result<(), DeliverError> {
    let p = &message.payload.0;
    let seq = |k: &str| p.get(k).and_then(serde_json::Value::as_i64);
    let (Some(from), Some(to), Some(id)) = (seq("from_seq"), seq("to_seq"), message.dossier_id)
    else {
        return Err(DeliverError::Bad("tin thay đổi hồ sơ thiếu dữ liệu".into()));
    };
    let Some(d) = db.dossier(DossierId(id)).await? else {
        return Err(DeliverError::Bad("không tìm thấy hồ sơ".into()));
    };
    if !is_synced(&d) {
        return Ok(());
    }
    let name = db
        .procedure_version(d.procedure.as_str(), i64::from(d.procedure_version))
        .await?
        .and_then(|s| s.procedure().ok())
        .map_or_else(|| d.procedure.to_string(), |p| p.name);
    let base = systems.config.portal_url.trim_end_matches('/');
    // The dossier first, so the portal knows it before its progress arrives.
    let portal_code = db.portal_code(d.procedure.as_str()).await?;
    let procedure = ProcedureOnPortal {
        name: &name,
        code: portal_code.as_deref(),
    };
    let record = dossier_record(&d, &procedure, from > 1);
    systems
        .portal_push(
            format!("{base}/DongBoHoSoMC"),
            &format!("{}:hoso", message.idempotency_key),
            &record,
        )
        .await?;
    // Each progress record carries the dossier as it stood right after its event (its status,
    // its due date), not as it stands now: the history is replayed up to each one.
    let mut then = None;
    for stored in db.dossier_events(d.id).await? {
        if stored.seq > to {
            break;
        }
        let event: Event = serde_json::from_value(stored.payload.0.clone()).map_err(|e| {
            DeliverError::Bad(format!("sự kiện {} không đọc được: {e}", stored.seq))
        })?;
        let state = apply(then.take(), &event, stored.recorded_at)
            .map_err(|e| DeliverError::Bad(format!("lịch sử hồ sơ không hợp lệ: {e}")))?;
        let at_event = then.insert(state);
        if stored.seq < from {
            continue;
        }
        let Some(progress) = progress_record(
            at_event,
            stored.seq,
            &event,
            &stored.actor_id,
            stored.recorded_at,
        ) else {
            continue;
        };
        systems
            .portal_push(
                format!("{base}/CapNhatTienDoHoSoMC"),
                &format!("{}:{}", d.id.0, stored.seq),
                &progress,
            )
            .await?;
    }
    Ok(())
}

/// Compares every synced dossier with the portal's copy and lists the differences.
pub async fn reconcile(
    db: &Db,
    systems: &Systems,
) -> Result<Vec<motcua_core::dvcqg::Difference>, DeliverError> {
    let base = systems.config.portal_url.trim_end_matches('/');
    let portal: Vec<serde_json::Value> = systems
        .portal_call(
            reqwest::Method::GET,
            format!("{base}/DanhSachHoSo"),
            None,
            None,
        )
        .await?
        .ok(SYSTEM)?
        .json(SYSTEM)?;
    let mut names = std::collections::HashMap::new();
    let mapped: std::collections::HashMap<String, String> = db
        .portal_codes()
        .await?
        .into_iter()
        .map(|c| (c.procedure_code, c.portal_code))
        .collect();
    let mut local = Vec::new();
    let mut after = None;
    loop {
        let page = db.dossiers_after(after, 500).await?;
        let Some(last) = page.last() else {
            break;
        };
        after = Some(last.id);
        for d in page.iter().filter(|d| is_synced(d)) {
            let key = (d.procedure.to_string(), d.procedure_version);
            if !names.contains_key(&key) {
                let name = db
                    .procedure_version(d.procedure.as_str(), i64::from(d.procedure_version))
                    .await?
                    .and_then(|s| s.procedure().ok())
                    .map_or_else(|| d.procedure.to_string(), |p| p.name);
                names.insert(key.clone(), name);
            }
            let procedure = ProcedureOnPortal {
                name: names.get(&key).map_or("", String::as_str),
                code: mapped.get(d.procedure.as_str()).map(String::as_str),
            };
            local.push(dossier_record(d, &procedure, true));
        }
    }
    Ok(motcua_core::dvcqg::reconcile(&local, &portal))
}

impl Systems {
    /// The portal's access token: the cached one, or a new one (client credentials).
    pub(crate) async fn portal_token(&self, renew: bool) -> Result<String, crate::SystemError> {
        if !renew && let Some(t) = self.portal_token.lock().ok().and_then(|t| t.clone()) {
            return Ok(t);
        }
        #[derive(serde::Deserialize)]
        struct Token {
            access_token: String,
        }
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.config.oidc_client_id.as_str()),
            ("client_secret", self.config.portal_secret.as_str()),
        ];
        let url = format!("{}/token", self.config.portal_url.trim_end_matches('/'));
        let token: Token = self
            .call(
                SYSTEM,
                reqwest::Method::POST,
                url,
                None,
                None,
                Payload::Form(&form),
            )
            .await?
            .ok(SYSTEM)?
            .json(SYSTEM)?;
        if let Ok(mut cached) = self.portal_token.lock() {
            *cached = Some(token.access_token.clone());
        }
        Ok(token.access_token)
    }

    /// A call to the portal with its access token; an expired token is renewed once.
    pub(crate) async fn portal_call(
        &self,
        method: reqwest::Method,
        url: String,
        key: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> Result<crate::exchange::Answer, crate::SystemError> {
        let payload = || body.map_or(Payload::None, Payload::Json);
        let token = self.portal_token(false).await?;
        let answer = self
            .call(
                SYSTEM,
                method.clone(),
                url.clone(),
                key,
                Some(&token),
                payload(),
            )
            .await?;
        if answer.status != 401 {
            return Ok(answer);
        }
        let token = self.portal_token(true).await?;
        self.call(SYSTEM, method, url, key, Some(&token), payload())
            .await
    }

    /// Pushes a record; the portal must answer `error_code: 0` (anything else — a proxy's
    /// error page, a cut-off body — is a failure to retry).
    async fn portal_push(
        &self,
        url: String,
        key: &str,
        record: &serde_json::Value,
    ) -> Result<(), crate::SystemError> {
        #[derive(serde::Deserialize)]
        struct Reply {
            error_code: i64,
            #[serde(default)]
            message: String,
        }
        let reply: Reply = self
            .portal_call(reqwest::Method::POST, url, Some(key), Some(record))
            .await?
            .ok(SYSTEM)?
            .json(SYSTEM)?;
        if reply.error_code == 0 {
            Ok(())
        } else {
            Err(crate::SystemError::Invalid {
                system: SYSTEM,
                cause: format!("mã lỗi {}: {}", reply.error_code, reply.message),
            })
        }
    }
}
