//! Reading one `DongBoHoSoMC` record. Exports differ in small ways (numbers written as
//! strings, empty strings for absent dates), so each field is read on its own and every
//! problem is named by the field it is in: a province fixes its export from the list.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Map, Value};

use super::{Claims, Legacy, LegacyPayment};
use crate::calendar::deadline::utc;
use crate::catalog::Channel;
use crate::dossier::{Applicant, Charge, ResultRecord, Status, SupplementRound};
use crate::ids::{CitizenId, TaxCode};
use crate::limits::{self, Limit};

/// How the record writes an instant: `yyyyMMddHHmmss`, Vietnam time.
pub const STAMP: &str = "%Y%m%d%H%M%S";

/// Why a field was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The record's field (its name in the export).
    pub field: String,
    /// Why, in Vietnamese.
    pub reason: String,
}

/// Collects the problems of one record while its fields are read.
struct Reader<'a> {
    obj: &'a Map<String, Value>,
    problems: Vec<Problem>,
}

impl Reader<'_> {
    fn refuse(&mut self, field: &str, reason: impl Into<String>) {
        self.problems.push(Problem {
            field: field.to_owned(),
            reason: reason.into(),
        });
    }

    /// A text field: a string, or a number written as one; empty when absent.
    fn text(&mut self, field: &str, limit: Limit) -> String {
        let value = match self.obj.get(field) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.trim().to_owned(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => {
                self.refuse(field, "không phải chuỗi ký tự");
                return String::new();
            }
        };
        if let Err(e) = limit.check(&value) {
            self.refuse(field, e);
            return String::new();
        }
        value
    }

    fn required(&mut self, field: &str, limit: Limit) -> String {
        let value = self.text(field, limit);
        if value.is_empty() && !self.problems.iter().any(|p| p.field == field) {
            self.refuse(field, "bắt buộc, không được để trống");
        }
        value
    }

    /// A small whole number, written as a number or a string.
    fn code(&mut self, field: &str) -> Option<u8> {
        let value = match self.obj.get(field) {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        let code = value.and_then(|v| u8::try_from(v).ok());
        if code.is_none() {
            self.refuse(field, "thiếu hoặc không phải mã số");
        }
        code
    }

    /// A portal timestamp (`yyyyMMddHHmmss`, Vietnam time); `None` when empty.
    fn instant(&mut self, field: &str) -> Option<DateTime<Utc>> {
        let text = self.text(field, limits::REFERENCE);
        if text.is_empty() {
            return None;
        }
        match NaiveDateTime::parse_from_str(&text, STAMP) {
            Ok(local) => Some(utc(local)),
            Err(_) => {
                self.refuse(
                    field,
                    format!("\"{text}\" không đúng dạng ngày giờ yyyyMMddHHmmss"),
                );
                None
            }
        }
    }

    fn flag(&self, field: &str) -> bool {
        match self.obj.get(field) {
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_u64() == Some(1),
            Some(Value::String(s)) => matches!(s.trim(), "1" | "true" | "True"),
            _ => false,
        }
    }

    /// The objects of a list field (absent: none).
    fn list(&mut self, field: &str) -> Vec<Map<String, Value>> {
        match self.obj.get(field) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) if items.len() > limits::MAX_ITEMS => {
                self.refuse(
                    field,
                    format!("quá {} mục, tối đa {}", items.len(), limits::MAX_ITEMS),
                );
                Vec::new()
            }
            Some(Value::Array(items)) => {
                let objects: Vec<_> = items.iter().filter_map(Value::as_object).cloned().collect();
                if objects.len() != items.len() {
                    self.refuse(field, "có mục không phải đối tượng JSON");
                }
                objects
            }
            Some(_) => {
                self.refuse(field, "không phải danh sách");
                Vec::new()
            }
        }
    }

    /// Reads `item` (an element of list `field`) with its problems named `field[i].name`.
    fn item<T>(
        &mut self,
        field: &str,
        i: usize,
        item: &Map<String, Value>,
        read: impl FnOnce(&mut Reader<'_>) -> T,
    ) -> T {
        let mut inner = Reader {
            obj: item,
            problems: Vec::new(),
        };
        let value = read(&mut inner);
        for p in inner.problems {
            self.refuse(&format!("{field}[{i}].{}", p.field), p.reason);
        }
        value
    }
}

/// The record's status code (TrangThaiHoSo) as our state; the inverse of
/// [`crate::dvcqg::STATUS_CODES`], with 2 (received at the desk) read as being handled.
fn status(code: u8) -> Option<Status> {
    match code {
        2 => Some(Status::InProcess),
        _ => crate::dvcqg::STATUS_CODES
            .iter()
            .find(|(_, c)| *c == code)
            .map(|(s, _)| *s),
    }
}

/// The record's channel code (KenhThucHien): 2 is online on the province's portal (the
/// record does not say which portal).
fn channel(code: u8) -> Option<Channel> {
    match code {
        1 => Some(Channel::Counter),
        2 => Some(Channel::Online),
        3 => Some(Channel::Post),
        _ => None,
    }
}

fn applicant(r: &mut Reader<'_>) -> Option<Applicant> {
    let kind = r.code("LoaiDoiTuong");
    let number = r.required("MaDoiTuong", limits::ID_PAPER);
    let phone = Some(r.text("SoDienThoai", limits::PHONE)).filter(|s| !s.is_empty());
    let email = Some(r.text("Email", limits::EMAIL)).filter(|s| !s.is_empty());
    let address = r.text("DiaChi", limits::ADDRESS);
    match kind {
        Some(1) => {
            let name = r.required("ChuHoSo", limits::PERSON_NAME);
            let id = CitizenId::parse(&number)
                .map_err(|_| r.refuse("MaDoiTuong", "số định danh cá nhân phải gồm 12 chữ số"))
                .ok()?;
            Some(Applicant::Person {
                id,
                name,
                born: None,
                address,
                phone,
                email,
                from_population_data: false,
            })
        }
        Some(2) => {
            let name = r.required("ChuHoSo", limits::ORGANISATION_NAME);
            let tax_code = TaxCode::parse(&number)
                .map_err(|_| r.refuse("MaDoiTuong", "mã số thuế phải gồm 10 hoặc 13 chữ số"))
                .ok()?;
            Some(Applicant::Organisation {
                tax_code,
                name: name.clone(),
                address,
                representative: name,
                phone,
                email,
            })
        }
        Some(_) => {
            r.refuse("LoaiDoiTuong", "chỉ nhận 1 (công dân) hoặc 2 (tổ chức)");
            None
        }
        None => None,
    }
}

/// Reads one record; every problem found, or the dossier.
pub fn read_record(value: &Value) -> Result<Legacy, Vec<Problem>> {
    let Some(obj) = value.as_object() else {
        return Err(vec![Problem {
            field: "(bản ghi)".into(),
            reason: "không phải đối tượng JSON".into(),
        }]);
    };
    let mut r = Reader {
        obj,
        problems: Vec::new(),
    };
    let code = r.required("MaHoSo", limits::EXTERNAL_CODE);
    let local_code = Some(r.text("MaHoSoDiaPhuong", limits::EXTERNAL_CODE))
        .filter(|c| !c.is_empty() && *c != code);
    let procedure = r.required("MaTTHC", limits::DOCUMENT_CODE);
    let receiving = r.required("DonViTiepNhan", limits::REFERENCE);
    let resolving = r.text("DonViXuLy", limits::REFERENCE);
    let applicant = applicant(&mut r);
    let channel = r.code("KenhThucHien").and_then(|c| {
        channel(c).or_else(|| {
            r.refuse(
                "KenhThucHien",
                format!("mã kênh {c} không có (1, 2 hoặc 3)"),
            );
            None
        })
    });
    let status = r.code("TrangThaiHoSo").and_then(|c| {
        status(c).or_else(|| {
            r.refuse(
                "TrangThaiHoSo",
                format!("mã trạng thái {c} không có (1–10)"),
            );
            None
        })
    });
    let submitted_at = r.instant("NgayNopHoSo");
    if submitted_at.is_none() && !r.problems.iter().any(|p| p.field == "NgayNopHoSo") {
        r.refuse("NgayNopHoSo", "bắt buộc, không được để trống");
    }
    let received_at = r.instant("NgayTiepNhan");
    let due_at = r.instant("NgayHenTra");
    let finished_at = r.instant("NgayKetThucXuLy");
    let returned_at = r.instant("NgayTra");
    let mut claims = Claims {
        population_data: r.flag("DungDanCu"),
        ..Claims::default()
    };
    let mut documents = Vec::new();
    let mut files = Vec::new();
    for (i, d) in r.list("DanhSachGiayToNop").iter().enumerate() {
        let (doc, digitised, reused, file) = r.item("DanhSachGiayToNop", i, d, |x| {
            let code = x.text("MaThanhPhanHoSo", limits::DOCUMENT_CODE);
            let name = x.required("TenGiayTo", limits::DOCUMENT_NAME);
            let code = if code.is_empty() {
                "khac".to_owned()
            } else {
                code
            };
            let file = x.text("TepTin", limits::FILE_PATH);
            (
                (code, name),
                x.flag("DuocSoHoa"),
                x.flag("DuocTaiSuDung"),
                file,
            )
        });
        claims.digitised += u32::from(digitised);
        claims.reused += u32::from(reused);
        if !file.is_empty() {
            files.push((i, file));
        }
        documents.push(doc);
    }
    let mut fees = Vec::new();
    for (i, f) in r.list("DanhSachLePhi").iter().enumerate() {
        fees.push(r.item("DanhSachLePhi", i, f, |x| Charge {
            code: x.text("MaPhiLePhi", limits::DOCUMENT_CODE),
            name: x.required("TenPhiLePhi", limits::TITLE),
            amount: amount(x, "Gia"),
        }));
    }
    let mut payments = Vec::new();
    for (i, p) in r.list("DanhSachThanhToan").iter().enumerate() {
        let (payment, online) = r.item("DanhSachThanhToan", i, p, |x| {
            let reference = x.required("MaGiaoDich", limits::REFERENCE);
            let amount = amount(x, "SoTien");
            let online = x.code("HinhThucThu") == Some(2);
            let at = x.instant("NgayThanhToan");
            (
                at.map(|at| LegacyPayment {
                    reference,
                    amount,
                    at,
                }),
                online,
            )
        });
        claims.paid_online += u32::from(online);
        payments.extend(payment);
    }
    let mut supplements = Vec::new();
    for (i, s) in r.list("DanhSachHoSoBoSung").iter().enumerate() {
        let round = r.item("DanhSachHoSoBoSung", i, s, |x| {
            let missing = x.text("NoiDungBoSung", limits::REASON);
            let round = SupplementRound {
                missing: missing
                    .split(';')
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .map(str::to_owned)
                    .collect(),
                reason: x.text("LyDo", limits::REASON),
                requested_by: x.text("NguoiYeuCauBoSung", limits::PERSON_NAME),
                requested_at: x.instant("NgayYeuCauBoSung")?,
                due_before: x.instant("NgayHenTraTruoc"),
                supplied_at: x.instant("NgayTiepNhanBoSung"),
                due_after: x.instant("NgayHenTraMoi"),
            };
            Some(round)
        });
        match round {
            Some(round) => supplements.push(round),
            None => r.refuse(
                &format!("DanhSachHoSoBoSung[{i}].NgayYeuCauBoSung"),
                "bắt buộc, không được để trống",
            ),
        }
    }
    let mut results = Vec::new();
    for (i, x) in r.list("DanhSachKetQua").iter().enumerate() {
        let (result, signed) = r.item("DanhSachKetQua", i, x, |x| {
            let result = ResultRecord {
                name: x.required("TenGiayTo", limits::DOCUMENT_NAME),
                file: None,
                electronic: x.flag("KetQuaDienTu"),
                signed: false,
            };
            (result, x.flag("DaKySo"))
        });
        claims.signed += u32::from(signed);
        results.push(result);
    }
    let dates = Dates {
        submitted: submitted_at,
        received: received_at,
        due: due_at,
        finished: finished_at,
        returned: returned_at,
    };
    check_dates(&mut r, status, &dates);
    if !r.problems.is_empty() {
        return Err(r.problems);
    }
    match (applicant, channel, status, submitted_at) {
        (Some(applicant), Some(channel), Some(status), Some(submitted_at)) => Ok(Legacy {
            code,
            local_code,
            procedure,
            receiving,
            resolving,
            applicant,
            channel,
            status,
            submitted_at,
            received_at,
            due_at,
            finished_at,
            returned_at,
            documents,
            files,
            fees,
            payments,
            supplements,
            results,
            claims,
        }),
        // Each missing part refused its field above.
        _ => Err(r.problems),
    }
}

fn amount(r: &mut Reader<'_>, field: &str) -> i64 {
    let value = match r.obj.get(field) {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    match value {
        Some(v) if v >= 0 => v,
        _ => {
            r.refuse(field, "số tiền phải là số nguyên không âm (đồng)");
            0
        }
    }
}

/// Dates that contradict each other, or a status without the dates it implies, are refused:
/// reports would count such a dossier in impossible periods, or never end it.
fn check_dates(r: &mut Reader<'_>, status: Option<Status>, dates: &Dates) {
    // Each date is compared with the nearest earlier one the record gives: a return date is
    // checked against the reception when the end of handling is missing.
    let chain = [
        ("NgayNopHoSo", "nộp hồ sơ", dates.submitted),
        ("NgayTiepNhan", "tiếp nhận", dates.received),
        ("NgayKetThucXuLy", "kết thúc xử lý", dates.finished),
        ("NgayTra", "trả kết quả", dates.returned),
    ];
    let mut last: Option<(&str, DateTime<Utc>)> = None;
    for (field, what, at) in chain {
        let Some(at) = at else { continue };
        if let Some((before, earlier)) = last
            && at < earlier
        {
            r.refuse(field, format!("ngày {what} trước ngày {before}"));
        }
        last = Some((what, at));
    }
    let Some(status) = status else { return };
    let missing = |r: &mut Reader<'_>, field: &str, why: &str| {
        if !r.problems.iter().any(|p| p.field == field) {
            r.refuse(field, format!("bắt buộc khi {why}"));
        }
    };
    // Every status past 1 (new) and 3 (not accepted) says the dossier was received.
    if !matches!(status, Status::Submitted | Status::NotAccepted) && dates.received.is_none() {
        missing(
            r,
            "NgayTiepNhan",
            "hồ sơ đã được tiếp nhận (trạng thái khác 1 và 3)",
        );
    }
    match status {
        Status::ResultReady | Status::Returned => {
            if dates.due.is_none() {
                missing(r, "NgayHenTra", "hồ sơ đã giải quyết (trạng thái 9, 10)");
            }
            if status == Status::Returned && dates.returned.is_none() {
                missing(r, "NgayTra", "hồ sơ đã trả kết quả (trạng thái 10)");
            } else if dates.finished.is_none() && dates.returned.is_none() {
                missing(
                    r,
                    "NgayKetThucXuLy",
                    "hồ sơ đã giải quyết (trạng thái 9, 10)",
                );
            }
        }
        Status::Refused | Status::Withdrawn if dates.finished.is_none() => {
            missing(
                r,
                "NgayKetThucXuLy",
                "hồ sơ dừng xử lý hoặc rút (trạng thái 7, 8)",
            );
        }
        _ => {}
    }
}

/// The record's instants, as read.
struct Dates {
    submitted: Option<DateTime<Utc>>,
    received: Option<DateTime<Utc>>,
    due: Option<DateTime<Utc>>,
    finished: Option<DateTime<Utc>>,
    returned: Option<DateTime<Utc>>,
}
