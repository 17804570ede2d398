//! The signed message log: every exchange with an outside system (request and response, in
//! either direction) as one row in a single hash chain, each hash signed with the
//! installation's key. An edited, removed or inserted row breaks the chain; a row rewritten
//! with a recomputed chain still fails its signature. The signing itself is the caller's
//! (the store holds no key): it passes `sign` when appending and `verify` when checking.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Order, Query};
use sha2::{Digest, Sha256};

use crate::audit::GENESIS;
use crate::db::Db;
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
enum MessageLog {
    Table,
    Seq,
    RecordedAt,
    System,
    Direction,
    Endpoint,
    Request,
    Status,
    Response,
    PrevHash,
    Hash,
    Signature,
}

#[derive(Iden)]
enum MessageLogHead {
    Table,
    Id,
    Seq,
    Hash,
}

#[derive(Iden)]
enum InstallationKeys {
    Table,
    Purpose,
    PublicKey,
    CreatedAt,
}

/// One exchange to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// When it ended.
    pub at: DateTime<Utc>,
    /// The other system.
    pub system: String,
    /// `out` (we called) or `in` (it called us).
    pub direction: String,
    /// Method and URL (or path, for calls in).
    pub endpoint: String,
    /// What was sent (secrets redacted by the caller).
    pub request: String,
    /// HTTP status (0: no answer).
    pub status: i64,
    /// What came back (or why nothing did).
    pub response: String,
}

/// An exchange as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedMessage {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// The other system.
    pub system: String,
    /// `out` or `in`.
    pub direction: String,
    /// Method and URL.
    pub endpoint: String,
    /// Request.
    pub request: String,
    /// Status.
    pub status: i64,
    /// Response.
    pub response: String,
    /// The previous row's hash.
    pub prev_hash: String,
    /// This row's hash.
    pub hash: String,
    /// The installation's signature of the hash.
    pub signature: String,
}

db_row!(LoggedMessage {
    seq,
    recorded_at,
    system,
    direction,
    endpoint,
    request,
    status,
    response,
    prev_hash,
    hash,
    signature
});

const COLUMNS: [MessageLog; 11] = [
    MessageLog::Seq,
    MessageLog::RecordedAt,
    MessageLog::System,
    MessageLog::Direction,
    MessageLog::Endpoint,
    MessageLog::Request,
    MessageLog::Status,
    MessageLog::Response,
    MessageLog::PrevHash,
    MessageLog::Hash,
    MessageLog::Signature,
];

struct HeadRow {
    seq: i64,
    hash: String,
}

db_row!(HeadRow { seq, hash });

struct KeyRow {
    public_key: String,
}

db_row!(KeyRow { public_key });

/// SHA-256 over the previous hash and the exchange's canonical JSON.
pub fn message_hash(prev: &str, seq: i64, e: &Exchange) -> String {
    let body = serde_json::json!([
        seq,
        e.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        e.system,
        e.direction,
        e.endpoint,
        e.request,
        e.status,
        e.response
    ])
    .to_string();
    let mut hasher = Sha256::new();
    hasher.update(prev.as_bytes());
    hasher.update(b"\n");
    hasher.update(body.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The outcome of checking the log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageLogReport {
    /// Rows checked.
    pub messages: usize,
    /// The first break: the row and what is wrong.
    pub broken: Option<(i64, String)>,
}

impl Db {
    /// Appends an exchange to the chain; `sign` signs its hash. Returns its place.
    pub async fn append_message(
        &self,
        e: &Exchange,
        sign: impl FnOnce(&str) -> String + Send,
    ) -> Result<i64, StoreError> {
        use MessageLogHead as H;
        let mut e = e.clone();
        // PostgreSQL keeps microseconds: hash what will be read back.
        e.at = e.at.trunc_subsecs(6);
        let mut tx = self.begin_write().await?;
        // Taking the next number locks the head row until commit: appends queue.
        tx.execute(
            &Query::update()
                .table(H::Table)
                .value(H::Seq, Expr::col(H::Seq).add(1))
                .and_where(Expr::col(H::Id).eq(1))
                .to_owned(),
        )
        .await?;
        let head: HeadRow = tx
            .fetch_optional(
                &Query::select()
                    .columns([H::Seq, H::Hash])
                    .from(H::Table)
                    .and_where(Expr::col(H::Id).eq(1))
                    .to_owned(),
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let hash = message_hash(&head.hash, head.seq, &e);
        let signature = sign(&hash);
        tx.execute(
            &Query::insert()
                .into_table(MessageLog::Table)
                .columns(COLUMNS)
                .values_panic([
                    head.seq.into(),
                    e.at.into(),
                    e.system.into(),
                    e.direction.into(),
                    e.endpoint.into(),
                    e.request.into(),
                    e.status.into(),
                    e.response.into(),
                    head.hash.into(),
                    hash.clone().into(),
                    signature.into(),
                ])
                .to_owned(),
        )
        .await?;
        tx.execute(
            &Query::update()
                .table(H::Table)
                .value(H::Hash, hash)
                .and_where(Expr::col(H::Id).eq(1))
                .to_owned(),
        )
        .await?;
        tx.commit().await?;
        Ok(head.seq)
    }

    /// The last `limit` exchanges, newest first.
    pub async fn recent_messages(&self, limit: u64) -> Result<Vec<LoggedMessage>, StoreError> {
        self.fetch_page(
            &Query::select()
                .columns(COLUMNS)
                .from(MessageLog::Table)
                .order_by(MessageLog::Seq, Order::Desc)
                .to_owned(),
            limit,
        )
        .await
    }

    /// Recomputes the chain and checks each signature with `verify(hash, signature)`.
    pub async fn verify_message_log(
        &self,
        verify: impl Fn(&str, &str) -> bool,
    ) -> Result<MessageLogReport, StoreError> {
        let mut report = MessageLogReport::default();
        let mut prev = GENESIS.to_owned();
        let mut expected = 1i64;
        let mut after = 0i64;
        loop {
            let page: Vec<LoggedMessage> = self
                .fetch_all(
                    &Query::select()
                        .columns(COLUMNS)
                        .from(MessageLog::Table)
                        .and_where(Expr::col(MessageLog::Seq).gt(after))
                        .order_by(MessageLog::Seq, Order::Asc)
                        .limit(1000)
                        .to_owned(),
                )
                .await?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.seq;
            for m in page {
                report.messages += 1;
                let reason = if m.seq != expected {
                    Some(format!("thiếu tin số {expected}"))
                } else if m.prev_hash != prev {
                    Some("mắt xích trước không khớp (prev_hash)".to_owned())
                } else if message_hash(&prev, m.seq, &as_exchange(&m)) != m.hash {
                    Some("nội dung tin đã bị sửa (hash không khớp)".to_owned())
                } else if !verify(&m.hash, &m.signature) {
                    Some("chữ ký của hệ thống không hợp lệ".to_owned())
                } else {
                    None
                };
                if let Some(r) = reason {
                    report.broken = Some((Ord::min(expected, m.seq), r));
                    return Ok(report);
                }
                prev = m.hash;
                expected += 1;
            }
        }
        Ok(report)
    }

    /// The installation's public key for a purpose, if one was registered.
    pub async fn installation_key(&self, purpose: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .fetch_optional(
                &Query::select()
                    .column(InstallationKeys::PublicKey)
                    .from(InstallationKeys::Table)
                    .and_where(Expr::col(InstallationKeys::Purpose).eq(purpose))
                    .to_owned(),
            )
            .await?
            .map(|r: KeyRow| r.public_key))
    }

    /// Registers the installation's public key for a purpose (the first one stays).
    pub async fn register_installation_key(
        &self,
        purpose: &str,
        public_key: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use InstallationKeys as K;
        self.execute(
            &Query::insert()
                .into_table(K::Table)
                .columns([K::Purpose, K::PublicKey, K::CreatedAt])
                .values_panic([purpose.into(), public_key.into(), now.into()])
                .on_conflict(OnConflict::column(K::Purpose).do_nothing().to_owned())
                .to_owned(),
        )
        .await
        .map(|_| ())
    }
}

fn as_exchange(m: &LoggedMessage) -> Exchange {
    Exchange {
        at: m.recorded_at,
        system: m.system.clone(),
        direction: m.direction.clone(),
        endpoint: m.endpoint.clone(),
        request: m.request.clone(),
        status: m.status,
        response: m.response.clone(),
    }
}
