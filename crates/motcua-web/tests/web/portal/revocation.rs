//! Revocation lists fetched from where the CA publishes them: the administrator names the
//! address, the lists are fetched and held, a certificate the CA revokes shows up in the next
//! fetch, and a fetch that fails leaves the held lists in force.

use super::*;

#[tokio::test]
async fn the_cas_revocation_list_is_fetched_held_and_kept_when_the_ca_is_down() {
    let p = portal().await;
    let app = &p.app.state.app;
    let systems = p.app.state.systems.clone().unwrap();
    let admin = crate::result_signing::admin();
    let root = p.sim.sim.ca_root_pem().unwrap();
    app.set_trust_anchors(&admin, &root).await.unwrap();
    // Nothing configured: nothing fetched.
    assert_eq!(
        motcua_integrations::crl::refresh(app, &systems).await,
        Ok(0)
    );
    // Addresses are checked.
    assert!(app.set_crl_urls(&admin, "ftp://ca/crl").await.is_err());
    let url = format!("{}/ca/crl.pem", p.sim.base_url());
    app.set_crl_urls(&admin, &url).await.unwrap();

    // A leader's certificate, then revoked by the CA.
    let http = reqwest::Client::new();
    let ca = |path: &str| format!("{}/ca/{path}", p.sim.base_url());
    let issued: serde_json::Value = http
        .post(ca("chung-thu"))
        .bearer_auth("motcua-sim-signing-secret")
        .json(&serde_json::json!({"user": "ld_a", "name": "Phạm Thị Thu"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        issued["certificate"]
            .as_str()
            .unwrap()
            .contains("CERTIFICATE")
    );
    let revoked_count = |store: &motcua_sign::TrustStore| {
        store
            .crls
            .iter()
            .map(|c| {
                c.tbs_cert_list
                    .revoked_certificates
                    .as_ref()
                    .map_or(0, Vec::len)
            })
            .sum::<usize>()
    };
    assert_eq!(
        motcua_integrations::crl::refresh(app, &systems).await,
        Ok(1)
    );
    assert_eq!(revoked_count(&app.trust().await.unwrap()), 0);
    let r = http
        .post(ca("thu-hoi"))
        .bearer_auth("motcua-sim-signing-secret")
        .json(&serde_json::json!({"user": "ld_a"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        motcua_integrations::crl::refresh(app, &systems).await,
        Ok(1)
    );
    assert_eq!(
        revoked_count(&app.trust().await.unwrap()),
        1,
        "the revoked certificate is in the list held"
    );

    // The CA's address stops answering: the held list stays.
    app.set_crl_urls(&admin, &format!("{url}-khong-co"))
        .await
        .unwrap();
    assert!(
        motcua_integrations::crl::refresh(app, &systems)
            .await
            .is_err()
    );
    assert_eq!(revoked_count(&app.trust().await.unwrap()), 1);
}
