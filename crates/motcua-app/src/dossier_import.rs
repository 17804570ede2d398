//! Importing dossiers from another system's export as a use case, a batch at a time: each
//! record is read by the core, placed (our procedure, our agencies, our code) and compared
//! with what an earlier run imported. New dossiers are written together, each with one
//! `Imported` event in its hash chain, its search words and its share of the rollup for its
//! own days (the bulk loader: one transaction per batch); a corrected record restates its
//! dossier through the command path, unless it has been handled here since. A second run
//! finds every dossier unchanged.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use motcua_core::calendar::deadline::local;
use motcua_core::dossier::{Change, Dossier, DossierError, Event};
use motcua_core::ids::{AgencyCode, DossierCode};
use motcua_core::import::{
    Legacy, Placement, Problem, build, continue_at, digest, dossier_id, read_record,
};
use motcua_store::{LoadedDossier, RecordedEvent, StoredAgency, Target};
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
    /// What was wrong before the record could be read (a table row's value its mapping
    /// does not translate): the record is refused with these and the reader's own.
    pub problems: Vec<Problem>,
    /// The files the record names (TepTin), read and stored by the edge: path → the
    /// stored file's key. A named file missing here refuses the record.
    pub files: BTreeMap<String, String>,
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
    /// The records are of dossiers handled on the ministry's central system (deployment
    /// option 2): held here read-only, for reports and lookup, and restated whenever the
    /// central system sends a newer record.
    pub read_only: bool,
}

/// The setting holding the installation's secret for imported dossiers' ids.
const KEY_SETTING: &str = "import.key";

/// A record read and placed, waiting to be written.
struct Placed<'a> {
    legacy: Legacy,
    id: motcua_core::dossier::DossierId,
    procedure: std::sync::Arc<motcua_core::catalog::Procedure>,
    receiving: AgencyCode,
    resolving: AgencyCode,
    /// Where those two are today (their successors, when merged away).
    successors: (AgencyCode, AgencyCode),
    province: String,
    record: &'a ImportRecord,
}

/// What a batch looked up once: agencies (the one a code names, and where it is today) and
/// procedures (none: not in the catalogue).
#[derive(Default)]
struct Lookups {
    agencies: HashMap<String, Option<(StoredAgency, StoredAgency)>>,
    procedures: HashMap<String, Option<std::sync::Arc<motcua_core::catalog::Procedure>>>,
}

impl App {
    /// Imports a batch of `records`, adding to `report` and `rejects`.
    pub async fn import_dossiers(
        &self,
        run: &ImportRun,
        records: &[ImportRecord],
        report: &mut DossierImport,
        rejects: &mut Vec<ImportReject>,
    ) -> Result<(), AppError> {
        report.dry_run = run.dry_run;
        // To the microsecond, as the database keeps it, so the events' hashes verify.
        let now = chrono::SubsecRound::trunc_subsecs(self.now(), 6);
        let key = self
            .db()
            .setting_once(KEY_SETTING, &crate::secrets::new_token(), now)
            .await?;
        let mut lookups = Lookups::default();
        let mut placed = Vec::new();
        let mut seen = HashSet::new();
        for r in records {
            report.read += 1;
            let refuse = |field: &str, reason: String| ImportReject {
                file: r.file.clone(),
                row: r.row,
                code: r
                    .value
                    .get("MaHoSo")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                field: field.to_owned(),
                reason,
            };
            let legacy = match (read_record(&r.value), r.problems.is_empty()) {
                (Ok(l), true) => l,
                (read, _) => {
                    // A field the mapping could not translate is absent from the record:
                    // the reader's word on it would only repeat the mapping's.
                    let later = read
                        .err()
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|p| !r.problems.iter().any(|m| p.field == m.field));
                    report.rejected += 1;
                    rejects.extend(
                        r.problems
                            .iter()
                            .cloned()
                            .chain(later)
                            .map(|p| refuse(&p.field, p.reason)),
                    );
                    continue;
                }
            };
            let missing = legacy
                .files
                .iter()
                .find(|(_, path)| !r.files.contains_key(path));
            if let Some((i, path)) = missing {
                report.rejected += 1;
                rejects.push(refuse(
                    &format!("DanhSachGiayToNop[{i}].TepTin"),
                    format!("không đọc được tệp {path} (cần thư mục tệp đính kèm: --documents)"),
                ));
                continue;
            }
            if !seen.insert(legacy.code.clone()) {
                report.rejected += 1;
                rejects.push(refuse(
                    "MaHoSo",
                    "mã hồ sơ lặp lại trong cùng đợt nhập".into(),
                ));
                continue;
            }
            match self
                .place(run, &key, legacy, r, &mut lookups, report)
                .await?
            {
                Ok(p) => placed.push(p),
                Err((field, reason)) => {
                    report.rejected += 1;
                    rejects.push(refuse(field, reason));
                }
            }
        }
        let ids: Vec<uuid::Uuid> = placed.iter().map(|p| p.id.0).collect();
        let existing: HashMap<_, Dossier> = self
            .db()
            .dossiers_by_ids(&ids)
            .await?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        let fresh: Vec<String> = placed
            .iter()
            .filter(|p| !existing.contains_key(&p.id))
            .map(|p| p.legacy.code.clone())
            .collect();
        let taken: HashSet<String> = self
            .db()
            .external_codes_taken(&fresh)
            .await?
            .into_iter()
            .collect();
        let mut creates = Vec::new();
        for p in placed {
            let reject = |reason: String| ImportReject {
                file: p.record.file.clone(),
                row: p.record.row,
                code: p.legacy.code.clone(),
                field: "MaHoSo".into(),
                reason,
            };
            match existing.get(&p.id) {
                None if taken.contains(&p.legacy.code) => {
                    report.rejected += 1;
                    rejects.push(reject(format!(
                        "đã có hồ sơ khác mang mã {} trên hệ thống",
                        p.legacy.code
                    )));
                }
                None => creates.push(p),
                Some(d) => match &d.imported {
                    None => {
                        report.rejected += 1;
                        rejects.push(reject("mã hồ sơ trùng một hồ sơ không do nhập".into()));
                    }
                    Some(o) if o.digest == digest(&p.legacy) => report.unchanged += 1,
                    Some(o) if o.version != d.version && !o.read_only => {
                        report.handled_here += 1;
                    }
                    Some(_) => {
                        report.updated += 1;
                        if !run.dry_run {
                            self.restate(run, &p, d.clone(), now).await?;
                        }
                    }
                },
            }
        }
        report.created += creates.len() as u64;
        if !run.dry_run && !creates.is_empty() {
            self.create_imported(run, creates, now).await?;
        }
        Ok(())
    }

    /// Reads the agencies and procedure a record names; a refusal names the field.
    async fn place<'a>(
        &self,
        run: &ImportRun,
        key: &str,
        legacy: Legacy,
        record: &'a ImportRecord,
        lookups: &mut Lookups,
        report: &mut DossierImport,
    ) -> Result<Result<Placed<'a>, (&'static str, String)>, AppError> {
        if !lookups.procedures.contains_key(&legacy.procedure) {
            let found = match self.procedure(&legacy.procedure, None).await {
                Ok(p) => Some(p),
                Err(AppError::UnknownProcedure(_)) => None,
                Err(e) => return Err(e),
            };
            lookups.procedures.insert(legacy.procedure.clone(), found);
        }
        let Some(procedure) = lookups.procedures.get(&legacy.procedure).cloned().flatten() else {
            report.unknown_procedures.insert(legacy.procedure.clone());
            return Ok(Err((
                "MaTTHC",
                format!("thủ tục {} không có trong danh mục", legacy.procedure),
            )));
        };
        let agencies = &mut lookups.agencies;
        let resolving = if legacy.resolving.is_empty() {
            legacy.receiving.clone()
        } else {
            legacy.resolving.clone()
        };
        let mut found = Vec::new();
        for (field, code) in [
            ("DonViTiepNhan", &legacy.receiving),
            ("DonViXuLy", &resolving),
        ] {
            if !agencies.contains_key(code) {
                let named = self.db().agency_as_named(code).await?;
                let today = self.db().agency(code).await?;
                agencies.insert(code.clone(), named.zip(today));
            }
            let parsed = agencies.get(code).cloned().flatten().and_then(|(a, now)| {
                let (named, now) = (
                    AgencyCode::parse(&a.code).ok()?,
                    AgencyCode::parse(&now.code).ok()?,
                );
                Some((named, now, a.province_code))
            });
            match parsed {
                Some(a) => found.push(a),
                None => {
                    report.unknown_agencies.insert(code.clone());
                    return Ok(Err((
                        field,
                        format!("đơn vị {code} không có trong danh mục"),
                    )));
                }
            }
        }
        let mut found = found.into_iter();
        let (Some((receiving, receiving_now, _)), Some((resolving, resolving_now, province))) =
            (found.next(), found.next())
        else {
            return Ok(Err(("DonViXuLy", "thiếu đơn vị".into())));
        };
        Ok(Ok(Placed {
            id: dossier_id(key, &run.source, &legacy.code, legacy.submitted_at),
            legacy,
            procedure,
            receiving,
            resolving,
            successors: (receiving_now, resolving_now),
            province,
            record,
        }))
    }

    /// The dossier `p` becomes with `code` and `step`, and its import event applied.
    fn imported(
        run: &ImportRun,
        p: &Placed<'_>,
        state: Option<&Dossier>,
        code: DossierCode,
        step: Option<motcua_core::dossier::StepRecord>,
        now: DateTime<Utc>,
    ) -> Result<Change, DossierError> {
        let d = build(
            &p.legacy,
            Placement {
                id: p.id,
                code,
                procedure: p.procedure.code.clone(),
                procedure_version: p.procedure.version,
                statutory_days: p.procedure.statutory_days,
                receiving: p.receiving.clone(),
                resolving: p.resolving.clone(),
                successors: p.successors.clone(),
                step,
                source: run.source.clone(),
                imported_at: now,
                read_only: run.read_only,
                files: p
                    .legacy
                    .files
                    .iter()
                    .filter_map(|(i, path)| Some((*i, p.record.files.get(path)?.clone())))
                    .collect(),
            },
        );
        let event = Event::Imported {
            source: run.source.clone(),
            digest: digest(&p.legacy),
            dossier: Box::new(d),
        };
        Change::new(state, vec![event], now)
    }

    /// Restates a dossier from a corrected record (its code and step kept).
    async fn restate(
        &self,
        run: &ImportRun,
        p: &Placed<'_>,
        d: Dossier,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let (code, step) = (d.code.clone(), d.steps.first().cloned());
        self.db()
            .run_command(
                &Target::AsRead(Box::new(d)),
                None,
                now,
                &run.actor_id,
                |s, _| Self::imported(run, p, s, code, step, now),
            )
            .await?;
        Ok(())
    }

    /// Writes new dossiers in one transaction, their codes reserved per agency and day.
    async fn create_imported(
        &self,
        run: &ImportRun,
        creates: Vec<Placed<'_>>,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let day =
            |p: &Placed<'_>| local(p.legacy.received_at.unwrap_or(p.legacy.submitted_at)).date();
        let mut series: BTreeMap<(AgencyCode, NaiveDate), u32> = BTreeMap::new();
        for p in &creates {
            *series.entry((p.resolving.clone(), day(p))).or_default() += 1;
        }
        let wanted: Vec<(String, NaiveDate, u32)> = series
            .iter()
            .map(|((agency, d), n)| (agency.to_string(), *d, *n))
            .collect();
        let firsts = self.db().reserve_codes(&wanted).await?;
        let mut next: BTreeMap<(AgencyCode, NaiveDate), u32> =
            series.into_keys().zip(firsts).collect();
        let mut batch = Vec::with_capacity(creates.len());
        for p in &creates {
            let seq = next.entry((p.resolving.clone(), day(p))).or_insert(1);
            let code = DossierCode::new(&p.resolving, day(p), *seq);
            *seq += 1;
            let open = !p.legacy.status.is_terminal() && !run.read_only;
            let step = if open {
                continue_at(&p.procedure, &*self.calendar(&p.resolving).await, now)
            } else {
                None
            };
            let change = Self::imported(run, p, None, code, step, now)?;
            batch.push(LoadedDossier {
                dossier: change.dossier,
                province: p.province.clone(),
                events: change
                    .events
                    .into_iter()
                    .map(|event| RecordedEvent {
                        event,
                        actor_id: run.actor_id.clone(),
                        at: now,
                    })
                    .collect(),
            });
        }
        // Two halves at once, each its own transaction: while the database takes one half's
        // rows, the other's are encoded here. Their rollup rows are locked in the same
        // (sorted) order, so neither waits on the other but to add to the same figures.
        let (first, second) = batch.split_at(batch.len() / 2);
        let (a, b) = futures_util::future::join(
            self.db().load_dossiers(first),
            self.db().load_dossiers(second),
        )
        .await;
        a?;
        b?;
        Ok(())
    }
}
