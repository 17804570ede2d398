//! "My work": pages of 50, earliest due first, continued by a link; a specialist does not see
//! dossiers assigned to a colleague.

use chrono::TimeDelta;
use motcua_core::clock::Clock as _;

use crate::support::{Client, TestApp, UNIT_A, body_text};

/// The page's dossier ids, in order, and its "next page" link.
async fn page(app: &TestApp, who: &Client, path: &str) -> (Vec<String>, Option<String>) {
    let response = app.send(who, "GET", path, None).await;
    assert_eq!(response.status(), 200, "{path}");
    let html = body_text(response).await;
    let ids = html
        .split("<a href=\"/dossiers/")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect();
    let next = html.split("rel=\"next\"").next().and_then(|before| {
        before
            .rsplit("<a href=\"")
            .next()
            .filter(|_| html.contains("rel=\"next\""))
            .map(|s| {
                s.split('"')
                    .next()
                    .unwrap()
                    .replace("&#38;", "&")
                    .replace("&amp;", "&")
            })
    });
    (ids, next)
}

#[tokio::test]
async fn the_work_queue_pages_by_fifty_and_leaves_out_a_colleagues_dossiers() {
    let app = TestApp::new().await;
    app.seed().await;
    app.account("cv_a2", "specialist", &[UNIT_A]).await;
    let desk = app.sign_in("mc_a").await;
    let mut ids = Vec::new();
    for n in 0..53 {
        // Two receipts per instant: equal due instants, ordered by id across the page break.
        if n % 2 == 0 {
            app.advance(TimeDelta::minutes(1));
        }
        let d = app.receive(&desk, UNIT_A).await;
        ids.push(d["id"].as_str().unwrap().to_owned());
    }
    let leader = app.sign_in("ld_a").await;
    let taken = ids[10].clone();
    let assigned = app
        .send(
            &leader,
            "POST",
            &format!("/api/v1/dossiers/{taken}/commands/assign"),
            Some(serde_json::json!({"username": "cv_a2"})),
        )
        .await;
    assert_eq!(assigned.status(), 200);

    let specialist = app.sign_in("cv_a").await;
    let (first, next) = page(&app, &specialist, "/work").await;
    assert_eq!(first.len(), 50);
    let next = next.expect("a link to the next page");
    let (second, after) = page(&app, &specialist, &next).await;
    assert_eq!(after, None, "the last page has no next link");
    let mut expected = ids.clone();
    expected.retain(|id| *id != taken);
    assert_eq!(
        [first, second].concat(),
        expected,
        "every dossier once, in due order (received order here), the colleague's left out"
    );

    let (theirs, _) = page(&app, &app.sign_in("cv_a2").await, "/work").await;
    assert_eq!(theirs.first(), Some(&ids[0]));
    assert!(
        theirs.contains(&taken),
        "their own assigned dossier is theirs"
    );
}

/// The dossier ids a queue lists.
async fn queue(app: &TestApp, who: &Client, name: &str) -> Vec<String> {
    page(app, who, &format!("/work?queue={name}")).await.0
}

#[tokio::test]
async fn each_home_card_opens_its_own_queue_overdue_due_soon_and_unassigned() {
    let app = TestApp::new().await;
    app.seed().await;
    let desk = app.sign_in("mc_a").await;
    let late = app.receive(&desk, UNIT_A).await;
    app.advance(TimeDelta::days(1));
    let desk = app.sign_in("mc_a").await;
    let fresh = app.receive(&desk, UNIT_A).await;
    let id = |d: &serde_json::Value| d["id"].as_str().unwrap().to_owned();
    let due = |d: &serde_json::Value| {
        chrono::DateTime::parse_from_rfc3339(d["appointment"]["current_due"].as_str().unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc)
    };

    // The leader's home: a card per queue, each linking to its own list with its count.
    let leader = app.sign_in("ld_a").await;
    let home = body_text(app.send(&leader, "GET", "/", None).await).await;
    for q in ["unassigned", "approve", "due-soon", "overdue"] {
        assert!(
            home.contains(&format!("href=\"/work?queue={q}\"")),
            "{q}: {home}"
        );
    }
    // Received, waiting for a specialist no one has named: the leader's to assign.
    let unassigned = queue(&app, &leader, "unassigned").await;
    assert!(unassigned.contains(&id(&late)) && unassigned.contains(&id(&fresh)));
    assert!(queue(&app, &leader, "overdue").await.is_empty());

    // Two working hours before the first one's due instant: due soon, not yet overdue.
    let now = app.clock.now();
    app.advance((due(&late) - TimeDelta::hours(2)) - now);
    // Days later: a new session.
    let leader = app.sign_in("ld_a").await;
    let soon = queue(&app, &leader, "due-soon").await;
    assert_eq!(
        soon,
        [id(&late)],
        "only the one with less than a working day left"
    );
    assert!(queue(&app, &leader, "overdue").await.is_empty());
    // Past it: overdue, no longer due soon.
    app.advance(TimeDelta::hours(3));
    let leader = app.sign_in("ld_a").await;
    assert_eq!(queue(&app, &leader, "overdue").await, [id(&late)]);
    assert!(!queue(&app, &leader, "due-soon").await.contains(&id(&late)));
    let overdue = body_text(app.send(&leader, "GET", "/work?queue=overdue", None).await).await;
    assert!(overdue.contains("quá hạn"), "{overdue}");
    assert!(
        overdue.contains("aria-current=\"page\""),
        "the queue's tab is marked"
    );
}
