//! The backup drill: a database with real histories and scans is backed up while it exists,
//! restored into an empty place, and checked (verify-audit, counts, scans); a wrong key, a
//! changed byte and a restore over a database in use are refused.

use std::path::Path;
use std::process::{Command, Output};

use sha2::Digest as _;

const KEY: &str = "khóa sao lưu của tỉnh 2026";

fn motcua(dir: &Path, key: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .current_dir(dir)
        .env_remove("MOTCUA_DATABASE_URL")
        .env("MOTCUA_BACKUP_KEY", key)
        .output()
        .unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_backup_restores_into_an_empty_place_and_checks_itself() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&motcua(
        d,
        KEY,
        &["bench", "seed", "--dossiers", "60", "--days", "20"],
    ));
    for text in ["scan one", "scan two"] {
        let bytes = motcua_web::sample_pdf::one_page_pdf(text);
        let digest: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let shard = d.join("files").join(&digest[..2]);
        std::fs::create_dir_all(&shard).unwrap();
        std::fs::write(shard.join(&digest), bytes).unwrap();
    }
    let made = ok(&motcua(d, KEY, &["backup", "--out", "sao-luu.mcb"]));
    assert!(
        made.contains("60 hồ sơ") && made.contains("2 tệp"),
        "{made}"
    );
    let sealed = std::fs::read(d.join("sao-luu.mcb")).unwrap();
    assert!(
        !sealed.windows(6).any(|w| w == b"SQLite"),
        "nothing readable without the key"
    );

    let restored = ok(&motcua(
        d,
        KEY,
        &[
            "restore",
            "--from",
            "sao-luu.mcb",
            "--database-url",
            "sqlite:khoi-phuc.db",
            "--files-dir",
            "tep-khoi-phuc",
        ],
    ));
    assert!(
        restored.contains("60 hồ sơ")
            && restored.contains("2 tệp")
            && restored.contains("toàn vẹn"),
        "{restored}"
    );
    // The restored database is one the service can use: its audit and its rollup agree.
    ok(&motcua(
        d,
        KEY,
        &["--database-url", "sqlite:khoi-phuc.db", "verify-audit"],
    ));
    ok(&motcua(
        d,
        KEY,
        &[
            "--database-url",
            "sqlite:khoi-phuc.db",
            "report",
            "--verify",
        ],
    ));

    // Never over a database in use; never with the wrong key; never from an altered file.
    let over = motcua(
        d,
        KEY,
        &["restore", "--from", "sao-luu.mcb", "--files-dir", "x"],
    );
    assert!(!over.status.success(), "motcua.db exists");
    let wrong = motcua(
        d,
        "một khóa khác hoàn toàn",
        &[
            "restore",
            "--from",
            "sao-luu.mcb",
            "--database-url",
            "sqlite:a.db",
            "--files-dir",
            "a",
        ],
    );
    assert!(!wrong.status.success());
    let mut altered = sealed.clone();
    let at = altered.len() / 2;
    altered[at] ^= 0x40;
    std::fs::write(d.join("sua.mcb"), altered).unwrap();
    let changed = motcua(
        d,
        KEY,
        &[
            "restore",
            "--from",
            "sua.mcb",
            "--database-url",
            "sqlite:b.db",
            "--files-dir",
            "b",
        ],
    );
    assert!(!changed.status.success());
    assert!(
        String::from_utf8_lossy(&changed.stderr).contains("đã bị sửa"),
        "{}",
        String::from_utf8_lossy(&changed.stderr)
    );
}
