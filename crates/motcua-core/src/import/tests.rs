use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use super::*;
use crate::calendar::Completion;
use crate::dossier::{Event, apply};
use crate::ids::{AgencyCode, DossierCode, ProcedureCode};

fn vn(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    // Vietnam is UTC+7.
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap() - chrono::TimeDelta::hours(7)
}

/// A returned dossier as an old provincial system exports it (numbers as strings, as some do).
fn returned() -> serde_json::Value {
    json!({
        "MaHoSo": "000.00.12.H08-250310-0042",
        "MaHoSoDiaPhuong": "BD-2025-0042",
        "MaTTHC": "1.003877",
        "TenTTHC": "Đăng ký biến động",
        "ChuHoSo": "Trần Thị Bình",
        "LoaiDoiTuong": "1",
        "MaDoiTuong": "052190000042",
        "SoDienThoai": "0905000042",
        "DiaChi": "Phường Quy Nhơn, tỉnh Gia Lai",
        "NgayNopHoSo": "20250310080000",
        "NgayTiepNhan": "20250310090000",
        "NgayHenTra": "20250324170000",
        "TrangThaiHoSo": 10,
        "NgayKetThucXuLy": "20250320100000",
        "NgayTra": "20250321080000",
        "KenhThucHien": 1,
        "DonViXuLy": "000.00.12.H08",
        "DonViTiepNhan": "000.00.12.H08",
        "DungDanCu": true,
        "DanhSachGiayToNop": [
            {"MaThanhPhanHoSo": "don", "TenGiayTo": "Đơn đăng ký biến động", "DuocSoHoa": true},
            {"TenGiayTo": "Giấy chứng nhận", "DuocSoHoa": false, "DuocTaiSuDung": true}
        ],
        "DanhSachLePhi": [{"MaPhiLePhi": "lp", "TenPhiLePhi": "Lệ phí", "Gia": "50000"}],
        "DanhSachThanhToan": [
            {"MaGiaoDich": "GD1", "SoTien": 50000, "HinhThucThu": 2, "NgayThanhToan": "20250310091000"}
        ],
        "DanhSachHoSoBoSung": [],
        "DanhSachKetQua": [{"TenGiayTo": "Giấy chứng nhận", "KetQuaDienTu": false, "DaKySo": true}]
    })
}

fn placement(l: &Legacy, at: DateTime<Utc>) -> Placement {
    let agency = AgencyCode::parse("000.00.12.H21").unwrap();
    Placement {
        id: dossier_id("k", "Một cửa Bình Định", &l.code, l.submitted_at),
        code: DossierCode::new(&agency, l.submitted_at.date_naive(), 1),
        procedure: ProcedureCode::parse("1.003877").unwrap(),
        procedure_version: 1,
        statutory_days: 10,
        receiving: agency.clone(),
        resolving: agency.clone(),
        successors: (agency.clone(), agency),
        step: None,
        read_only: false,
        files: Vec::new(),
        source: "Một cửa Bình Định".into(),
        imported_at: at,
    }
}

#[test]
fn a_portal_record_is_read_in_vietnam_time_and_its_claims_set_no_flag() {
    let l = read_record(&returned()).unwrap();
    assert_eq!(l.code, "000.00.12.H08-250310-0042");
    assert_eq!(l.local_code.as_deref(), Some("BD-2025-0042"));
    assert_eq!(l.status, Status::Returned);
    assert_eq!(l.channel, Channel::Counter);
    assert_eq!(l.received_at, Some(vn(2025, 3, 10, 9)));
    assert_eq!(l.documents[1].0, "khac", "a document without a code");
    assert_eq!(l.fees[0].amount, 50_000, "an amount written as a string");
    let claims = Claims {
        digitised: 1,
        reused: 1,
        paid_online: 1,
        signed: 1,
        population_data: true,
    };
    assert_eq!(l.claims, claims);

    let at = vn(2026, 12, 4, 9);
    let d = build(&l, placement(&l, at));
    assert_eq!(
        d.external_code.as_deref(),
        Some("000.00.12.H08-250310-0042")
    );
    assert_eq!(crate::dvcqg::portal_code(&d), "000.00.12.H08-250310-0042");
    assert_eq!(d.completion, Some(Completion::Early));
    assert!(d.steps.is_empty(), "a finished dossier continues nowhere");
    // The other system's word sets none of the graded flags.
    assert!(
        d.documents
            .iter()
            .all(|x| !x.digitised && x.reused_from.is_none())
    );
    assert!(d.payments.iter().all(|p| !p.online));
    assert!(d.result.as_ref().is_some_and(|r| !r.signed));
    assert!(matches!(
        d.applicant,
        Applicant::Person {
            from_population_data: false,
            ..
        }
    ));
    assert_eq!(d.imported.as_ref().map(|o| &o.claims), Some(&claims));

    // Counted in its own periods: received on 10 March, finished early on 20 March.
    let days = crate::kpi::rollup::days(&crate::kpi::Facts::of(&d));
    let received = chrono::NaiveDate::from_ymd_opt(2025, 3, 10).unwrap();
    let finished = chrono::NaiveDate::from_ymd_opt(2025, 3, 20).unwrap();
    assert_eq!(days[&received].received, 1);
    assert_eq!(days[&finished].finished_early, 1);
    assert_eq!(days[&received].paid_online, 0);
}

#[test]
fn every_refused_field_is_named_with_its_reason() {
    let mut bad = returned();
    bad["MaHoSo"] = json!("");
    bad["MaDoiTuong"] = json!("12345");
    bad["NgayTiepNhan"] = json!("2025-03-10");
    bad["TrangThaiHoSo"] = json!(11);
    bad["KenhThucHien"] = json!("x");
    bad["DanhSachLePhi"][0]["Gia"] = json!(-5);
    bad["NgayTra"] = json!("20250301080000");
    bad["ChuHoSo"] = json!("A".repeat(101));
    let problems = read_record(&bad).unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "MaHoSo",
            "ChuHoSo",
            "MaDoiTuong",
            "KenhThucHien",
            "TrangThaiHoSo",
            "NgayTiepNhan",
            "DanhSachLePhi[0].Gia",
            "NgayTra",
        ],
        "{problems:?}"
    );
    let reason = |f: &str| &problems.iter().find(|p| p.field == f).unwrap().reason;
    assert_eq!(reason("MaHoSo"), "bắt buộc, không được để trống");
    assert_eq!(
        reason("NgayTiepNhan"),
        "\"2025-03-10\" không đúng dạng ngày giờ yyyyMMddHHmmss"
    );
    assert_eq!(
        reason("NgayTra"),
        "ngày trả kết quả trước ngày kết thúc xử lý"
    );
    assert_eq!(
        reason("ChuHoSo"),
        "Họ và tên dài 101 ký tự, tối đa 100 ký tự"
    );
    assert!(read_record(&json!([1, 2])).is_err());
}

/// Records whose dates a report could not place: each is refused, naming the field.
#[test]
fn a_status_without_its_dates_or_dates_out_of_order_are_refused() {
    let refused = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut r = returned();
        edit(&mut r);
        let problems = read_record(&r).unwrap_err();
        problems
            .iter()
            .map(|p| format!("{}: {}", p.field, p.reason))
            .collect::<Vec<_>>()
    };
    // Returned before it was received, the end of handling left out.
    assert_eq!(
        refused(&|r| {
            r["NgayKetThucXuLy"] = json!("");
            r["NgayTra"] = json!("20250309080000");
        }),
        ["NgayTra: ngày trả kết quả trước ngày tiếp nhận"]
    );
    assert_eq!(
        refused(&|r| r["NgayHenTra"] = json!("")),
        ["NgayHenTra: bắt buộc khi hồ sơ đã giải quyết (trạng thái 9, 10)"]
    );
    assert_eq!(
        refused(&|r| r["NgayTra"] = json!("")),
        ["NgayTra: bắt buộc khi hồ sơ đã trả kết quả (trạng thái 10)"]
    );
    assert_eq!(
        refused(&|r| {
            r["TrangThaiHoSo"] = json!(9);
            r["NgayKetThucXuLy"] = json!("");
            r["NgayTra"] = json!("");
        }),
        ["NgayKetThucXuLy: bắt buộc khi hồ sơ đã giải quyết (trạng thái 9, 10)"]
    );
    for stopped in [7, 8] {
        assert_eq!(
            refused(&|r| {
                r["TrangThaiHoSo"] = json!(stopped);
                r["NgayKetThucXuLy"] = json!("");
                r["NgayTra"] = json!("");
            }),
            ["NgayKetThucXuLy: bắt buộc khi hồ sơ dừng xử lý hoặc rút (trạng thái 7, 8)"]
        );
    }
    assert_eq!(
        refused(&|r| {
            r["TrangThaiHoSo"] = json!(4);
            r["NgayTiepNhan"] = json!("");
            r["NgayKetThucXuLy"] = json!("");
            r["NgayTra"] = json!("");
        }),
        ["NgayTiepNhan: bắt buộc khi hồ sơ đã được tiếp nhận (trạng thái khác 1 và 3)"]
    );
    // A new online filing has no reception yet, and a finished one may give only its return.
    let mut new = returned();
    new["TrangThaiHoSo"] = json!(1);
    for f in ["NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra"] {
        new[f] = json!("");
    }
    assert!(read_record(&new).is_ok());
    let mut only_returned = returned();
    only_returned["NgayKetThucXuLy"] = json!("");
    assert!(read_record(&only_returned).is_ok());
}

#[test]
fn the_id_is_the_same_on_every_run_and_sorts_by_filing_time() {
    let (t1, t2) = (vn(2025, 3, 10, 8), vn(2025, 3, 11, 8));
    let a = dossier_id("k", "Bình Định", "X-1", t1);
    assert_eq!(a, dossier_id("k", "Bình Định", "X-1", t1));
    assert_ne!(a, dossier_id("k", "Gia Lai", "X-1", t1), "two sources");
    assert_ne!(
        crate::dossier::lookup_check(a),
        crate::dossier::lookup_check(dossier_id("other", "Bình Định", "X-1", t1)),
        "the check does not follow from the code alone"
    );
    assert!(a < dossier_id("k", "Bình Định", "X-0", t2), "later, larger");
    assert_eq!(a.0.get_version_num(), 7);
}

#[test]
fn an_import_starts_a_history_and_a_corrected_one_restates_it() {
    let l = read_record(&returned()).unwrap();
    let at = vn(2026, 12, 4, 9);
    let d = build(&l, placement(&l, at));
    let event = |d: &crate::dossier::Dossier| Event::Imported {
        source: "Một cửa Bình Định".into(),
        digest: digest(&l),
        dossier: Box::new(d.clone()),
    };
    let first = apply(None, &event(&d), at).unwrap();
    assert_eq!(first.version, 1);
    assert_eq!(first.status, Status::Returned);
    let mut corrected = d.clone();
    corrected.closing_reason = Some("sửa".into());
    let second = apply(Some(first), &event(&corrected), at).unwrap();
    assert_eq!(second.version, 2);
    assert_eq!(second.imported.as_ref().map(|o| o.version), Some(2));
    assert_eq!(second.closing_reason.as_deref(), Some("sửa"));
    assert_ne!(
        digest(&l),
        digest(
            &read_record(&{
                let mut r = returned();
                r["DiaChi"] = json!("Phường khác");
                r
            })
            .unwrap()
        )
    );
}

/// Still being handled, or its result waiting at the desk, at units merged away: it moves to
/// their successors; a finished one stays where it was.
#[test]
fn open_dossiers_and_waiting_results_continue_at_the_successors() {
    let successor = AgencyCode::parse("000.00.12.H52").unwrap();
    for (status, moves) in [(4, true), (9, true), (10, false)] {
        let mut r = returned();
        r["TrangThaiHoSo"] = json!(status);
        if status == 9 {
            r["NgayTra"] = json!("");
        }
        let l = read_record(&r).unwrap();
        let mut p = placement(&l, vn(2026, 12, 4, 9));
        p.successors = (successor.clone(), successor.clone());
        let d = build(&l, p);
        assert_eq!(d.resolving_agency == successor, moves, "status {status}");
        assert_eq!(d.moves.len(), usize::from(moves), "status {status}");
    }
}
