//! Deployment option 1 with the national portal: dossiers citizens filed on the portal are
//! pulled into local handling (channel "national portal", the portal's code kept beside
//! ours) and from then on handled and synced like any other. A position cursor remembers how
//! far the pull has got; the portal's code is unique on our side, so a dossier pulled twice
//! (a crash between creating it and moving the cursor) is recognised, never created twice.

use std::sync::Arc;

use chrono::NaiveDate;
use motcua_app::{App, AppError, Intake, placeholder_code};
use motcua_core::catalog::Channel;
use motcua_core::dossier::{
    Actor, Applicant, DossierDocument, DossierId, ExternalSystem, NewDossier,
};
use motcua_core::ids::{AgencyCode, CitizenId};
use motcua_store::StoreError;
use serde::Deserialize;

use crate::Systems;
use crate::dispatch::DeliverError;

const CURSOR: &str = "dvcqg.filings";

/// What one pull did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PullReport {
    /// Filings received.
    pub received: usize,
    /// Dossiers opened.
    pub created: usize,
    /// Filings pulled before (not opened again).
    pub already: usize,
    /// Filings that could not be opened (unknown procedure or agency), logged for the desk.
    pub refused: usize,
}

#[derive(Deserialize)]
struct Page {
    #[serde(rename = "HoSo")]
    filings: Vec<Filing>,
    #[serde(rename = "ViTri")]
    position: usize,
}

#[derive(Deserialize)]
struct Filing {
    #[serde(rename = "MaHoSoQG")]
    code: String,
    #[serde(rename = "MaTTHC")]
    procedure: String,
    #[serde(rename = "MaDonViXuLy")]
    resolving: String,
    #[serde(rename = "MaDonViTiepNhan")]
    receiving: String,
    #[serde(rename = "ChuHoSo")]
    applicant: Person,
    #[serde(rename = "DanhSachGiayTo", default)]
    documents: Vec<Document>,
}

#[derive(Deserialize)]
struct Person {
    #[serde(rename = "SoDinhDanh")]
    id: String,
    #[serde(rename = "HoTen")]
    name: String,
    #[serde(rename = "NgaySinh", default)]
    born: String,
    #[serde(rename = "DiaChi", default)]
    address: String,
    #[serde(rename = "SoDienThoai", default)]
    phone: String,
}

#[derive(Deserialize)]
struct Document {
    #[serde(rename = "Ma")]
    code: String,
    #[serde(rename = "Ten")]
    name: String,
}

/// Pulls what was filed since the last pull and opens a dossier for each.
pub async fn pull_once(app: &App, systems: &Systems) -> Result<PullReport, DeliverError> {
    let db = app.db();
    let mut report = PullReport::default();
    loop {
        let since = db.sync_cursor(CURSOR).await?.unwrap_or_else(|| "0".into());
        let url = format!(
            "{}/LayHoSoMoi?sau={since}",
            systems.config.portal_url.trim_end_matches('/')
        );
        let page: Page = systems
            .portal_call(reqwest::Method::GET, url, None, None)
            .await?
            .ok(crate::sync::SYSTEM)?
            .json(crate::sync::SYSTEM)?;
        if page.filings.is_empty() {
            return Ok(report);
        }
        for f in page.filings {
            report.received += 1;
            match open(app, systems, f).await? {
                Opened::Created => report.created += 1,
                Opened::Already => report.already += 1,
                Opened::Refused(why) => {
                    tracing::error!(%why, "a dossier filed on the national portal could not be opened");
                    report.refused += 1;
                }
            }
        }
        db.set_sync_cursor(CURSOR, &page.position.to_string())
            .await?;
    }
}

enum Opened {
    Created,
    Already,
    Refused(String),
}

async fn open(app: &App, systems: &Systems, f: Filing) -> Result<Opened, DeliverError> {
    let db = app.db();
    if db.dossier_by_external_code(&f.code).await?.is_some() {
        return Ok(Opened::Already);
    }
    let (Ok(resolving), Ok(receiving), Ok(id)) = (
        AgencyCode::parse(&f.resolving),
        AgencyCode::parse(&f.receiving),
        CitizenId::parse(&f.applicant.id),
    ) else {
        return Ok(Opened::Refused(format!(
            "{}: mã cơ quan hoặc số định danh không hợp lệ",
            f.code
        )));
    };
    let Some(agency) = db.agency(resolving.as_str()).await? else {
        return Ok(Opened::Refused(format!(
            "{}: không có cơ quan {resolving}",
            f.code
        )));
    };
    // "Population data used" is recorded only when the registry returns this person to us; a
    // registry that does not answer now costs the flag, not the filing.
    let in_registry = matches!(systems.resident(id.as_str()).await, Ok(Some(_)));
    let new = NewDossier {
        id: DossierId(uuid::Uuid::nil()),
        code: placeholder_code(&resolving),
        external_code: Some(f.code.clone()),
        channel: Channel::NationalPortal,
        receiving_agency: receiving,
        resolving_agency: resolving,
        applicant: Applicant::Person {
            id,
            name: f.applicant.name,
            born: NaiveDate::parse_from_str(&f.applicant.born, "%Y-%m-%d").ok(),
            address: f.applicant.address,
            phone: Some(f.applicant.phone).filter(|p| !p.is_empty()),
            email: None,
            from_population_data: in_registry,
        },
        documents: f
            .documents
            .into_iter()
            .map(|d| DossierDocument {
                code: d.code,
                name: d.name,
                originals: 0,
                copies: 0,
                // The portal's record names the documents; their files are not fetched here,
                // so none counts as digitised by us.
                file: None,
                digitised: false,
                reused_from: None,
                from_personal_store: false,
                signed: false,
                digitised_by: None,
                digitised_at: None,
                replaced_by: None,
            })
            .collect(),
        area_m2: 0,
        declared_value: 0,
        remote_commune: false,
        land: None,
    };
    let intake = Intake {
        procedure: f.procedure,
        province: agency.province_code,
        new,
    };
    let portal = Actor::system(ExternalSystem::NationalPortal);
    match app.open(&portal, intake).await {
        Ok(_) => Ok(Opened::Created),
        // The portal's code is unique: another pull opened it meanwhile.
        Err(AppError::Store(StoreError::Conflict(_)) | AppError::Conflict { .. }) => {
            Ok(Opened::Already)
        }
        Err(AppError::Domain(e)) => Ok(Opened::Refused(format!("{}: {e}", f.code))),
        Err(AppError::UnknownProcedure(p)) => {
            Ok(Opened::Refused(format!("{}: không có thủ tục {p}", f.code)))
        }
        Err(AppError::Store(e)) => Err(e.into()),
        Err(e @ (AppError::Forbidden(_) | AppError::Invalid(_) | AppError::NotFound(_))) => {
            Ok(Opened::Refused(format!("{}: {e}", f.code)))
        }
    }
}

/// Pulls every `every` until `stop` resolves: the national portal's filings, and the
/// ministry's read-only dossiers when its system is configured ([`crate::central`]).
pub async fn run(
    app: App,
    systems: Arc<Systems>,
    every: std::time::Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    crate::dispatch::periodically(every, stop, || async {
        match pull_once(&app, &systems).await {
            Ok(r) if r.received > 0 => tracing::info!(
                created = r.created,
                already = r.already,
                refused = r.refused,
                "pulled from the national portal"
            ),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "pull from the national portal failed; will retry")
            }
        }
        if systems.config.central() {
            match crate::central::pull_central(&app, &systems).await {
                Ok(p) => {
                    for r in &p.rejects {
                        tracing::warn!(code = %r.code, field = %r.field, reason = %r.reason,
                            "a record of the ministry's system was refused");
                    }
                    if p.import.read > 0 {
                        tracing::info!(
                            created = p.import.created,
                            updated = p.import.updated,
                            rejected = p.import.rejected,
                            "pulled from the ministry's system"
                        );
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "pull from the ministry's system failed; will retry")
                }
            }
        }
    })
    .await;
}
