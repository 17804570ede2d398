//! Feedback through the pages: sent without signing in, routed, answered, published and rated
//! once; a refusal after 2 working days is refused; what was typed survives an error.

use axum::body::Body;
use axum::http::{Request, header};
use chrono::TimeDelta;

use crate::forms_keep::urlencode;
use crate::support::{Client, TestApp, UNIT_A, body_text};

async fn post(app: &TestApp, who: &Client, path: &str, body: &str) -> axum::http::Response<Body> {
    let csrf = if who.csrf.is_empty() {
        String::new()
    } else {
        format!("csrf={}&", who.csrf)
    };
    app.request(
        Request::post(path)
            .header(header::COOKIE, &who.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("{csrf}{body}")))
            .unwrap(),
    )
    .await
}

fn between<'a>(page: &'a str, start: &str) -> &'a str {
    let at = page.find(start).unwrap() + start.len();
    let rest = &page[at..];
    &rest[..rest.find('<').unwrap()]
}

#[tokio::test]
async fn feedback_goes_from_the_form_to_a_published_rated_answer() {
    let app = TestApp::new().await;
    app.seed().await;
    let anyone = Client {
        cookie: String::new(),
        csrf: String::new(),
    };
    let content = "Bộ phận một cửa yêu cầu nộp bản sao chứng thực dù đã có bản chính";
    // Nothing typed is lost when a field is missing.
    let r = post(
        &app,
        &anyone,
        "/phan-anh",
        &format!(
            "subject=procedure&about=1.013833&content={}&sender=&contact=0905000111&publishable=1",
            urlencode(content)
        ),
    )
    .await;
    assert_eq!(r.status(), 422);
    let page = body_text(r).await;
    assert!(page.contains("họ và tên"), "{page}");
    assert!(page.contains(content), "the text typed is kept");
    let r = post(&app, &anyone, "/phan-anh", &format!("subject=procedure&about=1.013833&content={}&sender={}&contact=0905000111&publishable=1", urlencode(content), urlencode("Trần Văn Nam"))).await;
    assert_eq!(r.status(), 200);
    let page = body_text(r).await;
    let code = between(&page, "data-testid=\"feedback-code\">").to_owned();
    let check = between(&page, "data-testid=\"feedback-check\">").to_owned();
    assert!(code.starts_with("PA-"), "{code}");

    let leader = app.sign_in("ld_a").await;
    let list = body_text(app.send(&leader, "GET", "/quan-ly-phan-anh", None).await).await;
    assert!(
        list.contains(&code),
        "unrouted feedback is seen by the units' staff"
    );
    let r = post(
        &app,
        &leader,
        &format!("/quan-ly-phan-anh/{code}/answer"),
        "text=x",
    )
    .await;
    assert_eq!(r.status(), 422, "route first");
    let r = post(
        &app,
        &leader,
        &format!("/quan-ly-phan-anh/{code}/route"),
        &format!("kind=report&agency={UNIT_A}"),
    )
    .await;
    assert_eq!(r.status(), 303);
    let other = app.sign_in("ld_b").await;
    let r = app
        .send(&other, "GET", &format!("/quan-ly-phan-anh/{code}"), None)
        .await;
    assert_eq!(r.status(), 404, "routed elsewhere: not theirs to see");
    let answer = "Đã hướng dẫn bộ phận một cửa chỉ đối chiếu bản chính, không yêu cầu chứng thực.";
    let r = post(
        &app,
        &leader,
        &format!("/quan-ly-phan-anh/{code}/answer"),
        &format!("text={}", urlencode(answer)),
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = post(
        &app,
        &leader,
        &format!("/quan-ly-phan-anh/{code}/publish"),
        "",
    )
    .await;
    assert_eq!(r.status(), 303);
    let published = body_text(app.get("/phan-anh/cong-khai").await).await;
    assert!(
        published.contains(answer) && !published.contains("Trần Văn Nam"),
        "published without the name"
    );

    // The sender rates once; with a wrong check nothing is found.
    let rate = |rating: &str| format!("code={code}&check={check}&action=rate&rating={rating}");
    let r = post(&app, &anyone, "/phan-anh/tra-cuu", &rate("satisfied")).await;
    assert_eq!(r.status(), 200);
    assert!(
        body_text(r)
            .await
            .contains("data-testid=\"feedback-rating\">Hài lòng<")
    );
    let r = post(&app, &anyone, "/phan-anh/tra-cuu", &rate("dissatisfied")).await;
    assert_eq!(r.status(), 422);
    let r = post(
        &app,
        &anyone,
        "/phan-anh/tra-cuu",
        &format!("code={code}&check=ZZZZZZ&action=rate&rating=satisfied"),
    )
    .await;
    assert_eq!(r.status(), 404);
    let list = body_text(app.send(&leader, "GET", "/quan-ly-phan-anh", None).await).await;
    assert!(list.contains("data-testid=\"ind-52\">1/1<"), "{list}");
    // The same feedback is in the Decision 766 index of the province (5.2, 5.3).
    let gs = app.sign_in("gs").await;
    let day = motcua_core::calendar::deadline::local(app.state.clock.now()).date();
    let kpi = crate::support::body_json(
        app.send(
            &gs,
            "GET",
            &format!("/api/v1/kpi?from={day}&to={day}"),
            None,
        )
        .await,
    )
    .await;
    let get = |code: &str| {
        kpi["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == code)
            .cloned()
            .unwrap()
    };
    assert_eq!(get("5.2")["numerator"], 1, "{kpi}");
    assert_eq!(get("5.2")["denominator"], 1);
    assert_eq!(get("5.3")["numerator"], 1, "rated satisfied, on time");
    let detail = body_text(
        app.send(&leader, "GET", &format!("/quan-ly-phan-anh/{code}"), None)
            .await,
    )
    .await;
    assert!(
        !detail.contains(&format!("chuyển {UNIT_A}")),
        "the agency is named, not coded: {detail}"
    );

    // The same sender raises the same thing again: a repeat, so the first is not satisfied
    // and the repeat is not a first receipt (5.3).
    let r = post(
        &app,
        &anyone,
        "/phan-anh",
        &format!(
            "subject=procedure&about=%201.013833&content={}&sender={}&contact=0905000111",
            urlencode("Vẫn bị yêu cầu bản sao chứng thực"),
            urlencode("Trần Văn Nam")
        ),
    )
    .await;
    assert_eq!(r.status(), 200);
    let page = body_text(r).await;
    let repeat = between(&page, "data-testid=\"feedback-code\">").to_owned();
    let kpi = crate::support::body_json(
        app.send(
            &gs,
            "GET",
            &format!("/api/v1/kpi?from={day}&to={day}"),
            None,
        )
        .await,
    )
    .await;
    let five3 = kpi["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "5.3")
        .cloned()
        .unwrap();
    assert_eq!(five3["numerator"], 0, "repeated: {kpi}");
    assert_eq!(five3["denominator"], 1, "a repeat is not a first receipt");
    let detail = body_text(
        app.send(&leader, "GET", &format!("/quan-ly-phan-anh/{repeat}"), None)
            .await,
    )
    .await;
    assert!(
        detail.contains(&format!("href=\"/quan-ly-phan-anh/{code}\"")),
        "{detail}"
    );

    // Another one, three working days old: too late to refuse.
    let r = post(
        &app,
        &anyone,
        "/phan-anh",
        "subject=other&about=&content=abc&sender=An&contact=an%40example.vn",
    )
    .await;
    let page = body_text(r).await;
    let second = between(&page, "data-testid=\"feedback-code\">").to_owned();
    app.advance(TimeDelta::days(5));
    let leader = app.sign_in("ld_a").await;
    let r = post(
        &app,
        &leader,
        &format!("/quan-ly-phan-anh/{second}/refuse"),
        "text=Kh%C3%B4ng%20thu%E1%BB%99c%20ph%E1%BA%A1m%20vi",
    )
    .await;
    assert_eq!(r.status(), 422);
    let page = body_text(r).await;
    assert!(page.contains("2 ngày làm việc"), "{page}");
    assert!(
        page.contains("Không thuộc phạm vi"),
        "the reason typed is kept"
    );
    // Reminders: both unclassified feedback are past their 2 working days, first in the
    // list of what is owed and counted on the home page.
    let owed = body_text(
        app.send(&leader, "GET", "/quan-ly-phan-anh?xem=can-xu-ly", None)
            .await,
    )
    .await;
    assert!(owed.contains("data-testid=\"owed-overdue\">2<"), "{owed}");
    let due = between(&owed, &format!("data-testid=\"due-{second}\">")).to_owned();
    assert!(due.starts_with("Phân loại, chuyển xử lý trước"), "{due}");
    assert!(
        !owed.contains(&format!("data-testid=\"due-{code}\"")),
        "answered and published: nothing owed"
    );
    let home = body_text(app.send(&leader, "GET", "/", None).await).await;
    assert!(
        home.contains("Phản ánh, kiến nghị cần xử lý (2 quá hạn)"),
        "{home}"
    );
}
