//! The dossier history as a hash chain: each event stores the hash of the one before, so an
//! edited, removed or reordered event breaks the chain at that point.

use chrono::{DateTime, SecondsFormat, Utc};
use motcua_core::dossier::{Dossier, Event, apply};
use std::collections::HashMap;

use sea_query::{Expr, ExprTrait, Order, Query};
use sha2::{Digest, Sha256};
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::Db;
use crate::dossiers::{Dossiers, StoredEvent};
use crate::error::StoreError;
use crate::row::db_row;

/// The `prev_hash` of a dossier's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// SHA-256 over the previous hash and the event's canonical JSON (the event re-serialised
/// from its type, so the database's JSON formatting does not matter).
pub fn event_hash(
    prev: &str,
    dossier_id: Uuid,
    seq: i64,
    event: &Event,
    actor_id: &str,
    at: DateTime<Utc>,
) -> Result<String, String> {
    let body = serde_json::to_string(&serde_json::json!([
        dossier_id,
        seq,
        event,
        actor_id,
        at.to_rfc3339_opts(SecondsFormat::Micros, true)
    ]))
    .map_err(|e| e.to_string())?;
    let mut hasher = Sha256::new();
    hasher.update(prev.as_bytes());
    hasher.update(b"\n");
    hasher.update(body.as_bytes());
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// The first break found in one dossier's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The dossier's code.
    pub dossier_code: String,
    /// The event where the chain breaks (0: the stored state itself).
    pub seq: i64,
    /// What is wrong.
    pub reason: String,
}

/// The outcome of a full check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditReport {
    /// Dossiers checked.
    pub dossiers: usize,
    /// Events checked.
    pub events: usize,
    /// Breaks, one per broken dossier at most.
    pub broken: Vec<BrokenLink>,
}

struct DossierRow {
    id: Uuid,
    code: String,
    state: Json<Dossier>,
}

db_row!(DossierRow { id, code, state });

impl Db {
    /// Recomputes every dossier's chain and replays it against the stored state.
    ///
    /// A page of dossiers at a time, with their events in one query: memory stays that of a
    /// page whatever the database holds (reading every state at once took 9.5 GB at 1M
    /// dossiers), and the round trips are a page's, not a dossier's.
    pub async fn verify_audit(&self) -> Result<AuditReport, StoreError> {
        use crate::dossiers::{DossierEvents as E, EVENT_COLUMNS};
        let mut report = AuditReport::default();
        let mut after: Option<Uuid> = None;
        loop {
            let mut q = Query::select()
                .columns([Dossiers::Id, Dossiers::Code, Dossiers::State])
                .from(Dossiers::Table)
                .order_by(Dossiers::Id, Order::Asc)
                .to_owned();
            if let Some(a) = after {
                q.and_where(Expr::col(Dossiers::Id).gt(a));
            }
            let rows: Vec<DossierRow> = self.fetch_page(&q, AUDIT_PAGE).await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.id);
            let events: Vec<StoredEvent> = self
                .fetch_all(
                    &Query::select()
                        .columns(EVENT_COLUMNS)
                        .from(E::Table)
                        .and_where(Expr::col(E::DossierId).is_in(rows.iter().map(|r| r.id)))
                        .order_by(E::DossierId, Order::Asc)
                        .order_by(E::Seq, Order::Asc)
                        .to_owned(),
                )
                .await?;
            let mut by_dossier: HashMap<Uuid, Vec<StoredEvent>> = HashMap::new();
            for e in events {
                by_dossier.entry(e.dossier_id).or_default().push(e);
            }
            for row in rows {
                report.dossiers += 1;
                let events = by_dossier.remove(&row.id).unwrap_or_default();
                report.events += events.len();
                if let Some((seq, reason)) = check_chain(&events, &row.state.0) {
                    report.broken.push(BrokenLink {
                        dossier_code: row.code,
                        seq,
                        reason,
                    });
                }
            }
        }
        report
            .broken
            .sort_by(|a, b| a.dossier_code.cmp(&b.dossier_code));
        Ok(report)
    }
}

/// Dossiers checked per round trip.
const AUDIT_PAGE: u64 = 500;

fn check_chain(events: &[StoredEvent], stored: &Dossier) -> Option<(i64, String)> {
    let mut prev = GENESIS.to_owned();
    let mut state = None;
    for (i, e) in events.iter().enumerate() {
        let expected_seq = i64::try_from(i).unwrap_or(0) + 1;
        if e.seq != expected_seq {
            return Some((expected_seq, format!("sự kiện số {expected_seq} bị thiếu")));
        }
        if e.prev_hash != prev {
            return Some((e.seq, "mắt xích trước không khớp (prev_hash)".into()));
        }
        let event: Event = match serde_json::from_value(e.payload.0.clone()) {
            Ok(ev) => ev,
            Err(err) => return Some((e.seq, format!("nội dung sự kiện không đọc được: {err}"))),
        };
        match event_hash(
            &prev,
            e.dossier_id,
            e.seq,
            &event,
            &e.actor_id,
            e.recorded_at,
        ) {
            Ok(h) if h == e.hash && event.kind() == e.kind => {}
            _ => return Some((e.seq, "nội dung sự kiện đã bị sửa (hash không khớp)".into())),
        }
        state = match apply(state, &event, e.recorded_at) {
            Ok(s) => Some(s),
            Err(err) => return Some((e.seq, err.to_string())),
        };
        prev = e.hash.clone();
    }
    if state.as_ref() != Some(stored) {
        return Some((
            0,
            "trạng thái lưu trữ khác với kết quả dựng lại từ lịch sử".into(),
        ));
    }
    None
}
