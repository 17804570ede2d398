//! Loading a register a province already keeps: tables of parcels, parties, certificates
//! and other rights (CSV or XLSX, read by the edge into rows) and the shapes (GeoJSON), in
//! the mapping documented in `docs/land-import.md`. Every row is checked; a row that fails
//! is named in the reject report with its field and reason, and then nothing is written.
//! Object ids are derived from the natural keys (commune/sheet/number, CCCD or tax code,
//! serial), so a second run finds the same objects and changes only what differs.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::change::Op;
use super::history::Version;
use super::model::{
    Certificate, Crs, Holder, LandObject, ObjectId, ObjectKind, Parcel, ParcelNumber, Party,
    PartyKind, Rrr, RrrKind, Source,
};

/// One row as read: its line number and cells.
pub type Row = (usize, Vec<String>);

/// A table as read, the header first.
pub type Rows = Vec<Row>;

/// The files of one import (the shapes are optional, and so are the other rights).
#[derive(Debug, Default)]
pub struct Files {
    /// `thua_dat`: parcels.
    pub parcels: Rows,
    /// `nguoi_su_dung`: parties.
    pub parties: Rows,
    /// `giay_chung_nhan`: certificates (each makes the use right of its holders).
    pub certificates: Rows,
    /// `quyen_han_che`: mortgages, recorded debts, suspensions.
    pub rrrs: Rows,
    /// `hinh_the`: a GeoJSON FeatureCollection of parcel shapes.
    pub shapes: Option<serde_json::Value>,
}

/// A refused row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    /// The file (its table name).
    pub file: &'static str,
    /// The line (1 = header).
    pub line: usize,
    /// The column.
    pub field: String,
    /// Why, in Vietnamese.
    pub reason: String,
}

/// What the files describe: every object with its id, and the rows refused.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The objects, in the order they were read.
    pub objects: Vec<(ObjectId, LandObject)>,
    /// The refused rows.
    pub rejects: Vec<Reject>,
    /// Rows read (all files).
    pub rows: usize,
}

/// The id of an object from its natural key: stable across runs and installations.
pub fn stable_id(kind: ObjectKind, key: &str) -> ObjectId {
    let digest = Sha256::digest(format!("motcua-land:{}:{key}", kind.as_str()).as_bytes());
    let mut bytes = [0u8; 16];
    for (b, d) in bytes.iter_mut().zip(digest.iter()) {
        *b = *d;
    }
    // RFC 9562 version 8 (custom) and the variant bits.
    if let Some(b) = bytes.get_mut(6) {
        *b = (*b & 0x0f) | 0x80;
    }
    if let Some(b) = bytes.get_mut(8) {
        *b = (*b & 0x3f) | 0x80;
    }
    ObjectId {
        kind,
        id: Uuid::from_bytes(bytes),
    }
}

fn parcel_key(n: &ParcelNumber) -> String {
    format!("{}/{}/{}", n.commune, n.sheet, n.number)
}

/// One table being read: its header's columns by name.
struct Table<'a> {
    file: &'static str,
    columns: HashMap<&'a str, usize>,
}

impl<'a> Table<'a> {
    fn new(
        file: &'static str,
        rows: &'a Rows,
        need: &[&str],
        rejects: &mut Vec<Reject>,
    ) -> Option<(Self, &'a [Row])> {
        let (header, body) = rows.split_first()?;
        let columns: HashMap<&str, usize> = header
            .1
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim(), i))
            .collect();
        let missing: Vec<&str> = need
            .iter()
            .copied()
            .filter(|c| !columns.contains_key(c))
            .collect();
        if !missing.is_empty() {
            rejects.push(Reject {
                file,
                line: header.0,
                field: missing.join(", "),
                reason: "thiếu cột bắt buộc trong dòng tiêu đề".into(),
            });
            return None;
        }
        Some((Self { file, columns }, body))
    }

    fn get<'r>(&self, row: &'r [String], column: &str) -> &'r str {
        self.columns
            .get(column)
            .and_then(|i| row.get(*i))
            .map_or("", |s| s.trim())
    }
}

/// A row's problems, gathered so the first one is reported.
struct RowCheck {
    file: &'static str,
    line: usize,
    first: Option<Reject>,
}

impl RowCheck {
    fn new(file: &'static str, line: usize) -> Self {
        Self {
            file,
            line,
            first: None,
        }
    }
    fn fail(&mut self, field: &str, reason: impl Into<String>) {
        if self.first.is_none() {
            self.first = Some(Reject {
                file: self.file,
                line: self.line,
                field: field.to_owned(),
                reason: reason.into(),
            });
        }
    }
    fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        if value.is_empty() {
            self.fail(field, "không được để trống");
        } else if value.chars().count() > max {
            self.fail(field, format!("dài quá {max} ký tự"));
        }
        value.to_owned()
    }
    /// A field that may be empty, refused (not cut) when too long.
    fn optional(&mut self, field: &str, value: &str, max: usize) -> String {
        if value.chars().count() > max {
            self.fail(field, format!("dài quá {max} ký tự"));
        }
        value.to_owned()
    }

    fn number(&mut self, field: &str, value: &str) -> u32 {
        match value.parse::<u32>() {
            Ok(n) if n > 0 => n,
            _ => {
                self.fail(field, format!("\"{value}\" không phải số nguyên dương"));
                0
            }
        }
    }
    fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
        if value.is_empty() {
            return None;
        }
        let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(value, "%d/%m/%Y"));
        match parsed {
            Ok(d) => Some(d),
            Err(_) => {
                self.fail(
                    field,
                    format!("\"{value}\" không phải ngày (YYYY-MM-DD hoặc dd/mm/yyyy)"),
                );
                None
            }
        }
    }
    fn done(self, rejects: &mut Vec<Reject>) -> bool {
        match self.first {
            Some(r) => {
                rejects.push(r);
                false
            }
            None => true,
        }
    }
}

/// Đồng, whole: digits, with "." or "," between groups of three (1.500.000) — never a
/// decimal point.
pub(crate) fn money(text: &str) -> Option<i64> {
    let t = text.trim();
    let groups: Vec<&str> = t.split(['.', ',']).collect();
    let ok = groups
        .iter()
        .all(|g| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit()))
        && groups.iter().skip(1).all(|g| g.len() == 3)
        && groups
            .first()
            .is_some_and(|g| groups.len() == 1 || g.len() <= 3);
    if !ok {
        return None;
    }
    groups.concat().parse().ok().filter(|a: &i64| *a > 0)
}

/// A number a spreadsheet read as a number loses its leading zeros: a personal number is 12
/// digits and a tax code 10; try the number as written, then padded back.
fn find_party<'a>(parties: &'a HashMap<String, Uuid>, number: &str) -> Option<&'a Uuid> {
    parties.get(number).or_else(|| {
        if !number.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        [12usize, 10]
            .iter()
            .filter(|w| number.len() < **w)
            .find_map(|w| parties.get(&format!("{number:0>w$}", w = *w)))
    })
}

/// "20194/7/88" into a parcel number.
fn parse_parcel(text: &str) -> Option<ParcelNumber> {
    let mut parts = text.trim().split('/');
    let commune = parts.next()?.trim();
    let sheet = parts.next()?.trim().parse().ok()?;
    let number = parts.next()?.trim().parse().ok()?;
    if parts.next().is_some() || commune.is_empty() || !commune.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    Some(ParcelNumber {
        commune: commune.to_owned(),
        sheet,
        number,
    })
}

/// "048090000001:50;048090000002:50" (percent; no share = the whole) into holders.
fn parse_holders(
    text: &str,
    parties: &HashMap<String, Uuid>,
    refused: &HashSet<String>,
) -> Result<Vec<Holder>, String> {
    let mut out = Vec::new();
    for item in text.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (number, share) = item.split_once(':').unwrap_or((item, "100"));
        let number = number.trim();
        let party = find_party(parties, number).ok_or_else(|| {
            if refused.contains(number) {
                format!("người sử dụng đất {number} bị từ chối ở tệp nguoi_su_dung")
            } else {
                format!("người sử dụng đất {number} không có trong tệp nguoi_su_dung")
            }
        })?;
        let pct: f64 = share
            .trim()
            .replace(',', ".")
            .parse()
            .map_err(|_| format!("phần \"{share}\" không phải số phần trăm"))?;
        if !(0.0..=100.0).contains(&pct) {
            return Err(format!("phần {pct}% ngoài khoảng 0–100"));
        }
        out.push(Holder {
            party: *party,
            // Percent to basis points, rounded.
            share_bp: (pct * 100.0).round() as u32,
        });
    }
    if out.is_empty() {
        return Err("cần ít nhất một người sử dụng đất".into());
    }
    Ok(out)
}

fn rrr_kind(text: &str) -> Option<RrrKind> {
    Some(match text {
        "the_chap" | "mortgage" => RrrKind::Mortgage,
        "ghi_no_tien_su_dung_dat" | "land_use_fee_debt" => RrrKind::LandUseFeeDebt,
        "ghi_no_le_phi_truoc_ba" | "registration_fee_debt" => RrrKind::RegistrationFeeDebt,
        "tam_dung" | "suspension" => RrrKind::Suspension,
        "so_huu_tai_san" | "asset_ownership" => RrrKind::AssetOwnership,
        _ => return None,
    })
}

/// The CRS a FeatureCollection declares (`crs.properties.name`): VN-2000 unless it names
/// WGS 84 / EPSG:4326.
fn shapes_crs(fc: &serde_json::Value) -> Crs {
    let name = fc
        .pointer("/crs/properties/name")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    if name.contains("4326") || name.to_ascii_uppercase().contains("WGS") || name.contains("CRS84")
    {
        Crs::Wgs84
    } else {
        Crs::Vn2000
    }
}

/// Reads every file into register objects, or the rows refused.
pub fn load(files: &Files) -> Loaded {
    let mut out = Loaded::default();
    let rejects = &mut out.rejects;
    // Shapes by parcel key.
    let mut shapes: HashMap<String, serde_json::Value> = HashMap::new();
    let mut crs = Crs::Vn2000;
    if let Some(fc) = &files.shapes {
        crs = shapes_crs(fc);
        let features = fc
            .get("features")
            .and_then(serde_json::Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (i, f) in features.iter().enumerate() {
            let p = |k: &str| -> String {
                match f.pointer(&format!("/properties/{k}")) {
                    Some(serde_json::Value::String(s)) => s.trim().to_owned(),
                    Some(serde_json::Value::Number(n)) => n.to_string(),
                    _ => String::new(),
                }
            };
            let key = format!("{}/{}/{}", p("ma_xa"), p("so_to"), p("so_thua"));
            let geometry = f.get("geometry").cloned().unwrap_or_default();
            let kind = geometry.get("type").and_then(serde_json::Value::as_str);
            if !matches!(kind, Some("Polygon" | "MultiPolygon")) {
                rejects.push(Reject {
                    file: "hinh_the",
                    line: i + 1,
                    field: "geometry".into(),
                    reason: "hình thể phải là Polygon hoặc MultiPolygon".into(),
                });
                continue;
            }
            if parse_parcel(&key).is_none() {
                rejects.push(Reject {
                    file: "hinh_the",
                    line: i + 1,
                    field: "properties".into(),
                    reason: "cần ma_xa, so_to, so_thua của thửa đất".into(),
                });
                continue;
            }
            shapes.insert(key, geometry);
        }
    }
    // Parties, by their number.
    let mut party_ids: HashMap<String, Uuid> = HashMap::new();
    // The keys of refused rows, to say why a later row that names one fails.
    let mut refused_parties: HashSet<String> = HashSet::new();
    if let Some((t, body)) = Table::new(
        "nguoi_su_dung",
        &files.parties,
        &["loai", "so_dinh_danh", "ho_ten", "dia_chi"],
        rejects,
    ) {
        for (line, row) in body {
            out.rows += 1;
            let mut c = RowCheck::new(t.file, *line);
            let kind = match t.get(row, "loai") {
                "ca_nhan" | "person" => PartyKind::Person,
                "to_chuc" | "organisation" => PartyKind::Organisation,
                other => {
                    c.fail(
                        "loai",
                        format!("\"{other}\" không phải ca_nhan hoặc to_chuc"),
                    );
                    PartyKind::Person
                }
            };
            let mut number = c.text("so_dinh_danh", t.get(row, "so_dinh_danh"), 20);
            // A spreadsheet cell read as a number drops the leading zeros: put them back.
            if number.chars().all(|ch| ch.is_ascii_digit()) {
                let width = match kind {
                    PartyKind::Person => 12,
                    _ => 10,
                };
                if number.len() < width && number.len() + 3 > width {
                    number = format!("{number:0>width$}");
                }
            }
            if !number.chars().all(|ch| ch.is_ascii_digit() || ch == '-') {
                c.fail("so_dinh_danh", "chỉ gồm chữ số (và dấu - của mã chi nhánh)");
            }
            if party_ids.contains_key(&number) {
                c.fail("so_dinh_danh", "trùng với một dòng trước");
            }
            let party = Party {
                kind,
                name: c.text("ho_ten", t.get(row, "ho_ten"), 300),
                address: c.optional("dia_chi", t.get(row, "dia_chi"), 300),
                number: number.clone(),
                members: Vec::new(),
            };
            if !c.done(rejects) {
                refused_parties.insert(number);
            } else {
                let id = stable_id(ObjectKind::Party, &number);
                party_ids.insert(number, id.id);
                out.objects.push((id, LandObject::Party(party)));
            }
        }
    }
    // Parcels.
    let mut parcel_ids: HashMap<String, Uuid> = HashMap::new();
    let mut refused_parcels: HashSet<String> = HashSet::new();
    let missing_parcel = |key: &str, refused: &HashSet<String>| {
        if refused.contains(key) {
            format!("thửa {key} bị từ chối ở tệp thua_dat")
        } else {
            format!("thửa {key} không có trong tệp thua_dat")
        }
    };
    if let Some((t, body)) = Table::new(
        "thua_dat",
        &files.parcels,
        &[
            "ma_xa",
            "so_to",
            "so_thua",
            "dien_tich_m2",
            "muc_dich",
            "dia_chi",
        ],
        rejects,
    ) {
        for (line, row) in body {
            out.rows += 1;
            let mut c = RowCheck::new(t.file, *line);
            let commune = c.text("ma_xa", t.get(row, "ma_xa"), 10);
            if !commune.chars().all(|ch| ch.is_ascii_digit()) {
                c.fail(
                    "ma_xa",
                    "mã xã gồm chữ số (danh mục đơn vị hành chính 2025)",
                );
            }
            let number = ParcelNumber {
                commune,
                sheet: c.number("so_to", t.get(row, "so_to")),
                number: c.number("so_thua", t.get(row, "so_thua")),
            };
            let area_text = t.get(row, "dien_tich_m2").replace(',', ".");
            let area_dm2 = match area_text.parse::<f64>() {
                Ok(a) if a > 0.0 && a < 1e9 => (a * 10.0).round() as u64,
                _ => {
                    c.fail(
                        "dien_tich_m2",
                        format!("\"{area_text}\" không phải diện tích (m²)"),
                    );
                    0
                }
            };
            let key = parcel_key(&number);
            if parcel_ids.contains_key(&key) {
                c.fail("so_thua", "thửa đất trùng với một dòng trước");
            }
            let parcel = Parcel {
                area_dm2,
                purpose: c.text("muc_dich", t.get(row, "muc_dich"), 20),
                term_until: c.date("thoi_han", t.get(row, "thoi_han")),
                origin: c.optional("nguon_goc", t.get(row, "nguon_goc"), 300),
                address: c.optional("dia_chi", t.get(row, "dia_chi"), 300),
                geometry: shapes.get(&key).cloned(),
                crs,
                number,
            };
            if !c.done(rejects) {
                refused_parcels.insert(key);
            } else {
                let id = stable_id(ObjectKind::Parcel, &key);
                parcel_ids.insert(key, id.id);
                out.objects.push((id, LandObject::Parcel(parcel)));
            }
        }
    }
    // Certificates, and the use right each records.
    let mut serials: HashMap<String, ()> = HashMap::new();
    if let Some((t, body)) = Table::new(
        "giay_chung_nhan",
        &files.certificates,
        &[
            "so_phat_hanh",
            "so_vao_so",
            "ngay_cap",
            "co_quan_cap",
            "thua_dat",
            "nguoi_su_dung",
        ],
        rejects,
    ) {
        for (line, row) in body {
            out.rows += 1;
            let mut c = RowCheck::new(t.file, *line);
            let serial = c.text("so_phat_hanh", t.get(row, "so_phat_hanh"), 30);
            if serials.insert(serial.clone(), ()).is_some() {
                c.fail("so_phat_hanh", "trùng với một dòng trước");
            }
            let issued_on = c.date("ngay_cap", t.get(row, "ngay_cap"));
            if issued_on.is_none() {
                c.fail("ngay_cap", "cần ngày cấp");
            }
            let mut parcels = Vec::new();
            for p in t
                .get(row, "thua_dat")
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                match parse_parcel(p).and_then(|n| parcel_ids.get(&parcel_key(&n))) {
                    Some(id) => parcels.push(*id),
                    None => c.fail("thua_dat", missing_parcel(p, &refused_parcels)),
                }
            }
            if parcels.is_empty() {
                c.fail("thua_dat", "cần ít nhất một thửa đất (ma_xa/so_to/so_thua)");
            }
            let holders =
                match parse_holders(t.get(row, "nguoi_su_dung"), &party_ids, &refused_parties) {
                    Ok(h) => h,
                    Err(e) => {
                        c.fail("nguoi_su_dung", e);
                        Vec::new()
                    }
                };
            let cert = LandObject::Certificate(Certificate {
                serial: serial.clone(),
                entry: c.optional("so_vao_so", t.get(row, "so_vao_so"), 30),
                issued_on: issued_on.unwrap_or_default(),
                issuer: c.optional("co_quan_cap", t.get(row, "co_quan_cap"), 300),
                parcels: parcels.clone(),
                holders: holders.clone(),
            });
            if let Err(e) = cert.check() {
                c.fail("nguoi_su_dung", e);
            }
            if c.done(rejects) {
                out.objects
                    .push((stable_id(ObjectKind::Certificate, &serial), cert));
                for p in parcels {
                    out.objects.push((
                        stable_id(ObjectKind::Rrr, &format!("use_right:{serial}:{p}")),
                        LandObject::Rrr(Rrr {
                            kind: RrrKind::UseRight,
                            parcel: p,
                            asset: None,
                            holders: holders.clone(),
                            amount: None,
                            source: Source {
                                kind: "Giấy chứng nhận".into(),
                                reference: serial.clone(),
                                date: issued_on,
                            },
                        }),
                    ));
                }
            }
        }
    }
    // Other rights, restrictions and responsibilities.
    if !files.rrrs.is_empty()
        && let Some((t, body)) = Table::new(
            "quyen_han_che",
            &files.rrrs,
            &["loai", "thua_dat", "nguoi_su_dung", "can_cu_so"],
            rejects,
        )
    {
        let mut seen: BTreeMap<String, ()> = BTreeMap::new();
        for (line, row) in body {
            out.rows += 1;
            let mut c = RowCheck::new(t.file, *line);
            let kind_text = t.get(row, "loai");
            let kind = rrr_kind(kind_text);
            if kind.is_none() {
                c.fail(
                    "loai",
                    format!("\"{kind_text}\" không phải loại quyền, hạn chế đã biết"),
                );
            }
            let parcel_text = t.get(row, "thua_dat");
            let parcel = parse_parcel(parcel_text).and_then(|n| parcel_ids.get(&parcel_key(&n)));
            if parcel.is_none() {
                c.fail("thua_dat", missing_parcel(parcel_text, &refused_parcels));
            }
            let holders =
                match parse_holders(t.get(row, "nguoi_su_dung"), &party_ids, &refused_parties) {
                    Ok(h) => h,
                    Err(e) => {
                        c.fail("nguoi_su_dung", e);
                        Vec::new()
                    }
                };
            let amount = match t.get(row, "so_tien") {
                "" => None,
                s => match money(s) {
                    Some(a) => Some(a),
                    None => {
                        c.fail("so_tien", format!("\"{s}\" không phải số tiền (đồng)"));
                        None
                    }
                },
            };
            let reference = c.text("can_cu_so", t.get(row, "can_cu_so"), 100);
            // Keyed by what it means, not how it was written ("7/088" and "7/88", "the_chap"
            // and "mortgage" are one right).
            let key = format!(
                "{}:{}:{reference}",
                kind.map_or_else(|| kind_text.to_owned(), |k| k.as_str().to_owned()),
                parse_parcel(parcel_text)
                    .map_or_else(|| parcel_text.to_owned(), |n| parcel_key(&n))
            );
            if seen.insert(key.clone(), ()).is_some() {
                c.fail("can_cu_so", "trùng với một dòng trước");
            }
            let value = LandObject::Rrr(Rrr {
                kind: kind.unwrap_or(RrrKind::Mortgage),
                parcel: parcel.copied().unwrap_or_default(),
                asset: None,
                holders,
                amount,
                source: Source {
                    kind: c.optional("can_cu_loai", t.get(row, "can_cu_loai"), 100),
                    reference,
                    date: c.date("can_cu_ngay", t.get(row, "can_cu_ngay")),
                },
            });
            if let Err(e) = value.check() {
                c.fail("so_tien", e);
            }
            if c.done(rejects) {
                out.objects.push((stable_id(ObjectKind::Rrr, &key), value));
            }
        }
    }
    out
}

/// What a run does to the register.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// New objects.
    pub created: usize,
    /// Objects whose value differs from the register's.
    pub updated: usize,
    /// Objects the register already holds as they are.
    pub unchanged: usize,
    /// Objects the register holds otherwise because a dossier changed them (or retired
    /// them) since they were loaded: the register is the record now, the file is not
    /// applied to them.
    pub kept: usize,
}

/// The operations that bring the register to the files' objects, given each object's
/// versions (`history`); objects the files do not mention are left as they are, and so are
/// objects a dossier changed or retired since they were loaded.
pub fn plan<'a>(
    objects: &[(ObjectId, LandObject)],
    history: impl Fn(ObjectId) -> &'a [Version],
) -> (Vec<Op>, Counts) {
    let mut counts = Counts::default();
    let mut ops = Vec::new();
    for (id, value) in objects {
        let versions = history(*id);
        let current = super::history::current(versions);
        let by_dossier = versions.iter().any(|v| v.dossier.is_some());
        match current {
            None if versions.is_empty() => {
                counts.created += 1;
                ops.push(Op::Create {
                    object: *id,
                    value: value.clone(),
                });
            }
            None => counts.kept += 1,
            Some(v) if &v.value == value => counts.unchanged += 1,
            Some(_) if by_dossier => counts.kept += 1,
            Some(v) => {
                counts.updated += 1;
                ops.push(Op::Update {
                    object: *id,
                    base: v.version,
                    value: value.clone(),
                });
            }
        }
    }
    (ops, counts)
}
