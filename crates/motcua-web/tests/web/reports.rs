//! The figures (issue 14): the rollup kept in every command's transaction equals the recompute
//! from the histories; the API and the pages give the same counts; leaders see their units only;
//! exports and the public statistics.

use chrono::TimeDelta;
use motcua_core::clock::Clock;

use crate::support::{Client, TestApp, UNIT_A, UNIT_B, body_json, body_text};

async fn command(app: &TestApp, who: &Client, id: &str, name: &str, body: serde_json::Value) {
    let r = app
        .send(
            who,
            "POST",
            &format!("/api/v1/dossiers/{id}/commands/{name}"),
            Some(body),
        )
        .await;
    assert_eq!(r.status(), 200, "{name}: {}", body_text(r).await);
}

/// Five dossiers at A (one withdrawn, one refused after receipt, one waiting for a supplement,
/// two open) and one at B; returns the period of today.
async fn month(app: &TestApp) -> (String, String) {
    app.seed().await;
    let (desk_a, desk_b) = (app.sign_in("mc_a").await, app.sign_in("mc_b").await);
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(
            app.receive(&desk_a, UNIT_A).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    app.receive(&desk_b, UNIT_B).await;
    command(
        app,
        &desk_a,
        &ids[0],
        "withdraw",
        serde_json::json!({"reason": "Người nộp rút"}),
    )
    .await;
    let leader = app.sign_in("ld_a").await;
    command(
        app,
        &leader,
        &ids[1],
        "refuse",
        serde_json::json!({"reason": "Không thuộc thẩm quyền"}),
    )
    .await;
    command(
        app,
        &desk_a,
        &ids[2],
        "request_supplement",
        serde_json::json!({"missing": ["Bản sao CCCD"], "reason": "Thiếu giấy tờ"}),
    )
    .await;
    let day = motcua_core::calendar::deadline::local(app.clock.now()).date();
    (day.to_string(), day.to_string())
}

#[tokio::test]
async fn the_rollup_kept_by_the_commands_equals_the_recompute_and_the_api_counts_it() {
    let app = TestApp::new().await;
    let (from, to) = month(&app).await;
    let check = app.state.app.check_rollup(false).await.unwrap();
    assert_eq!(check.dossiers, 6);
    assert!(
        check.differences.is_empty(),
        "{}: {:?}",
        app.backend,
        check.differences
    );
    assert!(check.drifted.is_empty());

    let gs = app.sign_in("gs").await;
    let r = app
        .send(
            &gs,
            "GET",
            &format!("/api/v1/reports/periodic?from={from}&to={to}"),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    let report = body_json(r).await;
    assert_eq!(report["by"], "agency");
    let total = &report["total"];
    assert_eq!(total["received"]["counter"], 6);
    assert_eq!(total["received"]["total"], 6);
    assert_eq!(total["withdrawn"], 1);
    assert_eq!(total["refused"], 1);
    assert_eq!(total["in_process"]["total"], 4);
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["key"], UNIT_A);
    assert_eq!(rows[0]["received"]["total"], 5);

    // A leader of B sees B only, whatever they ask for.
    let ld_b = app.sign_in("ld_b").await;
    let r = app
        .send(
            &ld_b,
            "GET",
            &format!("/api/v1/reports/periodic?from={from}&to={to}"),
            None,
        )
        .await;
    let theirs = body_json(r).await;
    assert_eq!(theirs["total"]["received"]["total"], 1);
    let r = app
        .send(
            &ld_b,
            "GET",
            &format!("/api/v1/kpi?from={from}&to={to}&agency={UNIT_A}"),
            None,
        )
        .await;
    let kpi = body_json(r).await;
    assert_eq!(kpi["indicators"][2]["code"], "3.3");
    assert_eq!(
        kpi["indicators"][2]["status"], "not_applicable",
        "A is not theirs: {kpi}"
    );

    // A desk officer reads no figures; bad periods are problems, not errors.
    let desk = app.sign_in("mc_a").await;
    let r = app
        .send(
            &desk,
            "GET",
            &format!("/api/v1/kpi?from={from}&to={to}"),
            None,
        )
        .await;
    assert_eq!(r.status(), 403);
    for bad in [
        "from=2026-13-01&to=2026-12-01",
        "from=2026-12-02&to=2026-12-01",
        "to=2026-12-01",
    ] {
        let r = app
            .send(&gs, "GET", &format!("/api/v1/kpi?{bad}"), None)
            .await;
        assert_eq!(r.status(), 422, "{bad}");
    }
    let r = app
        .send(
            &gs,
            "GET",
            &format!("/api/v1/reports/periodic?from={from}&to={to}&by=colour"),
            None,
        )
        .await;
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn a_broken_rollup_is_found_and_repaired() {
    let app = TestApp::new().await;
    let (from, to) = month(&app).await;
    // Someone edits the rollup by hand: one dossier too many received at A today.
    let key = motcua_core::kpi::RollupKey {
        day: from.parse().unwrap(),
        resolving: UNIT_A.into(),
        receiving: UNIT_A.into(),
        procedure: "1.013833".into(),
        channel: motcua_core::catalog::Channel::Counter,
    };
    let extra = motcua_core::kpi::Counts {
        received: 1,
        open: 1,
        ..Default::default()
    };
    app.state
        .db
        .add_to_rollup(&[(key.clone(), extra)])
        .await
        .unwrap();
    let check = app.state.app.check_rollup(false).await.unwrap();
    assert_eq!(check.differences.len(), 1);
    assert_eq!(check.differences[0].key, key);
    assert_eq!(
        check.differences[0].kept.received - check.differences[0].recomputed.received,
        1
    );
    let repaired = app.state.app.check_rollup(true).await.unwrap();
    assert!(repaired.repaired);
    assert!(
        app.state
            .app
            .check_rollup(false)
            .await
            .unwrap()
            .differences
            .is_empty()
    );
    let gs = app.sign_in("gs").await;
    let r = app
        .send(
            &gs,
            "GET",
            &format!("/api/v1/reports/periodic?from={from}&to={to}"),
            None,
        )
        .await;
    assert_eq!(body_json(r).await["total"]["received"]["total"], 6);
}

#[tokio::test]
async fn the_dashboard_lists_the_dossiers_behind_a_number_and_exports_them() {
    let app = TestApp::new().await;
    let (from, to) = month(&app).await;
    let gs = app.sign_in("gs").await;
    let q = format!("from={from}&to={to}");
    let page = body_text(app.send(&gs, "GET", &format!("/bao-cao?{q}"), None).await).await;
    assert!(page.contains("data-testid=\"periodic-report\""));
    assert!(page.contains("Quyết định 766/QĐ-TTg"));
    let link = format!("/bao-cao/ho-so?{q}&by=agency&key={UNIT_A}&m=withdrawn");
    let unescaped = page.replace("&#38;", "&").replace("&amp;", "&");
    assert!(unescaped.contains(&link), "{page}");

    let list = body_text(
        app.send(
            &gs,
            "GET",
            &format!("/bao-cao/ho-so?{q}&by=agency&key={UNIT_A}&m=received.total"),
            None,
        )
        .await,
    )
    .await;
    assert!(list.contains("data-testid=\"behind-count\">5<"), "{list}");
    let withdrawn = body_text(
        app.send(&gs, "GET", &format!("/bao-cao/ho-so?{q}&m=withdrawn"), None)
            .await,
    )
    .await;
    assert!(withdrawn.contains("data-testid=\"behind-count\">1<"));

    let csv = app
        .send(&gs, "GET", &format!("/bao-cao.csv?{q}&by=channel"), None)
        .await;
    assert_eq!(csv.status(), 200);
    let csv = body_text(csv).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "heading, counter, total: {csv}");
    assert!(
        lines[1].starts_with("counter,Trực tiếp,0,0,6,0,0,6,"),
        "{csv}"
    );

    let xlsx = app
        .send(&gs, "GET", &format!("/bao-cao.xlsx?{q}"), None)
        .await;
    assert_eq!(xlsx.status(), 200);
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = axum::body::to_bytes(xlsx.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(&bytes[..4], b"PK\x03\x04");

    // Nonsense stays on the page as a message, never a server error.
    for bad in [
        "from=x",
        "from=2026-12-05&to=2026-12-01",
        "by=colour",
        "agency=000.99.99.H48",
    ] {
        let r = app.send(&gs, "GET", &format!("/bao-cao?{bad}"), None).await;
        assert_eq!(r.status(), 200, "{bad}");
        assert!(body_text(r).await.contains("role=\"alert\""), "{bad}");
    }
    let desk = app.sign_in("mc_a").await;
    assert_eq!(app.send(&desk, "GET", "/bao-cao", None).await.status(), 403);
}

#[tokio::test]
async fn the_public_statistics_need_no_sign_in_and_are_kept_five_minutes() {
    let app = TestApp::new().await;
    month(&app).await;
    let r = app.get("/thong-ke").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "public, max-age=300");
    let page = body_text(r).await;
    assert!(page.contains("data-testid=\"year-received\">6<"), "{page}");
    // A new dossier shows once the kept figures are five minutes old.
    let desk = app.sign_in("mc_a").await;
    app.receive(&desk, UNIT_A).await;
    let page = body_text(app.get("/thong-ke").await).await;
    assert!(page.contains("data-testid=\"year-received\">6<"));
    app.advance(TimeDelta::minutes(6));
    let page = body_text(app.get("/thong-ke").await).await;
    assert!(page.contains("data-testid=\"year-received\">7<"));
}

#[tokio::test]
async fn an_administrator_imports_a_plan_and_the_figures_meet_or_miss_it() {
    let app = TestApp::new().await;
    let (from, to) = month(&app).await;
    let plan = format!(
        "plan = \"Kế hoạch thử\"\nprovince = \"48\"\n\n[[target]]\nfigure = \"online\"\nby = \"{to}\"\npercent = 50\n\n\
         [[target]]\nfigure = \"on_time\"\nagency = \"{UNIT_A}\"\nby = \"{to}\"\npercent = 10\n"
    );
    let put = |who: &Client, body: String| {
        let req = axum::http::Request::put("/api/v1/plans")
            .header(axum::http::header::COOKIE, &who.cookie)
            .header("x-csrf-token", &who.csrf)
            .header(axum::http::header::CONTENT_TYPE, "text/plain")
            .body(axum::body::Body::from(body))
            .unwrap();
        app.request(req)
    };
    let gs = app.sign_in("gs").await;
    assert_eq!(
        put(&gs, plan.clone()).await.status(),
        403,
        "administrators only"
    );
    let qt = app.sign_in("qt").await;
    let r = put(&qt, plan.replace("percent = 50", "percent = 150")).await;
    assert_eq!(r.status(), 422);
    assert!(body_text(r).await.contains("ke-hoach.toml:"));
    let r = put(&qt, plan.clone()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(body_json(r).await["targets"], 2);
    let list = body_json(app.send(&gs, "GET", "/api/v1/plans", None).await).await;
    assert_eq!(list["targets"][0]["plan"], "Kế hoạch thử", "{list}");

    // All six received at the counter: 0 % online against 50 %, behind by 50 points.
    let page = body_text(
        app.send(&gs, "GET", &format!("/bao-cao?from={from}&to={to}"), None)
            .await,
    )
    .await;
    assert!(page.contains("data-testid=\"plan\""), "{page}");
    assert!(page.contains("Chưa đạt</span> thiếu 50.0 điểm %"), "{page}");
    // On time at A: nothing ended late, the open ones are not due: met.
    assert!(page.contains("Đạt</span> vượt 90.0 điểm %"), "{page}");
}
