//! The signing step of a land dossier that writes a change set to the register, against the
//! same step on dossiers without one: 1.013833 dossiers on the bench register's certificates
//! are received, assigned and (half of them) given a change of the holder's address, then
//! the leader signs them over HTTP — `--signs` of each per run, alternating the two kinds.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Result, bail};
use motcua_core::clock::Clock as _;
use motcua_core::land::ObjectKind;
use motcua_core::land::import::stable_id;

use super::land::cccd;
use super::measure::{Figure, Sample};
use super::run::RunArgs;
use super::session::{Session, sign_in};

const DESK: &str = "000.00.20.H48";
const RESOLVING: &str = "000.11.12.H48";

/// Runs `op(0..n)` from `clients` tasks; each index once.
async fn drive_n<F, Fut>(clients: usize, n: usize, op: Arc<F>) -> Sample
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (op, next) = (op.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let t = Instant::now();
                if op(i).await {
                    latencies.push(u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX));
                }
            }
            latencies
        }));
    }
    let mut sample = Sample::default();
    for t in tasks {
        if let Ok(l) = t.await {
            sample.latencies_us.extend(l);
        }
    }
    sample.seconds = started.elapsed().as_secs_f64();
    sample.ops = sample.latencies_us.len();
    sample
}

struct Officers {
    desk: Session,
    leader: Session,
    specialist: Session,
}

/// A 1.013833 dossier at its signing step; with a prepared change of the holder's address on
/// parcel `i`'s certificate when `change`.
async fn at_signing(
    http: &reqwest::Client,
    url: &str,
    o: &Officers,
    scan: &str,
    i: u64,
    change: bool,
) -> Result<String, String> {
    let mut intake = serde_json::json!({
        "procedure_code": "1.013833", "channel": "counter",
        "receiving_agency": DESK, "resolving_agency": RESOLVING,
        "applicant": {"type": "person", "id": cccd(i), "name": format!("Nguyễn Văn Thử {i}"),
            "born": null, "address": "Thành phố Đà Nẵng", "phone": "0905123456", "email": null},
        "documents": [
            {"code": "don-dang-ky", "name": "Đơn đăng ký biến động", "originals": 1, "copies": 0, "file": scan, "reused_from": null},
            {"code": "gcn", "name": "Bản gốc Giấy chứng nhận đã cấp", "originals": 1, "copies": 0, "file": scan, "reused_from": null}
        ],
    });
    if change && let Some(m) = intake.as_object_mut() {
        m.insert(
            "land_certificate".into(),
            serde_json::json!(format!("BE {i:07}")),
        );
    }
    let opened = o
        .desk
        .post_or_problem(http, &format!("{url}/api/v1/dossiers"), &intake)
        .await?;
    let id = opened
        .get("id")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let cmd = |name: &str| format!("{url}/api/v1/dossiers/{id}/commands/{name}");
    o.leader
        .post_or_problem(
            http,
            &cmd("assign"),
            &serde_json::json!({"username": "cv1"}),
        )
        .await?;
    if change {
        let intent = serde_json::json!({"kind": "holder_info",
            "party": stable_id(ObjectKind::Party, &cccd(i)).id,
            "name": format!("Nguyễn Văn Thử {i}"), "number": cccd(i),
            "address": format!("{i} Trần Phú, Phường Hải Châu (lần {})", crate::clock::SystemClock.now().timestamp()),
            "source": {"kind": "Giấy xác nhận cư trú", "reference": format!("XN-{i}"), "date": null}});
        o.specialist
            .post_or_problem(
                http,
                &format!("{url}/api/v1/dossiers/{id}/land-change"),
                &intent,
            )
            .await?;
    }
    o.specialist
        .post_or_problem(
            http,
            &cmd("complete_step"),
            &serde_json::json!({"note": null}),
        )
        .await?;
    Ok(id)
}

/// Makes `n` dossiers of each kind at the signing step, from parcel `first` on.
async fn prepare(
    http: &reqwest::Client,
    url: &str,
    o: Arc<Officers>,
    scan: &str,
    first: u64,
    n: usize,
) -> Result<(Vec<String>, Vec<String>)> {
    let mut with = Vec::new();
    let mut without = Vec::new();
    let mut k = first;
    while with.len() < n || without.len() < n {
        let mut batch = Vec::new();
        for _ in 0..16 {
            let (http, url, o, scan) = (http.clone(), url.to_owned(), o.clone(), scan.to_owned());
            let i = k;
            k += 1;
            let change = i.is_multiple_of(2);
            batch.push(tokio::spawn(async move {
                (change, at_signing(&http, &url, &o, &scan, i, change).await)
            }));
        }
        for b in batch {
            match b.await? {
                (true, Ok(id)) => with.push(id),
                (false, Ok(id)) => without.push(id),
                (_, Err(e)) => {
                    bail!("không chuẩn bị được hồ sơ đăng ký biến động cho phép đo: {e}")
                }
            }
        }
    }
    with.truncate(n);
    without.truncate(n);
    Ok((with, without))
}

/// The signing step with a change set against the same step without one.
pub async fn land_step_figure(
    http: &reqwest::Client,
    url: &str,
    scan: &str,
    args: &RunArgs,
    first_parcel: u64,
) -> Result<Figure> {
    let o = Arc::new(Officers {
        desk: sign_in(http, url, "mc1").await?,
        leader: sign_in(http, url, "ld1").await?,
        specialist: sign_in(http, url, "cv1").await?,
    });
    let per_run = args.signs.max(1);
    let n = per_run * args.runs;
    let (with, without) = prepare(http, url, o.clone(), scan, first_parcel, n).await?;
    let (with, without) = (Arc::new(with), Arc::new(without));
    let mut figure = Figure {
        name: "land: signing step writing a change set vs the step without one",
        ours: Vec::new(),
        baseline: Vec::new(),
    };
    for run in 0..args.runs {
        let offset = run * per_run;
        // Each kind goes first every other run: the second half of a run inherits the
        // first's write-ahead log to checkpoint, which alone costs it about a tenth.
        let mut order = [(without.clone(), false), (with.clone(), true)];
        if run % 2 == 1 {
            order.reverse();
        }
        for (ids, into_ours) in order {
            let (http, url, o) = (http.clone(), url.to_owned(), o.clone());
            let sample = drive_n(
                16,
                per_run,
                Arc::new(move |i: usize| {
                    let (http, url, o, ids) = (http.clone(), url.clone(), o.clone(), ids.clone());
                    async move {
                        let Some(id) = ids.get(offset + i) else {
                            return false;
                        };
                        o.leader
                            .post(
                                &http,
                                &format!("{url}/api/v1/dossiers/{id}/commands/sign"),
                                &serde_json::json!({"note": null}),
                            )
                            .await
                            .is_some()
                    }
                }),
            )
            .await;
            if into_ours {
                figure.ours.push(sample);
            } else {
                figure.baseline.push(sample);
            }
        }
    }
    Ok(figure)
}
