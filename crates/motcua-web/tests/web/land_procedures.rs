//! Each seed land procedure end to end on the real router: received at the desk on a
//! certificate found by its serial, handled, through the tax loop where it has one, the change
//! prepared from the register by the specialist, and written by the leader's signature — the
//! register then names the dossier as the source of every version it made. And the read API:
//! a token needs the `land.read` scope.

use motcua_core::clock::Clock as _;
use motcua_core::land::import::Files;
use motcua_core::land::{LandObject, ObjectKind, RrrKind};

use crate::dossiers::command as cmd;
use crate::support::{Client, TestApp, UNIT_A, body_json, body_text};

/// The seed catalogue beside the procedure `TestApp::seed` imports.
async fn seed_catalogue(app: &TestApp) {
    for (name, text) in motcua_core::catalog::SEED {
        if name.starts_with("1.013833") {
            continue;
        }
        let p = motcua_core::catalog::parse_procedure(name, text).unwrap();
        app.state
            .db
            .import_procedure(&p, text, app.clock.now())
            .await
            .unwrap();
    }
}

const HOLDER: &str = "048190000001";

/// A small register: three parcels of one holder (the test applicant), one with a recorded
/// land-use-fee debt.
pub(crate) fn register_files() -> Files {
    let t = |s: &str| motcua_core::land::csv::parse(s).unwrap();
    Files {
        parties: t(&format!(
            "loai,so_dinh_danh,ho_ten,dia_chi\nca_nhan,{HOLDER},Nguyễn Thị Minh Khai,Phường Hải Châu\nca_nhan,048090000777,Trần Văn Bảy,Phường Thanh Khê\n"
        )),
        parcels: t(
            "ma_xa,so_to,so_thua,dien_tich_m2,muc_dich,thoi_han,nguon_goc,dia_chi\n20242,3,11,120.5,ODT,,Công nhận QSDĐ,11 Bạch Đằng\n20242,3,12,98,ODT,,Công nhận QSDĐ,13 Bạch Đằng\n20242,3,13,150,ODT,,Công nhận QSDĐ,15 Bạch Đằng\n",
        ),
        certificates: t(&format!(
            "so_phat_hanh,so_vao_so,ngay_cap,co_quan_cap,thua_dat,nguoi_su_dung\nDA 100011,CS 1,2015-05-04,Sở TN&MT,20242/3/11,{HOLDER}:100\nDA 100012,CS 2,2016-05-04,Sở TN&MT,20242/3/12,{HOLDER}:100\nDA 100013,CS 3,2017-05-04,Sở TN&MT,20242/3/13,{HOLDER}:100\n"
        )),
        rrrs: t(&format!(
            "loai,thua_dat,nguoi_su_dung,so_tien,can_cu_loai,can_cu_so,can_cu_ngay\nghi_no_tien_su_dung_dat,20242/3/13,{HOLDER}:100,45000000,Thông báo,TB-1,2017-05-04\n"
        )),
        shapes: None,
    }
}

async fn load(app: &TestApp) {
    let report = app
        .state
        .app
        .import_land(&register_files(), false, &mut |_, _| {})
        .await
        .unwrap();
    assert!(report.rejects.is_empty(), "{:?}", report.rejects);
}

/// Receives a counter dossier of `procedure` on the certificate `serial` (none: not on one).
async fn receive(app: &TestApp, desk: &Client, procedure: &str, serial: Option<&str>) -> String {
    receive_at(app, desk, procedure, serial, (UNIT_A, UNIT_A)).await
}

async fn receive_at(
    app: &TestApp,
    desk: &Client,
    procedure: &str,
    serial: Option<&str>,
    (receiving, resolving): (&str, &str),
) -> String {
    let (name, text) = motcua_core::catalog::SEED
        .iter()
        .find(|(n, _)| n.starts_with(procedure))
        .unwrap();
    let p = motcua_core::catalog::parse_procedure(name, text).unwrap();
    let scan = motcua_web::files::digest(&crate::support::sample_scan());
    let mut body = serde_json::json!({
        "procedure_code": procedure, "channel": "counter",
        "receiving_agency": receiving, "resolving_agency": resolving,
        "applicant": {"type": "person", "id": HOLDER, "name": "Nguyễn Thị Minh Khai", "born": null,
            "address": "Phường Hải Châu, Thành phố Đà Nẵng", "phone": "0905123456", "email": null},
        "documents": p.documents.iter().filter(|d| d.mandatory).map(|d| serde_json::json!({
            "code": d.code, "name": d.name, "originals": 1, "copies": 0,
            "file": d.digitise.then(|| scan.clone()), "reused_from": null})).collect::<Vec<_>>(),
        "area_m2": 120, "declared_value": 2_000_000_000i64,
    });
    if let Some(s) = serial {
        body["land_certificate"] = serde_json::json!(s);
    }
    let r = app.send(desk, "POST", "/api/v1/dossiers", Some(body)).await;
    let status = r.status();
    let json = body_json(r).await;
    assert_eq!(status, 201, "{procedure}: {json}");
    json["id"].as_str().unwrap().to_owned()
}

async fn dossier(app: &TestApp, id: &str) -> motcua_core::dossier::Dossier {
    app.state
        .db
        .dossier(motcua_core::dossier::DossierId(id.parse().unwrap()))
        .await
        .unwrap()
        .unwrap()
}

struct Staff {
    desk: Client,
    cv: Client,
    ld: Client,
    /// The specialist's username (to assign to).
    cv_name: &'static str,
}

/// Moves the dossier through its steps up to (not through) the first step of `stop` kind
/// — or to the end — preparing the change set with `intent` at the first processing step;
/// the tax loop: the notice recorded, the obligation paid at the desk.
async fn drive(
    app: &TestApp,
    s: &Staff,
    id: &str,
    intent: &serde_json::Value,
    stop: Option<motcua_core::catalog::StepKind>,
) {
    use motcua_core::catalog::StepKind;
    let mut prepared = false;
    for _ in 0..12 {
        let d = dossier(app, id).await;
        let Some(step) = d.current_step().cloned() else {
            return;
        };
        if Some(step.kind) == stop {
            return;
        }
        match step.kind {
            StepKind::Process => {
                if step.assignee.is_none() {
                    cmd(
                        app,
                        &s.ld,
                        id,
                        "assign",
                        serde_json::json!({"username": s.cv_name}),
                    )
                    .await;
                }
                if !prepared {
                    let r = app
                        .send(
                            &s.cv,
                            "POST",
                            &format!("/api/v1/dossiers/{id}/land-change"),
                            Some(intent.clone()),
                        )
                        .await;
                    let status = r.status();
                    assert_eq!(status, 200, "{}", body_text(r).await);
                    prepared = true;
                }
                cmd(
                    app,
                    &s.cv,
                    id,
                    "complete_step",
                    serde_json::json!({"note": null}),
                )
                .await;
            }
            StepKind::InterAgency => {
                cmd(
                    app,
                    &s.cv,
                    id,
                    "record_tax_notice",
                    serde_json::json!({"notice": "TB-THUE-1", "obligations": [
                        {"code": "le-phi-truoc-ba", "name": "Lệ phí trước bạ", "amount": 1_000_000}]}),
                )
                .await;
            }
            StepKind::AwaitPayment => {
                cmd(
                    app,
                    &s.desk,
                    id,
                    "record_payment",
                    serde_json::json!({"reference": "BL-NVTC-1", "purpose": "obligation", "amount": 1_000_000}),
                )
                .await;
            }
            StepKind::Sign => {
                cmd(app, &s.ld, id, "sign", serde_json::json!({"note": null})).await;
            }
            StepKind::Approve => {
                cmd(app, &s.ld, id, "approve", serde_json::json!({"note": null})).await;
            }
            StepKind::Receive | StepKind::Return => return,
        }
    }
}

async fn bearer(app: &TestApp, token: &str, path: &str) -> axum::http::Response<axum::body::Body> {
    app.request(
        axum::http::Request::get(path)
            .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
}

fn source() -> serde_json::Value {
    serde_json::json!({"kind": "Giấy tờ", "reference": "GT-1", "date": "2026-11-20"})
}

/// The current version of a register object.
async fn current(app: &TestApp, id: uuid::Uuid) -> Option<motcua_core::land::Version> {
    app.state
        .db
        .land_objects(&[id], None)
        .await
        .unwrap()
        .into_iter()
        .next()
}

#[tokio::test]
async fn each_seed_land_procedure_writes_the_register_when_signed() {
    use motcua_core::land::import::stable_id;
    let app = TestApp::new().await;
    app.seed().await;
    seed_catalogue(&app).await;
    load(&app).await;
    let s = Staff {
        desk: app.sign_in("mc_a").await,
        cv: app.sign_in("cv_a").await,
        ld: app.sign_in("ld_a").await,
        cv_name: "cv_a",
    };
    let holder = stable_id(ObjectKind::Party, HOLDER).id;

    // 1.013833: the holder's new address.
    let id = receive(&app, &s.desk, "1.013833", Some("DA 100011")).await;
    let d = dossier(&app, &id).await;
    assert_eq!(d.land.as_ref().unwrap().serial, "DA 100011");
    let intent = serde_json::json!({"kind": "holder_info", "party": holder,
        "name": "Nguyễn Thị Minh Khai", "number": HOLDER,
        "address": "25 Trần Phú, Phường Hải Châu", "source": source()});
    drive(
        &app,
        &s,
        &id,
        &intent,
        Some(motcua_core::catalog::StepKind::Sign),
    )
    .await;
    assert_eq!(
        current(&app, holder).await.unwrap().version,
        1,
        "not before signing"
    );
    // The leader sees the change before signing.
    let page = body_text(
        app.send(&s.ld, "GET", &format!("/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert!(
        page.contains("25 Trần Phú, Phường Hải Châu") && page.contains("data-testid=\"land-op\""),
        "diff on the dossier page"
    );
    drive(&app, &s, &id, &intent, None).await;
    let code = dossier(&app, &id).await.code.to_string();
    let v = current(&app, holder).await.unwrap();
    assert_eq!((v.version, v.dossier.as_deref()), (2, Some(code.as_str())));
    assert!(
        matches!(&v.value, LandObject::Party(p) if p.address == "25 Trần Phú, Phường Hải Châu")
    );

    // 1.013831: transferred to a new holder, after the tax loop.
    let id = receive(&app, &s.desk, "1.013831", Some("DA 100012")).await;
    let intent = serde_json::json!({"kind": "transfer", "to": [
        {"kind": "person", "number": "048090000888", "name": "Lê Văn Tám", "address": "Phường An Hải", "share_bp": 10000}],
        "new_certificate": null, "source": source()});
    drive(&app, &s, &id, &intent, None).await;
    let code = dossier(&app, &id).await.code.to_string();
    let cert = current(&app, stable_id(ObjectKind::Certificate, "DA 100012").id)
        .await
        .unwrap();
    assert_eq!(cert.dossier.as_deref(), Some(code.as_str()));
    let new_holder = stable_id(ObjectKind::Party, "048090000888").id;
    let LandObject::Certificate(c) = &cert.value else {
        panic!()
    };
    // The new party was created by the set, under the id its number keys.
    assert_eq!(c.holders[0].party, new_holder);
    let named = app
        .state
        .db
        .land_objects(&[c.holders[0].party], None)
        .await
        .unwrap();
    assert!(
        matches!(&named[0].value, LandObject::Party(p) if p.number == "048090000888"),
        "{named:?}"
    );
    assert_ne!(c.holders[0].party, holder);

    // 1.013988: the recorded debt is cleared once paid.
    let id = receive(&app, &s.desk, "1.013988", Some("DA 100013")).await;
    let parcel = stable_id(ObjectKind::Parcel, "20242/3/13").id;
    let debts: Vec<_> = app
        .state
        .db
        .land_linked(&[parcel], None, 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|v| matches!(&v.value, LandObject::Rrr(r) if r.kind == RrrKind::LandUseFeeDebt))
        .collect();
    assert_eq!(debts.len(), 1);
    let intent = serde_json::json!({"kind": "clear_debt", "debts": [debts[0].object.id], "source": source()});
    drive(&app, &s, &id, &intent, None).await;
    assert!(
        current(&app, debts[0].object.id).await.is_none(),
        "the debt is retired"
    );
    let history = app
        .state
        .db
        .land_history(&[debts[0].object.id])
        .await
        .unwrap();
    assert!(history[0].end.is_some());

    // 1.013978: first registration makes the parcel, its right and the certificate.
    // It is the commune's: received at its centre, checked by its officers, the certificate
    // printed by the land registration branch (officers of both here).
    const COMMUNE: &str = "H48.20242";
    const CENTRE: &str = "H48.20242.01";
    app.account("mc_x", "desk_officer", &[CENTRE]).await;
    app.account("cv_x", "specialist", &[COMMUNE, UNIT_A]).await;
    app.account("ld_x", "leader", &[COMMUNE, UNIT_A]).await;
    let s = Staff {
        desk: app.sign_in("mc_x").await,
        cv: app.sign_in("cv_x").await,
        ld: app.sign_in("ld_x").await,
        cv_name: "cv_x",
    };
    let id = receive_at(&app, &s.desk, "1.013978", None, (CENTRE, COMMUNE)).await;
    let intent = serde_json::json!({"kind": "first_registration",
        "parcel": {"number": {"commune": "20242", "sheet": 9, "number": 1}, "area_dm2": 2000,
            "purpose": "ONT", "term_until": null, "origin": "Công nhận QSDĐ", "address": "Thôn 1",
            "geometry": null, "crs": "VN-2000"},
        "holders": [{"kind": "person", "number": HOLDER, "name": "Nguyễn Thị Minh Khai", "address": "", "share_bp": 10000}],
        "certificate": {"serial": "DB 000001", "entry": "CS 9", "issued_on": "2026-11-30", "issuer": "Văn phòng đăng ký đất đai"},
        "source": source()});
    drive(&app, &s, &id, &intent, None).await;
    let code = dossier(&app, &id).await.code.to_string();
    let number = motcua_core::land::ParcelNumber {
        commune: "20242".into(),
        sheet: 9,
        number: 1,
    };
    let p = app
        .state
        .db
        .parcel_by_number(&number, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.dossier.as_deref(), Some(code.as_str()));
    let on = app
        .state
        .db
        .land_linked(&[p.object.id], None, 10)
        .await
        .unwrap();
    assert!(on.iter().any(|v| matches!(&v.value, LandObject::Certificate(c) if c.serial == "DB 000001" && c.holders[0].party == holder)));
    assert!(
        on.iter()
            .any(|v| matches!(&v.value, LandObject::Rrr(r) if r.kind == RrrKind::UseRight))
    );

    // Loading the same files again leaves what the dossiers changed (and the cleared debt)
    // as the register holds it.
    let again = app
        .state
        .app
        .import_land(&register_files(), false, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        (again.counts.created, again.counts.updated),
        (0, 0),
        "{again:?}"
    );
    assert!(again.counts.kept >= 4, "{again:?}");
    assert!(current(&app, debts[0].object.id).await.is_none());

    // A citizen may start a dossier only from a certificate naming them.
    use motcua_core::dossier::Actor;
    let holder_actor = Actor::applicant(format!("citizen:{HOLDER}"), String::new());
    let stranger = Actor::applicant("citizen:048090000777", "");
    let cert = stable_id(ObjectKind::Certificate, "DA 100011").id;
    assert!(
        app.state
            .app
            .land_ref_held(&holder_actor, cert)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        app.state
            .app
            .land_ref_held(&stranger, cert)
            .await
            .unwrap()
            .is_none()
    );

    // The read API: a token without the scope is refused, one with it reads — now and as
    // the register stood before the first registration.
    let admin = app.sign_in("qt").await;
    let make = |scopes: serde_json::Value| serde_json::json!({"name": "Cục Thuế", "role": "supervisor", "units": [], "scopes": scopes});
    let plain = body_json(
        app.send(
            &admin,
            "POST",
            "/api/v1/admin/tokens",
            Some(make(serde_json::json!([]))),
        )
        .await,
    )
    .await;
    let scoped = body_json(
        app.send(
            &admin,
            "POST",
            "/api/v1/admin/tokens",
            Some(make(serde_json::json!(["land.read"]))),
        )
        .await,
    )
    .await;
    let url = "/api/v1/land/parcels?commune=20242&sheet=9&number=1";
    let r = bearer(&app, plain["token"].as_str().unwrap(), url).await;
    assert_eq!(r.status(), 403);
    let r = bearer(&app, scoped["token"].as_str().unwrap(), url).await;
    assert_eq!(r.status(), 200);
    let answer = body_json(r).await;
    assert_eq!(answer["object"]["dossier"], code.as_str());
    let before = (p.begin - chrono::TimeDelta::seconds(1)).to_rfc3339();
    let r = bearer(
        &app,
        scoped["token"].as_str().unwrap(),
        &format!("{url}&as_of={}", before.replace('+', "%2B")),
    )
    .await;
    assert_eq!(r.status(), 404, "the parcel did not exist then");
    let bad = app
        .send(
            &admin,
            "POST",
            "/api/v1/admin/tokens",
            Some(make(serde_json::json!(["everything"]))),
        )
        .await;
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn a_citizen_may_file_only_on_a_certificate_in_the_register() {
    let app = TestApp::new().await;
    app.seed().await;
    load(&app).await;
    let desk = app.sign_in("mc_a").await;
    let mut body = crate::support::new_dossier_body(UNIT_A);
    body["land_certificate"] = serde_json::json!("DA 999999");
    let r = app
        .send(&desk, "POST", "/api/v1/dossiers", Some(body))
        .await;
    assert_eq!(r.status(), 422);
    assert!(body_text(r).await.contains("DA 999999"));
}

#[tokio::test]
async fn staff_find_parcels_every_way_and_the_parcel_page_draws_its_map() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut files = register_files();
    files.shapes = Some(
        serde_json::json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"ma_xa": "20242", "so_to": 3, "so_thua": 11},
             "geometry": {"type": "Polygon", "coordinates": [[[548000.0, 1773000.0], [548010.0, 1773000.0], [548010.0, 1773020.0], [548000.0, 1773020.0], [548000.0, 1773000.0]]]}},
            {"type": "Feature", "properties": {"ma_xa": "20242", "so_to": 3, "so_thua": 12},
             "geometry": {"type": "Polygon", "coordinates": [[[548010.0, 1773000.0], [548020.0, 1773000.0], [548020.0, 1773020.0], [548010.0, 1773020.0], [548010.0, 1773000.0]]]}}
        ]}),
    );
    let report = app
        .state
        .app
        .import_land(&files, false, &mut |_, _| {})
        .await
        .unwrap();
    assert!(report.rejects.is_empty());
    let cv = app.sign_in("cv_a").await;
    let rows = |html: &str| html.matches("data-testid=\"land-row\"").count();
    for (q, expected) in [
        ("20242/3/11", 1),
        ("DA 100012", 1),
        (HOLDER, 3),
        ("nguyen thi minh", 3),
        ("NGUYỄN THỊ MINH KHAI", 3),
        ("tran van", 0),
        ("20242/3/99", 0),
    ] {
        let html = body_text(
            app.send(
                &cv,
                "GET",
                &format!("/dia-chinh?q={}", urlencoding(q)),
                None,
            )
            .await,
        )
        .await;
        assert_eq!(rows(&html), expected, "{q}");
    }
    let parcel = motcua_core::land::import::stable_id(ObjectKind::Parcel, "20242/3/11").id;
    let page = body_text(
        app.send(&cv, "GET", &format!("/dia-chinh/thua/{parcel}"), None)
            .await,
    )
    .await;
    assert!(page.contains("data-testid=\"parcel-map\""), "the map");
    assert!(
        page.contains(&format!(
            "/dia-chinh/thua/{}",
            motcua_core::land::import::stable_id(ObjectKind::Parcel, "20242/3/12").id
        )),
        "the neighbour links to its page"
    );
    assert!(page.contains("DA 100011") && page.contains("Nguyễn Thị Minh Khai"));
    // A day before the register was loaded, the parcel did not exist.
    let before = app
        .send(
            &cv,
            "GET",
            &format!("/dia-chinh/thua/{parcel}?ngay=2020-01-01"),
            None,
        )
        .await;
    assert_eq!(before.status(), 404);
    // The public lookup and the citizen's pages are not the register: no holder there.
    let public = app.get("/dia-chinh?q=DA%20100011").await;
    assert!(public.status().is_redirection() || public.status() == 401);
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
