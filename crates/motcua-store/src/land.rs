//! The land register's versions (`land_versions`): read an object's history and read objects
//! as they stood at an instant by their lookup keys (writing them: `land_write.rs`).
//!
//! A version's row is never written again once inserted: it ends where its successor (the
//! next version number) begins, and an object retired without a successor gets a closing row
//! (a tombstone: the next number, `end_at` set, holding at no instant). Writing a change is
//! then inserts only, and two changes racing on one object both insert the same next
//! version, so the primary key lets only one win (the core checks the same before; this is
//! the last word). Rewriting the old row used to cost every change a random page of the
//! register, which at millions of parcels was most of what a change added to its step.

use chrono::{DateTime, Utc};
use motcua_core::land::{LandObject, LandWrite, ObjectId, ObjectKind, ParcelNumber, Version};
use sea_query::{Expr, ExprTrait, Iden, Order, Query, SelectStatement};
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::Db;
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
pub(crate) enum LandLinks {
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

/// The versions read at `at` (now, when `None`), with their end: none for the versions open
/// now (the stored `end_at`, NULL on every row that holds), else the successor's beginning
/// (or the end a row stored before migration 0031 carries).
fn select(at: Option<DateTime<Utc>>) -> SelectStatement {
    use LandVersions as L;
    let mut q = Query::select()
        .columns([
            (L::Table, L::ObjectKind),
            (L::Table, L::ObjectId),
            (L::Table, L::Version),
            (L::Table, L::BeginAt),
            (L::Table, L::Dossier),
            (L::Table, L::Value),
        ])
        .from(L::Table)
        .to_owned();
    if at.is_some() {
        q.expr_as(
            Expr::cust(
                "COALESCE((SELECT s.begin_at FROM land_versions s WHERE s.object_id = \
                 land_versions.object_id AND s.version = land_versions.version + 1), \
                 land_versions.end_at)",
            ),
            "end_at",
        );
    } else {
        q.column((L::Table, L::EndAt));
    }
    q
}

/// The alias the main table goes by in [`holding_on`].
fn main_table() -> sea_query::Alias {
    sea_query::Alias::new("land_versions")
}

/// Only the versions that held at `at` (or the open ones, when `None`).
fn holding(q: &mut SelectStatement, at: Option<DateTime<Utc>>) {
    holding_on(q, main_table(), at);
}

/// Only the rows of table alias `t` whose versions held at `at` (or hold now, when `None`):
/// begun by then, not ended by then (a tombstone ends where it begins), and no successor
/// begun by then — the successor probe is one look into the primary key, next to the
/// version's own entry.
fn holding_on(q: &mut SelectStatement, t: sea_query::Alias, at: Option<DateTime<Utc>>) {
    use LandVersions as L;
    let s = sea_query::Alias::new("s");
    let mut successor = Query::select()
        .expr(Expr::val(1))
        .from_as(L::Table, s.clone())
        .and_where(Expr::col((s.clone(), L::ObjectId)).equals((t.clone(), L::ObjectId)))
        .and_where(Expr::col((s.clone(), L::Version)).eq(Expr::col((t.clone(), L::Version)).add(1)))
        .to_owned();
    match at {
        Some(at) => {
            // A row stored before tombstones (migration 0031) may carry its own end.
            q.and_where(Expr::col((t.clone(), L::BeginAt)).lte(at))
                .and_where(
                    Expr::col((t.clone(), L::EndAt))
                        .is_null()
                        .or(Expr::col((t, L::EndAt)).gt(at)),
                );
            successor.and_where(Expr::col((s, L::BeginAt)).lte(at));
        }
        None => {
            q.and_where(Expr::col((t, L::EndAt)).is_null());
        }
    }
    q.and_where(Expr::not_exists(successor));
}

/// The alias of the lookup row in [`via_keys`].
fn keyed() -> sea_query::Alias {
    sea_query::Alias::new("k")
}

/// Versions found through the lookup rows (`keyed` = 1, the versions where a key began):
/// the key is matched on the alias `k`, which gives the object; the version read is that
/// object's, held at the instant asked, and must carry the key too (its key may have
/// changed since).
fn via_keys(at: Option<DateTime<Utc>>) -> SelectStatement {
    use LandVersions as L;
    let mut q = select(at);
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
    /// Every version of these objects, oldest first per object, each ended where the next
    /// begins; a tombstone ends the version before it and is not itself a version.
    pub async fn land_history(&self, objects: &[Uuid]) -> Result<Vec<Version>, StoreError> {
        use LandVersions as L;
        if objects.is_empty() {
            return Ok(Vec::new());
        }
        // The stored `end_at` as it is: set on tombstones (and on rows ended before 0031).
        let mut q = select(None);
        q.and_where(Expr::col(L::ObjectId).is_in(objects.iter().copied()))
            .order_by(L::ObjectId, Order::Asc)
            .order_by(L::Version, Order::Asc);
        let rows: Vec<VersionRow> = self.fetch_all(&q).await?;
        let stored = rows
            .into_iter()
            .map(VersionRow::into_version)
            .collect::<Result<Vec<_>, _>>()?;
        let mut out: Vec<Version> = Vec::with_capacity(stored.len());
        for v in stored {
            if let Some(prev) = out.last_mut().filter(|p| p.object == v.object) {
                prev.end = Some(v.begin);
            }
            // A tombstone begins and ends at once: it holds at no instant.
            if v.end != Some(v.begin) {
                out.push(v);
            }
        }
        Ok(out)
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
        let mut q = select(at);
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
        let mut q = via_keys(at);
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
        let mut q = select(at);
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
        let mut q = select(at);
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
        let mut q = select(at);
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
        holding_on(&mut q, p, at);
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
        let mut q = via_keys(at);
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
        let mut q = select(at);
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
        let mut q = select(None);
        q.and_where(Expr::col((L::Table, L::ObjectKind)).eq(kind.as_str()))
            .order_by((L::Table, L::ObjectId), Order::Asc);
        holding(&mut q, None);
        let rows: Vec<VersionRow> = self.fetch_page(&q, limit).await?;
        rows.into_iter().map(VersionRow::into_version).collect()
    }

    /// How many register objects are open now, by kind: every object has a first version
    /// and a retired one a tombstone (a row that ends where it begins), so one pass over the
    /// rows counts them with no probe.
    pub async fn land_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        use LandVersions as L;
        let q = Query::select()
            .column(L::ObjectKind)
            .expr_as(
                Expr::cust(
                    "SUM(CASE WHEN version = 1 THEN 1 ELSE 0 END) \
                     - SUM(CASE WHEN end_at = begin_at THEN 1 ELSE 0 END)",
                ),
                "n",
            )
            .from(L::Table)
            .group_by_col(L::ObjectKind)
            .to_owned();
        let rows: Vec<KindCount> = self.fetch_all(&q).await?;
        Ok(rows.into_iter().map(|r| (r.object_kind, r.n)).collect())
    }

    /// Writes a change set's versions on their own: all of them, or none and a conflict when
    /// another change got to one of its objects first. (A dossier's change set goes with its
    /// command instead: [`Db::run_command`].)
    pub async fn apply_land_versions(&self, write: &LandWrite) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        crate::land_write::write_in(&mut tx, write).await?;
        tx.commit().await
    }
}

struct KindCount {
    object_kind: String,
    n: i64,
}

db_row!(KindCount { object_kind, n });

impl Db {
    /// Loads versions as they are (a benchmark's or a bulk load's rows), in one transaction.
    pub async fn load_land_versions(&self, versions: &[Version]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        crate::land_write::insert_versions(&mut tx, versions).await?;
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
        const SQLITE: &str = "SELECT value FROM land_versions v WHERE commune = ?1 AND sheet = ?2 \
             AND number = ?3 AND end_at IS NULL AND NOT EXISTS (SELECT 1 FROM land_versions s WHERE s.object_id = v.object_id \
             AND s.version = v.version + 1)";
        const PG: &str = "SELECT value::text FROM land_versions v WHERE commune = $1 AND sheet = $2 \
             AND number = $3 AND end_at IS NULL AND NOT EXISTS (SELECT 1 FROM land_versions s WHERE s.object_id = v.object_id \
             AND s.version = v.version + 1)";
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
             AND p.end_at IS NULL AND v.end_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM land_versions s WHERE s.object_id = p.object_id \
             AND s.version = p.version + 1) \
             AND NOT EXISTS (SELECT 1 FROM land_versions s WHERE s.object_id = v.object_id \
             AND s.version = v.version + 1)";
        const PG: &str = "SELECT v.value::text FROM land_versions k \
             JOIN land_versions p ON p.object_id = k.object_id \
             JOIN land_links l ON l.target_id = p.object_id \
             JOIN land_versions v ON v.object_id = l.object_id AND v.version = l.version \
             WHERE k.keyed = 1 AND k.party_number = $1 AND p.party_number = $1 \
             AND p.end_at IS NULL AND v.end_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM land_versions s WHERE s.object_id = p.object_id \
             AND s.version = p.version + 1) \
             AND NOT EXISTS (SELECT 1 FROM land_versions s WHERE s.object_id = v.object_id \
             AND s.version = v.version + 1)";
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
             AND (end_at IS NULL OR end_at > '2026-01-01T00:00:00Z') \
             AND NOT EXISTS (SELECT 1 FROM land_versions s WHERE s.object_id = land_versions.object_id \
             AND s.version = land_versions.version + 1 AND s.begin_at <= '2026-01-01T00:00:00Z')";
        const PG: &str = "EXPLAIN SELECT value FROM land_versions WHERE commune = '1' AND sheet = 1 \
             AND number = 1 AND begin_at <= '2026-01-01T00:00:00Z' \
             AND (end_at IS NULL OR end_at > '2026-01-01T00:00:00Z') \
             AND NOT EXISTS (SELECT 1 FROM land_versions s WHERE s.object_id = land_versions.object_id \
             AND s.version = land_versions.version + 1 AND s.begin_at <= '2026-01-01T00:00:00Z')";
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
