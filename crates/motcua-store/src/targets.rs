//! The plans' targets a province imported (`plan_targets`).

use chrono::{DateTime, NaiveDate, Utc};
use motcua_core::ids::AgencyCode;
use motcua_core::kpi::targets::{Plan, PlanFigure, Target, TargetScope};
use sea_query::{Expr, ExprTrait, Iden, Order, Query};

use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::row::db_row;

#[derive(Iden)]
enum PlanTargets {
    Table,
    Plan,
    ProvinceCode,
    Figure,
    Scope,
    Due,
    Value,
    ImportedAt,
}

struct TargetRow {
    plan: String,
    figure: String,
    scope: String,
    due: String,
    value: f64,
}

db_row!(TargetRow {
    plan,
    figure,
    scope,
    due,
    value
});

fn scope_text(s: &TargetScope) -> String {
    match s {
        TargetScope::Province => String::new(),
        TargetScope::Agency(code) => format!("agency:{code}"),
        TargetScope::Kind(kind) => format!("kind:{kind}"),
    }
}

fn scope_of(text: &str) -> Option<TargetScope> {
    if text.is_empty() {
        return Some(TargetScope::Province);
    }
    if let Some(code) = text.strip_prefix("agency:") {
        return AgencyCode::parse(code).ok().map(TargetScope::Agency);
    }
    text.strip_prefix("kind:")
        .map(|k| TargetScope::Kind(k.to_owned()))
}

/// Replaces a plan's targets, in the administrative change's transaction.
pub(crate) async fn import_plan_in(
    tx: &mut Tx,
    plan: &Plan,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use PlanTargets as P;
    tx.execute(
        &Query::delete()
            .from_table(P::Table)
            .and_where(Expr::col(P::Plan).eq(plan.name.as_str()))
            .to_owned(),
    )
    .await?;
    for chunk in plan.targets.chunks(500) {
        let mut insert = Query::insert()
            .into_table(P::Table)
            .columns([
                P::Plan,
                P::ProvinceCode,
                P::Figure,
                P::Scope,
                P::Due,
                P::Value,
                P::ImportedAt,
            ])
            .to_owned();
        for t in chunk {
            insert.values_panic([
                plan.name.as_str().into(),
                plan.province.as_str().into(),
                t.figure.as_str().into(),
                scope_text(&t.scope).into(),
                t.by.format("%Y-%m-%d").to_string().into(),
                t.value.into(),
                now.into(),
            ]);
        }
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// Removes a plan's targets.
pub(crate) async fn delete_plan_in(tx: &mut Tx, name: &str) -> Result<u64, StoreError> {
    tx.execute(
        &Query::delete()
            .from_table(PlanTargets::Table)
            .and_where(Expr::col(PlanTargets::Plan).eq(name))
            .to_owned(),
    )
    .await
}

impl Db {
    /// A province's targets, with the plan each came from, by plan, figure and date.
    pub async fn plan_targets(&self, province: &str) -> Result<Vec<(String, Target)>, StoreError> {
        use PlanTargets as P;
        let rows: Vec<TargetRow> = self
            .fetch_all(
                &Query::select()
                    .columns([P::Plan, P::Figure, P::Scope, P::Due, P::Value])
                    .from(P::Table)
                    .and_where(Expr::col(P::ProvinceCode).eq(province))
                    .order_by(P::Plan, Order::Asc)
                    .order_by(P::Figure, Order::Asc)
                    .order_by(P::Due, Order::Asc)
                    .to_owned(),
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some((
                    r.plan,
                    Target {
                        figure: PlanFigure::parse(&r.figure)?,
                        scope: scope_of(&r.scope)?,
                        by: NaiveDate::parse_from_str(&r.due, "%Y-%m-%d").ok()?,
                        value: r.value,
                    },
                ))
            })
            .collect())
    }
}
