//! The plans' targets: importing a plan file (checked like the catalogue: the province is the
//! installation's, every agency it names exists in it), and each figure beside the target in
//! force at a period's end — met or behind, by how much.

use std::collections::{HashMap, HashSet};

use motcua_core::catalog::{OnlineLevel, Role};
use motcua_core::dossier::Actor;
use motcua_core::kpi::Tally;
use motcua_core::kpi::targets::{
    PlanFigure, PlanInputs, Standing, Target, TargetScope, parse_plan, plan_value, standing,
    target_at,
};
use motcua_store::AdminChange;
use serde_json::json;

use crate::admin::{entry, require_admin};
use crate::figures::{FigureQuery, Grouping, subtree};
use crate::{App, AppError};

/// A figure beside its target, for one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanLine {
    /// The figure.
    pub figure: PlanFigure,
    /// The unit: the province's or an agency's name.
    pub unit: String,
    /// The agency's code ("" for the province).
    pub unit_code: String,
    /// The plan the target comes from.
    pub plan: String,
    /// The target in force.
    pub target: Target,
    /// The figure's value (`None`: no data).
    pub value: Option<f64>,
    /// Met or behind.
    pub standing: Standing,
}

impl App {
    /// Imports a plan file, replacing the plan of the same name. Returns the number of
    /// targets.
    pub async fn import_plan(&self, by: &Actor, file: &str, text: &str) -> Result<usize, AppError> {
        require_admin(by)?;
        let plan = parse_plan(file, text).map_err(AppError::Invalid)?;
        let province = self
            .province()
            .await?
            .ok_or_else(|| AppError::Invalid("hệ thống chưa được khởi tạo (motcua init)".into()))?;
        if plan.province != province.code {
            return Err(AppError::Invalid(format!(
                "{file}: kế hoạch của tỉnh {}, hệ thống phục vụ tỉnh {} ({})",
                plan.province, province.code, province.name
            )));
        }
        let codes: HashSet<String> = self
            .db()
            .agencies(&province.code)
            .await?
            .into_iter()
            .map(|a| a.code)
            .collect();
        for t in &plan.targets {
            if let TargetScope::Agency(code) = &t.scope
                && !codes.contains(code.as_str())
            {
                return Err(AppError::Invalid(format!(
                    "{file}: cơ quan {code} không thuộc tỉnh {}",
                    province.name
                )));
            }
        }
        let count = plan.targets.len();
        let log = entry(
            by,
            "plan.import",
            &plan.name,
            json!(null),
            json!({"file": file, "targets": count}),
        );
        self.db()
            .admin_change(&AdminChange::ImportPlan(plan), &log, self.now())
            .await?;
        Ok(count)
    }

    /// Removes a plan's targets.
    pub async fn delete_plan(&self, by: &Actor, name: &str) -> Result<(), AppError> {
        require_admin(by)?;
        let log = entry(by, "plan.delete", name, json!(name), json!(null));
        self.db()
            .admin_change(
                &AdminChange::DeletePlan { name: name.into() },
                &log,
                self.now(),
            )
            .await
            .map_err(|e| match e {
                motcua_store::StoreError::NotFound => {
                    AppError::NotFound(format!("không có kế hoạch \"{name}\""))
                }
                e => e.into(),
            })
    }

    /// Each figure with a target for the units a query covers, beside the target in force at
    /// the period's end: the province's targets when the query covers the province, an
    /// agency's when it is in scope, a kind's for each agency of that kind in scope.
    pub async fn plan_lines(
        &self,
        province: &str,
        q: &FigureQuery,
    ) -> Result<Vec<PlanLine>, AppError> {
        let targets = self.db().plan_targets(province).await?;
        if targets.is_empty() {
            return Ok(vec![]);
        }
        let by_agency = self
            .figures(
                province,
                &FigureQuery {
                    by: Grouping::Agency,
                    ..q.clone()
                },
            )
            .await?;
        let (agencies, scope) = self
            .figure_scope(province, q.under.as_deref(), q.visible.as_deref(), q.units)
            .await?;
        let province_name = self
            .province()
            .await?
            .map_or_else(|| province.to_owned(), |p| p.name);
        let days = u64::try_from((q.period.to - q.period.from).num_days() + 1).unwrap_or(1);
        let accounts = self.db().accounts(province).await?;
        let tickets = self
            .db()
            .tickets(
                &scope.iter().cloned().collect::<Vec<_>>(),
                q.period.from,
                q.period.to,
                &[],
            )
            .await?;
        // One unit's figures: the agency and those under it, among the rows in scope.
        let unit = |code: Option<&str>| -> (Tally, PlanInputs) {
            let members: HashSet<&str> = match code {
                None => scope.iter().map(String::as_str).collect(),
                Some(root) => subtree(&agencies, root),
            };
            let mut tally = Tally::default();
            let mut inputs = PlanInputs {
                days,
                ..PlanInputs::default()
            };
            for r in by_agency
                .rows
                .iter()
                .filter(|r| members.contains(r.key.as_str()))
            {
                tally.merge(&r.tally);
                inputs.full_online.0 += r.full_online.0;
                inputs.full_online.1 += r.full_online.1;
            }
            inputs.desk_officers = accounts
                .iter()
                .filter(|a| a.active && a.role == Role::DeskOfficer.as_str())
                .filter(|a| a.units.0.iter().any(|u| members.contains(u.as_str())))
                .count() as u64;
            inputs.wait_minutes = motcua_core::tickets::figures(
                tickets
                    .iter()
                    .filter(|t| members.contains(t.agency.as_str())),
            )
            .wait_avg;
            (tally, inputs)
        };
        let whole_province = q.under.is_none() && q.visible.is_none();
        // (figure, agency code, unit name) → the targets for it, with their plans.
        type Unit = (PlanFigure, String, String);
        let mut groups: HashMap<Unit, Vec<(&String, &Target)>> = HashMap::new();
        for (plan, t) in &targets {
            let units: Vec<(String, String)> = match &t.scope {
                TargetScope::Province if whole_province => {
                    vec![(String::new(), province_name.clone())]
                }
                TargetScope::Province => vec![],
                TargetScope::Agency(code) => agencies
                    .iter()
                    .filter(|a| a.code == code.as_str() && scope.contains(&a.code))
                    .map(|a| (a.code.clone(), a.name.clone()))
                    .collect(),
                TargetScope::Kind(kind) => agencies
                    .iter()
                    .filter(|a| &a.kind == kind && a.active && scope.contains(&a.code))
                    .map(|a| (a.code.clone(), a.name.clone()))
                    .collect(),
            };
            for (code, name) in units {
                groups
                    .entry((t.figure, code, name))
                    .or_default()
                    .push((plan, t));
            }
        }
        let mut lines = Vec::new();
        for ((figure, code, name), list) in groups {
            let Some(target) = target_at(list.iter().map(|(_, t)| *t), q.period.to) else {
                continue;
            };
            let plan = list
                .iter()
                .find(|(_, t)| std::ptr::eq(*t, target))
                .map_or_else(String::new, |(p, _)| (*p).clone());
            let (tally, inputs) = unit((!code.is_empty()).then_some(code.as_str()));
            let value = plan_value(figure, &tally, &inputs);
            lines.push(PlanLine {
                figure,
                unit: name,
                unit_code: code,
                plan,
                target: target.clone(),
                value,
                standing: standing(figure, value, target.value),
            });
        }
        lines.sort_by(|a, b| {
            (
                PlanFigure::ALL.iter().position(|f| *f == a.figure),
                &a.unit_code,
            )
                .cmp(&(
                    PlanFigure::ALL.iter().position(|f| *f == b.figure),
                    &b.unit_code,
                ))
        });
        Ok(lines)
    }

    /// The procedures offered fully online (dịch vụ công trực tuyến toàn trình) among `heads`
    /// (parsed versions come from the cache).
    pub(crate) async fn full_online_procedures(
        &self,
        heads: &[motcua_store::ProcedureHead],
    ) -> Result<HashSet<String>, AppError> {
        let mut full = HashSet::new();
        for h in heads {
            let version = u32::try_from(h.version).unwrap_or(0);
            if self.procedure(&h.code, Some(version)).await?.online == OnlineLevel::Full {
                full.insert(h.code.clone());
            }
        }
        Ok(full)
    }
}
