//! Units that merge (issue 19): the administrator's one operation moves the unit's staff and
//! open dossiers to the successor, keeps its old code resolvable, and leaves its history as
//! it was; reports read either by today's units (rolled up) or by the units as they were.

use motcua_core::clock::Clock as _;

use crate::dossiers::command;
use crate::support::{Client, TestApp, UNIT_A, UNIT_B, body_json, body_text};

async fn report(app: &TestApp, who: &Client, day: &str, units: &str) -> serde_json::Value {
    let r = app
        .send(
            who,
            "GET",
            &format!("/api/v1/reports/periodic?from={day}&to={day}&units={units}"),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    body_json(r).await
}

async fn merge(app: &TestApp, who: &Client) -> u16 {
    app.send(
        who,
        "POST",
        &format!("/api/v1/admin/agencies/{UNIT_B}/merge"),
        Some(serde_json::json!({"into": UNIT_A})),
    )
    .await
    .status()
    .as_u16()
}

fn row<'a>(report: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
}

#[tokio::test]
async fn a_merger_moves_staff_and_open_dossiers_and_reports_read_both_ways() {
    let app = TestApp::new().await;
    app.seed().await;
    let (desk_a, desk_b) = (app.sign_in("mc_a").await, app.sign_in("mc_b").await);
    app.receive(&desk_a, UNIT_A).await;
    let open = app.receive(&desk_b, UNIT_B).await;
    let open_id = open["id"].as_str().unwrap().to_owned();
    let open_code = open["code"].as_str().unwrap().to_owned();
    let closed = app.receive(&desk_b, UNIT_B).await;
    let closed_id = closed["id"].as_str().unwrap().to_owned();
    command(
        &app,
        &desk_b,
        &closed_id,
        "withdraw",
        serde_json::json!({"reason": "Người nộp rút"}),
    )
    .await;
    let day = motcua_core::calendar::deadline::local(app.clock.now())
        .date()
        .to_string();
    let gs = app.sign_in("gs").await;
    let before = report(&app, &gs, &day, "current").await;

    // Only the administrator merges, and no one moves a dossier by the command API.
    assert_eq!(merge(&app, &gs).await, 403);
    let r = app
        .send(
            &app.sign_in("qt").await,
            "POST",
            &format!("/api/v1/dossiers/{open_id}/commands/move_to_successor"),
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(r.status(), 403, "{}", body_text(r).await);
    let admin = app.sign_in("qt").await;
    assert_eq!(merge(&app, &admin).await, 204);

    // The open dossier moved, with its history saying so; the withdrawn one stayed.
    let d = app
        .state
        .db
        .dossier(motcua_core::dossier::DossierId(open_id.parse().unwrap()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (d.resolving_agency.as_str(), d.receiving_agency.as_str()),
        (UNIT_A, UNIT_A)
    );
    assert_eq!(d.moves.len(), 1);
    assert_eq!(d.moves[0].resolving.as_str(), UNIT_B);
    assert_eq!(d.code.as_str(), open_code, "its code does not change");
    let ld_a = app.sign_in("ld_a").await;
    let full = body_json(
        app.send(&ld_a, "GET", &format!("/api/v1/dossiers/{open_id}"), None)
            .await,
    )
    .await;
    let kinds = crate::dossiers::history_kinds(&full);
    assert_eq!(
        kinds.last().map(String::as_str),
        Some("moved_to_successor"),
        "{kinds:?}"
    );
    let html = body_text(
        app.send(&ld_a, "GET", &format!("/dossiers/{open_id}"), None)
            .await,
    )
    .await;
    assert!(html.contains("sang đơn vị kế thừa"), "{html}");
    let w = app
        .state
        .db
        .dossier(motcua_core::dossier::DossierId(closed_id.parse().unwrap()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(w.resolving_agency.as_str(), UNIT_B);

    // B's staff act for A now: B's leader finds the moved dossier at A's queue.
    let ld_b = app
        .state
        .db
        .account_by_username("ld_b")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ld_b.units.0, vec![UNIT_A.to_owned()]);
    let ld_b = app.sign_in("ld_b").await;
    let r = app
        .send(&ld_b, "GET", &format!("/api/v1/dossiers/{open_id}"), None)
        .await;
    assert_eq!(
        r.status(),
        200,
        "the successor's staff reach the moved dossier"
    );

    // The old unit's code still resolves, to its successor; the old dossier code still looks up.
    let old = app.state.db.agency(UNIT_B).await.unwrap().unwrap();
    assert_eq!(old.code, UNIT_A);
    let check = motcua_core::dossier::lookup_check(d.id);
    let public = app
        .get(&format!("/api/v1/lookup/{open_code}?check={check}"))
        .await;
    assert_eq!(public.status(), 200, "found by its code after the merger");

    // By today's units B rolls up into A; by the units as they were, B keeps its day.
    let now = report(&app, &gs, &day, "current").await;
    assert_eq!(now["total"], before["total"], "a merger changes no total");
    assert!(row(&now, UNIT_B).is_none(), "{now}");
    assert_eq!(row(&now, UNIT_A).unwrap()["received"]["total"], 3);
    let was = report(&app, &gs, &day, "as_they_were").await;
    assert_eq!(was["total"], before["total"]);
    assert_eq!(row(&was, UNIT_B), row(&before, UNIT_B), "{was}");
    assert_eq!(row(&was, UNIT_A), row(&before, UNIT_A));
    let bad = app
        .send(
            &gs,
            "GET",
            &format!("/api/v1/reports/periodic?from={day}&to={day}&units=old"),
            None,
        )
        .await;
    assert_eq!(bad.status(), 422);

    // The rollup kept by the commands still equals the recompute from the histories.
    let check = app.state.app.check_rollup(false).await.unwrap();
    assert!(check.differences.is_empty(), "{:?}", check.differences);

    // The report page offers both readings once a unit has merged.
    let html = body_text(
        app.send(
            &gs,
            "GET",
            &format!("/bao-cao?from={day}&to={day}&units=as_they_were"),
            None,
        )
        .await,
    )
    .await;
    assert!(html.contains("Trước sáp nhập"), "{html}");
    assert!(html.contains("(đã sáp nhập)"), "{html}");

    // Run again, it has nothing left to do.
    let operator = motcua_core::dossier::Actor {
        id: "qt".into(),
        name: "Quản trị".into(),
        kind: motcua_core::dossier::ActorKind::Staff(motcua_core::catalog::Role::Administrator),
    };
    let again = app
        .state
        .app
        .merge_agency(&operator, UNIT_B, UNIT_A)
        .await
        .unwrap();
    assert!(!again.merged_now);
    assert_eq!(again.dossiers_moved, 0);
}

/// A record of the old Bình Định system, at its land registration branch.
fn former(code: &str, status: u32, finished: bool) -> serde_json::Value {
    let mut r = crate::imported::in_process(code);
    r["TrangThaiHoSo"] = status.into();
    r["DonViXuLy"] = FORMER.into();
    r["DonViTiepNhan"] = FORMER.into();
    if finished {
        r["NgayKetThucXuLy"] = "20261125100000".into();
        r["NgayTra"] = "20261126080000".into();
    }
    r
}

const FORMER: &str = "000.00.12.H08";

#[tokio::test]
async fn a_former_provinces_units_are_loaded_merged_and_its_dossiers_imported_under_them() {
    let app = TestApp::new().await;
    app.seed().await;
    let admin = motcua_core::dossier::Actor {
        id: "qt".into(),
        name: "Quản trị".into(),
        kind: motcua_core::dossier::ActorKind::Staff(motcua_core::catalog::Role::Administrator),
    };
    // The old province's branch, merged into today's; loading the file twice is the same.
    let file = format!(
        "province = \"48\"\n\n[[agency]]\ncode = \"{FORMER}\"\nname = \"Chi nhánh VPĐKĐĐ Quy Nhơn (cũ)\"\n\
         kind = \"land_registration_branch\"\nmerged_into = \"{UNIT_A}\"\n"
    );
    for _ in 0..2 {
        let parsed = motcua_core::units::parse_agency_file("cu.toml", &file).unwrap();
        app.state
            .app
            .import_agency_file(&admin, parsed)
            .await
            .unwrap();
    }
    let bad = motcua_core::units::parse_agency_file(
        "cu.toml",
        &file.replace(
            &format!("merged_into = \"{UNIT_A}\""),
            &format!("merged_into = \"{FORMER}\""),
        ),
    );
    assert!(bad.unwrap_err().contains("chính nó"));

    let run = motcua_app::ImportRun {
        source: "Một cửa Bình Định".into(),
        actor_id: "system:import".into(),
        dry_run: false,
        read_only: false,
    };
    let records: Vec<motcua_app::ImportRecord> =
        [former("BD-1", 10, true), former("BD-2", 4, false)]
            .into_iter()
            .enumerate()
            .map(|(i, value)| motcua_app::ImportRecord {
                file: "bd.jsonl".into(),
                row: i + 1,
                value,
                problems: Vec::new(),
                files: Default::default(),
            })
            .collect();
    let (mut imported, mut rejects) = (motcua_app::DossierImport::default(), Vec::new());
    app.state
        .app
        .import_dossiers(&run, &records, &mut imported, &mut rejects)
        .await
        .unwrap();
    assert_eq!((imported.created, imported.rejected), (2, 0), "{rejects:?}");

    // The finished one stays at the former unit; the open one continues at its successor.
    let done = app
        .state
        .db
        .dossier_by_external_code("BD-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.resolving_agency.as_str(), FORMER);
    let open = app
        .state
        .db
        .dossier_by_external_code("BD-2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(open.resolving_agency.as_str(), UNIT_A);
    assert_eq!(open.first_units().1.as_str(), FORMER);
    let ld_a = app.sign_in("ld_a").await;
    let r = app
        .send(
            &ld_a,
            "GET",
            &format!("/api/v1/dossiers/{}", open.id.0),
            None,
        )
        .await;
    assert_eq!(r.status(), 200, "today's unit continues it");

    // Both count for the former unit as it was, and for today's unit rolled up.
    let gs = app.sign_in("gs").await;
    let was = report(&app, &gs, "2026-11-20", "as_they_were").await;
    assert_eq!(row(&was, FORMER).unwrap()["received"]["total"], 2, "{was}");
    let now = report(&app, &gs, "2026-11-20", "current").await;
    assert!(row(&now, FORMER).is_none());
    assert_eq!(row(&now, UNIT_A).unwrap()["received"]["total"], 2, "{now}");

    // Imported again: nothing changes.
    let (mut again, mut rejects) = (motcua_app::DossierImport::default(), Vec::new());
    app.state
        .app
        .import_dossiers(&run, &records, &mut again, &mut rejects)
        .await
        .unwrap();
    assert_eq!((again.created, again.unchanged), (0, 2));
    let check = app.state.app.check_rollup(false).await.unwrap();
    assert!(check.differences.is_empty(), "{:?}", check.differences);
}
