//! The land register's figures: a parcel by its number and the land a person holds, through
//! the store's typed reads, against the bare indexed SELECT (and one joined SELECT); and a
//! parcel as of a past instant against the same read now, with the engine's plan showing one
//! index probe. The register is seeded to `--parcels` first (each parcel with its holder, a
//! certificate and a use right: four objects), in batches, as a bulk load would.

use std::sync::Arc;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use motcua_core::clock::Clock as _;
use motcua_core::land::import::stable_id;
use motcua_core::land::{
    Certificate, Crs, Holder, LandObject, ObjectKind, Parcel, ParcelNumber, Party, PartyKind, Rrr,
    RrrKind, Source, Version,
};
use motcua_store::Db;

use super::measure::{Figure, drive};
use super::run::RunArgs;

/// Parcels per seeding transaction.
const BATCH: u64 = 5_000;
/// 100 sheets × 500 parcels in each commune.
const PER_COMMUNE: u64 = 50_000;

fn number(i: u64) -> ParcelNumber {
    ParcelNumber {
        commune: format!("{}", 30_000 + i / PER_COMMUNE),
        sheet: u32::try_from(i % PER_COMMUNE / 500 + 1).unwrap_or(1),
        number: u32::try_from(i % 500 + 1).unwrap_or(1),
    }
}

/// A valid personal number for holder `i` (Đà Nẵng, men born in the 1950s; unique below
/// ten million).
pub(super) fn cccd(i: u64) -> String {
    format!("0480{:02}{:06}", 50 + i / 1_000_000, i % 1_000_000)
}

fn version(kind: ObjectKind, key: &str, value: LandObject, at: DateTime<Utc>) -> Version {
    Version {
        object: stable_id(kind, key),
        version: 1,
        begin: at,
        end: None,
        dossier: None,
        value,
    }
}

/// The four objects of parcel `i`.
fn parcel_objects(i: u64, at: DateTime<Utc>) -> [Version; 4] {
    let n = number(i);
    let key = format!("{}/{}/{}", n.commune, n.sheet, n.number);
    let party = version(
        ObjectKind::Party,
        &cccd(i),
        LandObject::Party(Party {
            kind: PartyKind::Person,
            number: cccd(i),
            name: format!("Nguyễn Văn Thử {i}"),
            address: "Thành phố Đà Nẵng".into(),
            members: Vec::new(),
        }),
        at,
    );
    let parcel = version(
        ObjectKind::Parcel,
        &key,
        LandObject::Parcel(Parcel {
            number: n,
            area_dm2: 1_000 + i % 5_000,
            purpose: "ODT".into(),
            term_until: None,
            origin: "Công nhận quyền sử dụng đất".into(),
            address: "Thành phố Đà Nẵng".into(),
            geometry: None,
            crs: Crs::Vn2000,
        }),
        at,
    );
    let holders = vec![Holder {
        party: party.object.id,
        share_bp: 10_000,
    }];
    let serial = format!("BE {i:07}");
    let certificate = version(
        ObjectKind::Certificate,
        &serial,
        LandObject::Certificate(Certificate {
            serial: serial.clone(),
            entry: format!("CS {i}"),
            issued_on: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default(),
            issuer: "Sở Tài nguyên và Môi trường".into(),
            parcels: vec![parcel.object.id],
            holders: holders.clone(),
        }),
        at,
    );
    let right = version(
        ObjectKind::Rrr,
        &format!("use_right:{serial}"),
        LandObject::Rrr(Rrr {
            kind: RrrKind::UseRight,
            parcel: parcel.object.id,
            asset: None,
            holders,
            amount: None,
            source: Source {
                kind: "Giấy chứng nhận".into(),
                reference: serial,
                date: None,
            },
        }),
        at,
    );
    [party, parcel, certificate, right]
}

/// Seeds the register up to `parcels` parcels (those there already are kept); answers how
/// many there are.
pub async fn seed(db: &Db, parcels: u64, at: DateTime<Utc>) -> Result<u64> {
    let have: u64 = db
        .land_counts()
        .await?
        .into_iter()
        .find(|(k, _)| k == "parcel")
        .map_or(0, |(_, n)| u64::try_from(n).unwrap_or(0));
    let mut next = have;
    let started = std::time::Instant::now();
    while next < parcels {
        let end = (next + BATCH).min(parcels);
        let rows: Vec<Version> = (next..end).flat_map(|i| parcel_objects(i, at)).collect();
        db.load_land_versions(&rows).await?;
        next = end;
        if next.is_multiple_of(200_000) || next == parcels {
            let rate = (next - have) as f64 / started.elapsed().as_secs_f64().max(0.001);
            eprintln!("… {next} thửa đất ({rate:.0} thửa/giây)");
        }
    }
    if next > have {
        db.refresh_statistics().await?;
    }
    Ok(next.max(have))
}

/// The land figures on a register of `parcels` parcels.
pub async fn land_figures(db: &Db, args: &RunArgs) -> Result<(Vec<Figure>, String)> {
    // Versions seeded a day ago, so "as of an hour ago" reads the same rows by the instant.
    let now = crate::clock::SystemClock.now();
    let at = now - TimeDelta::days(1);
    let parcels = seed(db, args.parcels, at).await?.max(1);
    let plan = db.explain_parcel_as_of().await?;
    // Spread over the whole register, not the cache's favourite rows.
    let pick = move |i: usize| (i as u64).wrapping_mul(2_654_435_761) % parcels;
    let mut by_number = Figure {
        name: "land: parcel by number (typed read) vs the bare indexed SELECT",
        ours: Vec::new(),
        baseline: Vec::new(),
    };
    let mut by_holder = Figure {
        name: "land: a person's land (typed read) vs the bare joined SELECT",
        ours: Vec::new(),
        baseline: Vec::new(),
    };
    let mut as_of = Figure {
        name: "land: parcel as of an hour ago vs the same read now",
        ours: Vec::new(),
        baseline: Vec::new(),
    };
    let past = now - TimeDelta::hours(1);
    for _ in 0..args.runs {
        let d = db.clone();
        by_number.baseline.push(
            drive(
                args.clients,
                args.seconds,
                Arc::new(move |i: usize| {
                    let (db, n) = (d.clone(), number(pick(i)));
                    async move {
                        db.baseline_parcel(&n.commune, n.sheet, n.number)
                            .await
                            .is_ok_and(|b| b > 0)
                    }
                }),
            )
            .await,
        );
        let d = db.clone();
        by_number.ours.push(
            drive(
                args.clients,
                args.seconds,
                Arc::new(move |i: usize| {
                    let (db, n) = (d.clone(), number(pick(i)));
                    async move { matches!(db.parcel_by_number(&n, None).await, Ok(Some(_))) }
                }),
            )
            .await,
        );
        let d = db.clone();
        by_holder.baseline.push(
            drive(
                args.clients,
                args.seconds,
                Arc::new(move |i: usize| {
                    let (db, c) = (d.clone(), cccd(pick(i)));
                    async move { db.baseline_holder(&c).await.is_ok_and(|b| b > 0) }
                }),
            )
            .await,
        );
        let d = db.clone();
        by_holder.ours.push(
            drive(
                args.clients,
                args.seconds,
                Arc::new(move |i: usize| {
                    let (db, c) = (d.clone(), cccd(pick(i)));
                    async move {
                        db.land_held_by(&c, None, 50)
                            .await
                            .is_ok_and(|v| !v.is_empty())
                    }
                }),
            )
            .await,
        );
        let d = db.clone();
        as_of.baseline.push(
            drive(
                args.clients,
                args.seconds,
                Arc::new(move |i: usize| {
                    let (db, n) = (d.clone(), number(pick(i)));
                    async move { matches!(db.parcel_by_number(&n, None).await, Ok(Some(_))) }
                }),
            )
            .await,
        );
        let d = db.clone();
        as_of.ours.push(
            drive(
                args.clients,
                args.seconds,
                Arc::new(move |i: usize| {
                    let (db, n) = (d.clone(), number(pick(i)));
                    async move { matches!(db.parcel_by_number(&n, Some(past)).await, Ok(Some(_))) }
                }),
            )
            .await,
        );
    }
    Ok((vec![by_number, by_holder, as_of], plan))
}
