//! Writing the land register: a change set's new versions (and tombstones), and a load's
//! versions as they are. Only inserts: a version's row is never written again (see
//! `land.rs`), so a change that raced another on the same object meets the other's row on
//! the primary key and the whole transaction is refused.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use motcua_core::land::{LandObject, LandWrite, Version};
use sea_query::{InsertStatement, Query};
use uuid::Uuid;

use crate::db::Tx;
use crate::error::StoreError;
use crate::land::{LandLinks, LandVersions};

/// What the officer is told when the register moved since the change was prepared.
const MOVED: &str = "sổ địa chính đã được thay đổi sau khi chuẩn bị";

/// The statements that write `write`: the new versions, a tombstone for each version ended
/// without a successor (an ended version with one is not written at all: its successor,
/// the next number, ends it), and their links. Refused when an ended version has no end.
pub(crate) fn statements(write: &LandWrite) -> Result<Vec<InsertStatement>, StoreError> {
    if write.ended.iter().any(|v| v.end.is_none()) {
        return Err(StoreError::Conflict(
            "phiên bản kết thúc thiếu thời điểm".into(),
        ));
    }
    let all: Vec<&Version> = write.ended.iter().chain(&write.begun).collect();
    build(&all, &stored_rows(&all, false), write.dossier.as_deref())
}

/// What a failed register write means: a row already there is another change's (the
/// register moved since the change was prepared).
pub(crate) fn moved(err: StoreError) -> StoreError {
    match err {
        StoreError::Conflict(_) => StoreError::Conflict(MOVED.into()),
        other => other,
    }
}

/// Writes `write` inside `tx`: all of it, or a conflict and the transaction is to be
/// dropped. (A dossier's change set goes with its command's own statements instead.)
pub(crate) async fn write_in(tx: &mut Tx, write: &LandWrite) -> Result<(), StoreError> {
    tx.execute_all(&statements(write)?).await.map_err(moved)
}

/// Inserts versions as they are (a load): each ended one stored open and closed by its
/// successor or a tombstone. A version already there (a load run twice) breaks the primary
/// key and the transaction fails, nothing written.
pub(crate) async fn insert_versions(tx: &mut Tx, versions: &[Version]) -> Result<(), StoreError> {
    let all: Vec<&Version> = versions.iter().collect();
    for stmt in build(&all, &stored_rows(&all, true), None)? {
        tx.execute(&stmt).await?;
    }
    Ok(())
}

/// A row to insert: a version, or the tombstone that closes one (`Closing`).
enum Row<'a> {
    Version(&'a Version),
    Closing(&'a Version),
}

/// The rows that store `versions`: each open one as it is; each ended one also as it is
/// when `load` (a change's ended versions are already stored), and closed by a tombstone
/// unless its successor is among them.
fn stored_rows<'a>(versions: &[&'a Version], load: bool) -> Vec<Row<'a>> {
    let present: HashSet<(Uuid, u32)> = versions.iter().map(|v| (v.object.id, v.version)).collect();
    let mut rows = Vec::new();
    for v in versions {
        if v.end.is_none() || load {
            rows.push(Row::Version(v));
        }
        if v.end.is_some() && !present.contains(&(v.object.id, v.version.saturating_add(1))) {
            rows.push(Row::Closing(v));
        }
    }
    rows
}

/// Rows per multi-row insert (14 columns: well under SQLite's bound-parameter limit).
const ROWS_PER_INSERT: usize = 400;

/// Multi-row inserts of `rows` and of their links (of the versions `all`, which decide where
/// a key begins; tombstones name `dossier`).
fn build(
    all: &[&Version],
    rows: &[Row<'_>],
    dossier: Option<&str>,
) -> Result<Vec<InsertStatement>, StoreError> {
    use LandVersions as L;
    let by_id: HashMap<(Uuid, u32), &Version> =
        all.iter().map(|v| ((v.object.id, v.version), *v)).collect();
    let mut out = Vec::new();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
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
        let mut links_insert = Query::insert()
            .into_table(LandLinks::Table)
            .columns([LandLinks::TargetId, LandLinks::ObjectId, LandLinks::Version])
            .to_owned();
        let mut any_link = false;
        for row in chunk {
            let (v, closing) = match row {
                Row::Version(v) => (*v, false),
                Row::Closing(v) => (*v, true),
            };
            let value =
                serde_json::to_value(&v.value).map_err(|e| StoreError::Encoding(e.to_string()))?;
            if closing {
                // The next number, from the end on, holding at no instant; no keys, no links.
                let end = v.end.unwrap_or(v.begin);
                insert.values_panic([
                    v.object.kind.as_str().into(),
                    v.object.id.into(),
                    i64::from(v.version.saturating_add(1)).into(),
                    end.into(),
                    Some(end).into(),
                    dossier.map(str::to_owned).into(),
                    Option::<String>::None.into(),
                    Option::<i64>::None.into(),
                    Option::<i64>::None.into(),
                    Option::<String>::None.into(),
                    Option::<String>::None.into(),
                    Option::<String>::None.into(),
                    0i32.into(),
                    value.into(),
                ]);
                continue;
            }
            let (commune, sheet, number, serial, party, name_key) = keys(&v.value);
            // A version whose predecessor (in this write) had the same keys needs no lookup
            // entries: the predecessor's, or an earlier one's, lead to the object.
            let keyed = v
                .version
                .checked_sub(1)
                .and_then(|p| by_id.get(&(v.object.id, p)))
                .is_none_or(|p| keys(&p.value) != keys(&v.value));
            insert.values_panic([
                v.object.kind.as_str().into(),
                v.object.id.into(),
                i64::from(v.version).into(),
                v.begin.into(),
                Option::<DateTime<Utc>>::None.into(),
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
            for t in links(v.object.id, &v.value) {
                any_link = true;
                links_insert.values_panic([
                    t.into(),
                    v.object.id.into(),
                    i64::from(v.version).into(),
                ]);
            }
        }
        out.push(insert);
        if any_link {
            out.push(links_insert);
        }
    }
    Ok(out)
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
