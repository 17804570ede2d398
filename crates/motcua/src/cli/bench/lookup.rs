//! The public lookup by code over HTTP against the raw indexed SELECT, at `--clients`.

use std::sync::Arc;

use super::measure::{Figure, drive};
use super::run::RunArgs;

pub async fn lookup_figure(
    db: &motcua_store::Db,
    http: &reqwest::Client,
    base_url: &str,
    codes: &Arc<Vec<String>>,
    args: &RunArgs,
) -> Figure {
    let mut lookup = Figure {
        name: "public lookup by code (HTTP) vs the raw indexed SELECT",
        ours: Vec::new(),
        baseline: Vec::new(),
    };
    for _ in 0..args.runs {
        let (db2, c2) = (db.clone(), codes.clone());
        lookup.baseline.push(
            drive(
                args.clients,
                args.seconds,
                Arc::new(move |i: usize| {
                    let (db, codes) = (db2.clone(), c2.clone());
                    async move {
                        let code = codes
                            .get(i % codes.len().max(1))
                            .cloned()
                            .unwrap_or_default();
                        let code = code.split('?').next().unwrap_or_default();
                        db.baseline_lookup(code).await.is_ok_and(|n| n > 0)
                    }
                }),
            )
            .await,
        );
        let (h, c2, url) = (http.clone(), codes.clone(), base_url.to_owned());
        lookup.ours.push(
            drive(
                args.clients,
                args.seconds,
                Arc::new(move |i: usize| {
                    let (http, codes, url) = (h.clone(), c2.clone(), url.clone());
                    async move {
                        let code = codes
                            .get(i % codes.len().max(1))
                            .cloned()
                            .unwrap_or_default();
                        match http.get(format!("{url}/api/v1/lookup/{code}")).send().await {
                            Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                            _ => false,
                        }
                    }
                }),
            )
            .await,
        );
    }
    lookup
}
