//! The personal data store on the national portal (simulated): accepted documents and the
//! electronic result are filed there with their provenance; a citizen online, a desk officer
//! at the counter and an API caller take a document from it, and only a download that matches
//! the store's hash marks the component "taken from the personal data store" (4.4).

use chrono::TimeDelta;
use motcua_core::clock::Clock as _;
use motcua_integrations::dispatch::dispatch;
use motcua_store::STORE_TOPIC;

use super::*;
use crate::dossiers::command;

/// The seeded certificate every simulated citizen holds in their store.
fn seeded(cccd: &str) -> String {
    format!("kho:gcn-{cccd}")
}

#[tokio::test]
async fn accepted_documents_and_the_result_are_filed_with_their_provenance() {
    let p = portal().await;
    let owner = p.citizen(4);
    let desk = p.app.sign_in("mc_a").await;
    let mut body = motcua_testkit::web::new_dossier_body(UNIT_A);
    body["applicant"]["id"] = owner.clone().into();
    let r = p
        .app
        .send(&desk, "POST", "/api/v1/dossiers", Some(body))
        .await;
    assert_eq!(r.status(), 201);
    let d = crate::support::body_json(r).await;
    let id = d["id"].as_str().unwrap().to_owned();
    let code = d["code"].as_str().unwrap().to_owned();
    let db = &p.app.state.db;
    let systems = p.app.state.systems.clone().unwrap();
    let sent = dispatch(db, &systems, p.app.clock.now(), STORE_TOPIC)
        .await
        .unwrap();
    assert_eq!(
        sent,
        2,
        "the two scanned components accepted at the desk: {:?} {:?}",
        db.outbox_counts(STORE_TOPIC).await.unwrap(),
        db.dead_letters(5).await.unwrap()
    );
    let filed = p.sim.sim.stored_documents();
    let gcn = filed
        .iter()
        .find(|x| x.loai_giay_to == "land_certificate")
        .expect("the certificate, under its reusable type");
    assert_eq!(gcn.ma_dinh_danh, owner);
    assert_eq!(gcn.ma_ho_so, code);
    assert!(!gcn.co_quan_cap.is_empty());
    assert_eq!(gcn.nguoi_ky, None, "an unsigned scan names no signer");
    assert!(filed.iter().any(|x| x.loai_giay_to == "don-dang-ky"));

    // The result, once recorded electronically, follows with its own type.
    let specialist = p.app.sign_in("cv_a").await;
    let leader = p.app.sign_in("ld_a").await;
    command(
        &p.app,
        &specialist,
        &id,
        "complete_step",
        serde_json::json!({"note": null}),
    )
    .await;
    command(
        &p.app,
        &leader,
        &id,
        "sign",
        serde_json::json!({"note": null}),
    )
    .await;
    let result = crate::facts::upload(
        &p.app,
        &desk,
        &motcua_web::sample_pdf::one_page_pdf("GCN moi"),
    )
    .await;
    command(
        &p.app,
        &desk,
        &id,
        "record_result",
        serde_json::json!({"result": {"name": "GCN đã xác nhận thay đổi", "file": result}}),
    )
    .await;
    let later = p.app.clock.now() + TimeDelta::seconds(1);
    assert_eq!(dispatch(db, &systems, later, STORE_TOPIC).await.unwrap(), 1);
    let filed = p.sim.sim.stored_documents();
    let r = filed
        .iter()
        .find(|x| x.ten_giay_to == "GCN đã xác nhận thay đổi")
        .expect("the result is in the store");
    assert_eq!(r.loai_giay_to, "land_certificate");
    assert_eq!(r.bam_sha256, result);
    assert_eq!(
        dispatch(db, &systems, later, STORE_TOPIC).await.unwrap(),
        0,
        "nothing is filed twice"
    );
}

#[tokio::test]
async fn a_citizen_takes_a_document_from_their_store_and_it_counts_as_such() {
    let p = portal().await;
    let cccd = p.citizen(2);
    let cookie = p.sign_in(&cccd).await;
    let (status, html) = p.page(&cookie, "/cong-dan/giay-to").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("kho dữ liệu cá nhân — Văn phòng đăng ký đất đai cấp ngày 15/03/2019"),
        "{html}"
    );
    let (status, pdf) = p
        .page(&cookie, &format!("/cong-dan/kho-du-lieu/gcn-{cccd}"))
        .await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with("%PDF-"));
    // Another citizen's document is not theirs to open.
    let other = p.citizen(3);
    let (status, _) = p
        .page(&cookie, &format!("/cong-dan/kho-du-lieu/gcn-{other}"))
        .await;
    assert_eq!(status, 404);

    // The e-form offers it for the certificate (the same reusable type) and takes it.
    let (_, form) = p.page(&cookie, "/cong-dan/nop/1.013833").await;
    assert!(form.contains(&seeded(&cccd)), "offered in the e-form");
    let csrf = p.csrf(&cookie).await;
    let r = p
        .post_form(
            &cookie,
            "/cong-dan/nop/1.013833",
            &[
                ("csrf", csrf),
                ("action", "submit".into()),
                (
                    "address",
                    "12 Bạch Đằng, Phường Hải Châu, Thành phố Đà Nẵng".into(),
                ),
                ("phone", "0905123456".into()),
                ("email", String::new()),
                ("channel", "sms".into()),
                ("receiving_agency", DESK.into()),
                ("resolving_agency", UNIT_A.into()),
                ("doc1_reuse", seeded(&cccd)),
            ],
            &[("doc0_file", "don.pdf", &PDF_BYTES)],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);
    let id = dossier_id(&r);
    let d = p.dossier(&id).await;
    let gcn = &d.documents[1];
    assert!(
        gcn.from_personal_store,
        "downloaded from the store just now"
    );
    assert_eq!(gcn.reused_from.as_deref(), Some(seeded(&cccd).as_str()));
    let file = gcn.file.clone().unwrap();
    assert!(
        p.app.state.files.get(&file).await.is_ok(),
        "its file is here now"
    );
    assert!(
        !d.documents[0].from_personal_store,
        "the uploaded one is not"
    );
    // The portal record says so, and the 4.4 fact reads it.
    let facts = motcua_core::kpi::Facts::of(&d);
    assert!(facts.from_personal_store);
}

#[tokio::test]
async fn the_desk_finds_what_the_applicant_holds_and_takes_it_instead_of_paper() {
    let p = portal().await;
    let cccd = p.citizen(5);
    let desk = p.app.sign_in("mc_a").await;
    let fields = |action: &str, reuse: &str| {
        vec![
            ("csrf", desk.csrf.clone()),
            ("action", action.to_owned()),
            ("kind", "person".to_owned()),
            ("number", cccd.clone()),
            ("name", "Nguyễn Văn Bảo".to_owned()),
            ("address", "Phường Hải Châu, Thành phố Đà Nẵng".to_owned()),
            ("doc0", "on".to_owned()),
            ("doc0_originals", "1".to_owned()),
            ("doc0_copies", "0".to_owned()),
            ("doc1_originals", "0".to_owned()),
            ("doc1_copies", "0".to_owned()),
            ("resolving_agency", UNIT_A.to_owned()),
            ("doc1_reuse", reuse.to_owned()),
        ]
    };
    let lookup = p
        .post_form(
            &desk.cookie,
            "/desk/intake/1.013833",
            &fields("lookup", ""),
            &[],
        )
        .await;
    assert_eq!(lookup.status(), 200);
    let html = body_text(lookup).await;
    assert!(
        html.contains(&seeded(&cccd)),
        "the store's certificate is offered"
    );
    assert!(html.contains("Nguyễn Văn Bảo"), "what was typed is kept");

    // A document of someone else is refused on its row; nothing is received.
    let r = p
        .post_form(
            &desk.cookie,
            "/desk/intake/1.013833",
            &fields("", &seeded(&p.citizen(6))),
            &[("doc0_file", "don.pdf", &PDF_BYTES)],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(body_text(r).await.contains("không thuộc người nộp này"));

    let r = p
        .post_form(
            &desk.cookie,
            "/desk/intake/1.013833",
            &fields("", &seeded(&cccd)),
            &[("doc0_file", "don.pdf", &PDF_BYTES)],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);
    let id = location(&r)
        .trim_start_matches("/dossiers/")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let d = p.dossier(&id).await;
    assert!(d.documents[1].from_personal_store);
    assert!(d.documents[1].digitised, "its file is the store's");
    assert_eq!(
        d.documents[1].reused_from.as_deref(),
        Some(seeded(&cccd).as_str())
    );
}

#[tokio::test]
async fn an_api_caller_names_a_store_document_and_only_a_matching_download_counts() {
    let p = portal().await;
    let cccd = p.citizen(7);
    let desk = p.app.sign_in("mc_a").await;
    let body = |reused: &str, file: Option<&str>| {
        let mut b = motcua_testkit::web::new_dossier_body(UNIT_A);
        b["applicant"]["id"] = cccd.clone().into();
        b["documents"][1]["reused_from"] = reused.into();
        b["documents"][1]["file"] = file.into();
        b
    };
    // A caller's claim is not a fact: the field is refused, never believed.
    let mut claim = body(&seeded(&cccd), None);
    claim["documents"][1]["from_personal_store"] = true.into();
    let r = p
        .app
        .send(&desk, "POST", "/api/v1/dossiers", Some(claim))
        .await;
    assert_eq!(r.status(), 422);
    // Someone else's document, and a file that is not the store's, are refused.
    for (reused, file) in [
        (seeded(&p.citizen(8)), None),
        (
            seeded(&cccd),
            Some(motcua_web::files::digest(
                &motcua_testkit::web::sample_scan(),
            )),
        ),
    ] {
        let r = p
            .app
            .send(
                &desk,
                "POST",
                "/api/v1/dossiers",
                Some(body(&reused, file.as_deref())),
            )
            .await;
        assert_eq!(r.status(), 422, "{}", body_text(r).await);
    }
    let r = p
        .app
        .send(
            &desk,
            "POST",
            "/api/v1/dossiers",
            Some(body(&seeded(&cccd), None)),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", body_text(r).await);
    let d = crate::support::body_json(r).await;
    assert_eq!(d["documents"][1]["from_personal_store"], true);
    assert_eq!(d["documents"][0]["from_personal_store"], false);

    // A store that hands back other bytes than it listed is not believed.
    let filed = {
        let id = d["id"].as_str().unwrap();
        dispatch(
            &p.app.state.db,
            &p.app.state.systems.clone().unwrap(),
            p.app.clock.now(),
            STORE_TOPIC,
        )
        .await
        .unwrap();
        let doc = p
            .sim
            .sim
            .stored_documents()
            .into_iter()
            .find(|x| x.loai_giay_to == "don-dang-ky")
            .unwrap();
        assert!(!id.is_empty());
        doc.id
    };
    p.sim.sim.corrupt_stored(&filed);
    let r = p
        .app
        .send(
            &desk,
            "POST",
            "/api/v1/dossiers",
            Some(body(&format!("kho:{filed}"), None)),
        )
        .await;
    assert_eq!(r.status(), 503, "{}", body_text(r).await);
}
