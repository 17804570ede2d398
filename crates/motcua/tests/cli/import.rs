//! `motcua import dossiers`: another system's export of the portal's dossier records comes
//! in once — dry run, real run, re-run with nothing to do, a corrected record — with every
//! refused record in the reject report and the history still verifying.

use serde_json::{Value, json};

use crate::motcua;

pub(crate) fn ok_json(dir: &std::path::Path, args: &[&str]) -> Value {
    let out = motcua(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
        .unwrap()
}

/// Seeds the demo province in `d`; one of its agencies that handles 1.003877.
pub(crate) fn seeded_agency(d: &std::path::Path) -> String {
    let seeded = motcua(d, &["demo", "--seed-only", "--dossiers", "5"]);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let listed = motcua(d, &["agencies", "list", "48"]);
    String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .find(|c| c.starts_with("000.00.12"))
        .unwrap()
}

pub(crate) fn record(code: &str, status: u8, agency: &str) -> Value {
    json!({
        "MaHoSo": code,
        "MaTTHC": "1.003877",
        "ChuHoSo": "Trần Thị Bình",
        "LoaiDoiTuong": 1,
        "MaDoiTuong": "052190000042",
        "DiaChi": "Phường Quy Nhơn",
        "NgayNopHoSo": "20250310080000",
        "NgayTiepNhan": "20250310090000",
        "NgayHenTra": "20250324170000",
        "TrangThaiHoSo": status,
        "NgayKetThucXuLy": if status == 10 { "20250320100000" } else { "" },
        "NgayTra": if status == 10 { "20250321080000" } else { "" },
        "KenhThucHien": 1,
        "DonViXuLy": agency,
        "DonViTiepNhan": agency,
        "DanhSachGiayToNop": [{"MaThanhPhanHoSo": "don", "TenGiayTo": "Đơn", "DuocSoHoa": true}],
        "DanhSachThanhToan": [{"MaGiaoDich": "GD1", "SoTien": 50000, "HinhThucThu": 2,
                               "NgayThanhToan": "20250310091000"}]
    })
}

#[test]
fn an_export_imports_once_reimports_unchanged_and_names_each_refused_record() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let agency = seeded_agency(d);

    let mut bad = record("BD-3", 10, &agency);
    bad["MaDoiTuong"] = json!("123");
    bad["NgayTra"] = json!("21/03/2025");
    let mut unknown_procedure = record("BD-4", 10, &agency);
    unknown_procedure["MaTTHC"] = json!("9.999999");
    let records = Value::Array(vec![
        record("BD-1", 10, &agency),
        record("BD-2", 4, &agency),
        bad,
        unknown_procedure,
        record("BD-5", 10, "000.99.99.H99"),
    ]);
    std::fs::create_dir(d.join("xuat")).unwrap();
    std::fs::write(d.join("xuat/binh_dinh.json"), records.to_string()).unwrap();
    let import = |extra: &[&str]| {
        let mut args = vec![
            "--json",
            "import",
            "dossiers",
            "xuat",
            "--source",
            "Một cửa Bình Định",
        ];
        args.extend(extra);
        ok_json(d, &args)
    };
    let counts = |r: &Value| {
        ["read", "created", "updated", "unchanged", "rejected"].map(|k| r[k].as_u64().unwrap())
    };

    // A dry run places everything and writes nothing: the real run finds the same.
    let dry = import(&["--dry-run"]);
    assert_eq!(counts(&dry), [5, 2, 0, 0, 3], "{dry}");
    let first = import(&[]);
    assert_eq!(counts(&first), [5, 2, 0, 0, 3], "{first}");
    assert_eq!(first["unknown_procedures"], json!(["9.999999"]));
    assert_eq!(first["unknown_agencies"], json!(["000.99.99.H99"]));
    let rejects = std::fs::read_to_string(d.join("loi_nhap_ho_so.csv")).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines[0], "tep,ban_ghi,ma_ho_so,truong,ly_do");
    assert_eq!(lines.len(), 5, "{rejects}");
    assert!(lines[1].contains(",3,BD-3,MaDoiTuong,"), "{rejects}");
    assert!(lines[2].contains(",3,BD-3,NgayTra,"), "{rejects}");
    assert!(lines[3].contains(",4,BD-4,MaTTHC,thủ tục 9.999999 không có trong danh mục"));
    assert!(lines[4].contains(",5,BD-5,DonViTiepNhan,"), "{rejects}");

    // Nothing to do the second time; a corrected record restates its dossier alone.
    assert_eq!(counts(&import(&[])), [5, 0, 0, 2, 3]);
    let mut fixed = records.clone();
    fixed[0]["DiaChi"] = json!("Phường Quy Nhơn Nam");
    std::fs::write(d.join("xuat/binh_dinh.json"), fixed.to_string()).unwrap();
    assert_eq!(counts(&import(&[])), [5, 0, 1, 1, 3]);

    // The histories verify, the rollup agrees with them, and March 2025 counts both.
    let audit = motcua(d, &["verify-audit"]);
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stdout)
    );
    let verify = motcua(d, &["report", "--verify"]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    let march = ok_json(
        d,
        &[
            "--json",
            "report",
            "--from",
            "2025-03-01",
            "--to",
            "2025-03-31",
        ],
    );
    let text = march.to_string();
    assert!(text.contains(&agency), "{text}");
}

/// One installation's dossiers, exported as the portal's records, import whole into another:
/// our exporter and our reader agree on every field they share.
#[test]
fn an_installations_export_imports_whole_into_another() {
    let (from, to) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for (dir, n) in [(from.path(), "60"), (to.path(), "1")] {
        let seeded = motcua(dir, &["demo", "--seed-only", "--dossiers", n]);
        assert!(
            seeded.status.success(),
            "{}",
            String::from_utf8_lossy(&seeded.stderr)
        );
    }
    let export = from.path().join("xuat.jsonl");
    let out = ok_json(
        from.path(),
        &["--json", "export", "dossiers", export.to_str().unwrap()],
    );
    let written = out["written"].as_u64().unwrap();
    assert!(written >= 50, "{out}");
    let args = [
        "--json",
        "import",
        "dossiers",
        export.to_str().unwrap(),
        "--source",
        "Đà Nẵng cũ",
    ];
    let first = ok_json(to.path(), &args);
    assert_eq!(first["rejected"], 0, "{first}");
    assert_eq!(first["created"].as_u64(), Some(written), "{first}");
    let again = ok_json(to.path(), &args);
    assert_eq!(again["unchanged"].as_u64(), Some(written), "{again}");
    let audit = motcua(to.path(), &["verify-audit"]);
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stdout)
    );
}
