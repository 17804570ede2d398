//! Deployment option 2: dossiers handled on the ministry's central system are pulled in
//! read-only, count in the province's figures, are found by their code there, and nothing
//! here acts on them.

use motcua_app::{FigureQuery, Grouping, UnitView};
use motcua_core::kpi::Period;
use motcua_integrations::central::pull_central;

use super::*;
use crate::support::{UNIT_A, body_json};

fn record(code: &str, status: u8) -> serde_json::Value {
    let mut r = crate::imported::in_process(code);
    r["MaDoiTuong"] = serde_json::json!("052190000077");
    r["TrangThaiHoSo"] = serde_json::json!(status);
    if status == 10 {
        r["NgayKetThucXuLy"] = serde_json::json!("20261125100000");
        r["NgayTra"] = serde_json::json!("20261126080000");
    }
    r
}

async fn figures(app: &motcua_app::App) -> (u64, u64) {
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let f = app
        .figures(
            "48",
            &FigureQuery {
                period: Period {
                    from: day(1),
                    to: day(30),
                },
                by: Grouping::Agency,
                under: None,
                visible: None,
                units: UnitView::Current,
            },
        )
        .await
        .unwrap();
    (f.total.row.received(), f.total.row.in_process())
}

#[tokio::test]
async fn the_ministrys_dossiers_are_pulled_read_only_counted_and_found() {
    let p = portal().await;
    let app = &p.app.state.app;
    let db = &p.app.state.db;
    let central_token = SimConfig::default().central_token;
    let systems = Systems::new(
        p.app
            .state
            .systems
            .as_ref()
            .unwrap()
            .config
            .clone()
            .with_central(None, Some(&central_token)),
    )
    .unwrap();
    let sim = reqwest::Client::new();
    let add = |body: serde_json::Value| {
        let request = sim
            .post(format!("{}/_sim/bo/ho-so", p.sim.base_url()))
            .json(&body);
        async move { assert!(request.send().await.unwrap().status().is_success()) }
    };
    let mut unknown = record("BO-2026-0003", 4);
    unknown["MaTTHC"] = serde_json::json!("9.999999");
    add(serde_json::json!([
        record("BO-2026-0001", 4),
        record("BO-2026-0002", 10),
        unknown
    ]))
    .await;
    let before = figures(app).await;

    // Without our key the central system refuses; nothing is read.
    let keyless =
        Systems::new(systems.config.clone().with_central(None, Some("sai-khoa"))).unwrap();
    assert!(pull_central(app, &keyless).await.is_err());

    let first = pull_central(app, &systems).await.unwrap();
    let i = &first.import;
    assert_eq!((i.read, i.created, i.rejected), (3, 2, 1), "{first:?}");
    assert_eq!(first.rejects[0].field, "MaTTHC");
    assert!(i.unknown_procedures.contains("9.999999"));
    let after = figures(app).await;
    assert_eq!(
        (after.0 - before.0, after.1 - before.1),
        (2, 1),
        "both received in November, one still being handled at its end"
    );

    // Read-only: no step to continue at, no action offered, every command refused.
    let d = db
        .dossier_by_external_code("BO-2026-0001")
        .await
        .unwrap()
        .unwrap();
    assert!(d.steps.is_empty());
    assert!(d.imported.as_ref().is_some_and(|o| o.read_only));
    assert_eq!(d.resolving_agency.as_str(), UNIT_A);
    let leader = p.app.sign_in("ld_a").await;
    let id = d.id.0.to_string();
    let refused = p
        .app
        .send(
            &leader,
            "POST",
            &format!("/api/v1/dossiers/{id}/commands/assign"),
            Some(serde_json::json!({"username": "cv_a"})),
        )
        .await;
    assert_eq!(refused.status(), 422);
    let problem = body_json(refused).await;
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("chỉ để tra cứu và thống kê")),
        "{problem}"
    );
    let body = body_json(
        p.app
            .send(&leader, "GET", &format!("/api/v1/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert_eq!(
        body["handled_on"],
        motcua_integrations::central::SOURCE,
        "{body}"
    );
    let page = crate::support::body_text(
        p.app
            .send(&leader, "GET", &format!("/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert!(page.contains("tại đây chỉ xem, không xử lý"), "{page}");
    assert!(
        !page.contains(&format!("/dossiers/{id}/actions/")),
        "no action is offered"
    );
    // Found by its code there, with the applicant's number.
    let lookup = p
        .app
        .get("/api/v1/lookup/BO-2026-0001?check=052190000077")
        .await;
    assert_eq!(lookup.status(), 200);
    let public = body_text(
        p.app
            .get("/tra-cuu?code=BO-2026-0001&check=052190000077")
            .await,
    )
    .await;
    assert!(
        public.contains("Giải quyết trên") && public.contains("Bộ Nông nghiệp và Môi trường"),
        "{public}"
    );
    assert!(
        !public.contains("052190000077</dd>"),
        "the number is not shown back"
    );

    // The cursor moved; read again from the start, nothing changes.
    assert_eq!(pull_central(app, &systems).await.unwrap().import.read, 0);
    db.set_sync_cursor("central.records", "0").await.unwrap();
    let again = pull_central(app, &systems).await.unwrap().import;
    assert_eq!((again.unchanged, again.created, again.updated), (2, 0, 0));

    // Finished on the central system: the next pull restates it here.
    add(record("BO-2026-0001", 10)).await;
    let changed = pull_central(app, &systems).await.unwrap().import;
    assert_eq!((changed.read, changed.updated), (1, 1));
    let d = db.dossier(d.id).await.unwrap().unwrap();
    assert_eq!(d.status, motcua_core::dossier::Status::Returned);
    assert_eq!(figures(app).await.1, before.1, "none in process any more");
    assert!(db.verify_audit().await.unwrap().broken.is_empty());
}
