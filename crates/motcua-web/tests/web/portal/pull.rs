//! Dossiers filed on the national portal, pulled in; sub-dossiers never pushed.

use motcua_core::clock::Clock as _;

use super::*;
use crate::support::UNIT_A;

#[tokio::test]
async fn dossiers_filed_on_the_national_portal_are_pulled_once_and_synced_under_the_portals_code() {
    use motcua_integrations::dispatch::dispatch;
    use motcua_integrations::pull::pull_once;
    let p = portal().await;
    let db = &p.app.state.db;
    let systems = p.app.state.systems.clone().unwrap();
    let app = &p.app.state.app;
    let procedure = motcua_testkit::procedure_1_003877();
    let filing = reqwest::Client::new()
        .post(format!("{}/_sim/dvcqg/nop", p.sim.base_url()))
        .json(&serde_json::json!({
            "cccd": p.citizen(14), "procedure": "1.013833",
            "resolving_agency": UNIT_A, "receiving_agency": DESK,
            "documents": procedure.documents.iter().filter(|d| d.mandatory).map(|d| (d.code.clone(), d.name.clone())).collect::<Vec<_>>(),
        }))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let portal_code = filing["MaHoSoQG"].as_str().unwrap().to_owned();
    let now = p.app.clock.now();
    let first = pull_once(app, &systems).await.unwrap();
    assert_eq!((first.received, first.created, first.refused), (1, 1, 0));
    let d = db
        .dossier_by_external_code(&portal_code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.channel, motcua_core::catalog::Channel::NationalPortal);
    assert_eq!(
        d.status,
        motcua_core::dossier::Status::Submitted,
        "waits for the desk"
    );
    assert!(d.acknowledge_by.is_some());
    assert_eq!(
        pull_once(app, &systems).await.unwrap().received,
        0,
        "the cursor moved"
    );
    // A crash before the cursor moved: the same filing comes again and is recognised.
    db.set_sync_cursor("dvcqg.filings", "0").await.unwrap();
    let again = pull_once(app, &systems).await.unwrap();
    assert_eq!((again.received, again.created, again.already), (1, 0, 1));
    assert_eq!(
        db.dossiers_of_applicant(&p.citizen(14))
            .await
            .unwrap()
            .len(),
        1,
        "opened once"
    );
    // Its status goes back to the portal under the portal's own code.
    dispatch(db, &systems, now, motcua_store::CHANGED_TOPIC)
        .await
        .unwrap();
    let state = p.sim.sim.portal_state();
    assert_eq!(
        state.dossiers[&portal_code]["MaHoSoDiaPhuong"],
        d.code.as_str()
    );
    assert_eq!(state.dossiers[&portal_code]["TrangThaiHoSo"], 1);
    assert_eq!(state.dossiers[&portal_code]["KenhThucHien"], 2);
    assert!(
        motcua_integrations::sync::reconcile(db, &systems)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_inter_agency_sub_dossier_is_never_pushed_as_a_citizen_request() {
    use motcua_core::dossier::{Actor, ExternalSystem, NewDossier};
    let p = portal().await;
    let db = &p.app.state.db;
    let agency = motcua_core::ids::AgencyCode::parse(UNIT_A).unwrap();
    let origin = motcua_core::ids::DossierCode::parse("000.11.12.H48-261123-0001").unwrap();
    let tax = Actor::system(ExternalSystem::TaxAuthority);
    let now = p.app.clock.now();
    let new: NewDossier = motcua_testkit::new_dossier(
        motcua_testkit::procedure_1_003877(),
        motcua_app::placeholder_code(&agency),
        &agency,
        motcua_core::catalog::Channel::Counter,
    );
    let intake = motcua_app::Intake {
        procedure: "1.013833".into(),
        province: "48".into(),
        new,
    };
    p.app
        .state
        .app
        .open_sub_dossier(&tax, intake, origin, 16)
        .await
        .unwrap();
    let systems = p.app.state.systems.clone().unwrap();
    let sent =
        motcua_integrations::dispatch::dispatch(db, &systems, now, motcua_store::CHANGED_TOPIC)
            .await
            .unwrap();
    assert_eq!(sent, 1, "the message is consumed");
    assert!(
        p.sim.sim.portal_state().dossiers.is_empty(),
        "but nothing reaches the portal"
    );
    assert!(
        motcua_integrations::sync::reconcile(db, &systems)
            .await
            .unwrap()
            .is_empty(),
        "and it is not missing there"
    );
    assert_eq!(
        db.outbox_counts(motcua_store::NOTIFY_TOPIC)
            .await
            .unwrap()
            .pending,
        0,
        "nor is a citizen told"
    );
}
