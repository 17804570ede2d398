//! Land dossiers' pending change sets (`land_change_sets`, `land_change_parcels`): saved (or
//! replaced) by the specialist, found by the parcels they bear on, and known applied once the
//! approving command's transaction wrote their versions.
//!
//! A set that begins versions is not marked: the versions it wrote name its dossier, and one
//! indexed probe (a subquery of the statement that reads the set) finds them. That keeps the
//! approving step to the register writes alone (one statement fewer inside SQLite's single
//! writer, about a tenth of the step's throughput on the bench). A set that only retires
//! objects leaves no version naming it, so it is marked. A set keeps the open versions it was
//! prepared on (`bases`), so the approving step need not read the register either.

use chrono::{DateTime, Utc};
use motcua_core::land::{ChangeSet, Op, Version};
use sea_query::{Expr, ExprTrait, Iden, Query};
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::land::LandVersions;
use crate::row::db_row;

#[derive(Iden)]
enum LandChangeSets {
    Table,
    DossierId,
    ChangeSet,
    PreparedBy,
    PreparedAt,
    AppliedAt,
    Bases,
    ProbeObject,
    ProbeDossier,
}

#[derive(Iden)]
enum LandChangeParcels {
    Table,
    ParcelId,
    DossierId,
}

/// A dossier's change set as kept.
#[derive(Debug, Clone)]
pub struct StoredChangeSet {
    /// The set.
    pub set: ChangeSet,
    /// Who prepared it (account id).
    pub prepared_by: String,
    /// When.
    pub prepared_at: DateTime<Utc>,
    /// When the approving step applied it.
    pub applied_at: Option<DateTime<Utc>>,
    /// The open versions of its objects when it was prepared (none for a set saved before
    /// they were kept): what the approving step applies it against.
    pub bases: Option<Vec<Version>>,
}

struct SetRow {
    change_set: Json<ChangeSet>,
    prepared_by: String,
    prepared_at: DateTime<Utc>,
    applied_at: Option<DateTime<Utc>>,
    bases: Option<Json<Vec<Version>>>,
    began_at: Option<DateTime<Utc>>,
}

db_row!(SetRow {
    change_set,
    prepared_by,
    prepared_at,
    applied_at,
    bases,
    began_at
});

struct BeganRow {
    begin_at: DateTime<Utc>,
}

db_row!(BeganRow { begin_at });

struct DossierRow {
    dossier_id: Uuid,
}

db_row!(DossierRow { dossier_id });

impl Db {
    /// Saves a dossier's change set (replacing an unapplied one), the open versions it was
    /// prepared against and the parcels it bears on.
    pub async fn save_land_change(
        &self,
        dossier: Uuid,
        set: &ChangeSet,
        bases: &[Version],
        parcels: &[Uuid],
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use LandChangeParcels as P;
        use LandChangeSets as S;
        let encoding = |e: serde_json::Error| StoreError::Encoding(e.to_string());
        let value = serde_json::to_value(set).map_err(encoding)?;
        let bases = serde_json::to_value(bases).map_err(encoding)?;
        let mut tx = self.begin_write().await?;
        tx.execute(
            &Query::delete()
                .from_table(P::Table)
                .and_where(Expr::col(P::DossierId).eq(dossier))
                .to_owned(),
        )
        .await?;
        // An applied set stays as it was (the insert below then refuses: one set per dossier).
        tx.execute(
            &Query::delete()
                .from_table(S::Table)
                .and_where(Expr::col(S::DossierId).eq(dossier))
                .and_where(Expr::col(S::AppliedAt).is_null())
                .to_owned(),
        )
        .await?;
        tx.execute(
            &Query::insert()
                .into_table(S::Table)
                .columns([
                    S::DossierId,
                    S::ChangeSet,
                    S::PreparedBy,
                    S::PreparedAt,
                    S::Bases,
                    S::ProbeObject,
                    S::ProbeDossier,
                ])
                .values_panic([
                    dossier.into(),
                    value.into(),
                    by.into(),
                    at.into(),
                    bases.into(),
                    probe_object(set).into(),
                    set.dossier.clone().into(),
                ])
                .to_owned(),
        )
        .await?;
        for p in parcels {
            tx.execute(
                &Query::insert()
                    .into_table(P::Table)
                    .columns([P::ParcelId, P::DossierId])
                    .values_panic([(*p).into(), dossier.into()])
                    .to_owned(),
            )
            .await?;
        }
        tx.commit().await
    }

    /// A dossier's change set, if it has one, and whether it was applied, in one statement:
    /// the approving step reads this and nothing more.
    pub async fn land_change(&self, dossier: Uuid) -> Result<Option<StoredChangeSet>, StoreError> {
        use LandChangeSets as S;
        let row: Option<SetRow> = self
            .fetch_optional(
                &Query::select()
                    .columns([
                        S::ChangeSet,
                        S::PreparedBy,
                        S::PreparedAt,
                        S::AppliedAt,
                        S::Bases,
                    ])
                    // Applied, if a version names the set's dossier on its probe object.
                    .expr_as(
                        Expr::cust(
                            "(SELECT v.begin_at FROM land_versions v \
                             WHERE v.object_id = land_change_sets.probe_object \
                             AND v.dossier = land_change_sets.probe_dossier LIMIT 1)",
                        ),
                        "began_at",
                    )
                    .from(S::Table)
                    .and_where(Expr::col(S::DossierId).eq(dossier))
                    .to_owned(),
            )
            .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let set = r.change_set.0;
        let bases = r.bases.map(|b| b.0);
        let applied_at = match (r.applied_at.or(r.began_at), &bases) {
            (Some(at), _) => Some(at),
            // Kept before sets named their probe: probe now.
            (None, None) => self.applied_by_versions(&set).await?,
            (None, Some(_)) => None,
        };
        Ok(Some(StoredChangeSet {
            set,
            prepared_by: r.prepared_by,
            prepared_at: r.prepared_at,
            applied_at,
            bases,
        }))
    }

    /// When `set`'s versions began, if they were written: the first object it begins a
    /// version of, probed for a version naming the set's dossier.
    async fn applied_by_versions(
        &self,
        set: &ChangeSet,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        use LandVersions as L;
        let Some(object) = probe_object(set) else {
            return Ok(None);
        };
        let row: Option<BeganRow> = self
            .fetch_first(
                &Query::select()
                    .column(L::BeginAt)
                    .from(L::Table)
                    .and_where(Expr::col(L::ObjectId).eq(object))
                    .and_where(Expr::col(L::Dossier).eq(set.dossier.as_str()))
                    .to_owned(),
            )
            .await?;
        Ok(row.map(|r| r.begin_at))
    }

    /// The other dossiers with an unapplied change set on any of these parcels.
    pub async fn pending_land_changes(
        &self,
        parcels: &[Uuid],
        except: Uuid,
    ) -> Result<Vec<Uuid>, StoreError> {
        use LandChangeParcels as P;
        use LandChangeSets as S;
        if parcels.is_empty() {
            return Ok(Vec::new());
        }
        // Unmarked sets may have been applied already (see the module's note): each
        // candidate is checked; a parcel has only the few dossiers that ever changed it.
        let rows: Vec<DossierRow> = self
            .fetch_page(
                &Query::select()
                    .distinct()
                    .column((P::Table, P::DossierId))
                    .from(P::Table)
                    .inner_join(
                        S::Table,
                        Expr::col((S::Table, S::DossierId)).equals((P::Table, P::DossierId)),
                    )
                    .and_where(Expr::col((P::Table, P::ParcelId)).is_in(parcels.iter().copied()))
                    .and_where(Expr::col((P::Table, P::DossierId)).ne(except))
                    .and_where(Expr::col((S::Table, S::AppliedAt)).is_null())
                    .to_owned(),
                200,
            )
            .await?;
        let mut pending = Vec::new();
        for r in rows {
            if self
                .land_change(r.dossier_id)
                .await?
                .is_some_and(|s| s.applied_at.is_none())
            {
                pending.push(r.dossier_id);
            }
        }
        Ok(pending)
    }
}

/// Marks a dossier's change set applied, inside the approving command's transaction; only a
/// set that begins no version needs it (see the module's note).
pub(crate) async fn mark_applied(
    tx: &mut Tx,
    dossier: Uuid,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    use LandChangeSets as S;
    tx.execute(
        &Query::update()
            .table(S::Table)
            .values([(S::AppliedAt, at.into())])
            .and_where(Expr::col(S::DossierId).eq(dossier))
            .and_where(Expr::col(S::AppliedAt).is_null())
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// The object whose new version shows `set` applied: the first it creates or updates (none
/// for a set that only retires, which is marked instead).
fn probe_object(set: &ChangeSet) -> Option<Uuid> {
    set.ops.iter().find_map(|op| match op {
        Op::Create { object, .. } | Op::Update { object, .. } => Some(object.id),
        Op::Retire { .. } => None,
    })
}
