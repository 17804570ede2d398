//! Fixtures for integration tests (the store's conformance suite, the CLI tests, the web
//! tests): the seed procedures as shipped, the national calendar, a complete new dossier,
//! per-test databases on SQLite and PostgreSQL ([`db`]), the test clock ([`clock`]) and
//! [`web::TestApp`], the real router on a real database. The core's own unit tests keep theirs, since a core dev-dependency on this crate
//! would compile a second, incompatible copy of the core's types.

pub mod clock;
pub mod db;
pub mod web;

use std::sync::{Arc, OnceLock};

use motcua_core::calendar::{OfficeHours, WorkCalendar, builtin_data};
use motcua_core::catalog::{Channel, Procedure, parse_procedure};
use motcua_core::dossier::{Applicant, DossierDocument, DossierId, NewDossier};
use motcua_core::ids::{AgencyCode, CitizenId, DossierCode};

/// The text of seed procedure 1.013833 (change of the certificate holder's information).
pub const SEED_1_013833: &str = motcua_core::catalog::SEED[0].1;

/// Seed procedure 1.013833, parsed.
pub fn procedure_1_003877() -> &'static Procedure {
    static P: OnceLock<Procedure> = OnceLock::new();
    P.get_or_init(|| {
        parse_procedure("1.013833.toml", SEED_1_013833).unwrap_or_else(|e| unreachable(&e))
    })
}

/// The national calendar with civil-service office hours.
pub fn calendar() -> &'static WorkCalendar {
    static C: OnceLock<WorkCalendar> = OnceLock::new();
    C.get_or_init(|| {
        let data = builtin_data().unwrap_or_else(|e| unreachable(&e));
        WorkCalendar::new(Arc::new(data), None, OfficeHours::civil_service())
    })
}

/// A complete new dossier for `p` (every mandatory document, on paper) from a person.
pub fn new_dossier(
    p: &Procedure,
    code: DossierCode,
    agency: &AgencyCode,
    channel: Channel,
) -> NewDossier {
    NewDossier {
        id: DossierId(uuid::Uuid::now_v7()),
        code,
        external_code: None,
        channel,
        receiving_agency: agency.clone(),
        resolving_agency: agency.clone(),
        applicant: Applicant::Person {
            id: CitizenId::parse("048190000001").unwrap_or_else(|e| unreachable(&e)),
            name: "Phạm Văn An".into(),
            born: None,
            address: "Phường Hải Châu, Thành phố Đà Nẵng".into(),
            phone: Some("0905123456".into()),
            email: None,
            from_population_data: false,
        },
        documents: p
            .documents
            .iter()
            .filter(|d| d.mandatory)
            .map(|d| DossierDocument {
                code: d.code.clone(),
                name: d.name.clone(),
                originals: d.originals,
                copies: d.copies,
                // Components that must be digitised come with their scan (named by digest).
                file: d.digitise.then(|| format!("{:0>64}", d.code.len())),
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
    }
}

/// The 2025 administrative units and the demo province's agencies (Đà Nẵng, 48).
pub const UNITS_2025: &str = include_str!("../../../data/administrative-units-2025.csv");
/// The agency file of Đà Nẵng (48).
pub const AGENCIES_48: &str = include_str!("../../../catalog/agencies/48.toml");

/// Imports the 2025 units and Đà Nẵng's agencies: a dossier needs an agency that resolves it.
pub async fn import_province_48(db: &motcua_store::Db, now: chrono::DateTime<chrono::Utc>) {
    use motcua_core::units::{parse_admin_units, parse_agency_file};
    let units = parse_admin_units(UNITS_2025).unwrap_or_else(|e| unreachable(&e));
    db.import_admin_units(&units)
        .await
        .unwrap_or_else(|e| unreachable(&e));
    let agencies = parse_agency_file("48.toml", AGENCIES_48).unwrap_or_else(|e| unreachable(&e));
    db.import_agencies(&agencies, now)
        .await
        .unwrap_or_else(|e| unreachable(&e));
}

/// Fixture data is shipped with the repository; failing to read it is a broken checkout.
#[expect(
    clippy::panic,
    reason = "test fixtures: a broken seed file must stop the test run"
)]
fn unreachable(e: &dyn std::fmt::Display) -> ! {
    panic!("broken test fixture: {e}")
}
