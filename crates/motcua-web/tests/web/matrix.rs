//! The authorisation matrix: every endpoint × every role × a dossier of the caller's own unit
//! and one of another unit, including what list and search return.

use crate::support::{TestApp, UNIT_A, UNIT_B, body_json, new_dossier_body};

const ROLES: [(&str, &str); 5] = [
    ("desk_officer", "mc"),
    ("specialist", "cv"),
    ("leader", "ld"),
    ("supervisor", "gs"),
    ("administrator", "qt"),
];

#[tokio::test]
async fn every_endpoint_for_every_role_on_own_and_other_units() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk_a = app.sign_in("mc_a").await;
    let desk_b = app.sign_in("mc_b").await;
    let own = app.receive(&desk_a, UNIT_A).await;
    let other = app.receive(&desk_b, UNIT_B).await;
    let (own_id, other_id) = (own["id"].as_str().unwrap(), other["id"].as_str().unwrap());

    for (role, prefix) in ROLES {
        let province_wide = matches!(role, "supervisor" | "administrator");
        let username = if province_wide {
            prefix.to_owned()
        } else {
            format!("{prefix}_a")
        };
        let who = app.sign_in(&username).await;

        // List: own unit only, or the whole province.
        let list = body_json(app.send(&who, "GET", "/api/v1/dossiers", None).await).await;
        let mut codes: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["code"].as_str().unwrap())
            .collect();
        codes.sort_unstable();
        let expected: Vec<&str> = if province_wide {
            vec![
                own["code"].as_str().unwrap(),
                other["code"].as_str().unwrap(),
            ]
        } else {
            vec![own["code"].as_str().unwrap()]
        };
        assert_eq!(codes, expected, "{role}: list");
        // Filtering by the other unit does not reveal it.
        let search = body_json(
            app.send(
                &who,
                "GET",
                &format!("/api/v1/dossiers?unit={UNIT_B}"),
                None,
            )
            .await,
        )
        .await;
        assert_eq!(
            search["items"].as_array().unwrap().len(),
            usize::from(province_wide),
            "{role}: search"
        );

        // Get: own visible; other unit's is "not found" unless province-wide.
        assert_eq!(
            app.send(&who, "GET", &format!("/api/v1/dossiers/{own_id}"), None)
                .await
                .status(),
            200,
            "{role}: get own"
        );
        let other_get = app
            .send(&who, "GET", &format!("/api/v1/dossiers/{other_id}"), None)
            .await
            .status();
        assert_eq!(
            other_get,
            if province_wide { 200 } else { 404 },
            "{role}: get other"
        );

        // Commands: assigning is for leaders and desk officers (and administrators) of a visible dossier.
        let status = app
            .send(
                &who,
                "POST",
                &format!("/api/v1/dossiers/{own_id}/commands/assign"),
                Some(serde_json::json!({"username": "cv_a"})),
            )
            .await
            .status();
        let allowed = matches!(role, "leader" | "desk_officer" | "administrator");
        assert_eq!(
            status,
            if allowed { 200 } else { 403 },
            "{role}: assign own"
        );
        let status = app
            .send(
                &who,
                "POST",
                &format!("/api/v1/dossiers/{other_id}/commands/assign"),
                Some(serde_json::json!({"username": "cv_b"})),
            )
            .await
            .status();
        let expected = match (province_wide, allowed) {
            (false, _) => 404,
            (true, true) => 200,
            (true, false) => 403,
        };
        assert_eq!(status, expected, "{role}: assign other");

        // Public lookup needs no sign-in at all.
        assert_eq!(
            app.get(&format!(
                "/api/v1/lookup/{}?check={}",
                other["code"].as_str().unwrap(),
                other["lookup_check"].as_str().unwrap()
            ))
            .await
            .status(),
            200
        );
    }
    // Receiving (a second pass, so new dossiers do not change the lists above): desk officers
    // at their own desk; nobody at another unit's desk.
    for (role, prefix) in ROLES {
        let username = if matches!(role, "supervisor" | "administrator") {
            prefix.to_owned()
        } else {
            format!("{prefix}_a")
        };
        let who = app.sign_in(&username).await;
        let status = app
            .send(
                &who,
                "POST",
                "/api/v1/dossiers",
                Some(new_dossier_body(UNIT_A)),
            )
            .await
            .status();
        assert_eq!(
            status,
            if role == "desk_officer" { 201 } else { 403 },
            "{role}: receive at own desk"
        );
        let status = app
            .send(
                &who,
                "POST",
                "/api/v1/dossiers",
                Some(new_dossier_body(UNIT_B)),
            )
            .await
            .status();
        assert_eq!(status, 403, "{role}: receive at another desk");
    }
    // Signed out: nothing but the public endpoints.
    assert_eq!(app.get("/api/v1/dossiers").await.status(), 401);
    assert_eq!(
        app.get(&format!("/api/v1/dossiers/{own_id}"))
            .await
            .status(),
        401
    );
}
