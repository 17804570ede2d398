//! Filing online: e-ID sign-in, the prefilled e-form, uploads checked by content, drafts,
//! sessions that expire.

use chrono::TimeDelta;
use motcua_core::clock::Clock as _;

use super::*;
use crate::support::{UNIT_A, body_json, body_text};

#[tokio::test]
async fn a_citizen_signs_in_with_the_e_id_and_the_e_form_is_prefilled_from_the_registry() {
    let p = portal().await;
    let id = p.citizen(3);
    let person = p.sim.sim.population().get(&id).unwrap().clone();
    let cookie = p.sign_in(&id).await;
    let (status, html) = p.page(&cookie, "/cong-dan/nop/1.013833").await;
    assert_eq!(status, 200);
    assert!(html.contains(&person.ho_va_ten), "name from the registry");
    assert!(html.contains(&id), "CCCD");
    let (y, m, d) = (
        &person.ngay_sinh[0..4],
        &person.ngay_sinh[5..7],
        &person.ngay_sinh[8..10],
    );
    assert!(html.contains(&format!("{d}/{m}/{y}")), "date of birth");
    assert!(
        html.contains(&person.noi_thuong_tru.replace('"', "&quot;")) || html.contains("Phường"),
        "address prefilled"
    );
    // A replayed callback (the state is single-use) does not sign anyone in.
    let replay = p.app.get("/cong-dan/oidc/callback?code=x&state=nope").await;
    assert_eq!(replay.status(), 403);
}

#[tokio::test]
async fn an_online_dossier_waits_for_the_desk_and_the_applicant_is_told_by_sms() {
    let p = portal().await;
    let cookie = p.sign_in(&p.citizen(1)).await;
    let r = p.file_online(&cookie, "submit", &PDF_BYTES).await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);
    let id = dossier_id(&r);
    let d = p.dossier(&id).await;
    assert_eq!(d.status, motcua_core::dossier::Status::Submitted);
    assert_eq!(d.channel, motcua_core::catalog::Channel::Online);
    assert!(d.acknowledge_by.is_some(), "8 working hours to acknowledge");
    assert!(d.documents.iter().all(|x| x.digitised && x.file.is_some()));
    assert!(matches!(
        d.applicant,
        motcua_core::dossier::Applicant::Person {
            from_population_data: true,
            ..
        }
    ));
    // The desk sees it and acknowledges it.
    let desk = p.app.sign_in("mc_tt").await;
    let queue = body_json(
        p.app
            .send(&desk, "GET", "/api/v1/dossiers?status=submitted", None)
            .await,
    )
    .await;
    assert!(queue.to_string().contains(d.code.as_str()), "{queue}");
    let ack = p
        .app
        .send(
            &desk,
            "POST",
            &format!("/api/v1/dossiers/{id}/commands/acknowledge"),
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(ack.status(), 200, "{}", body_text(ack).await);
    // The outbox holds the notices; the dispatcher delivers them to the SMS gateway.
    let systems = p.app.state.systems.clone().unwrap();
    let sent = motcua_integrations::dispatch::dispatch_notifications(
        &p.app.state.db,
        &systems,
        p.app.clock.now(),
    )
    .await
    .unwrap();
    assert_eq!(sent, 2, "submitted + received");
    let messages = p.sim.sim.messages();
    assert_eq!(messages.len(), 2);
    assert!(
        messages
            .iter()
            .all(|m| m.channel == "sms" && m.to == "0905123456")
    );
    assert!(
        messages[1].text.contains(d.code.as_str()) && messages[1].text.contains("Hẹn trả kết quả"),
        "{:?}",
        messages[1]
    );
    let again = motcua_integrations::dispatch::dispatch_notifications(
        &p.app.state.db,
        &systems,
        p.app.clock.now(),
    )
    .await
    .unwrap();
    assert_eq!(again, 0, "delivered once");
    // The accepted scans are now "my documents" and a new e-form can reuse them.
    let (_, mine) = p.page(&cookie, "/cong-dan/giay-to").await;
    assert!(mine.contains(d.code.as_str()), "{mine}");
    let csrf = p.csrf(&cookie).await;
    // Every mandatory document picked from the first dossier (its k-th accepted file).
    let mut fields = vec![
        ("csrf".to_owned(), csrf),
        ("action".to_owned(), "submit".to_owned()),
        (
            "address".to_owned(),
            "12 Bạch Đằng, Phường Hải Châu".to_owned(),
        ),
        ("phone".to_owned(), "0905123456".to_owned()),
        ("channel".to_owned(), "sms".to_owned()),
        ("receiving_agency".to_owned(), DESK.to_owned()),
        ("resolving_agency".to_owned(), UNIT_A.to_owned()),
    ];
    let procedure = motcua_testkit::procedure_1_003877();
    for (k, (i, _)) in procedure
        .documents
        .iter()
        .enumerate()
        .filter(|(_, d)| d.mandatory)
        .enumerate()
    {
        fields.push((format!("doc{i}_reuse"), format!("{id}:{k}")));
    }
    let fields: Vec<(&str, String)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    let second = p
        .post_form(&cookie, "/cong-dan/nop/1.013833", &fields, &[])
        .await;
    assert_eq!(second.status(), 303, "{}", body_text(second).await);
    let d2 = p
        .app
        .state
        .db
        .dossier(motcua_core::dossier::DossierId(
            dossier_id(&second).parse().unwrap(),
        ))
        .await
        .unwrap()
        .unwrap();
    assert!(!d2.documents.is_empty());
    for doc in &d2.documents {
        assert_eq!(
            doc.reused_from.as_deref(),
            Some(d.code.as_str()),
            "marked reused"
        );
        assert!(doc.file.is_some());
    }
}

#[tokio::test]
async fn an_upload_whose_content_is_not_what_its_name_says_is_refused_and_not_stored() {
    let p = portal().await;
    let cookie = p.sign_in(&p.citizen(2)).await;
    let r = p
        .file_online(
            &cookie,
            "submit",
            b"MZ\x90\x00 an executable named scan.pdf",
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = body_text(r).await;
    assert!(html.contains("Chỉ nhận tệp PDF, JPEG hoặc PNG"), "{html}");
    assert_eq!(p.stored_files(), 0, "nothing stored");
    let mine = p
        .app
        .state
        .db
        .dossiers_of_applicant(&p.citizen(2))
        .await
        .unwrap();
    assert!(mine.is_empty(), "no dossier");
}

#[tokio::test]
async fn a_draft_is_saved_and_resumed() {
    let p = portal().await;
    let cookie = p.sign_in(&p.citizen(4)).await;
    let r = p.file_online(&cookie, "save", &PDF_BYTES).await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert!(to.contains("draft="), "{to}");
    let (_, html) = p.page(&cookie, &to).await;
    assert!(html.contains("Đã lưu hồ sơ nháp"));
    assert!(
        html.contains("data-testid=\"attached-0\""),
        "the attached file is kept"
    );
    let (_, home) = p.page(&cookie, "/cong-dan").await;
    assert!(home.contains("Hồ sơ đang soạn"));
    assert!(
        p.app
            .state
            .db
            .dossiers_of_applicant(&p.citizen(4))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_expired_session_cannot_submit() {
    let p = portal().await;
    let cookie = p.sign_in(&p.citizen(5)).await;
    let csrf = p.csrf(&cookie).await;
    p.app.advance(TimeDelta::minutes(16));
    let r = p
        .post_form(
            &cookie,
            "/cong-dan/nop/1.013833",
            &[("csrf", csrf), ("action", "submit".into())],
            &[("doc0_file", "a.pdf", &PDF_BYTES)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/cong-dan/dang-nhap", "back to sign-in");
    assert!(
        p.app
            .state
            .db
            .dossiers_of_applicant(&p.citizen(5))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(p.stored_files(), 0, "the upload was not kept either");
}
