//! The VNeID stand-in: the authorization-code flow end to end.

use motcua_sim::{SimConfig, base64url, start};

use crate::http;

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.replace('/', "%2F")
                    .replace(':', "%3A")
                    .replace('?', "%3F")
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn a_citizen_signs_in_and_the_client_gets_a_signed_id_token() {
    let sim = start(SimConfig::default(), "127.0.0.1:0").await.unwrap();
    let base = sim.base_url();
    let citizen = sim.sim.population().nth(7).unwrap().clone();

    let (status, discovery) = http(
        "GET",
        &format!("{base}/oidc/.well-known/openid-configuration"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(discovery.contains("\"authorization_endpoint\""));

    let redirect = "http://127.0.0.1:9/callback";
    let (status, page) = http("GET", &format!("{base}/oidc/authorize?response_type=code&client_id=motcua&redirect_uri={redirect}&state=s1&nonce=n1"), None).await;
    assert_eq!(status, 200);
    assert!(page.contains("Số định danh cá nhân"));

    let login = |password: &'static str| {
        form(&[
            ("client_id", "motcua"),
            ("redirect_uri", redirect),
            ("state", "s1"),
            ("nonce", "n1"),
            ("cccd", citizen.so_dinh_danh.as_str()),
            ("password", password),
        ])
    };
    let (status, _) = crate::raw(
        "POST",
        &format!("{base}/oidc/authorize"),
        "application/x-www-form-urlencoded",
        &login("sai"),
    )
    .await;
    assert_eq!(status, 401, "a wrong password is refused");
    let (status, head) = crate::raw(
        "POST",
        &format!("{base}/oidc/authorize"),
        "application/x-www-form-urlencoded",
        &login("vneid-demo"),
    )
    .await;
    assert_eq!(status, 303);
    let location = head
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .unwrap()
        .trim()
        .to_owned();
    assert!(
        location.starts_with(redirect) && location.contains("state=s1"),
        "{location}"
    );
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();

    let exchange = form(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", redirect),
        ("client_id", "motcua"),
        ("client_secret", "motcua-sim-oidc-secret"),
    ]);
    let (status, body) = crate::raw(
        "POST",
        &format!("{base}/oidc/token"),
        "application/x-www-form-urlencoded",
        &exchange,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let tokens: serde_json::Value =
        serde_json::from_str(body.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    let id_token = tokens["id_token"].as_str().unwrap();
    let parts: Vec<&str> = id_token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let expected = {
        let input = format!("{}.{}", parts[0], parts[1]);
        let mac = motcua_sim::sign("motcua-sim-oidc-secret", input.as_bytes());
        let bytes: Vec<u8> = (0..mac.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&mac[i..i + 2], 16).unwrap())
            .collect();
        base64url(&bytes)
    };
    assert_eq!(
        parts[2], expected,
        "the ID token is signed with the client secret"
    );
    let (again, _) = crate::raw(
        "POST",
        &format!("{base}/oidc/token"),
        "application/x-www-form-urlencoded",
        &exchange,
    )
    .await;
    assert_eq!(again, 400, "a code is single use");

    let access = tokens["access_token"].as_str().unwrap();
    let (status, info) = crate::raw_auth("GET", &format!("{base}/oidc/userinfo"), access).await;
    assert_eq!(status, 200);
    assert!(
        info.contains(&citizen.ho_va_ten) && info.contains("\"identity_level\":2"),
        "{info}"
    );
    sim.stop();
}
