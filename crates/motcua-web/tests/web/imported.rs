//! A dossier imported from another system while it was being handled: found on the public
//! page by its old code with the applicant's number, and continued here like any other.

use crate::dossiers::command;
use crate::support::{TestApp, UNIT_A, body_json};

pub(crate) fn in_process(code: &str) -> serde_json::Value {
    serde_json::json!({
        "MaHoSo": code,
        "MaTTHC": "1.013833",
        "ChuHoSo": "Trần Thị Bình",
        "LoaiDoiTuong": 1,
        "MaDoiTuong": "052190000042",
        "DiaChi": "Phường Quy Nhơn",
        "NgayNopHoSo": "20261120080000",
        "NgayTiepNhan": "20261120090000",
        "NgayHenTra": "20261204170000",
        "TrangThaiHoSo": 4,
        "KenhThucHien": 1,
        "DonViXuLy": UNIT_A,
        "DonViTiepNhan": UNIT_A
    })
}

#[tokio::test]
async fn an_imported_open_dossier_is_looked_up_by_its_old_code_and_continued() {
    let app = TestApp::new().await;
    app.seed().await;
    let run = motcua_app::ImportRun {
        source: "Một cửa Bình Định".into(),
        actor_id: "system:import".into(),
        dry_run: false,
        read_only: false,
    };
    let records = [motcua_app::ImportRecord {
        file: "xuat.json".into(),
        row: 1,
        value: in_process("bd-2026-0042"),
        problems: Vec::new(),
        files: Default::default(),
    }];
    let (mut report, mut rejects) = (motcua_app::DossierImport::default(), Vec::new());
    app.state
        .app
        .import_dossiers(&run, &records, &mut report, &mut rejects)
        .await
        .unwrap();
    assert_eq!((report.created, report.rejected), (1, 0), "{rejects:?}");

    // The old receipt has no check of ours: the applicant's number stands for it.
    let lookup = |check: &str| format!("/api/v1/lookup/bd-2026-0042?check={check}");
    let public = app.get(&lookup("052190000042")).await;
    assert_eq!(public.status(), 200);
    let public = body_json(public).await;
    assert_eq!(public["status"], "in_process");
    assert_eq!(app.get(&lookup("052190000043")).await.status(), 404);
    assert_eq!(app.get("/api/v1/lookup/BD-2026-0042").await.status(), 404);
    let page = crate::support::body_text(
        app.get("/tra-cuu?code=bd-2026-0042&check=052190000042")
            .await,
    )
    .await;
    assert!(page.contains("Đang giải quyết"), "{page}");
    assert!(page.contains("Mã hồ sơ trên hệ thống cũ"), "{page}");

    // It waits at its procedure's first step, unassigned; the leader assigns it as usual.
    let d = app
        .state
        .db
        .dossier_by_external_code("bd-2026-0042")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.steps.len(), 1);
    assert!(d.steps[0].assignee.is_none());
    let leader = app.sign_in("ld_a").await;
    let id = d.id.0.to_string();
    command(
        &app,
        &leader,
        &id,
        "assign",
        serde_json::json!({"username": "cv_a"}),
    )
    .await;
    let full = body_json(
        app.send(&leader, "GET", &format!("/api/v1/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert_eq!(
        crate::dossiers::history_kinds(&full),
        ["imported", "step_assigned"]
    );
    assert_eq!(full["external_code"], "bd-2026-0042");
    let page = crate::support::body_text(
        app.send(&leader, "GET", &format!("/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert!(
        page.contains("Nhập từ Một cửa Bình Định") && page.contains("không được tính vào chỉ số"),
        "{page}"
    );
    // Handled here since: a corrected record no longer restates it.
    let mut corrected = records[0].clone();
    corrected.value["DiaChi"] = serde_json::json!("Phường Quy Nhơn Nam");
    let (mut again, mut rejects) = (motcua_app::DossierImport::default(), Vec::new());
    app.state
        .app
        .import_dossiers(&run, &[corrected], &mut again, &mut rejects)
        .await
        .unwrap();
    assert_eq!((again.handled_here, again.updated), (1, 0), "{rejects:?}");
    let kept = app.state.db.dossier(d.id).await.unwrap().unwrap();
    assert_eq!(kept.applicant.number(), "052190000042");
    assert!(kept.steps[0].assignee.is_some(), "the assignment stands");
    assert!(app.state.db.verify_audit().await.unwrap().broken.is_empty());
}
