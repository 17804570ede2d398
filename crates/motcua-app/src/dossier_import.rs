//! Importing dossiers from another system's export as a use case: each record is read by the
//! core, placed (our procedure, our agencies, our code), compared with what an earlier run
//! imported, and written as one `Imported` event through the command path — so it is
//! hash-chained, counted in the rollup for its own days, searchable and visible by unit
//! like any dossier. A second run finds every dossier unchanged; a corrected record restates
//! a dossier only if nothing has happened to it here since.

use std::collections::BTreeSet;

use motcua_core::calendar::deadline::local;
use motcua_core::dossier::{Change, Dossier, Event};
use motcua_core::ids::AgencyCode;
use motcua_core::import::{Legacy, Placement, build, continue_at, digest, dossier_id, read_record};
use motcua_store::Target;
use serde::Serialize;

use crate::{App, AppError};

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, Serialize)]
pub struct DossierImport {
    /// Records read.
    pub read: u64,
    /// New dossiers.
    pub created: u64,
    /// Dossiers restated from a corrected record.
    pub updated: u64,
    /// Dossiers the same as imported before.
    pub unchanged: u64,
    /// Corrected records not applied: the dossier has been handled here since its import.
    pub handled_here: u64,
    /// Records refused (each listed in the rejects).
    pub rejected: u64,
    /// Procedure codes of the records that are not in the catalogue, each once.
    pub unknown_procedures: BTreeSet<String>,
    /// Agency identifiers of the records that are not among the units, each once.
    pub unknown_agencies: BTreeSet<String>,
    /// Nothing was written on purpose.
    pub dry_run: bool,
}

/// A refused record: where it is, its code, the field and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReject {
    /// The file.
    pub file: String,
    /// The record's place in the file (1-based).
    pub row: usize,
    /// Its code, if it had one.
    pub code: String,
    /// The field.
    pub field: String,
    /// Why, in Vietnamese.
    pub reason: String,
}

/// One record to import and where it was read.
#[derive(Debug, Clone)]
pub struct ImportRecord {
    /// The file.
    pub file: String,
    /// Its place in the file (1-based).
    pub row: usize,
    /// The record.
    pub value: serde_json::Value,
}

/// Who imports and from where.
#[derive(Debug, Clone)]
pub struct ImportRun {
    /// The source system's name (kept in every dossier's origin).
    pub source: String,
    /// Who runs it (recorded as the events' actor).
    pub actor_id: String,
    /// Report only.
    pub dry_run: bool,
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
    HandledHere,
}

impl App {
    /// Imports `records`, adding to `report` and `rejects`.
    pub async fn import_dossiers(
        &self,
        run: &ImportRun,
        records: &[ImportRecord],
        report: &mut DossierImport,
        rejects: &mut Vec<ImportReject>,
    ) -> Result<(), AppError> {
        report.dry_run = run.dry_run;
        for r in records {
            report.read += 1;
            let code = r
                .value
                .get("MaHoSo")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let refuse = |field: &str, reason: String| ImportReject {
                file: r.file.clone(),
                row: r.row,
                code: code.clone(),
                field: field.to_owned(),
                reason,
            };
            let legacy = match read_record(&r.value) {
                Ok(l) => l,
                Err(problems) => {
                    report.rejected += 1;
                    rejects.extend(problems.into_iter().map(|p| refuse(&p.field, p.reason)));
                    continue;
                }
            };
            match self.import_one(run, &legacy, report).await? {
                Ok(Outcome::Created) => report.created += 1,
                Ok(Outcome::Updated) => report.updated += 1,
                Ok(Outcome::Unchanged) => report.unchanged += 1,
                Ok(Outcome::HandledHere) => report.handled_here += 1,
                Err((field, reason)) => {
                    report.rejected += 1;
                    rejects.push(refuse(field, reason));
                }
            }
        }
        Ok(())
    }

    /// Places and writes one read record; a refusal names the field.
    async fn import_one(
        &self,
        run: &ImportRun,
        l: &Legacy,
        report: &mut DossierImport,
    ) -> Result<Result<Outcome, (&'static str, String)>, AppError> {
        let id = dossier_id(&run.source, &l.code, l.submitted_at);
        let existing = self.db().dossier(id).await?;
        if let Some(d) = &existing {
            let Some(origin) = &d.imported else {
                return Ok(Err((
                    "MaHoSo",
                    "mã hồ sơ trùng một hồ sơ không do nhập".into(),
                )));
            };
            if origin.digest == digest(l) {
                return Ok(Ok(Outcome::Unchanged));
            }
            if origin.version != d.version {
                return Ok(Ok(Outcome::HandledHere));
            }
        } else if self.db().dossier_by_external_code(&l.code).await?.is_some() {
            return Ok(Err((
                "MaHoSo",
                format!("đã có hồ sơ mang mã {} trên hệ thống", l.code),
            )));
        }
        let p = match self.procedure(&l.procedure, None).await {
            Ok(p) => p,
            Err(AppError::UnknownProcedure(_)) => {
                report.unknown_procedures.insert(l.procedure.clone());
                return Ok(Err((
                    "MaTTHC",
                    format!("thủ tục {} không có trong danh mục", l.procedure),
                )));
            }
            Err(e) => return Err(e),
        };
        let mut agencies = Vec::new();
        let resolving = if l.resolving.is_empty() {
            &l.receiving
        } else {
            &l.resolving
        };
        for (field, code) in [("DonViTiepNhan", &l.receiving), ("DonViXuLy", resolving)] {
            match self.db().agency(code).await? {
                Some(a) => agencies.push(a),
                None => {
                    report.unknown_agencies.insert(code.clone());
                    return Ok(Err((
                        field,
                        format!("đơn vị {code} không có trong danh mục"),
                    )));
                }
            }
        }
        let (Some(receiving), Some(resolving)) = (agencies.first(), agencies.get(1)) else {
            return Ok(Err(("DonViXuLy", "thiếu đơn vị".into())));
        };
        if run.dry_run {
            return Ok(Ok(if existing.is_some() {
                Outcome::Updated
            } else {
                Outcome::Created
            }));
        }
        let now = self.now();
        let parse = |a: &motcua_store::StoredAgency| {
            AgencyCode::parse(&a.code).map_err(|e| AppError::Invalid(e.to_string()))
        };
        let (receiving_code, resolving_code) = (parse(receiving)?, parse(resolving)?);
        let province_code = resolving.province_code.clone();
        let calendar = self.calendar(&resolving_code).await;
        let placement = |code, step| Placement {
            id,
            code,
            procedure: p.code.clone(),
            procedure_version: p.version,
            statutory_days: p.statutory_days,
            receiving: receiving_code.clone(),
            resolving: resolving_code.clone(),
            step,
            source: run.source.clone(),
            imported_at: now,
        };
        let event = |d: Dossier| Event::Imported {
            source: run.source.clone(),
            digest: digest(l),
            dossier: Box::new(d),
        };
        match existing {
            Some(d) => {
                let step = d.steps.first().cloned();
                let restated = build(l, placement(d.code.clone(), step));
                let e = event(restated);
                self.db()
                    .run_command(
                        &Target::AsRead(Box::new(d)),
                        None,
                        now,
                        &run.actor_id,
                        |s, _| Change::new(s, vec![e], now),
                    )
                    .await?;
                Ok(Ok(Outcome::Updated))
            }
            None => {
                let step = continue_at(&p, &calendar, now);
                let day = local(l.received_at.unwrap_or(l.submitted_at)).date();
                let target = Target::Imported {
                    agency: resolving_code.clone(),
                    province_code,
                    day,
                };
                self.db()
                    .run_command(&target, None, now, &run.actor_id, |s, code| {
                        let code = code
                            .cloned()
                            .ok_or(motcua_core::dossier::DossierError::NotFound)?;
                        Change::new(s, vec![event(build(l, placement(code, step)))], now)
                    })
                    .await?;
                Ok(Ok(Outcome::Created))
            }
        }
    }
}
