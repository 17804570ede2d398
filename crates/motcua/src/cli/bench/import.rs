//! The import figure: `motcua import dossiers`' use case writing `--imports` national-portal
//! records (read from their JSON text, checked, placed, hash-chained, in batches of 500)
//! against PostgreSQL's `COPY` loading the very rows it wrote into empty tables with the same
//! indexes. Both run on a scratch database of the bench's own, made fresh for each run and
//! dropped after; PostgreSQL only (the baseline is PostgreSQL's).

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Result, bail};
use chrono::{DateTime, TimeDelta, Utc};
use motcua_core::clock::Clock as _;
use serde_json::json;

use super::measure::{Figure, Sample};
use super::run::RunArgs;
use crate::cli::{Ctx, open_db};
use crate::clock::SystemClock;
use crate::demo;

/// Records per batch, as the command writes them.
const BATCH: usize = 500;

/// The demo province's units and land procedures the records spread over.
const AGENCIES: [&str; 3] = ["000.11.12.H48", "000.12.12.H48", "000.00.12.H48"];
const PROCEDURES: [&str; 3] = ["1.013833", "1.013831", "1.013988"];

/// The portal's stamp (Vietnam time) of an instant.
fn stamp(t: DateTime<Utc>) -> String {
    (t + TimeDelta::hours(7)).format("%Y%m%d%H%M%S").to_string()
}

/// Record `i`: received over the past year; one in six still being handled, the others
/// returned (one in ten of those late).
fn record(i: usize, now: DateTime<Utc>) -> String {
    let n = i as i64;
    let received = now - TimeDelta::days(1 + n % 365) - TimeDelta::minutes(n % 480);
    let due = received + TimeDelta::days(14);
    let agency = AGENCIES.get(i % AGENCIES.len()).copied().unwrap_or("");
    let mut r = json!({
        "MaHoSo": format!("CU.{:04}.{i:07}", 2025 + n % 2),
        "MaTTHC": PROCEDURES.get(i / 3 % PROCEDURES.len()).copied().unwrap_or(""),
        "ChuHoSo": format!("Nguyễn Văn Nhập {i}"),
        "LoaiDoiTuong": 1,
        "MaDoiTuong": super::land::cccd(i as u64),
        "DiaChi": "Thành phố Đà Nẵng",
        "NgayNopHoSo": stamp(received - TimeDelta::hours(1)),
        "NgayTiepNhan": stamp(received),
        "NgayHenTra": stamp(due),
        "TrangThaiHoSo": 4,
        "KenhThucHien": 1 + i % 2,
        "DonViXuLy": agency,
        "DonViTiepNhan": agency,
        "DanhSachGiayToNop": [{"TenGiayTo": "Đơn đăng ký biến động", "DuocSoHoa": true}],
        "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "Gia": 50000}],
    });
    if !i.is_multiple_of(6)
        && let Some(o) = r.as_object_mut()
    {
        let finished = received + TimeDelta::days(if i.is_multiple_of(10) { 16 } else { 9 });
        o.insert("TrangThaiHoSo".into(), 10.into());
        o.insert("NgayKetThucXuLy".into(), stamp(finished).into());
        o.insert(
            "NgayTra".into(),
            stamp(finished + TimeDelta::hours(2)).into(),
        );
    }
    r.to_string()
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> Result<String> {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let Some((server, _)) = base.rsplit_once('/') else {
        bail!("{url}: không thấy tên cơ sở dữ liệu");
    };
    Ok(match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    })
}

/// Measures `--runs` imports of `--imports` records and the baseline after each.
pub async fn import_figure(ctx: &Ctx, db: &motcua_store::Db, args: &RunArgs) -> Result<Figure> {
    if !matches!(db.backend(), motcua_store::Backend::Postgres) {
        bail!("--figures import cần PostgreSQL (đường cơ sở là COPY của PostgreSQL)");
    }
    let now = SystemClock.now();
    let lines: Arc<Vec<String>> = Arc::new((0..args.imports).map(|i| record(i, now)).collect());
    let name = "motcua_bench_import";
    let url = with_database(&ctx.database_url, name)?;
    let mut figure = Figure {
        name: "import: records written by the import use case vs COPY of the same rows",
        ours: Vec::new(),
        baseline: Vec::new(),
    };
    for _ in 0..args.runs {
        db.recreate_database(name).await?;
        let scratch = open_db(&url).await?;
        demo::seed_reference(&scratch, now).await?;
        let app = motcua_app::App::new(
            scratch.clone(),
            ctx.calendar_data().await?,
            Arc::new(SystemClock),
        );
        let run = motcua_app::ImportRun {
            source: "Hệ thống cũ (đo hiệu năng)".into(),
            actor_id: "system:import".into(),
            dry_run: false,
            read_only: false,
        };
        let (mut report, mut rejects) = (motcua_app::DossierImport::default(), Vec::new());
        let started = Instant::now();
        for (b, chunk) in lines.chunks(BATCH).enumerate() {
            let records: Vec<motcua_app::ImportRecord> = chunk
                .iter()
                .enumerate()
                .map(|(i, line)| motcua_app::ImportRecord {
                    file: "bench.jsonl".into(),
                    row: b * BATCH + i + 1,
                    value: serde_json::from_str(line).unwrap_or(serde_json::Value::Null),
                    problems: Vec::new(),
                    files: Default::default(),
                })
                .collect();
            app.import_dossiers(&run, &records, &mut report, &mut rejects)
                .await?;
        }
        let ours = started.elapsed().as_secs_f64();
        if usize::try_from(report.created).ok() != Some(args.imports) {
            bail!(
                "nhập {} bản ghi, tạo {} hồ sơ, từ chối {}: {:?}",
                args.imports,
                report.created,
                report.rejected,
                rejects.first()
            );
        }
        let copy = scratch.baseline_copy().await?.as_secs_f64();
        scratch.close().await;
        db.drop_database(name).await?;
        let sample = |seconds: f64| Sample {
            ops: args.imports,
            seconds,
            latencies_us: Vec::new(),
        };
        figure.ours.push(sample(ours));
        figure.baseline.push(sample(copy));
    }
    Ok(figure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scratch_database_replaces_only_the_name() {
        assert_eq!(
            with_database("postgres://u@h:5432/bench?sslmode=disable", "x").unwrap(),
            "postgres://u@h:5432/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h/b", "x").unwrap(),
            "postgres://h/x"
        );
    }

    #[test]
    fn every_record_reads_as_a_portal_record() {
        let now = DateTime::parse_from_rfc3339("2026-12-05T08:00:00+07:00")
            .unwrap()
            .with_timezone(&Utc);
        for i in 0..60 {
            let v: serde_json::Value = serde_json::from_str(&record(i, now)).unwrap();
            motcua_core::import::read_record(&v).unwrap();
        }
    }
}
