//! `motcua init` for a province other than the demo's, the accounts an administrator manages
//! from the command line, and the administrative log that `verify-audit` checks.

use std::process::Command;

fn motcua(dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .current_dir(dir)
        .env_remove("MOTCUA_DATABASE_URL")
        .env("USER", "tester")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn init_sets_up_thanh_hoa_with_its_agencies_and_a_first_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) = motcua(dir.path(), &["init", "--province", "38", "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["name"], "Thanh Hóa");
    assert_eq!(v["admin"], "quantri");
    assert_eq!(v["one_time_password"].as_str().unwrap().len(), 19);
    let file = std::fs::read_to_string(dir.path().join("agencies-38.toml")).unwrap();
    assert!(file.contains("Ủy ban nhân dân tỉnh Thanh Hóa"));

    let (ok, _, err) = motcua(dir.path(), &["init", "--province", "38"]);
    assert!(!ok && err.contains("đã được khởi tạo"), "{err}");

    // An agency edited in the file and imported again.
    std::fs::write(
        dir.path().join("agencies-38.toml"),
        file.replace(
            "Chi nhánh Văn phòng Đăng ký đất đai khu vực 1",
            "Chi nhánh Văn phòng Đăng ký đất đai khu vực Hạc Thành",
        ),
    )
    .unwrap();
    let (ok, _, err) = motcua(dir.path(), &["agencies", "import", "agencies-38.toml"]);
    assert!(ok, "{err}");

    let (ok, out, err) = motcua(
        dir.path(),
        &[
            "accounts",
            "create",
            "mc.hacthanh",
            "--name",
            "Lê Văn Tâm",
            "--role",
            "desk_officer",
            "--unit",
            "H38.14797.01",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("Mật khẩu dùng một lần"), "{out}");
    let (ok, _, err) = motcua(
        dir.path(),
        &[
            "accounts",
            "create",
            "cv.x",
            "--name",
            "X",
            "--role",
            "specialist",
            "--unit",
            "000.11.12.H48",
        ],
    );
    assert!(
        !ok && err.contains("không có cơ quan"),
        "an agency of another province: {err}"
    );
    assert!(motcua(dir.path(), &["accounts", "disable", "mc.hacthanh"]).0);
    let (_, list, _) = motcua(dir.path(), &["accounts", "list"]);
    assert!(
        list.contains("mc.hacthanh") && list.contains("[đã khóa]"),
        "{list}"
    );
    // The same for scripts, and in English.
    let (ok, list, err) = motcua(dir.path(), &["accounts", "list", "--json"]);
    assert!(ok, "{err}");
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let tam = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == "mc.hacthanh")
        .unwrap();
    assert_eq!(tam["active"], false);
    assert_eq!(tam["units"][0], "H38.14797.01");
    let (_, list, _) = motcua(dir.path(), &["accounts", "list", "--lang", "en"]);
    assert!(list.contains("[disabled]"), "{list}");
    let (ok, out, err) = motcua(
        dir.path(),
        &[
            "accounts",
            "token-create",
            "ledger",
            "--role",
            "administrator",
            "--json",
        ],
    );
    assert!(ok, "{err}");
    let token: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(token["name"], "ledger");
    assert!(token["token"].as_str().unwrap().len() > 20, "{token}");
    let (_, out, _) = motcua(
        dir.path(),
        &["accounts", "enable", "mc.hacthanh", "--lang", "en"],
    );
    assert_eq!(out.trim(), "Account enabled: mc.hacthanh");

    let (ok, out, err) = motcua(dir.path(), &["verify-audit"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("Nhật ký quản trị toàn vẹn: 8 thay đổi"),
        "{out}"
    );

    // Someone edits a row of the administrative log in the database.
    let url = format!("sqlite:{}", dir.path().join("motcua.db").display());
    let db = motcua_store::Db::connect(&url).await.unwrap();
    let motcua_store::Db::Sqlite(pool, _) = &db else {
        unreachable!()
    };
    sqlx::query("UPDATE admin_log SET actor_name = 'ai đó' WHERE seq = 4")
        .execute(pool)
        .await
        .unwrap();
    db.close().await;
    let (ok, _, err) = motcua(dir.path(), &["verify-audit"]);
    assert!(!ok, "the edit is found");
    assert!(err.contains("nhật ký quản trị hỏng tại dòng số 4"), "{err}");
}
