//! The figures' benchmarks: the periodic report of the last 30 days by agency, read off the KPI
//! rollup (what the dashboard, the API and the CLI read), against a plain `GROUP BY` over the
//! dossier table computing the same table; and a workflow step with the rollup kept against
//! the same step with it switched off (what keeping the counts costs a command).

use std::sync::Arc;

use anyhow::Result;
use chrono::TimeDelta;
use motcua_core::clock::Clock as _;
use motcua_core::kpi::Period;

use super::measure::{Figure, drive};
use super::run::RunArgs;
use super::step::{assign, dossiers_at_a_step, leader_token};
use crate::clock::SystemClock;

/// The last 30 Vietnam days, today included.
fn last_30_days() -> Period {
    let today = motcua_core::calendar::deadline::local(SystemClock.now()).date();
    Period {
        from: today - TimeDelta::days(29),
        to: today,
    }
}

/// The periodic report by agency (16 clients) against the `GROUP BY` of the same table.
pub async fn report_figure(app: &motcua_app::App, args: &RunArgs) -> Result<Figure> {
    let province = app
        .province()
        .await?
        .map(|p| p.code)
        .unwrap_or_else(|| "48".into());
    let period = last_30_days();
    let clients = 16.min(args.clients).max(1);
    let mut figure = Figure {
        name: "periodic report, 30 days by agency (rollup) vs GROUP BY over dossiers",
        ours: Vec::new(),
        baseline: Vec::new(),
    };
    for _ in 0..args.runs {
        let db = app.db().clone();
        figure.baseline.push(
            drive(
                clients,
                args.seconds,
                Arc::new(move |_| {
                    let db = db.clone();
                    async move {
                        db.baseline_report(period.start(), period.end())
                            .await
                            .is_ok()
                    }
                }),
            )
            .await,
        );
        let (app2, p2) = (app.clone(), province.clone());
        figure.ours.push(
            drive(
                clients,
                args.seconds,
                Arc::new(move |_| {
                    let (app, province) = (app2.clone(), p2.clone());
                    async move {
                        let q = motcua_app::FigureQuery {
                            period,
                            by: motcua_app::Grouping::Agency,
                            under: None,
                            visible: None,
                            units: motcua_app::UnitView::Current,
                        };
                        app.figures(&province, &q).await.is_ok()
                    }
                }),
            )
            .await,
        );
    }
    Ok(figure)
}

/// A workflow step (assign, over HTTP, 16 clients) with the rollup kept, against the same step
/// with the rollup switched off: the ratio is what keeping the counts leaves of the throughput.
pub async fn rollup_cost_figure(
    db: &motcua_store::Db,
    http: &reqwest::Client,
    base_url: &str,
    args: &RunArgs,
) -> Result<Figure> {
    let mut ids = dossiers_at_a_step(db).await?;
    let half = ids.len() / 2;
    let off_ids = Arc::new(ids.split_off(half));
    let ids = Arc::new(ids);
    let token = leader_token(db).await?;
    let mut figure = Figure {
        name: "workflow step, 16 clients, keeping the KPI rollup vs not keeping it",
        ours: Vec::new(),
        baseline: Vec::new(),
    };
    let run = |ids: Arc<Vec<uuid::Uuid>>| {
        let (h, url, t) = (http.clone(), base_url.to_owned(), token.clone());
        Arc::new(move |i: usize| {
            let (http, ids, url, token) = (h.clone(), ids.clone(), url.clone(), t.clone());
            async move {
                let id = ids.get(i % ids.len()).copied().unwrap_or_default();
                assign(&http, &url, &token, id).await
            }
        })
    };
    for _ in 0..args.runs {
        motcua_store::set_rollup_disabled(true);
        figure
            .baseline
            .push(drive(16, args.seconds, run(off_ids.clone())).await);
        motcua_store::set_rollup_disabled(false);
        figure
            .ours
            .push(drive(16, args.seconds, run(ids.clone())).await);
    }
    Ok(figure)
}
