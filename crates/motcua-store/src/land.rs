//! The land register's versions (`land_versions`): read an object's history, read objects as
//! they stood at an instant by their lookup keys, and write a change set's versions in one
//! transaction — ending a version only if it is still open, so two changes racing on one
//! object cannot both win (the core checks the same before; this is the last word).

use chrono::{DateTime, Utc};
use motcua_core::land::{LandObject, LandWrite, ObjectId, ObjectKind, ParcelNumber, Version};
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Order, Query, SelectStatement};
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
pub(crate) enum LandVersions {
    Table,
    ObjectKind,
    ObjectId,
    Version,
    BeginAt,
    EndAt,
    Dossier,
    Commune,
    Sheet,
    Number,
    Serial,
    PartyNumber,
    NameKey,
    Keyed,
    Value,
}

#[derive(Iden)]
enum LandLinks {
    Table,
    TargetId,
    ObjectId,
    Version,
}

struct VersionRow {
    object_kind: String,
    object_id: Uuid,
    version: i64,
    begin_at: DateTime<Utc>,
    end_at: Option<DateTime<Utc>>,
    dossier: Option<String>,
    value: Json<LandObject>,
}

db_row!(VersionRow {
    object_kind,
    object_id,
    version,
    begin_at,
    end_at,
    dossier,
    value
});

impl VersionRow {
    fn into_version(self) -> Result<Version, StoreError> {
        let kind = ObjectKind::parse(&self.object_kind)
            .ok_or_else(|| StoreError::Encoding(format!("loại đối tượng {}", self.object_kind)))?;
        Ok(Version {
            object: ObjectId {
                kind,
                id: self.object_id,
            },
            version: u32::try_from(self.version).unwrap_or(u32::MAX),
            begin: self.begin_at,
            end: self.end_at,
            dossier: self.dossier,
            value: self.value.0,
        })
    }
}

fn select() -> SelectStatement {
    use LandVersions as L;
    Query::select()
        .columns([
            (L::Table, L::ObjectKind),
            (L::Table, L::ObjectId),
            (L::Table, L::Version),
            (L::Table, L::BeginAt),
            (L::Table, L::EndAt),
            (L::Table, L::Dossier),
            (L::Table, L::Value),
        ])
        .from(L::Table)
        .to_owned()
}

/// Only the versions that held at `at` (or the open ones, when `None`).
fn holding(q: &mut SelectStatement, at: Option<DateTime<Utc>>) {
    use LandVersions as L;
    match at {
        Some(t) => {
            q.and_where(Expr::col((L::Table, L::BeginAt)).lte(t))
                .and_where(
                    Expr::col((L::Table, L::EndAt))
                        .is_null()
                        .or(Expr::col((L::Table, L::EndAt)).gt(t)),
                );
        }
        None => {
            q.and_where(Expr::col((L::Table, L::EndAt)).is_null());
        }
    }
}

/// The alias of the lookup row in [`via_keys`].
fn keyed() -> sea_query::Alias {
    sea_query::Alias::new("k")
}

/// Versions found through the lookup rows (`keyed` = 1, the versions where a key began):
/// the key is matched on the alias `k`, which gives the object; the version read is that
/// object's, held at the instant asked, and must carry the key too (its key may have
/// changed since).
fn via_keys() -> SelectStatement {
    use LandVersions as L;
    let mut q = select();
    q.join_as(
        sea_query::JoinType::InnerJoin,
        L::Table,
        keyed(),
        Expr::col((keyed(), L::ObjectId))
            .equals((L::Table, L::ObjectId))
            .and(Expr::cust("k.keyed = 1")),
    );
    q
}

impl Db {
    /// Every version of these objects, oldest first per object.
    pub async fn land_history(&self, objects: &[Uuid]) -> Result<Vec<Version>, StoreError> {
        use LandVersions as L;
        if objects.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = select();
        q.and_where(Expr::col(L::ObjectId).is_in(objects.iter().copied()))
            .order_by(L::ObjectId, Order::Asc)
            .order_by(L::Version, Order::Asc);
        let rows: Vec<VersionRow> = self.fetch_all(&q).await?;
        rows.into_iter().map(VersionRow::into_version).collect()
    }

    /// Up to `limit` versions `q` reads, each once: an object whose key left and came back
    /// has two lookup rows for it. The limit goes into the statement's text
    /// ([`Db::fetch_page`]): bound, it made SQLite prepare the statement again on every read.
    async fn versions(&self, q: &SelectStatement, limit: u64) -> Result<Vec<Version>, StoreError> {
        let rows: Vec<VersionRow> = self.fetch_page(q, limit).await?;
        let mut out: Vec<Version> = Vec::with_capacity(rows.len());
        for r in rows {
            let v = r.into_version()?;
            if !out
                .iter()
                .any(|o| o.object == v.object && o.version == v.version)
            {
                out.push(v);
            }
        }
        Ok(out)
    }

    /// The parcel with this number as it stood at `at` (now, when `None`).
    pub async fn parcel_by_number(
        &self,
        number: &ParcelNumber,
        at: Option<DateTime<Utc>>,
    ) -> Result<Option<Version>, StoreError> {
        use LandVersions as L;
        let mut q = select();
        q.and_where(Expr::col(L::Commune).eq(number.commune.as_str()))
            .and_where(Expr::col(L::Sheet).eq(i64::from(number.sheet)))
            .and_where(Expr::col(L::Number).eq(i64::from(number.number)));
        holding(&mut q, at);
        let rows: Vec<VersionRow> = self.fetch_page(&q, 1).await?;
        rows.into_iter()
            .next()
            .map(VersionRow::into_version)
            .transpose()
    }

    /// The certificates with this serial, and the parties with this CCCD or tax code, as they
    /// stood at `at` (now, when `None`); at most `limit`.
    pub async fn land_by_key(
        &self,
        serial_or_number: &str,
        at: Option<DateTime<Utc>>,
        limit: u64,
    ) -> Result<Vec<Version>, StoreError> {
        use LandVersions as L;
        let mut q = via_keys();
        // `keyed = 1` inside each arm, so SQLite reads each arm from its partial index.
        q.and_where(
            Expr::cust("k.keyed = 1")
                .and(Expr::col((keyed(), L::Serial)).eq(serial_or_number))
                .or(Expr::cust("k.keyed = 1")
                    .and(Expr::col((keyed(), L::PartyNumber)).eq(serial_or_number))),
        )
        .and_where(
            Expr::col((L::Table, L::Serial))
                .eq(serial_or_number)
                .or(Expr::col((L::Table, L::PartyNumber)).eq(serial_or_number)),
        );
        holding(&mut q, at);
        self.versions(&q, limit).await
    }

    /// These objects as they stood at `at` (now, when `None`): one indexed probe each.
    pub async fn land_objects(
        &self,
        objects: &[Uuid],
        at: Option<DateTime<Utc>>,
    ) -> Result<Vec<Version>, StoreError> {
        use LandVersions as L;
        if objects.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = select();
        q.and_where(Expr::col((L::Table, L::ObjectId)).is_in(objects.iter().copied()));
        holding(&mut q, at);
        let rows: Vec<VersionRow> = self.fetch_all(&q).await?;
        rows.into_iter().map(VersionRow::into_version).collect()
    }

    /// The versions holding at `at` (now, when `None`) that bear on any of `targets` — the
    /// certificates, rights and assets on a parcel, or naming a party; at most `limit`.
    pub async fn land_linked(
        &self,
        targets: &[Uuid],
        at: Option<DateTime<Utc>>,
        limit: u64,
    ) -> Result<Vec<Version>, StoreError> {
        use LandLinks as K;
        use LandVersions as L;
        if targets.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = select();
        q.inner_join(
            K::Table,
            Expr::col((K::Table, K::ObjectId))
                .equals((L::Table, L::ObjectId))
                .and(Expr::col((K::Table, K::Version)).equals((L::Table, L::Version))),
        )
        .and_where(Expr::col((K::Table, K::TargetId)).is_in(targets.iter().copied()));
        holding(&mut q, at);
        // An object linking to two of the targets comes back once.
        self.versions(&q, limit).await
    }

    /// The versions holding at `at` (now, when `None`) that name the party with this CCCD or
    /// tax code — its certificates and rights — in one joined read; at most `limit`.
    pub async fn land_held_by(
        &self,
        number: &str,
        at: Option<DateTime<Utc>>,
        limit: u64,
    ) -> Result<Vec<Version>, StoreError> {
        use LandLinks as K;
        use LandVersions as L;
        let p = sea_query::Alias::new("p");
        let mut q = select();
        q.inner_join(
            K::Table,
            Expr::col((K::Table, K::ObjectId))
                .equals((L::Table, L::ObjectId))
                .and(Expr::col((K::Table, K::Version)).equals((L::Table, L::Version))),
        )
        .join_as(
            sea_query::JoinType::InnerJoin,
            L::Table,
            p.clone(),
            Expr::col((p.clone(), L::ObjectId)).equals((K::Table, K::TargetId)),
        )
        .join_as(
            sea_query::JoinType::InnerJoin,
            L::Table,
            keyed(),
            Expr::col((keyed(), L::ObjectId))
                .equals((p.clone(), L::ObjectId))
                .and(Expr::cust("k.keyed = 1")),
        )
        .and_where(Expr::col((keyed(), L::PartyNumber)).eq(number))
        .and_where(Expr::col((p.clone(), L::PartyNumber)).eq(number));
        match at {
            Some(t) => {
                q.and_where(Expr::col((p.clone(), L::BeginAt)).lte(t))
                    .and_where(
                        Expr::col((p.clone(), L::EndAt))
                            .is_null()
                            .or(Expr::col((p, L::EndAt)).gt(t)),
                    );
            }
            None => {
                q.and_where(Expr::col((p, L::EndAt)).is_null());
            }
        }
        holding(&mut q, at);
        self.versions(&q, limit).await
    }

    /// Parties whose folded name starts with `folded` (see `motcua_core::text::fold`), as
    /// they stood at `at`; at most `limit`. A range on the folded-name index, so it reads
    /// only matching rows.
    pub async fn parties_by_name(
        &self,
        folded: &str,
        at: Option<DateTime<Utc>>,
        limit: u64,
    ) -> Result<Vec<Version>, StoreError> {
        use LandVersions as L;
        let folded = folded.trim();
        if folded.is_empty() {
            return Ok(Vec::new());
        }
        let end = format!("{folded}\u{10FFFF}");
        let mut q = via_keys();
        for t in [keyed(), sea_query::Alias::new("land_versions")] {
            q.and_where(Expr::col((t.clone(), L::NameKey)).gte(folded))
                .and_where(Expr::col((t, L::NameKey)).lt(end.as_str()));
        }
        q.order_by((keyed(), L::NameKey), Order::Asc);
        holding(&mut q, at);
        self.versions(&q, limit).await
    }

    /// The parcels on one map sheet of a commune as they stood at `at` (the neighbours on a
    /// parcel's map); at most `limit`.
    pub async fn parcels_on_sheet(
        &self,
        commune: &str,
        sheet: u32,
        at: Option<DateTime<Utc>>,
        limit: u64,
    ) -> Result<Vec<Version>, StoreError> {
        use LandVersions as L;
        let mut q = select();
        q.and_where(Expr::col((L::Table, L::Commune)).eq(commune))
            .and_where(Expr::col((L::Table, L::Sheet)).eq(i64::from(sheet)))
            .order_by((L::Table, L::Number), Order::Asc);
        holding(&mut q, at);
        let rows: Vec<VersionRow> = self.fetch_page(&q, limit).await?;
        rows.into_iter().map(VersionRow::into_version).collect()
    }

    /// Up to `limit` objects of one kind as they stand now, by id (a sample to work with).
    pub async fn land_of_kind(
        &self,
        kind: ObjectKind,
        limit: u64,
    ) -> Result<Vec<Version>, StoreError> {
        use LandVersions as L;
        let mut q = select();
        q.and_where(Expr::col((L::Table, L::ObjectKind)).eq(kind.as_str()))
            .order_by((L::Table, L::ObjectId), Order::Asc);
        holding(&mut q, None);
        let rows: Vec<VersionRow> = self.fetch_page(&q, limit).await?;
        rows.into_iter().map(VersionRow::into_version).collect()
    }

    /// How many register objects are open now, by kind.
    pub async fn land_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        use LandVersions as L;
        let q = Query::select()
            .column(L::ObjectKind)
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .from(L::Table)
            .and_where(Expr::col(L::EndAt).is_null())
            .group_by_col(L::ObjectKind)
            .to_owned();
        let rows: Vec<KindCount> = self.fetch_all(&q).await?;
        Ok(rows.into_iter().map(|r| (r.object_kind, r.n)).collect())
    }

    /// Writes a change set's versions on their own: each ended one only if still open
    /// (else the whole write is refused as a conflict, and nothing is written), then the new
    /// ones. (A dossier's change set goes with its command instead: [`Db::run_command`].)
    pub async fn apply_land_versions(&self, write: &LandWrite) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        write_in(&mut tx, write).await?;
        tx.commit().await
    }
}

struct KindCount {
    object_kind: String,
    n: i64,
}

db_row!(KindCount { object_kind, n });

/// Writes the versions inside `tx`, refusing the whole transaction as a conflict when a
/// version to end is no longer open.
///
/// One statement per 400 rows, not an UPDATE per ended version and then the INSERT: on
/// SQLite every statement inside the write transaction is a round trip the single writer
/// waits for, and a dossier's approving step pays them. The ended versions go first as rows
/// that meet their own stored row (same object and version) and only set its end, and only
/// if it is still open; then the new versions are inserted. Every row must count: an ended
/// row that met a closed version, or a new version that met an existing one (another change
/// got there first), does nothing, the count falls short and the transaction is refused.
/// (An ended row always meets its stored row: it was read from the register, whose versions
/// are never deleted.)
pub(crate) async fn write_in(tx: &mut Tx, write: &LandWrite) -> Result<(), StoreError> {
    if write.ended.iter().any(|v| v.end.is_none()) {
        return Err(StoreError::Conflict(
            "phiên bản kết thúc thiếu thời điểm".into(),
        ));
    }
    let rows: Vec<&Version> = write.ended.iter().chain(&write.begun).collect();
    let written = write_rows(tx, &rows, true).await?;
    if written != rows.len() as u64 {
        return Err(StoreError::Conflict(
            "sổ địa chính đã được thay đổi sau khi chuẩn bị".into(),
        ));
    }
    Ok(())
}

/// Rows per multi-row insert (14 columns: well under SQLite's bound-parameter limit).
const ROWS_PER_INSERT: usize = 400;

/// Inserts versions and their links in multi-row statements. A version already there (a
/// load run twice, or a race the guard in [`write_in`] did not see: a successor is always
/// the next number) breaks the primary key and the transaction fails, nothing written.
pub(crate) async fn insert_versions(tx: &mut Tx, versions: &[Version]) -> Result<(), StoreError> {
    let rows: Vec<&Version> = versions.iter().collect();
    write_rows(tx, &rows, false).await.map(|_| ())
}

/// The rows of [`insert_versions`], or with `ending` those of [`write_in`] (a row with an
/// end meets its stored version and sets the end if that is open); how many rows counted.
async fn write_rows(tx: &mut Tx, versions: &[&Version], ending: bool) -> Result<u64, StoreError> {
    use LandVersions as L;
    let by_id: std::collections::HashMap<(Uuid, u32), &Version> = versions
        .iter()
        .map(|v| ((v.object.id, v.version), *v))
        .collect();
    let mut written = 0;
    for chunk in versions.chunks(ROWS_PER_INSERT) {
        let mut insert = Query::insert()
            .into_table(L::Table)
            .columns([
                L::ObjectKind,
                L::ObjectId,
                L::Version,
                L::BeginAt,
                L::EndAt,
                L::Dossier,
                L::Commune,
                L::Sheet,
                L::Number,
                L::Serial,
                L::PartyNumber,
                L::NameKey,
                L::Keyed,
                L::Value,
            ])
            .to_owned();
        if ending {
            insert.on_conflict(
                OnConflict::columns([L::ObjectId, L::Version])
                    .update_column(L::EndAt)
                    .action_and_where(
                        Expr::col((L::Table, L::EndAt))
                            .is_null()
                            .and(Expr::cust("excluded.end_at IS NOT NULL")),
                    )
                    .to_owned(),
            );
        }
        let mut links_insert = Query::insert()
            .into_table(LandLinks::Table)
            .columns([LandLinks::TargetId, LandLinks::ObjectId, LandLinks::Version])
            .to_owned();
        let mut any_link = false;
        for v in chunk {
            let (commune, sheet, number, serial, party, name_key) = keys(&v.value);
            // A version whose predecessor (in this write) had the same keys needs no lookup
            // entries: the predecessor's, or an earlier one's, lead to the object.
            let keyed = v
                .version
                .checked_sub(1)
                .and_then(|p| by_id.get(&(v.object.id, p)))
                .is_none_or(|p| keys(&p.value) != keys(&v.value));
            let value =
                serde_json::to_value(&v.value).map_err(|e| StoreError::Encoding(e.to_string()))?;
            insert.values_panic([
                v.object.kind.as_str().into(),
                v.object.id.into(),
                i64::from(v.version).into(),
                v.begin.into(),
                v.end.into(),
                v.dossier.clone().into(),
                commune.into(),
                sheet.into(),
                number.into(),
                serial.into(),
                party.into(),
                name_key.into(),
                i32::from(keyed).into(),
                value.into(),
            ]);
            // An ending row's links were written when its version began.
            if ending && v.end.is_some() {
                continue;
            }
            for t in links(v.object.id, &v.value) {
                any_link = true;
                links_insert.values_panic([
                    t.into(),
                    v.object.id.into(),
                    i64::from(v.version).into(),
                ]);
            }
        }
        written += tx.execute(&insert).await?;
        if any_link {
            tx.execute(&links_insert).await?;
        }
    }
    Ok(written)
}

type Keys = (
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The parcels and parties a value bears on (each once), for [`Db::land_linked`].
fn links(own: Uuid, value: &LandObject) -> Vec<Uuid> {
    let mut out: Vec<Uuid> = match value {
        LandObject::Certificate(c) => c
            .parcels
            .iter()
            .copied()
            .chain(c.holders.iter().map(|h| h.party))
            .collect(),
        LandObject::Rrr(r) => std::iter::once(r.parcel)
            .chain(r.holders.iter().map(|h| h.party))
            .collect(),
        LandObject::Asset(a) => vec![a.parcel],
        LandObject::Party(p) => p.members.iter().map(|h| h.party).collect(),
        LandObject::Parcel(_) => Vec::new(),
    };
    out.retain(|t| *t != own);
    out.sort_unstable();
    out.dedup();
    out
}

/// The lookup columns of a value: commune, sheet and number of a parcel, a certificate's
/// serial, a party's CCCD or tax code and its folded name.
fn keys(value: &LandObject) -> Keys {
    match value {
        LandObject::Parcel(p) => (
            Some(p.number.commune.clone()),
            Some(i64::from(p.number.sheet)),
            Some(i64::from(p.number.number)),
            None,
            None,
            None,
        ),
        LandObject::Certificate(c) => (None, None, None, Some(c.serial.clone()), None, None),
        LandObject::Party(p) => (
            None,
            None,
            None,
            None,
            Some(p.number.clone()).filter(|n| !n.is_empty()),
            Some(motcua_core::text::fold(p.name.trim())),
        ),
        _ => (None, None, None, None, None, None),
    }
}

impl Db {
    /// Loads versions as they are (a benchmark's or a bulk load's rows), in one transaction.
    pub async fn load_land_versions(&self, versions: &[Version]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        insert_versions(&mut tx, versions).await?;
        tx.commit().await
    }

    /// The benchmark's baseline for a parcel lookup: the bare indexed SELECT of the open row's
    /// value by commune, sheet and number (bytes returned).
    pub async fn baseline_parcel(
        &self,
        commune: &str,
        sheet: u32,
        number: u32,
    ) -> Result<usize, StoreError> {
        const SQLITE: &str = "SELECT value FROM land_versions WHERE commune = ?1 AND sheet = ?2 \
             AND number = ?3 AND end_at IS NULL";
        const PG: &str = "SELECT value::text FROM land_versions WHERE commune = $1 AND sheet = $2 \
             AND number = $3 AND end_at IS NULL";
        let text: Option<String> = match self {
            Db::Sqlite(pool, _) => {
                sqlx::query_scalar(SQLITE)
                    .bind(commune)
                    .bind(i64::from(sheet))
                    .bind(i64::from(number))
                    .fetch_optional(pool)
                    .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar(PG)
                    .bind(commune)
                    .bind(i64::from(sheet))
                    .bind(i64::from(number))
                    .fetch_optional(pool)
                    .await?
            }
        };
        Ok(text.map_or(0, |t| t.len()))
    }

    /// The benchmark's baseline for "the land a person holds": one joined SELECT from the
    /// party's number through the links to the open versions naming it (bytes returned).
    pub async fn baseline_holder(&self, number: &str) -> Result<usize, StoreError> {
        const SQLITE: &str = "SELECT v.value FROM land_versions k \
             JOIN land_versions p ON p.object_id = k.object_id \
             JOIN land_links l ON l.target_id = p.object_id \
             JOIN land_versions v ON v.object_id = l.object_id AND v.version = l.version \
             WHERE k.keyed = 1 AND k.party_number = ?1 AND p.party_number = ?1 \
             AND p.end_at IS NULL AND v.end_at IS NULL";
        const PG: &str = "SELECT v.value::text FROM land_versions k \
             JOIN land_versions p ON p.object_id = k.object_id \
             JOIN land_links l ON l.target_id = p.object_id \
             JOIN land_versions v ON v.object_id = l.object_id AND v.version = l.version \
             WHERE k.keyed = 1 AND k.party_number = $1 AND p.party_number = $1 \
             AND p.end_at IS NULL AND v.end_at IS NULL";
        let rows: Vec<String> = match self {
            Db::Sqlite(pool, _) => {
                sqlx::query_scalar(SQLITE)
                    .bind(number)
                    .fetch_all(pool)
                    .await?
            }
            Db::Postgres(pool) => sqlx::query_scalar(PG).bind(number).fetch_all(pool).await?,
        };
        Ok(rows.iter().map(String::len).sum())
    }

    /// How the engine reads a parcel as of an instant (its query plan, one line per step): the
    /// benchmark shows it is one index probe.
    pub async fn explain_parcel_as_of(&self) -> Result<String, StoreError> {
        const SQLITE: &str = "EXPLAIN QUERY PLAN SELECT value FROM land_versions WHERE commune = '1' \
             AND sheet = 1 AND number = 1 AND begin_at <= '2026-01-01T00:00:00Z' \
             AND (end_at IS NULL OR end_at > '2026-01-01T00:00:00Z')";
        const PG: &str = "EXPLAIN SELECT value FROM land_versions WHERE commune = '1' AND sheet = 1 \
             AND number = 1 AND begin_at <= '2026-01-01T00:00:00Z' \
             AND (end_at IS NULL OR end_at > '2026-01-01T00:00:00Z')";
        let lines: Vec<String> = match self {
            Db::Sqlite(pool, _) => sqlx::query(SQLITE)
                .fetch_all(pool)
                .await?
                .iter()
                .filter_map(|r| sqlx::Row::try_get::<String, _>(r, 3).ok())
                .collect(),
            Db::Postgres(pool) => sqlx::query_scalar(PG).fetch_all(pool).await?,
        };
        Ok(lines.join(" | "))
    }
}
