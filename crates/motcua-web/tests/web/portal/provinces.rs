//! An installation that holds two provinces serves both on the public pages: the statistics of
//! each, and the e-form's desks and agencies of both, a dossier filed in the province of the
//! agency chosen.

use motcua_core::clock::Clock as _;

use super::*;

/// Gia Lai's public service centre and land registration branch.
const GL_DESK: &str = "000.00.20.H21";
const GL_BRANCH: &str = "000.11.12.H21";

async fn second_province(app: &TestApp) {
    let file = motcua_core::units::parse_agency_file(
        "52.toml",
        &format!(
            "province = \"52\"\n\n[[agency]]\ncode = \"{GL_DESK}\"\nname = \"Trung tâm Phục vụ hành chính công tỉnh Gia Lai\"\nkind = \"public_service_centre\"\n\n\
             [[agency]]\ncode = \"{GL_BRANCH}\"\nname = \"Chi nhánh Văn phòng đăng ký đất đai Quy Nhơn\"\nkind = \"land_registration_branch\"\n"
        ),
    )
    .unwrap();
    app.state
        .db
        .import_agencies(&file, app.clock.now())
        .await
        .unwrap();
}

#[tokio::test]
async fn the_public_pages_serve_every_province_the_installation_holds() {
    let p = portal().await;
    second_province(&p.app).await;

    // The statistics: the installation's own by default, the other by ?tinh=, anything else
    // the own one.
    let own = body_text(p.app.get("/thong-ke").await).await;
    assert!(own.contains("data-testid=\"province-52\""), "{own}");
    let other = body_text(p.app.get("/thong-ke?tinh=52").await).await;
    assert!(other.contains("Gia Lai"), "{other}");
    assert!(other.contains("data-testid=\"province-48\""));
    let unknown = body_text(p.app.get("/thong-ke?tinh=99").await).await;
    assert!(
        unknown.contains("data-testid=\"province-52\""),
        "an unknown code reads the own province"
    );
    let long = p
        .app
        .get(&format!("/thong-ke?tinh={}", "4".repeat(9)))
        .await;
    assert_eq!(long.status(), 422);
    assert!(body_text(long).await.contains("Mã tỉnh quá dài"));

    // The e-form offers both provinces' desks and agencies, each with its province.
    let id = p.citizen(4);
    let cookie = p.sign_in(&id).await;
    let (status, html) = p.page(&cookie, "/cong-dan/nop/1.013833").await;
    assert_eq!(status, 200);
    assert!(html.contains(GL_DESK) && html.contains(GL_BRANCH), "{html}");
    assert!(html.contains("— Gia Lai"), "{html}");
}
