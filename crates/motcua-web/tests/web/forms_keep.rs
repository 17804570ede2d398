//! Staff and citizen forms that fail keep everything: every field's problem at once, marked
//! on the field, what was typed, the scans attached, and the page the officer was on.

use axum::body::Body;
use axum::http::{Request, header};

use crate::support::*;

/// A multipart body: text fields, then files (field, file name, bytes).
pub(crate) fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--b\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (name, file, bytes) in files {
        body.extend_from_slice(
            format!(
                "--b\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--b--\r\n");
    body
}

pub(crate) async fn post_multipart(
    app: &TestApp,
    client: &Client,
    path: &str,
    body: Vec<u8>,
) -> axum::http::Response<Body> {
    app.request(
        Request::post(path)
            .header(header::COOKIE, &client.cookie)
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=b")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// The value of the hidden input `name` on a page.
fn hidden(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("name=\"{name}\" value=\""))?;
    let rest = page.get(at + name.len() + 15..)?;
    Some(rest.split('"').next()?.to_owned())
}

#[tokio::test]
async fn a_bad_intake_marks_every_field_keeps_what_was_typed_and_holds_its_scan() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let scan = motcua_web::sample_pdf::one_page_pdf(&uuid::Uuid::new_v4().to_string());
    let digest = motcua_web::files::digest(&scan);
    let long_name = "Nguyễn".repeat(120);
    let bad = [
        ("csrf", desk.csrf.as_str()),
        ("number", "048190000001"),
        ("name", long_name.as_str()),
        ("phone", "abc"),
        ("email", "not-an-email"),
        ("address", "Hải Châu, Đà Nẵng"),
        ("area_m2", "-5"),
        ("resolving_agency", UNIT_A),
        ("doc0", "on"),
    ];
    let r = post_multipart(
        &app,
        &desk,
        "/desk/intake/1.013833",
        multipart(&bad, &[("doc0_file", "don.pdf", &scan)]),
    )
    .await;
    assert_eq!(r.status(), 422);
    let page = body_text(r).await;
    for (field, words) in [
        ("name", "Họ và tên"),
        ("phone", "10 chữ số"),
        ("email", "thư điện tử"),
        ("area_m2", "không âm"),
    ] {
        assert!(
            page.contains(&format!("aria-describedby=\"{field}-err\"")),
            "{field} is marked"
        );
        assert!(page.contains(words), "{field}'s message: {words}");
        assert!(
            page.contains(&format!("href=\"#{field}\"")),
            "{field} in the summary"
        );
    }
    assert!(page.contains("value=\"abc\""), "the phone typed is kept");
    assert!(page.contains("value=\"-5\""), "the area typed is kept");
    assert_eq!(hidden(&page, "doc0_held").as_deref(), Some(digest.as_str()));
    assert!(
        !app.state.files.exists(&digest).await,
        "the refused form's scan is held, not stored"
    );

    // Another officer cannot use a scan held for this one.
    let other = app.sign_in("mc_b").await;
    let fixed = |csrf: &'static str| {
        vec![
            ("csrf", csrf),
            ("number", "048190000001"),
            ("name", "Nguyễn Văn An"),
            ("phone", "0905 123 456"),
            ("email", "an@example.vn"),
            ("address", "Hải Châu, Đà Nẵng"),
            ("area_m2", "120"),
            ("resolving_agency", UNIT_A),
            ("doc0", "on"),
            ("doc1", "on"),
        ]
    };
    // The second component must be digitised at the desk too: its scan comes with the form.
    let gcn = crate::support::sample_scan();
    let other_csrf: &'static str = Box::leak(other.csrf.clone().into_boxed_str());
    let mut theirs = fixed(other_csrf);
    theirs.push(("doc0_held", digest.as_str()));
    let r = post_multipart(
        &app,
        &other,
        "/desk/intake/1.013833",
        multipart(&theirs, &[]),
    )
    .await;
    assert_eq!(r.status(), 422, "digitised without a scan of their own");

    // Sent again with the fields fixed and no file chosen, the held scan goes in.
    let csrf: &'static str = Box::leak(desk.csrf.clone().into_boxed_str());
    let mut mine = fixed(csrf);
    mine.push(("doc0_held", digest.as_str()));
    let r = post_multipart(
        &app,
        &desk,
        "/desk/intake/1.013833",
        multipart(&mine, &[("doc1_file", "gcn.pdf", &gcn)]),
    )
    .await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);
    let to = r.headers()[header::LOCATION].to_str().unwrap().to_owned();
    let id = to.split('/').nth(2).unwrap();
    let d = body_json(
        app.send(&desk, "GET", &format!("/api/v1/dossiers/{id}"), None)
            .await,
    )
    .await;
    assert_eq!(d["documents"][0]["file"], digest.as_str());
    assert_eq!(d["documents"][0]["digitised"], true);
    assert!(app.state.files.exists(&digest).await, "now it is stored");
}

#[tokio::test]
async fn a_refused_action_comes_back_on_the_dossier_page_with_its_reason_and_vietnam_time() {
    use chrono::{Datelike, TimeDelta};
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let d = app.receive(&desk, UNIT_A).await;
    let id = d["id"].as_str().unwrap().to_owned();
    let due: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(d["appointment"]["current_due"].clone()).unwrap();
    let extend = |leader: &Client, new_due: String| {
        Request::post(format!("/dossiers/{id}/actions/extend_with_apology"))
            .header(header::COOKIE, &leader.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "csrf={}&new_due={}&reason={}",
                leader.csrf,
                urlencode(&new_due),
                urlencode(REASON)
            )))
            .unwrap()
    };
    const REASON: &str = "Chờ kết quả đo đạc của Văn phòng đăng ký đất đai";
    // Days ahead of the due date: refused, and the page says until when in Vietnam time.
    let leader = app.sign_in("ld_a").await;
    let r = app
        .request(extend(&leader, "2099-01-05T10:00".into()))
        .await;
    assert_eq!(r.status(), 422);
    let page = body_text(r).await;
    assert!(page.contains("data-testid=\"action-error\""), "{page}");
    assert!(
        page.contains("Chỉ gửi văn bản xin lỗi"),
        "why, in Vietnamese"
    );
    let local_due = motcua_core::calendar::deadline::local(due);
    assert!(
        page.contains(&local_due.format("%H:%M %d/%m/%Y").to_string()),
        "the due instant in Vietnam time"
    );
    assert!(
        page.contains("href=\"/work\""),
        "the staff menu, not a dead end"
    );

    // An hour before the due instant the form is there; a Saturday is refused and the
    // reason typed stays in the form.
    app.advance(due - motcua_core::clock::Clock::now(&*app.clock) - TimeDelta::hours(1));
    let leader = app.sign_in("ld_a").await;
    let mut saturday = local_due.date() + TimeDelta::days(1);
    while saturday.weekday() != chrono::Weekday::Sat {
        saturday += TimeDelta::days(1);
    }
    let r = app
        .request(extend(
            &leader,
            format!("{}T10:00", saturday.format("%Y-%m-%d")),
        ))
        .await;
    assert_eq!(r.status(), 422);
    let page = body_text(r).await;
    assert!(page.contains("không phải ngày làm việc"), "{page}");
    assert!(
        page.contains(&format!("value=\"{REASON}\"")),
        "the reason typed is still in the form"
    );
    assert!(page.contains("<details open"), "the form is open");
}

pub(crate) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn a_second_filing_for_the_same_person_and_procedure_asks_the_desk_to_confirm() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let first = app.receive(&desk, UNIT_A).await;
    let csrf: &'static str = Box::leak(desk.csrf.clone().into_boxed_str());
    let mut fields = vec![
        ("csrf", csrf),
        // The same CCCD as the dossier just received, typed with spaces.
        ("number", "048 190 000 001"),
        ("name", "Nguyễn Thị Minh Khai"),
        ("address", "Hải Châu, Đà Nẵng"),
        ("resolving_agency", UNIT_A),
        ("doc0", "on"),
        ("doc1", "on"),
    ];
    // The components that must be digitised come with their scans.
    let scan = crate::support::sample_scan();
    let scans: [(&str, &str, &[u8]); 2] = [
        ("doc0_file", "don.pdf", &scan),
        ("doc1_file", "gcn.pdf", &scan),
    ];
    let r = post_multipart(
        &app,
        &desk,
        "/desk/intake/1.013833",
        multipart(&fields, &scans),
    )
    .await;
    let status = r.status();
    let page = body_text(r).await;
    if status != 422 {
        panic!("{status}: {page}");
    }
    assert!(page.contains("data-testid=\"duplicates\""), "{page}");
    assert!(
        page.contains(first["code"].as_str().unwrap()),
        "the earlier code is named"
    );
    assert!(
        page.contains("href=\"#confirm_duplicate\""),
        "in the summary"
    );
    assert!(
        page.contains("value=\"Nguyễn Thị Minh Khai\""),
        "what was typed is kept"
    );

    // Confirmed, it is received.
    fields.push(("confirm_duplicate", "1"));
    let r = post_multipart(
        &app,
        &desk,
        "/desk/intake/1.013833",
        multipart(&fields, &scans),
    )
    .await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);

    // Another person is not warned.
    let other: Vec<(&str, &str)> = fields
        .iter()
        .map(|&(k, v)| {
            if k == "number" {
                (k, "048190000777")
            } else {
                (k, v)
            }
        })
        .filter(|(k, _)| *k != "confirm_duplicate")
        .collect();
    let r = post_multipart(
        &app,
        &desk,
        "/desk/intake/1.013833",
        multipart(&other, &scans),
    )
    .await;
    assert_eq!(r.status(), 303, "{}", body_text(r).await);
}
