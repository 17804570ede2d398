//! What the National Public Service Portal (Cổng Dịch vụ công quốc gia, DVCQG) is told of a
//! dossier: the dossier itself (`DongBoHoSoMC`) and each step of its progress
//! (`CapNhatTienDoHoSoMC`), in the portal's field names, with our states mapped to its status
//! codes in one table. The portal computes the province's Decision 766 score from these, so
//! what is sent must be complete and never counted twice.
//!
//! Must not: send anything, or decide whether a dossier is synced (inter-agency sub-dossiers
//! never are: [`is_synced`]).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::calendar::deadline::local;
use crate::catalog::Channel;
use crate::dossier::{Applicant, Dossier, Event, Status};

/// The portal's status code (TrangThaiHoSo) for each of our states — the one place they map.
/// 1 submitted, 2 received, 3 not received, 4 in process, 5 supplement requested, 6 awaiting
/// financial obligation, 7 withdrawn, 8 stopped, 9 processing finished, 10 result returned.
pub const STATUS_CODES: [(Status, u8); 9] = [
    (Status::Submitted, 1),
    (Status::InProcess, 4),
    (Status::SupplementRequested, 5),
    (Status::AwaitingObligation, 6),
    (Status::ResultReady, 9),
    (Status::Returned, 10),
    // A refusal after acceptance stops the handling (dừng xử lý).
    (Status::Refused, 8),
    (Status::NotAccepted, 3),
    (Status::Withdrawn, 7),
];

/// The portal's status code of a state.
pub fn status_code(s: Status) -> u8 {
    STATUS_CODES
        .iter()
        .find(|(status, _)| *status == s)
        .map_or(0, |(_, code)| *code)
}

/// The portal's channel code (KenhThucHien): 1 counter, 2 online, 3 post.
pub fn channel_code(c: Channel) -> u8 {
    match c {
        Channel::Counter => 1,
        Channel::Online | Channel::NationalPortal => 2,
        Channel::Post => 3,
    }
}

/// Whether a dossier is pushed at all: inter-agency sub-dossiers are part of their origin's
/// request, never a citizen request of their own.
pub fn is_synced(d: &Dossier) -> bool {
    !d.is_sub_dossier()
}

/// The code the portal knows a dossier by: its own, for a dossier filed on the portal (ours
/// travels beside it), the other system's for one imported from it (that system synced it
/// under its code), ours otherwise.
pub fn portal_code(d: &Dossier) -> &str {
    match (&d.channel, &d.external_code, &d.imported) {
        (Channel::NationalPortal, Some(code), _) | (_, Some(code), Some(_)) => code,
        _ => d.code.as_str(),
    }
}

/// Local time as the portal wants it: `yyyyMMddHHmmss`.
pub fn timestamp(t: DateTime<Utc>) -> String {
    local(t).format("%Y%m%d%H%M%S").to_string()
}

fn opt_timestamp(t: Option<DateTime<Utc>>) -> String {
    t.map(timestamp).unwrap_or_default()
}

/// The `DongBoHoSoMC` record of a dossier as it stands. `updating`: the portal has it already.
pub fn dossier_record(d: &Dossier, procedure: &ProcedureOnPortal<'_>, updating: bool) -> Value {
    let (kind, phone, email, address) = match &d.applicant {
        Applicant::Person {
            phone,
            email,
            address,
            ..
        } => (1, phone, email, address),
        Applicant::Organisation {
            phone,
            email,
            address,
            ..
        } => (2, phone, email, address),
    };
    json!({
        "isUpdating": updating,
        "MaHoSo": portal_code(d),
        "MaHoSoDiaPhuong": d.code.as_str(),
        "MaTTHC": procedure.code.unwrap_or(d.procedure.as_str()),
        "TenTTHC": procedure.name,
        "ChuHoSo": d.applicant.name(),
        "LoaiDoiTuong": kind,
        "MaDoiTuong": d.applicant.number(),
        "SoDienThoai": phone.clone().unwrap_or_default(),
        "Email": email.clone().unwrap_or_default(),
        "DiaChi": address,
        "TrichYeu": format!("{} — {}", procedure.name, d.applicant.name()),
        "NgayNopHoSo": timestamp(d.submitted_at),
        "NgayTiepNhan": opt_timestamp(d.received_at),
        "NgayHenTra": opt_timestamp(d.appointment.as_ref().map(|a| a.current_due)),
        "TrangThaiHoSo": status_code(d.status),
        "NgayKetThucXuLy": opt_timestamp(d.finished_at),
        "NgayTra": opt_timestamp(d.returned_at),
        "KenhThucHien": channel_code(d.channel),
        "DonViXuLy": d.resolving_agency.as_str(),
        "DonViTiepNhan": d.receiving_agency.as_str(),
        "DungDanCu": matches!(d.applicant, Applicant::Person { from_population_data: true, .. }),
        "DanhSachGiayToNop": d.documents.iter().map(|x| json!({
            "MaThanhPhanHoSo": x.code,
            "TenGiayTo": x.name,
            "DuocSoHoa": x.digitised || x.file.is_some(),
            "DuocTaiSuDung": x.reused_from.is_some(),
            "NguonTaiSuDung": x.reused_from,
            "DuocLayTuKhoDMQG": x.from_personal_store,
        })).collect::<Vec<_>>(),
        "DanhSachLePhi": d.fees.iter().chain(&d.obligations).map(|c| json!({
            "MaPhiLePhi": c.code,
            "TenPhiLePhi": c.name,
            "Gia": c.amount,
        })).collect::<Vec<_>>(),
        "DanhSachThanhToan": d.payments.iter().map(|p| json!({
            "MaGiaoDich": p.reference,
            "SoTien": p.amount,
            "HinhThucThu": if p.online { 2 } else { 1 },
            "NgayThanhToan": timestamp(p.at),
        })).collect::<Vec<_>>(),
        "DanhSachHoSoBoSung": d.supplements.iter().map(|r| json!({
            "NguoiYeuCauBoSung": r.requested_by,
            "NoiDungBoSung": r.missing.join("; "),
            "LyDo": r.reason,
            "NgayYeuCauBoSung": timestamp(r.requested_at),
            "NgayTiepNhanBoSung": opt_timestamp(r.supplied_at),
            "NgayHenTraTruoc": opt_timestamp(r.due_before),
            "NgayHenTraMoi": opt_timestamp(r.due_after),
        })).collect::<Vec<_>>(),
        "DanhSachKetQua": d.result.iter().map(|r| json!({
            "TenGiayTo": r.name,
            "KetQuaDienTu": r.electronic,
            "DuocSoHoa": r.file.is_some(),
            "DaKySo": r.signed,
        })).collect::<Vec<_>>(),
    })
}

/// How the portal knows a dossier's procedure: its name, and its code on the portal when the
/// province mapped the local code to another (`None`: the same code).
#[derive(Debug, Clone, Copy)]
pub struct ProcedureOnPortal<'a> {
    /// The procedure's name.
    pub name: &'a str,
    /// The portal's code (MaTTHC), if it differs from ours.
    pub code: Option<&'a str>,
}

/// The `CapNhatTienDoHoSoMC` record of one event, if it is a step of progress the portal shows.
/// `seq` is the event's place in the history (the record's own identity).
pub fn progress_record(
    d: &Dossier,
    seq: i64,
    event: &Event,
    actor: &str,
    at: DateTime<Utc>,
) -> Option<Value> {
    let what = match event {
        Event::Opened { .. } => "Nộp hồ sơ".to_owned(),
        Event::Accepted { .. } => "Tiếp nhận hồ sơ".to_owned(),
        Event::StepStarted { step } => format!("Chuyển xử lý: {}", step.name),
        Event::StepCompleted { .. } => "Hoàn thành bước xử lý".to_owned(),
        Event::SupplementRequested { .. } => "Yêu cầu bổ sung hồ sơ".to_owned(),
        Event::SupplementReceived { .. } => "Nhận hồ sơ bổ sung".to_owned(),
        Event::TaxNoticeRecorded { .. } => "Thông báo nghĩa vụ tài chính".to_owned(),
        Event::ObligationSettled => "Hoàn thành nghĩa vụ tài chính".to_owned(),
        Event::ResultRecorded { .. } => "Có kết quả giải quyết".to_owned(),
        Event::ResultReturned { .. } => "Trả kết quả".to_owned(),
        Event::Extended { .. } => "Gia hạn, xin lỗi".to_owned(),
        Event::Closed { reason, .. } => format!("Kết thúc: {reason}"),
        _ => return None,
    };
    let step = d.steps.iter().rev().find(|s| s.started_at <= at);
    Some(json!({
        "MaHoSo": portal_code(d),
        "STT": seq,
        "NguoiXuLy": actor,
        "ChucDanh": step.map(|s| s.role.as_str()).unwrap_or_default(),
        "ThoiDiemXuLy": timestamp(at),
        "PhongBanXuLy": d.resolving_agency.as_str(),
        "NoiDungXuLy": what,
        "TrangThai": status_code(d.status),
        "NgayBatDau": opt_timestamp(d.clock_start),
        "NgayKetThucTheoQuyDinh": opt_timestamp(d.appointment.as_ref().map(|a| a.statutory_due)),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_exactly_one_portal_status() {
        for s in Status::ALL {
            let codes: Vec<u8> = STATUS_CODES
                .iter()
                .filter(|(x, _)| *x == s)
                .map(|(_, c)| *c)
                .collect();
            assert_eq!(codes.len(), 1, "{s:?}");
            assert!((1..=10).contains(&codes[0]));
        }
        assert_eq!(status_code(Status::Returned), 10);
        assert_eq!(status_code(Status::Submitted), 1);
    }

    #[test]
    fn timestamps_are_vietnam_local_time() {
        let t = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 23, 2, 5, 9).unwrap();
        assert_eq!(timestamp(t), "20261123090509");
    }
}

/// One way the portal's copy of a dossier differs from ours.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Difference {
    /// We have it; the portal does not.
    MissingOnPortal {
        /// Dossier code.
        code: String,
    },
    /// The portal has it; we do not (or it is a sub-dossier that must not be there).
    UnknownLocally {
        /// Dossier code.
        code: String,
    },
    /// A field the portal holds otherwise.
    Field {
        /// Dossier code.
        code: String,
        /// The portal's field name.
        field: String,
        /// Ours.
        local: String,
        /// The portal's.
        portal: String,
    },
}

impl Difference {
    /// One line in Vietnamese.
    pub fn describe(&self) -> String {
        match self {
            Self::MissingOnPortal { code } => format!("{code}: chưa có trên Cổng DVCQG"),
            Self::UnknownLocally { code } => {
                format!("{code}: có trên Cổng DVCQG nhưng không có hồ sơ (công dân) tương ứng")
            }
            Self::Field {
                code,
                field,
                local,
                portal,
            } => format!("{code}: {field} khác nhau — hệ thống: {local}, Cổng: {portal}"),
        }
    }
}

/// The fields whose difference changes what the portal counts.
const COMPARED: [&str; 8] = [
    "TrangThaiHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayTra",
    "KenhThucHien",
    "DanhSachThanhToan",
    "DanhSachHoSoBoSung",
    "DanhSachKetQua",
];

/// Compares our records (from [`dossier_record`], synced dossiers only) with the portal's.
/// Lists are compared by length, the rest by value. Sorted by dossier code.
pub fn reconcile(local: &[Value], portal: &[Value]) -> Vec<Difference> {
    use std::collections::BTreeMap;
    let by_code = |list: &[Value]| -> BTreeMap<String, Value> {
        list.iter()
            .filter_map(|r| Some((r.get("MaHoSo")?.as_str()?.to_owned(), r.clone())))
            .collect()
    };
    let ours = by_code(local);
    let theirs = by_code(portal);
    let shown = |v: Option<&Value>| match v {
        Some(Value::Array(items)) => items.len().to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let mut out = Vec::new();
    for (code, mine) in &ours {
        let Some(other) = theirs.get(code) else {
            out.push(Difference::MissingOnPortal { code: code.clone() });
            continue;
        };
        for field in COMPARED {
            let (a, b) = (shown(mine.get(field)), shown(other.get(field)));
            if a != b {
                out.push(Difference::Field {
                    code: code.clone(),
                    field: field.to_owned(),
                    local: a,
                    portal: b,
                });
            }
        }
    }
    for code in theirs.keys().filter(|c| !ours.contains_key(*c)) {
        out.push(Difference::UnknownLocally { code: code.clone() });
    }
    out.sort_by(|a, b| code_of(a).cmp(code_of(b)));
    out
}

fn code_of(d: &Difference) -> &str {
    match d {
        Difference::MissingOnPortal { code }
        | Difference::UnknownLocally { code }
        | Difference::Field { code, .. } => code,
    }
}

#[cfg(test)]
mod reconcile_tests {
    use super::*;

    #[test]
    fn reconciliation_names_every_difference() {
        let local = vec![
            json!({"MaHoSo": "A", "TrangThaiHoSo": 4, "NgayHenTra": "20261130170000", "DanhSachThanhToan": [{}]}),
            json!({"MaHoSo": "B", "TrangThaiHoSo": 10}),
        ];
        let portal = vec![
            json!({"MaHoSo": "A", "TrangThaiHoSo": 2, "NgayHenTra": "20261130170000", "DanhSachThanhToan": []}),
            json!({"MaHoSo": "C", "TrangThaiHoSo": 1}),
        ];
        let d = reconcile(&local, &portal);
        assert_eq!(d.len(), 4, "{d:?}");
        assert!(d.contains(&Difference::Field {
            code: "A".into(),
            field: "TrangThaiHoSo".into(),
            local: "4".into(),
            portal: "2".into()
        }));
        assert!(d.contains(&Difference::MissingOnPortal { code: "B".into() }));
        assert!(d.contains(&Difference::UnknownLocally { code: "C".into() }));
        assert!(reconcile(&local, &local).is_empty());
    }
}
