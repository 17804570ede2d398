//! `motcua import dossiers --documents DIR`: the files an export's records name come in with
//! them, checked and stored like scans made at the desk; a file missing, outside the folder
//! or not a scan refuses its record, naming the field.

use serde_json::json;

use crate::import::{ok_json, record, seeded_agency};

#[tokio::test]
async fn the_files_a_record_names_are_stored_with_it_and_bad_ones_refuse_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let agency = seeded_agency(d);
    std::fs::create_dir_all(d.join("tep/giay")).unwrap();
    let pdf = motcua_core::sample_pdf::one_page_pdf("Đơn đăng ký biến động");
    std::fs::write(d.join("tep/giay/don-1.pdf"), &pdf).unwrap();
    std::fs::write(d.join("tep/giay/ghi-chu.txt"), "không phải bản quét").unwrap();
    std::fs::write(d.join("bi-mat.pdf"), &pdf).unwrap();
    let with_file = |code: &str, path: &str| {
        let mut r = record(code, 10, &agency);
        r["DanhSachGiayToNop"][0]["TepTin"] = json!(path);
        r
    };
    let records = json!([
        with_file("F-1", "giay/don-1.pdf"),
        with_file("F-2", "giay/khong-co.pdf"),
        with_file("F-3", "../bi-mat.pdf"),
        with_file("F-4", "giay/ghi-chu.txt"),
    ]);
    std::fs::write(d.join("xuat.json"), records.to_string()).unwrap();
    let args = |extra: &[&'static str]| {
        let mut a = vec!["--json", "import", "dossiers", "xuat.json"];
        a.extend_from_slice(extra);
        a
    };

    // Without the folder, a record naming a file is refused, never imported without it.
    let without = ok_json(d, &args(&["--dry-run"]));
    assert_eq!(
        (without["created"].as_u64(), without["rejected"].as_u64()),
        (Some(0), Some(4))
    );

    let first = ok_json(d, &args(&["--documents", "tep"]));
    assert_eq!(
        (first["created"].as_u64(), first["rejected"].as_u64()),
        (Some(1), Some(3)),
        "{first}"
    );
    let rejects = std::fs::read_to_string(d.join("loi_nhap_ho_so.csv")).unwrap();
    for (code, why) in [
        ("F-2", "không đọc được tệp giay/khong-co.pdf"),
        ("F-3", "phải là đường dẫn tương đối nằm trong thư mục"),
        ("F-4", "giay/ghi-chu.txt"),
    ] {
        assert!(
            rejects.lines().any(
                |l| l.contains(&format!(",{code},DanhSachGiayToNop[0].TepTin,")) && l.contains(why)
            ),
            "{code}: {rejects}"
        );
    }

    // The stored scan is the document's, and it counts as digitised: the file is the evidence.
    let url = format!("sqlite:{}", d.join("motcua.db").display());
    let db = motcua_store::Db::connect(&url).await.unwrap();
    let dossier = db.dossier_by_external_code("F-1").await.unwrap().unwrap();
    let doc = &dossier.documents[0];
    let key = doc.file.clone().expect("the file is attached");
    assert!(doc.digitised);
    assert_eq!(doc.digitised_by.as_deref(), Some("Hệ thống cũ"));
    let stored = std::fs::read(d.join("files").join(&key[..2]).join(&key)).unwrap();
    assert_eq!(stored, pdf, "the scan is in the store");
    db.close().await;

    // Nothing changes the second time.
    let again = ok_json(d, &args(&["--documents", "tep"]));
    assert_eq!(
        (again["unchanged"].as_u64(), again["created"].as_u64()),
        (Some(1), Some(0))
    );
}
