//! Administrative units and agencies. An agency keeps its id for life: renaming, re-coding,
//! merging and moving it are recorded in `agency_history`, every code it ever had stays in
//! `agency_codes`, and a merged agency points to the one it joined, so dossiers filed under
//! any of its names and codes are still found.

use chrono::{DateTime, Utc};
use motcua_core::ids::AgencyCode;
use motcua_core::units::{AdminUnit, AgencyFile};
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Order, Query};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
enum AdminUnits {
    Table,
    Code,
    Name,
    DivisionType,
    ProvinceCode,
}

#[derive(Iden)]
enum Agencies {
    Table,
    Id,
    Code,
    Name,
    Kind,
    ParentId,
    ProvinceCode,
    AdminUnitCode,
    MergedInto,
    Active,
    UpdatedAt,
}

#[derive(Iden)]
enum AgencyCodes {
    Table,
    Code,
    AgencyId,
    RecordedAt,
}

#[derive(Iden)]
enum AgencyHistory {
    Table,
    Id,
    AgencyId,
    Change,
    Detail,
    RecordedAt,
}

/// An agency as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAgency {
    /// Stable id.
    pub id: Uuid,
    /// Current electronic identifier.
    pub code: String,
    /// Current name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Parent's id.
    pub parent_id: Option<Uuid>,
    /// Province.
    pub province_code: String,
    /// Administrative unit served.
    pub admin_unit_code: Option<String>,
    /// The agency it was merged into.
    pub merged_into: Option<Uuid>,
    /// False once merged away.
    pub active: bool,
}

db_row!(StoredAgency {
    id,
    code,
    name,
    kind,
    parent_id,
    province_code,
    admin_unit_code,
    merged_into,
    active
});

struct IdRow {
    agency_id: Uuid,
}

db_row!(IdRow { agency_id });

struct HistoryRow {
    change: String,
    detail: String,
}

db_row!(HistoryRow { change, detail });

/// The columns of [`StoredAgency`], in its order.
const AGENCY_COLUMNS: [Agencies; 9] = [
    Agencies::Id,
    Agencies::Code,
    Agencies::Name,
    Agencies::Kind,
    Agencies::ParentId,
    Agencies::ProvinceCode,
    Agencies::AdminUnitCode,
    Agencies::MergedInto,
    Agencies::Active,
];

fn agency_select() -> sea_query::SelectStatement {
    Query::select()
        .columns(AGENCY_COLUMNS)
        .from(Agencies::Table)
        .to_owned()
}

struct ProvinceRow {
    province_code: String,
}

db_row!(ProvinceRow { province_code });

struct UnitNameRow {
    name: String,
}

db_row!(UnitNameRow { name });

impl Db {
    /// An administrative unit's name ("Thành phố Đà Nẵng", "Phường Hải Châu").
    pub async fn admin_unit_name(&self, code: &str) -> Result<Option<String>, StoreError> {
        let row: Option<UnitNameRow> = self
            .fetch_optional(
                &Query::select()
                    .column(AdminUnits::Name)
                    .from(AdminUnits::Table)
                    .and_where(Expr::col(AdminUnits::Code).eq(code))
                    .to_owned(),
            )
            .await?;
        Ok(row.map(|r| r.name))
    }

    /// Loads (or refreshes) the administrative units, provinces first.
    pub async fn import_admin_units(&self, units: &[AdminUnit]) -> Result<usize, StoreError> {
        use AdminUnits as U;
        let mut tx = self.begin_write().await?;
        let (provinces, communes): (Vec<&AdminUnit>, Vec<&AdminUnit>) =
            units.iter().partition(|u| u.province_code.is_none());
        for chunk in provinces.chunks(400).chain(communes.chunks(400)) {
            let mut stmt = Query::insert()
                .into_table(U::Table)
                .columns([U::Code, U::Name, U::DivisionType, U::ProvinceCode])
                .on_conflict(
                    OnConflict::column(U::Code)
                        .update_columns([U::Name, U::DivisionType, U::ProvinceCode])
                        .to_owned(),
                )
                .to_owned();
            for u in chunk {
                stmt.values_panic([
                    u.code.clone().into(),
                    u.name.clone().into(),
                    u.division_type.clone().into(),
                    u.province_code.clone().into(),
                ]);
            }
            tx.execute(&stmt).await?;
        }
        tx.commit().await?;
        Ok(units.len())
    }

    /// Loads a province's agency file: new agencies are created, known ones updated (a new
    /// name or parent is recorded in their history).
    pub async fn import_agencies(
        &self,
        file: &AgencyFile,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let mut tx = self.begin_write().await?;
        let n = import_agencies_in(&mut tx, file, now).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// The agency that answers to `code` today: found by any code it ever had, then followed
    /// through mergers.
    pub async fn agency(&self, code: &str) -> Result<Option<StoredAgency>, StoreError> {
        let mut tx = self.begin_write().await?;
        let Some(mut id) = resolve_in(&mut tx, code).await? else {
            return Ok(None);
        };
        let mut agency = agency_by_id(&mut tx, id).await?;
        // Mergers form a chain; a cycle is impossible (merge refuses it), the bound is a guard.
        for _ in 0..32 {
            match agency.merged_into {
                Some(next) if next != id => {
                    id = next;
                    agency = agency_by_id(&mut tx, id).await?;
                }
                _ => break,
            }
        }
        tx.commit().await?;
        Ok(Some(agency))
    }

    /// The agency a code names, merged away or not (its current code if it was re-coded);
    /// [`Db::agency`] follows mergers to the successor instead.
    pub async fn agency_as_named(&self, code: &str) -> Result<Option<StoredAgency>, StoreError> {
        let mut tx = self.begin_write().await?;
        let agency = match resolve_in(&mut tx, code).await? {
            Some(id) => Some(agency_by_id(&mut tx, id).await?),
            None => None,
        };
        tx.commit().await?;
        Ok(agency)
    }

    /// A province's active agencies, by code.
    pub async fn agencies(&self, province: &str) -> Result<Vec<StoredAgency>, StoreError> {
        self.fetch_all(
            &agency_select()
                .and_where(Expr::col(Agencies::ProvinceCode).eq(province))
                .and_where(Expr::col(Agencies::Active).eq(true))
                .order_by(Agencies::Code, Order::Asc)
                .to_owned(),
        )
        .await
    }

    /// A province's agencies, those merged away included (reports by the units as they were).
    pub async fn agencies_ever(&self, province: &str) -> Result<Vec<StoredAgency>, StoreError> {
        self.fetch_all(
            &agency_select()
                .and_where(Expr::col(Agencies::ProvinceCode).eq(province))
                .order_by(Agencies::Code, Order::Asc)
                .to_owned(),
        )
        .await
    }

    /// The provinces that have active agencies (a deployment usually serves one).
    pub async fn agency_provinces(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<ProvinceRow> = self
            .fetch_all(
                &Query::select()
                    .distinct()
                    .column(Agencies::ProvinceCode)
                    .from(Agencies::Table)
                    .and_where(Expr::col(Agencies::Active).eq(true))
                    .order_by(Agencies::ProvinceCode, Order::Asc)
                    .to_owned(),
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.province_code).collect())
    }

    /// Gives an agency a new electronic identifier; the old one keeps resolving to it.
    pub async fn recode_agency(
        &self,
        old: &str,
        new: &AgencyCode,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        recode_in(&mut tx, old, new, now).await?;
        tx.commit().await
    }

    /// Merges `from` into `into`: `from` becomes inactive and points to `into`.
    pub async fn merge_agency(
        &self,
        from: &str,
        into: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        merge_in(&mut tx, from, into, now).await?;
        tx.commit().await
    }

    /// Every code an agency has had (the current one and those before a re-coding), with the
    /// agency's id: how figures kept under an old code find their agency.
    pub async fn agency_codes(&self) -> Result<Vec<(String, Uuid)>, StoreError> {
        use AgencyCodes as C;
        let rows: Vec<CodeRow> = self
            .fetch_all(
                &Query::select()
                    .columns([C::Code, C::AgencyId])
                    .from(C::Table)
                    .to_owned(),
            )
            .await?;
        Ok(rows.into_iter().map(|r| (r.code, r.agency_id)).collect())
    }

    /// The changes recorded for an agency, oldest first, as (change, detail).
    pub async fn agency_history(&self, code: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = resolve_in(&mut tx, code)
            .await?
            .ok_or(StoreError::NotFound)?;
        use AgencyHistory as H;
        let rows: Vec<HistoryRow> = tx
            .fetch_all(
                &Query::select()
                    .columns([H::Change, H::Detail])
                    .from(H::Table)
                    .and_where(Expr::col(H::AgencyId).eq(id))
                    .order_by(H::RecordedAt, Order::Asc)
                    .order_by(H::Id, Order::Asc)
                    .to_owned(),
            )
            .await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(|r| (r.change, r.detail)).collect())
    }
}

/// [`Db::import_agencies`] inside a transaction (an administrative change logs it alongside).
pub(crate) async fn import_agencies_in(
    tx: &mut Tx,
    file: &AgencyFile,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    for spec in &file.agencies {
        let parent = match &spec.parent {
            Some(p) => Some(
                resolve_in(tx, p.as_str())
                    .await?
                    .ok_or(StoreError::NotFound)?,
            ),
            None => None,
        };
        match resolve_in(tx, spec.code.as_str()).await? {
            None => {
                let id = Uuid::now_v7();
                use Agencies as A;
                tx.execute(
                    &Query::insert()
                        .into_table(A::Table)
                        .columns(AGENCY_COLUMNS.into_iter().chain([A::UpdatedAt]))
                        .values_panic([
                            id.into(),
                            spec.code.as_str().into(),
                            spec.name.clone().into(),
                            spec.kind.clone().into(),
                            parent.into(),
                            file.province.clone().into(),
                            spec.admin_unit.clone().into(),
                            Option::<Uuid>::None.into(),
                            true.into(),
                            now.into(),
                        ])
                        .to_owned(),
                )
                .await?;
                add_code(tx, id, spec.code.as_str(), now).await?;
                history(tx, id, "created", &spec.name, now).await?;
            }
            Some(id) => {
                let current = agency_by_id(tx, id).await?;
                if current.name != spec.name {
                    set(tx, id, Agencies::Name, spec.name.clone(), now).await?;
                    history(
                        tx,
                        id,
                        "renamed",
                        &format!("{} → {}", current.name, spec.name),
                        now,
                    )
                    .await?;
                }
                if current.parent_id != parent {
                    set_parent(tx, id, parent, now).await?;
                    history(
                        tx,
                        id,
                        "moved",
                        &format!("{:?} → {:?}", current.parent_id, parent),
                        now,
                    )
                    .await?;
                }
            }
        }
    }
    Ok(file.agencies.len())
}

/// [`Db::recode_agency`] inside a transaction.
pub(crate) async fn recode_in(
    tx: &mut Tx,
    old: &str,
    new: &AgencyCode,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = resolve_in(tx, old).await?.ok_or(StoreError::NotFound)?;
    if resolve_in(tx, new.as_str()).await?.is_some() {
        return Err(StoreError::Conflict(format!("mã {new} đã được dùng")));
    }
    set(tx, id, Agencies::Code, new.to_string(), now).await?;
    add_code(tx, id, new.as_str(), now).await?;
    history(tx, id, "recoded", &format!("{old} → {new}"), now).await
}

/// [`Db::merge_agency`] inside a transaction.
pub(crate) async fn merge_in(
    tx: &mut Tx,
    from: &str,
    into: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let from_id = resolve_in(tx, from).await?.ok_or(StoreError::NotFound)?;
    let into_id = resolve_in(tx, into).await?.ok_or(StoreError::NotFound)?;
    let (gone, successor) = (
        agency_by_id(tx, from_id).await?,
        agency_by_id(tx, into_id).await?,
    );
    if from_id == into_id || successor.merged_into.is_some() {
        return Err(StoreError::Conflict(format!(
            "không thể sáp nhập {from} vào {into}"
        )));
    }
    // Its staff and the systems acting for it act for the successor from now on.
    crate::unit_moves::move_units_in(tx, &gone.province_code, &gone.code, &successor.code).await?;
    use Agencies as A;
    tx.execute(
        &Query::update()
            .table(A::Table)
            .values([
                (A::MergedInto, into_id.into()),
                (A::Active, false.into()),
                (A::UpdatedAt, now.into()),
            ])
            .and_where(Expr::col(A::Id).eq(from_id))
            .to_owned(),
    )
    .await?;
    history(tx, from_id, "merged", &format!("{from} → {into}"), now).await
}

/// Renames an agency (its history keeps the old name).
pub(crate) async fn rename_in(
    tx: &mut Tx,
    code: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = resolve_in(tx, code).await?.ok_or(StoreError::NotFound)?;
    let current = agency_by_id(tx, id).await?;
    set(tx, id, Agencies::Name, name.to_owned(), now).await?;
    history(
        tx,
        id,
        "renamed",
        &format!("{} → {name}", current.name),
        now,
    )
    .await
}

/// Puts an agency under another parent (or none); a cycle is refused.
pub(crate) async fn move_in(
    tx: &mut Tx,
    code: &str,
    parent: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = resolve_in(tx, code).await?.ok_or(StoreError::NotFound)?;
    let parent_id = match parent {
        Some(p) => Some(resolve_in(tx, p).await?.ok_or(StoreError::NotFound)?),
        None => None,
    };
    // Walk up from the new parent: meeting the agency itself would make a cycle.
    let mut up = parent_id;
    for _ in 0..64 {
        match up {
            Some(u) if u == id => {
                return Err(StoreError::Conflict(
                    "không thể đặt một cơ quan dưới chính nó hoặc cơ quan cấp dưới của nó".into(),
                ));
            }
            Some(u) => up = agency_by_id(tx, u).await?.parent_id,
            None => break,
        }
    }
    set_parent(tx, id, parent_id, now).await?;
    history(
        tx,
        id,
        "moved",
        &format!("{code} → {}", parent.unwrap_or("—")),
        now,
    )
    .await
}

struct CodeRow {
    code: String,
    agency_id: Uuid,
}

db_row!(CodeRow { code, agency_id });

async fn resolve_in(tx: &mut Tx, code: &str) -> Result<Option<Uuid>, StoreError> {
    use AgencyCodes as C;
    let row: Option<IdRow> = tx
        .fetch_optional(
            &Query::select()
                .column(C::AgencyId)
                .from(C::Table)
                .and_where(Expr::col(C::Code).eq(code))
                .to_owned(),
        )
        .await?;
    Ok(row.map(|r| r.agency_id))
}

async fn agency_by_id(tx: &mut Tx, id: Uuid) -> Result<StoredAgency, StoreError> {
    let rows: Option<StoredAgency> = tx
        .fetch_optional(
            &agency_select()
                .and_where(Expr::col(Agencies::Id).eq(id))
                .to_owned(),
        )
        .await?;
    rows.ok_or(StoreError::NotFound)
}

async fn add_code(tx: &mut Tx, id: Uuid, code: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    use AgencyCodes as C;
    tx.execute(
        &Query::insert()
            .into_table(C::Table)
            .columns([C::Code, C::AgencyId, C::RecordedAt])
            .values_panic([code.into(), id.into(), now.into()])
            .to_owned(),
    )
    .await
    .map(|_| ())
}

async fn set(
    tx: &mut Tx,
    id: Uuid,
    column: Agencies,
    value: String,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        &Query::update()
            .table(Agencies::Table)
            .values([(column, value.into()), (Agencies::UpdatedAt, now.into())])
            .and_where(Expr::col(Agencies::Id).eq(id))
            .to_owned(),
    )
    .await
    .map(|_| ())
}

async fn set_parent(
    tx: &mut Tx,
    id: Uuid,
    parent: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        &Query::update()
            .table(Agencies::Table)
            .values([
                (Agencies::ParentId, parent.into()),
                (Agencies::UpdatedAt, now.into()),
            ])
            .and_where(Expr::col(Agencies::Id).eq(id))
            .to_owned(),
    )
    .await
    .map(|_| ())
}

async fn history(
    tx: &mut Tx,
    id: Uuid,
    change: &str,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use AgencyHistory as H;
    tx.execute(
        &Query::insert()
            .into_table(H::Table)
            .columns([H::Id, H::AgencyId, H::Change, H::Detail, H::RecordedAt])
            .values_panic([
                Uuid::now_v7().into(),
                id.into(),
                change.into(),
                detail.into(),
                now.into(),
            ])
            .to_owned(),
    )
    .await
    .map(|_| ())
}
