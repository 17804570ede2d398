//! A supplement request answered online.

use super::*;
use crate::support::body_text;

#[tokio::test]
async fn a_supplement_request_is_answered_online() {
    let p = portal().await;
    let cookie = p.sign_in(&p.citizen(8)).await;
    let id = dossier_id(&p.file_online(&cookie, "submit", &PDF_BYTES).await);
    let desk = p.app.sign_in("mc_tt").await;
    let path = |c: &str| format!("/api/v1/dossiers/{id}/commands/{c}");
    let ack = p
        .app
        .send(
            &desk,
            "POST",
            &path("acknowledge"),
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(ack.status(), 200);
    let ask = p
        .app
        .send(
            &desk,
            "POST",
            &path("request_supplement"),
            Some(serde_json::json!({"missing": ["Bản sao giấy tờ nhân thân mới"], "reason": "Bản đã nộp bị mờ"})),
        )
        .await;
    assert_eq!(ask.status(), 200, "{}", body_text(ask).await);
    let (_, html) = p.page(&cookie, &format!("/cong-dan/ho-so/{id}")).await;
    assert!(html.contains("Bản sao giấy tờ nhân thân mới") && html.contains("Gửi hồ sơ bổ sung"));
    let csrf = p.csrf(&cookie).await;
    let r = p
        .post_form(
            &cookie,
            &format!("/cong-dan/ho-so/{id}/bo-sung"),
            &[("csrf", csrf), ("note", "giấy tờ nhân thân".into())],
            &[(
                "file",
                "cccd.pdf",
                &motcua_web::sample_pdf::one_page_pdf("sharper"),
            )],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);
    let d = p.dossier(&id).await;
    assert_eq!(
        d.status,
        motcua_core::dossier::Status::InProcess,
        "back in process, time restarted"
    );
    assert!(
        d.documents
            .iter()
            .any(|x| x.name.contains("giấy tờ nhân thân") && x.file.is_some())
    );
    assert!(d.supplements[0].supplied_at.is_some());
}
