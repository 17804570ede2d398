//! The archival package of a finished dossier: one tar with the dossier, its hash-chained
//! history, its signatures' verdicts, its scans and result and SHA256SUMS; the Python verifier
//! inside says OK offline, and NOT OK once a scan or the history is changed.

use crate::dossiers::command;
use crate::support::{TestApp, UNIT_A, body_text};

#[tokio::test]
async fn a_finished_dossier_exports_a_package_an_archive_verifies_offline() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let specialist = app.sign_in("cv_a").await;
    let leader = app.sign_in("ld_a").await;
    let d = app.receive(&desk, UNIT_A).await;
    let id = d["id"].as_str().unwrap().to_owned();
    let r = app
        .send(&desk, "GET", &format!("/dossiers/{id}/luu-tru"), None)
        .await;
    assert_eq!(r.status(), 422, "not while it is being handled");
    command(
        &app,
        &specialist,
        &id,
        "complete_step",
        serde_json::json!({"note": null}),
    )
    .await;
    command(
        &app,
        &leader,
        &id,
        "sign",
        serde_json::json!({"note": null}),
    )
    .await;
    let result =
        crate::facts::upload(&app, &desk, &motcua_web::sample_pdf::one_page_pdf("GCN")).await;
    command(
        &app,
        &desk,
        &id,
        "record_result",
        serde_json::json!({"result": {"name": "GCN đã xác nhận thay đổi", "file": result}}),
    )
    .await;
    command(
        &app,
        &desk,
        &id,
        "record_payment",
        serde_json::json!({"purpose": "fees", "reference": "BL-1", "amount": 28000}),
    )
    .await;
    command(&app, &desk, &id, "return_result", serde_json::json!({})).await;

    let r = app
        .send(&desk, "GET", &format!("/dossiers/{id}/luu-tru"), None)
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/x-tar");
    let tar = axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.tar"), &tar).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(args[0])
            .args(&args[1..])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    assert!(run(&["tar", "-xf", "p.tar"]).status.success());
    for name in [
        "dossier.json",
        "history.jsonl",
        "signatures.json",
        "result.pdf",
        "SHA256SUMS",
        "verify.py",
    ] {
        assert!(dir.path().join(name).exists(), "{name} in the package");
    }
    assert!(dir.path().join("documents/01.pdf").exists());
    let ok = run(&["python3", "verify.py"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("OK"));

    // A changed scan, and a changed history, are caught offline.
    let scan = dir.path().join("documents/01.pdf");
    let mut bytes = std::fs::read(&scan).unwrap();
    bytes.push(b' ');
    std::fs::write(&scan, &bytes).unwrap();
    let out = run(&["python3", "verify.py"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("FILE CHANGED"));
    bytes.pop();
    std::fs::write(&scan, &bytes).unwrap();
    let history = std::fs::read_to_string(dir.path().join("history.jsonl")).unwrap();
    std::fs::write(
        dir.path().join("history.jsonl"),
        history.replacen("GCN đã xác nhận", "GCN đã sửa", 1),
    )
    .unwrap();
    let out = run(&["python3", "verify.py"]);
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let page = body_text(
        app.send(&leader, "GET", &format!("/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert!(page.contains("/luu-tru"), "the page offers the package");
}
