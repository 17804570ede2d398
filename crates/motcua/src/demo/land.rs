//! The demo province's synthetic land register, written as the files a province would
//! import (the documented mapping): a few thousand parcels of four wards of Đà Nẵng on a
//! jittered grid in VN-2000 metres (neighbours share their corners), held by the simulator's
//! citizens — the first sample citizens each hold a parcel — with some co-holders, recorded
//! debts, mortgages and one suspension. Deterministic: the same files every run.

use std::fmt::Write as _;

use motcua_core::land::csv::field;
use motcua_sim::Population;

/// Wards of the demo province (2025 codes) and their names.
const WARDS: [(&str, &str); 4] = [
    ("20242", "Phường Hải Châu"),
    ("20209", "Phường Thanh Khê"),
    ("20263", "Phường Sơn Trà"),
    ("20257", "Phường Hòa Cường"),
];
const SHEETS: u32 = 6;
const COLUMNS: u32 = 12;
const ROWS: u32 = 10;
const STREETS: [&str; 8] = [
    "Bạch Đằng",
    "Trần Phú",
    "Lê Duẩn",
    "Nguyễn Văn Linh",
    "Hùng Vương",
    "Ông Ích Khiêm",
    "Hoàng Diệu",
    "Phan Châu Trinh",
];
const ISSUER: &str = "Sở Tài nguyên và Môi trường thành phố Đà Nẵng";

/// The files, by name.
pub struct RegisterFiles {
    /// (file name, contents).
    pub files: Vec<(&'static str, String)>,
}

use super::generate::Rng as Lcg;

/// The corner (col, row) of a sheet's grid, jittered, in VN-2000 metres.
fn corner(base: (f64, f64), col: u32, row: u32, seed: u64) -> (f64, f64) {
    let mut r = Lcg(seed ^ (u64::from(col) << 20) ^ (u64::from(row) << 40) ^ 0x9e37);
    let jx = (r.below(300) as f64) / 100.0 - 1.5;
    let jy = (r.below(300) as f64) / 100.0 - 1.5;
    (
        base.0 + f64::from(col) * 12.0 + jx,
        base.1 + f64::from(row) * 24.0 + jy,
    )
}

/// How many parcels the demo register holds.
pub const PARCELS: u32 = 4 * SHEETS * COLUMNS * ROWS;

/// Generates the demo register's files, naming `people`'s citizens as holders.
pub fn register(people: &Population) -> RegisterFiles {
    let mut parcels =
        String::from("ma_xa,so_to,so_thua,dien_tich_m2,muc_dich,thoi_han,nguon_goc,dia_chi\n");
    let mut parties = String::from("loai,so_dinh_danh,ho_ten,dia_chi\n");
    let mut certificates =
        String::from("so_phat_hanh,so_vao_so,ngay_cap,co_quan_cap,thua_dat,nguoi_su_dung\n");
    let mut rrrs =
        String::from("loai,thua_dat,nguoi_su_dung,so_tien,can_cu_loai,can_cu_so,can_cu_ngay\n");
    let mut features = Vec::new();
    let mut listed = std::collections::BTreeSet::new();
    let mut r = Lcg(0x6c61_6e64);
    let n_people = people.len().max(1);
    let mut party = |number: &str, kind: &str, name: &str, address: &str, out: &mut String| {
        if listed.insert(number.to_owned()) {
            let _ = writeln!(out, "{kind},{number},{},{}", field(name), field(address));
        }
    };
    // Two organisations hold a few parcels.
    let orgs = [
        ("0401234567", "Công ty Cổ phần Đầu tư Sông Hàn"),
        ("0409876543", "Công ty TNHH Thương mại Biển Đông"),
    ];
    let mut i: u64 = 0;
    for (w, (ward, ward_name)) in WARDS.iter().enumerate() {
        for sheet in 1..=SHEETS {
            let base = (
                548_000.0 + (w as f64) * 2_000.0 + f64::from(sheet) * 200.0,
                1_773_000.0 + (w as f64) * 1_500.0,
            );
            let seed = (w as u64) << 8 | u64::from(sheet);
            for row in 0..ROWS {
                for col in 0..COLUMNS {
                    let number = row * COLUMNS + col + 1;
                    let key = format!("{ward}/{sheet}/{number}");
                    let ring: Vec<(f64, f64)> = [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]
                        .iter()
                        .map(|(dc, dr)| corner(base, col + dc, row + dr, seed))
                        .collect();
                    // Shoelace area, m².
                    let area: f64 = ring
                        .windows(2)
                        .map(|p| match p {
                            [a, b] => a.0 * b.1 - b.0 * a.1,
                            _ => 0.0,
                        })
                        .sum::<f64>()
                        .abs()
                        / 2.0;
                    let purpose = match r.below(20) {
                        0 => "CLN",
                        1 => "TMD",
                        _ => "ODT",
                    };
                    let street = STREETS
                        .get(usize::try_from(r.below(STREETS.len() as u64)).unwrap_or(0))
                        .copied()
                        .unwrap_or("Bạch Đằng");
                    let address = format!(
                        "{} {street}, {ward_name}, thành phố Đà Nẵng",
                        1 + r.below(400)
                    );
                    let _ = writeln!(
                        parcels,
                        "{ward},{sheet},{number},{area:.1},{purpose},,{},{}",
                        field("Nhà nước công nhận quyền sử dụng đất"),
                        field(&address)
                    );
                    features.push(serde_json::json!({
                        "type": "Feature",
                        "properties": {"ma_xa": ward, "so_to": sheet, "so_thua": number},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [ring.iter().map(|(x, y)| [
                                (x * 100.0).round() / 100.0,
                                (y * 100.0).round() / 100.0,
                            ]).collect::<Vec<_>>()],
                        },
                    }));
                    // The holder: the first citizens in order (the demo's sample citizens
                    // each hold one), then spread over the population; some organisations.
                    let index = if i < 10 {
                        usize::try_from(i).unwrap_or(0)
                    } else {
                        usize::try_from(r.below(n_people as u64)).unwrap_or(0)
                    };
                    let mut holders = Vec::new();
                    if i >= 10 && r.below(60) == 0 {
                        let (tax, name) = orgs
                            .get(usize::try_from(r.below(2)).unwrap_or(0))
                            .copied()
                            .unwrap_or(orgs[0]);
                        party(tax, "to_chuc", name, "Thành phố Đà Nẵng", &mut parties);
                        holders.push(format!("{tax}:100"));
                    } else if let Some(c) = people.nth(index) {
                        party(
                            &c.so_dinh_danh,
                            "ca_nhan",
                            &c.ho_va_ten,
                            &c.noi_thuong_tru,
                            &mut parties,
                        );
                        if i >= 10 && r.below(10) == 0 {
                            // Co-holders (vợ chồng): half each.
                            let other = people.nth((index + 1) % n_people);
                            if let Some(o) = other {
                                party(
                                    &o.so_dinh_danh,
                                    "ca_nhan",
                                    &o.ho_va_ten,
                                    &o.noi_thuong_tru,
                                    &mut parties,
                                );
                                holders.push(format!("{}:50", c.so_dinh_danh));
                                holders.push(format!("{}:50", o.so_dinh_danh));
                            }
                        }
                        if holders.is_empty() {
                            holders.push(format!("{}:100", c.so_dinh_danh));
                        }
                    }
                    let year = 2005 + r.below(20);
                    let issued = format!("{year}-{:02}-{:02}", 1 + r.below(12), 1 + r.below(28));
                    let _ = writeln!(
                        certificates,
                        "DA {:06},CS {:05},{issued},{},{key},{}",
                        i + 1,
                        i + 1,
                        field(ISSUER),
                        holders.join(";")
                    );
                    // Debts and mortgages bind the holders with their shares.
                    let first_holder = holders.join(";");
                    // Recorded debts (every tenth parcel, and the second sample citizen's),
                    // mortgages, one suspension.
                    if i == 1 || (i >= 10 && r.below(10) == 0) {
                        let _ = writeln!(
                            rrrs,
                            "ghi_no_tien_su_dung_dat,{key},{first_holder},{},{},TB-{:06},{issued}",
                            (20 + r.below(200)) * 1_000_000,
                            field("Thông báo nộp tiền sử dụng đất"),
                            i + 1
                        );
                    }
                    if i >= 10 && r.below(30) == 0 {
                        let _ = writeln!(
                            rrrs,
                            "the_chap,{key},{first_holder},,{},HĐTC-{:06},{issued}",
                            field("Hợp đồng thế chấp"),
                            i + 1
                        );
                    }
                    if i == 500 {
                        let _ = writeln!(
                            rrrs,
                            "tam_dung,{key},{first_holder},,{},QĐ-{:06},{issued}",
                            field("Quyết định của Tòa án"),
                            i + 1
                        );
                    }
                    i += 1;
                }
            }
        }
    }
    let shapes = serde_json::json!({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "VN-2000 / kinh tuyến trục 107°45′"}},
        "features": features,
    });
    RegisterFiles {
        files: vec![
            ("nguoi_su_dung.csv", parties),
            ("thua_dat.csv", parcels),
            ("giay_chung_nhan.csv", certificates),
            ("quyen_han_che.csv", rrrs),
            ("hinh_the.geojson", shapes.to_string()),
        ],
    }
}

/// Reads generated files back as the import reads a province's files.
pub fn as_import(files: &RegisterFiles) -> anyhow::Result<motcua_core::land::import::Files> {
    let table = |name: &str| -> anyhow::Result<motcua_core::land::import::Rows> {
        let body = files
            .files
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, b)| b.as_str());
        motcua_core::land::csv::parse(body).map_err(anyhow::Error::msg)
    };
    let shapes = files
        .files
        .iter()
        .find(|(n, _)| *n == "hinh_the.geojson")
        .map(|(_, b)| serde_json::from_str(b))
        .transpose()?;
    Ok(motcua_core::land::import::Files {
        parties: table("nguoi_su_dung.csv")?,
        parcels: table("thua_dat.csv")?,
        certificates: table("giay_chung_nhan.csv")?,
        rrrs: table("quyen_han_che.csv")?,
        shapes,
    })
}

/// Loads the demo register through the import use case.
pub async fn seed(app: &motcua_app::App) -> anyhow::Result<motcua_app::LandImport> {
    let people = Population::generate(motcua_sim::SimConfig::default().population);
    let files = as_import(&register(&people))?;
    let report = app.import_land(&files, false, &mut |_, _| {}).await?;
    if let Some(r) = report.rejects.first() {
        anyhow::bail!(
            "sổ địa chính mẫu bị từ chối: {} dòng {} [{}]: {}",
            r.file,
            r.line,
            r.field,
            r.reason
        );
    }
    Ok(report)
}
