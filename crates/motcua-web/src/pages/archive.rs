//! The archival package of a finished dossier (hồ sơ lưu trữ): one tar file with the dossier
//! as recorded, its hash-chained history, the verdicts on its signatures, every document scan
//! and the result (signed PDFs carry their own signatures), a `SHA256SUMS` list and a small
//! Python verifier — so an archive can check it offline, years later, without motcua.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use motcua_core::dossier::DossierId;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Page, PageError};
use crate::{ApiError, AppState, service};

pub(super) fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/dossiers/{id}/luu-tru", get(package))
}

/// Recomputes the chain and the file sums; prints OK or the first break.
const VERIFY_PY: &str = r#"#!/usr/bin/env python3
# Verifies this archival package offline: every file against SHA256SUMS, and the history's
# hash chain: hash = sha256(prev_hash + "\n" + json([dossier_id, seq, event, actor_id, at])),
# the first prev_hash being 64 zeros.
import hashlib, json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
ok = True
for line in open(os.path.join(here, "SHA256SUMS"), encoding="utf-8"):
    digest, name = line.rstrip("\n").split("  ", 1)
    with open(os.path.join(here, name), "rb") as f:
        if hashlib.sha256(f.read()).hexdigest() != digest:
            print("FILE CHANGED:", name); ok = False
prev = "0" * 64  # the chain's genesis
for line in open(os.path.join(here, "history.jsonl"), encoding="utf-8"):
    e = json.loads(line)
    body = json.dumps([e["dossier_id"], e["seq"], e["event"], e["actor_id"], e["recorded_at"]],
                      ensure_ascii=False, separators=(",", ":"))
    h = hashlib.sha256((prev + "\n" + body).encode("utf-8")).hexdigest()
    if e["prev_hash"] != prev or e["hash"] != h:
        print("HISTORY BROKEN AT EVENT", e["seq"]); ok = False; break
    prev = h
print("OK" if ok else "NOT OK")
sys.exit(0 if ok else 1)
"#;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn package(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    let p = page.user()?;
    let d = service::visible(&state, p, DossierId(id)).await?;
    if !d.status.is_terminal() {
        return Err(ApiError::Invalid(
            "Chỉ lập hồ sơ lưu trữ cho hồ sơ đã kết thúc giải quyết".into(),
        )
        .into());
    }
    let who = service::actor(p);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let json = |v: &serde_json::Value| serde_json::to_vec_pretty(v).unwrap_or_default();
    files.push((
        "dossier.json".into(),
        json(&serde_json::to_value(&d).map_err(|e| ApiError::Internal(e.to_string()))?),
    ));
    let mut history = Vec::new();
    for e in state.db.dossier_events(d.id).await? {
        // The event as the chain hashed it: its fields in their declared order (PostgreSQL's
        // JSONB keeps them in its own).
        let event: motcua_core::dossier::Event = serde_json::from_value(e.payload.0.clone())
            .map_err(|err| ApiError::Internal(err.to_string()))?;
        let event =
            serde_json::to_value(&event).map_err(|err| ApiError::Internal(err.to_string()))?;
        let line = serde_json::json!({
            "dossier_id": e.dossier_id,
            "seq": e.seq,
            "kind": e.kind,
            "event": event,
            "actor_id": e.actor_id,
            "recorded_at": e.recorded_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        });
        history.extend_from_slice(line.to_string().as_bytes());
        history.push(b'\n');
    }
    files.push(("history.jsonl".into(), history));
    files.push((
        "signatures.json".into(),
        json(&serde_json::to_value(&d.signatures).map_err(|e| ApiError::Internal(e.to_string()))?),
    ));
    // Files destroyed under an approved list are not in the package; dossier.json and the
    // history say which and under which list.
    for i in 0..d.documents.len() {
        let Some(digest) = d.document_file(i) else {
            continue;
        };
        // Named by position (dossier.json says which component it is): codes are free text.
        let bytes = state.files.get(digest).await?;
        files.push((format!("documents/{:02}.{}", i + 1, ext(&bytes)), bytes));
    }
    if let Some(digest) = d.result_file() {
        let bytes = state.files.get(digest).await?;
        files.push((format!("result.{}", ext(&bytes)), bytes));
    }
    let sums: String = files
        .iter()
        .map(|(name, bytes)| format!("{}  {name}\n", hex(&Sha256::digest(bytes))))
        .collect();
    files.push(("SHA256SUMS".into(), sums.into_bytes()));
    files.push(("verify.py".into(), VERIFY_PY.as_bytes().to_vec()));
    state
        .app
        .record_read(&who, d.applicant.number(), Some(d.id.0), "archive")
        .await
        .map_err(ApiError::from)?;
    let tar = crate::tar::archive(&files, state.app.now().timestamp());
    let name = format!("ho-so-luu-tru-{}.tar", d.code).replace(['/', '\\', '"'], "-");
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/x-tar".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        tar,
    )
        .into_response())
}

fn ext(bytes: &[u8]) -> &'static str {
    match crate::files::Kind::sniff(bytes) {
        Some(crate::files::Kind::Pdf) => "pdf",
        Some(crate::files::Kind::Jpeg) => "jpg",
        Some(crate::files::Kind::Png) => "png",
        None => "bin",
    }
}
