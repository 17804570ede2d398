//! The land register's versions (`land_versions`): read an object's history, read objects as
//! they stood at an instant by their lookup keys, and write a change set's versions in one
//! transaction — ending a version only if it is still open, so two changes racing on one
//! object cannot both win (the core checks the same before; this is the last word).

use chrono::{DateTime, Utc};
use motcua_core::land::{LandObject, LandWrite, ObjectId, ObjectKind, ParcelNumber, Version};
use sea_query::{Expr, ExprTrait, Iden, Order, Query, SelectStatement};
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
enum LandVersions {
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
    Value,
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
            L::ObjectKind,
            L::ObjectId,
            L::Version,
            L::BeginAt,
            L::EndAt,
            L::Dossier,
            L::Value,
        ])
        .from(L::Table)
        .to_owned()
}

/// Only the versions that held at `at` (or the open ones, when `None`).
fn holding(q: &mut SelectStatement, at: Option<DateTime<Utc>>) {
    use LandVersions as L;
    match at {
        Some(t) => {
            q.and_where(Expr::col(L::BeginAt).lte(t))
                .and_where(Expr::col(L::EndAt).is_null().or(Expr::col(L::EndAt).gt(t)));
        }
        None => {
            q.and_where(Expr::col(L::EndAt).is_null());
        }
    }
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
            .and_where(Expr::col(L::Number).eq(i64::from(number.number)))
            .limit(1);
        holding(&mut q, at);
        let row: Option<VersionRow> = self.fetch_optional(&q).await?;
        row.map(VersionRow::into_version).transpose()
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
        let mut q = select();
        q.and_where(
            Expr::col(L::Serial)
                .eq(serial_or_number)
                .or(Expr::col(L::PartyNumber).eq(serial_or_number)),
        )
        .limit(limit);
        holding(&mut q, at);
        let rows: Vec<VersionRow> = self.fetch_all(&q).await?;
        rows.into_iter().map(VersionRow::into_version).collect()
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

/// Writes the versions inside `tx`, refusing the whole transaction as a conflict when a
/// version to end is no longer open.
pub(crate) async fn write_in(tx: &mut Tx, write: &LandWrite) -> Result<(), StoreError> {
    use LandVersions as L;
    for v in &write.ended {
        let Some(end) = v.end else {
            return Err(StoreError::Conflict(
                "phiên bản kết thúc thiếu thời điểm".into(),
            ));
        };
        let changed = tx
            .execute(
                &Query::update()
                    .table(L::Table)
                    .values([(L::EndAt, end.into())])
                    .and_where(Expr::col(L::ObjectId).eq(v.object.id))
                    .and_where(Expr::col(L::Version).eq(i64::from(v.version)))
                    .and_where(Expr::col(L::EndAt).is_null())
                    .to_owned(),
            )
            .await?;
        if changed != 1 {
            return Err(StoreError::Conflict(format!(
                "{:?} phiên bản {} đã được thay đổi",
                v.object, v.version
            )));
        }
    }
    for v in &write.begun {
        let (commune, sheet, number, serial, party) = keys(&v.value);
        let value =
            serde_json::to_value(&v.value).map_err(|e| StoreError::Encoding(e.to_string()))?;
        tx.execute(
            &Query::insert()
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
                    L::Value,
                ])
                .values_panic([
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
                    value.into(),
                ])
                .to_owned(),
        )
        // Two versions of one object open at once (a race the guard above did not see)
        // break the unique open index: reported as a conflict, nothing written.
        .await?;
    }
    Ok(())
}

type Keys = (
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

/// The lookup columns of a value.
fn keys(value: &LandObject) -> Keys {
    match value {
        LandObject::Parcel(p) => (
            Some(p.number.commune.clone()),
            Some(i64::from(p.number.sheet)),
            Some(i64::from(p.number.number)),
            None,
            None,
        ),
        LandObject::Certificate(c) => (None, None, None, Some(c.serial.clone()), None),
        LandObject::Party(p) if !p.number.is_empty() => {
            (None, None, None, None, Some(p.number.clone()))
        }
        _ => (None, None, None, None, None),
    }
}
