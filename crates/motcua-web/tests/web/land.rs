//! A land dossier's change set: prepared by the specialist handling it from the register,
//! refused while another dossier's change on the same parcel is pending, refused at the
//! approving step when the register moved since, and otherwise written to the register by
//! that step, in its transaction, naming the dossier.

use chrono::TimeDelta;
use motcua_core::catalog::Role;
use motcua_core::clock::Clock as _;
use motcua_core::dossier::{Actor, DossierId};
use motcua_core::land::{
    ChangeSet, Crs, LandObject, ObjectId, ObjectKind, Op, Parcel, ParcelNumber,
};
use uuid::Uuid;

use crate::dossiers::command;
use crate::support::{TestApp, UNIT_A};

fn number() -> ParcelNumber {
    ParcelNumber {
        commune: "20194".into(),
        sheet: 7,
        number: 88,
    }
}

fn parcel(address: &str) -> LandObject {
    LandObject::Parcel(Parcel {
        number: number(),
        area_dm2: 1_205,
        purpose: "ODT".into(),
        term_until: None,
        origin: "Nhà nước công nhận quyền sử dụng đất".into(),
        address: address.into(),
        geometry: None,
        crs: Crs::Vn2000,
    })
}

async fn actor(app: &TestApp, username: &str, role: Role) -> Actor {
    let a = app
        .state
        .db
        .account_by_username(username)
        .await
        .unwrap()
        .unwrap();
    Actor::staff(a.id.to_string(), a.full_name, role)
}

async fn dossier(app: &TestApp, id: &str) -> motcua_core::dossier::Dossier {
    app.state
        .db
        .dossier(DossierId(id.parse().unwrap()))
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_signing_step_writes_the_prepared_change_and_nothing_else_does() {
    let app = TestApp::new().await;
    app.seed().await;
    let db = &app.state.db;
    // The register as loaded: one parcel.
    let id = ObjectId {
        kind: ObjectKind::Parcel,
        id: Uuid::now_v7(),
    };
    let loaded = ChangeSet {
        dossier: "nạp sổ".into(),
        ops: vec![Op::Create {
            object: id,
            value: parcel("Tổ 5, Phường Hải Châu"),
        }],
    };
    db.apply_land_versions(
        &loaded
            .apply(|_| &[], app.clock.now() - TimeDelta::days(1))
            .unwrap(),
    )
    .await
    .unwrap();

    let desk = app.sign_in("mc_a").await;
    let d1 = app.receive(&desk, UNIT_A).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d2 = app.receive(&desk, UNIT_A).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cv = actor(&app, "cv_a", Role::Specialist).await;
    let update = |address: &str| {
        vec![Op::Update {
            object: id,
            base: 1,
            value: parcel(address),
        }]
    };
    // Only the officer handling the dossier prepares it; the desk does not.
    let mc = actor(&app, "mc_a", Role::DeskOfficer).await;
    assert!(
        app.state
            .app
            .prepare_land_change(&mc, &dossier(&app, &d1).await, update("x"))
            .await
            .is_err()
    );
    app.state
        .app
        .prepare_land_change(
            &cv,
            &dossier(&app, &d1).await,
            update("12 Bạch Đằng, Phường Hải Châu"),
        )
        .await
        .unwrap();
    // A second dossier on the same parcel is told at once.
    let err = app
        .state
        .app
        .prepare_land_change(&cv, &dossier(&app, &d2).await, update("khác"))
        .await
        .unwrap_err();
    let code1 = dossier(&app, &d1).await.code.to_string();
    assert!(err.to_string().contains(&code1), "{err}");

    // Nothing is written before the signing step.
    let specialist = app.sign_in("cv_a").await;
    command(
        &app,
        &specialist,
        &d1,
        "complete_step",
        serde_json::json!({"note": null}),
    )
    .await;
    let now = db.parcel_by_number(&number(), None).await.unwrap().unwrap();
    assert_eq!(now.version, 1);
    let leader = app.sign_in("ld_a").await;
    command(
        &app,
        &leader,
        &d1,
        "sign",
        serde_json::json!({"note": null}),
    )
    .await;
    let now = db.parcel_by_number(&number(), None).await.unwrap().unwrap();
    assert_eq!(
        (now.version, now.dossier.as_deref()),
        (2, Some(code1.as_str()))
    );
    assert_eq!(now.value, parcel("12 Bạch Đằng, Phường Hải Châu"));
    assert!(
        app.state
            .app
            .land_change(DossierId(d1.parse().unwrap()))
            .await
            .unwrap()
            .unwrap()
            .applied_at
            .is_some()
    );
    // The register as it stood before the dossier is still readable.
    let before = db
        .parcel_by_number(&number(), Some(app.clock.now() - TimeDelta::seconds(1)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(before.version, 1);

    // The second dossier may prepare now, but against version 1 it is refused at signing,
    // and its step does not move.
    let d2_now = dossier(&app, &d2).await;
    let stale = app
        .state
        .app
        .prepare_land_change(&cv, &d2_now, update("khác"))
        .await;
    assert!(stale.is_err(), "version 1 is no longer current: {stale:?}");
    app.state
        .app
        .prepare_land_change(
            &cv,
            &d2_now,
            vec![Op::Update {
                object: id,
                base: 2,
                value: parcel("14 Bạch Đằng, Phường Hải Châu"),
            }],
        )
        .await
        .unwrap();
    // The register moves under it (another change, applied directly).
    let history = db.land_history(&[id.id]).await.unwrap();
    let moved = ChangeSet {
        dossier: "chỉnh lý".into(),
        ops: vec![Op::Update {
            object: id,
            base: 2,
            value: parcel("16 Bạch Đằng, Phường Hải Châu"),
        }],
    };
    db.apply_land_versions(
        &moved
            .apply(|_| history.as_slice(), app.clock.now())
            .unwrap(),
    )
    .await
    .unwrap();
    command(
        &app,
        &specialist,
        &d2,
        "complete_step",
        serde_json::json!({"note": null}),
    )
    .await;
    let r = app
        .send(
            &leader,
            "POST",
            &format!("/api/v1/dossiers/{d2}/commands/sign"),
            Some(serde_json::json!({"note": null})),
        )
        .await;
    assert_eq!(r.status(), 422, "{}", crate::support::body_text(r).await);
    assert_eq!(
        dossier(&app, &d2).await.current_step().unwrap().kind,
        motcua_core::catalog::StepKind::Sign
    );
    assert_eq!(
        db.parcel_by_number(&number(), None)
            .await
            .unwrap()
            .unwrap()
            .version,
        3
    );
}
