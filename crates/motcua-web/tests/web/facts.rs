//! The flags the province is graded on are set by evidence, never by a caller's word
//! (issue 13, DOMAIN.md §7): digitised only with a stored scan, signed never by a command,
//! population data never from a client, online payments only from the gateway's callback, and
//! a dossier only for an agency that resolves its procedure.

use axum::body::Body;
use axum::http::{Request, header};

use crate::support::{Client, TestApp, UNIT_A, body_json, body_text, new_dossier_body};

/// Uploads a file through the API; returns its digest.
pub async fn upload(app: &TestApp, who: &Client, bytes: &[u8]) -> String {
    let response = app
        .request(
            Request::post("/api/v1/files")
                .header(header::COOKIE, &who.cookie)
                .header("x-csrf-token", &who.csrf)
                .header(header::CONTENT_TYPE, "application/octet-stream")
                .body(Body::from(bytes.to_vec()))
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), 201);
    let json = body_json(response).await;
    assert_eq!(json["media_type"], "application/pdf");
    json["file"].as_str().unwrap().to_owned()
}

async fn create(app: &TestApp, who: &Client, body: serde_json::Value) -> (u16, serde_json::Value) {
    let response = app.send(who, "POST", "/api/v1/dossiers", Some(body)).await;
    let status = response.status().as_u16();
    (status, body_json(response).await)
}

#[tokio::test]
async fn a_document_is_digitised_only_with_its_scan_stored_here() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;

    let mut claimed = new_dossier_body(UNIT_A);
    claimed["documents"][0]["digitised"] = true.into();
    let (status, problem) = create(&app, &desk, claimed).await;
    assert_eq!(status, 422, "a caller cannot say digitised: {problem}");

    let mut unknown = new_dossier_body(UNIT_A);
    unknown["documents"][0]["file"] = "ab".repeat(32).into();
    let (status, problem) = create(&app, &desk, unknown).await;
    assert_eq!(status, 422, "a digest nobody uploaded: {problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("chưa được tải lên")
    );

    let scan = upload(
        &app,
        &desk,
        &motcua_web::sample_pdf::one_page_pdf("don de nghi"),
    )
    .await;
    // A component the catalogue says must be digitised is not received on paper alone.
    let mut paper = new_dossier_body(UNIT_A);
    paper["documents"][1]["file"] = serde_json::Value::Null;
    let (status, problem) = create(&app, &desk, paper).await;
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("phải số hóa khi tiếp nhận")
    );

    let mut scanned = new_dossier_body(UNIT_A);
    scanned["documents"][0]["file"] = scan.into();
    let (status, d) = create(&app, &desk, scanned).await;
    assert_eq!(status, 201, "{d}");
    assert_eq!(d["documents"][0]["digitised"], true, "its scan is here");
    let officer = d["documents"][0]["digitised_by"].as_str().unwrap();
    assert!(!officer.is_empty(), "who scanned it is recorded");
    assert!(d["documents"][0]["digitised_at"].is_string());
    assert_eq!(d["applicant"]["from_population_data"], false);
}

#[tokio::test]
async fn no_caller_claims_a_signature_population_data_or_an_online_payment() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;

    let mut signed = new_dossier_body(UNIT_A);
    signed["documents"][0]["signed"] = true.into();
    assert_eq!(create(&app, &desk, signed).await.0, 422);
    let mut population = new_dossier_body(UNIT_A);
    population["applicant"]["from_population_data"] = true.into();
    assert_eq!(create(&app, &desk, population).await.0, 422);

    let d = app.receive(&desk, UNIT_A).await;
    let id = d["id"].as_str().unwrap();
    let run = |name: &'static str, body: serde_json::Value| {
        let path = format!("/api/v1/dossiers/{id}/commands/{name}");
        let desk = &desk;
        let app = &app;
        async move {
            let response = app.send(desk, "POST", &path, Some(body)).await;
            (response.status().as_u16(), body_text(response).await)
        }
    };
    let (status, text) = run(
        "record_payment",
        serde_json::json!({"reference": "BL-1", "purpose": "fees", "amount": 28000, "online": true}),
    )
    .await;
    assert_eq!(
        status, 422,
        "the desk cannot record an online payment: {text}"
    );
    let (status, text) = run(
        "record_payment",
        serde_json::json!({"reference": "BL-1", "purpose": "fees", "amount": 28000}),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let paid: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(paid["payments"][0]["online"], false);

    for claim in [
        serde_json::json!({"result": {"name": "GCN", "signed": true}}),
        serde_json::json!({"result": {"name": "GCN", "electronic": true}}),
    ] {
        let (status, text) = run("record_result", claim.clone()).await;
        assert_eq!(status, 422, "{claim} is refused: {text}");
    }
}

#[tokio::test]
async fn the_resolving_agency_must_exist_and_resolve_the_procedure() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let mut nowhere = new_dossier_body(UNIT_A);
    nowhere["resolving_agency"] = "000.99.99.H48".into();
    let (status, problem) = create(&app, &desk, nowhere).await;
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("không có cơ quan")
    );

    // The province's people's committee does not resolve a land registration procedure.
    let mut wrong_kind = new_dossier_body(UNIT_A);
    wrong_kind["resolving_agency"] = "000.00.00.H48".into();
    let (status, problem) = create(&app, &desk, wrong_kind).await;
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("không giải quyết thủ tục"),
        "{problem}"
    );
}

#[tokio::test]
async fn the_desk_form_marks_what_must_be_digitised_and_refuses_it_without_a_scan() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let form = body_text(app.send(&desk, "GET", "/desk/intake/1.013833", None).await).await;
    assert!(
        !form.contains("_digitised"),
        "no box says digitised: the scan does"
    );
    assert!(form.contains("data-testid=\"must-digitise-0\""), "{form}");
    let fields = [
        ("csrf", desk.csrf.as_str()),
        ("number", "048190000001"),
        ("name", "Nguyễn Văn An"),
        ("address", "Hải Châu, Đà Nẵng"),
        ("resolving_agency", UNIT_A),
        ("doc0", "on"),
        ("doc1", "on"),
    ];
    let scan = crate::support::sample_scan();
    let r = crate::forms_keep::post_multipart(
        &app,
        &desk,
        "/desk/intake/1.013833",
        crate::forms_keep::multipart(&fields, &[("doc0_file", "don.pdf", &scan)]),
    )
    .await;
    assert_eq!(r.status(), 422);
    let page = body_text(r).await;
    assert!(page.contains("phải được số hóa khi tiếp nhận"), "{page}");
}

#[tokio::test]
async fn reuse_names_an_earlier_dossier_of_the_same_applicant_and_no_one_claims_the_personal_store()
{
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let earlier = app.receive(&desk, UNIT_A).await;

    let mut claimed = new_dossier_body(UNIT_A);
    claimed["documents"][0]["reused_from"] = "000.11.12.H48-200101-0001".into();
    let (status, problem) = create(&app, &desk, claimed).await;
    assert_eq!(status, 422, "a dossier that does not exist: {problem}");

    let mut store = new_dossier_body(UNIT_A);
    store["documents"][0]["from_personal_store"] = true.into();
    assert_eq!(
        create(&app, &desk, store).await.0,
        422,
        "no caller claims the personal store"
    );

    let mut other = new_dossier_body(UNIT_A);
    other["applicant"]["id"] = "048190000002".into();
    other["documents"][0]["reused_from"] = earlier["code"].clone();
    assert_eq!(
        create(&app, &desk, other).await.0,
        422,
        "another person's dossier"
    );

    // Reused means that dossier's very file, not any file beside its code.
    let mut elsewhere = new_dossier_body(UNIT_A);
    elsewhere["documents"][0]["reused_from"] = earlier["code"].clone();
    elsewhere["documents"][0]["file"] =
        upload(&app, &desk, &motcua_web::sample_pdf::one_page_pdf("khac"))
            .await
            .into();
    assert_eq!(create(&app, &desk, elsewhere).await.0, 422, "another file");

    let mut reused = new_dossier_body(UNIT_A);
    reused["documents"][0]["reused_from"] = earlier["code"].clone();
    let (status, d) = create(&app, &desk, reused).await;
    assert_eq!(status, 201, "{d}");
    assert_eq!(d["documents"][0]["reused_from"], earlier["code"]);
    assert_eq!(d["documents"][0]["from_personal_store"], false);
}

/// The Decision 766 digitisation indicator (4.2) reads the scans: a paper received without
/// one keeps its dossier out of the numerator until an officer digitises it from the page.
#[tokio::test]
async fn the_digitisation_figure_moves_when_a_paper_is_scanned() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    app.receive(&desk, UNIT_A).await;
    let mut with_paper = new_dossier_body(UNIT_A);
    with_paper["documents"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "code": "khac", "name": "Giấy ủy quyền", "originals": 1, "copies": 0,
            "file": null, "reused_from": null
        }));
    let (status, d) = create(&app, &desk, with_paper).await;
    assert_eq!(status, 201, "{d}");
    let id = d["id"].as_str().unwrap().to_owned();
    let gs = app.sign_in("gs").await;
    let day = motcua_core::calendar::deadline::local(app.state.clock.now()).date();
    let digitised = || async {
        let kpi = body_json(
            app.send(
                &gs,
                "GET",
                &format!("/api/v1/kpi?from={day}&to={day}"),
                None,
            )
            .await,
        )
        .await;
        let i = kpi["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == "4.2")
            .cloned()
            .unwrap();
        (
            i["numerator"].as_u64().unwrap(),
            i["denominator"].as_u64().unwrap(),
        )
    };
    assert_eq!(digitised().await, (1, 2), "one paper without its scan");

    let scan = motcua_web::sample_pdf::one_page_pdf("giay uy quyen");
    let r = crate::forms_keep::post_multipart(
        &app,
        &desk,
        &format!("/dossiers/{id}/documents/2/scan"),
        crate::forms_keep::multipart(&[("csrf", &desk.csrf)], &[("scan", "uq.pdf", &scan)]),
    )
    .await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);
    assert_eq!(digitised().await, (2, 2), "scanned by the desk");
    let page = body_text(
        app.send(&desk, "GET", &format!("/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert!(page.contains("data-testid=\"doc-digitised-2\""), "{page}");
    // A leader does not scan papers.
    let leader = app.sign_in("ld_a").await;
    let again = crate::forms_keep::post_multipart(
        &app,
        &leader,
        &format!("/dossiers/{id}/documents/2/scan"),
        crate::forms_keep::multipart(&[("csrf", &leader.csrf)], &[("scan", "uq.pdf", &scan)]),
    )
    .await;
    assert_eq!(again.status(), 422);
}
