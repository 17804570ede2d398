//! An officer's work queue: the `/work` page against the hand-written SELECT of its first page.

use std::sync::Arc;

use anyhow::Result;

use super::measure::{Figure, drive};
use super::run::RunArgs;
use super::session::sign_in;

/// An officer's work queue page (signed in, due-sorted, filtered to their unit and role)
/// against the indexed SELECT of the same page.
pub async fn work_queue_figure(
    db: &motcua_store::Db,
    http: &reqwest::Client,
    base_url: &str,
    args: &RunArgs,
) -> Result<Figure> {
    const UNIT: &str = "000.11.12.H48";
    let cookie = sign_in(http, base_url, "cv1").await?.cookie;
    let officer = db
        .account_by_username("cv1")
        .await?
        .map(|a| a.id.to_string())
        .unwrap_or_default();
    let clients = (args.clients / 4).max(1);
    let mut figure = Figure {
        name: "work queue of one officer (page, due-sorted) vs its indexed SELECT",
        ours: Vec::new(),
        baseline: Vec::new(),
    };
    for _ in 0..args.runs {
        let (db2, o2) = (db.clone(), officer.clone());
        figure.baseline.push(
            drive(
                clients,
                args.seconds,
                Arc::new(move |_| {
                    let (db, officer) = (db2.clone(), o2.clone());
                    async move {
                        db.baseline_work_queue(UNIT, "specialist", &officer)
                            .await
                            .is_ok()
                    }
                }),
            )
            .await,
        );
        let (h, url, c) = (http.clone(), base_url.to_owned(), cookie.clone());
        figure.ours.push(
            drive(
                clients,
                args.seconds,
                Arc::new(move |_| {
                    let (http, url, cookie) = (h.clone(), url.clone(), c.clone());
                    async move {
                        match http
                            .get(format!("{url}/work"))
                            .header(reqwest::header::COOKIE, cookie)
                            .send()
                            .await
                        {
                            Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                            _ => false,
                        }
                    }
                }),
            )
            .await,
        );
    }
    Ok(figure)
}
