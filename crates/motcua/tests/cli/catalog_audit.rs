//! `catalog` and `verify-audit` as an administrator runs them.

use std::path::Path;
use std::process::{Command, Output};

use chrono::{TimeZone, Utc};
use motcua_core::catalog::{Channel, Role, parse_procedure};
use motcua_core::dossier::Actor;
use motcua_core::ids::AgencyCode;
use motcua_store::Db;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .parent()
        .unwrap()
}

fn motcua(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .current_dir(dir)
        .env_remove("MOTCUA_DATABASE_URL")
        .output()
        .unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn the_seed_catalogue_validates_imports_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let seed = repo().join("catalog/procedures");
    let seed = seed.to_str().unwrap();
    let o = motcua(dir.path(), &["catalog", "validate", seed]);
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(text(&o).0.starts_with("8 thủ tục hợp lệ"), "{:?}", text(&o));
    assert!(
        motcua(dir.path(), &["catalog", "import", seed])
            .status
            .success()
    );
    let again = motcua(dir.path(), &["catalog", "import", seed]);
    assert!(text(&again).0.contains("không đổi"));
    assert!(
        text(&motcua(dir.path(), &["catalog", "diff", seed]))
            .0
            .contains("Không có khác biệt")
    );
    let out = dir.path().join("out");
    assert!(
        motcua(dir.path(), &["catalog", "export", out.to_str().unwrap()])
            .status
            .success()
    );
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        let original = std::fs::read_to_string(
            repo()
                .join("catalog/procedures")
                .join(path.file_name().unwrap()),
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            original,
            "export is verbatim"
        );
    }
}

#[test]
fn a_broken_catalogue_file_is_rejected_with_file_line_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    let original =
        std::fs::read_to_string(repo().join("catalog/procedures/1.013833.toml")).unwrap();
    std::fs::write(
        bad.join("1.013833.toml"),
        original.replace("budget_hours = 16", "budget_hours = 240"),
    )
    .unwrap();
    let o = motcua(dir.path(), &["catalog", "import", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = text(&o).1;
    let line = original
        .lines()
        .position(|l| l.starts_with("statutory_days"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!(
            "1.013833.toml:{line}: [budget-exceeds-statutory-time]"
        )),
        "{err}"
    );
    assert!(
        !dir.path().join("motcua.db").exists()
            || !text(&motcua(
                dir.path(),
                &["catalog", "diff", bad.to_str().unwrap()]
            ))
            .0
            .is_empty()
    );
}

#[tokio::test]
async fn verify_audit_names_the_edited_event() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("motcua.db");
    let url = format!("sqlite:{}", path.display());
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let body = std::fs::read_to_string(repo().join("catalog/procedures/1.013833.toml")).unwrap();
    let p = parse_procedure("p", &body).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
    db.import_procedure(&p, &body, now).await.unwrap();
    motcua_testkit::import_province_48(&db, now).await;
    let actor = Actor::staff("mc1", "x", Role::DeskOfficer);
    let agency = AgencyCode::parse("000.11.12.H48").unwrap();
    let app = motcua_app::App::new(
        db.clone(),
        std::sync::Arc::new(motcua_core::calendar::builtin_data().unwrap()),
        std::sync::Arc::new(motcua_core::clock::FixedClock(now)),
    );
    let intake = motcua_app::Intake {
        procedure: p.code.to_string(),
        province: "48".into(),
        new: motcua_testkit::new_dossier(
            &p,
            motcua_app::placeholder_code(&agency),
            &agency,
            Channel::Counter,
        ),
    };
    let d = app.open(&actor, intake).await.unwrap();
    let ok = motcua(dir.path(), &["verify-audit"]);
    assert!(ok.status.success(), "{:?}", text(&ok));
    assert!(text(&ok).0.contains("toàn vẹn: 1 hồ sơ"), "{:?}", text(&ok));
    let Db::Sqlite(pool, _) = &db else {
        unreachable!()
    };
    sqlx::query("UPDATE dossier_events SET actor_id = 'ke-gian' WHERE seq = 3")
        .execute(pool)
        .await
        .unwrap();
    db.close().await;
    let broken = motcua(dir.path(), &["verify-audit"]);
    assert!(!broken.status.success());
    let err = text(&broken).1;
    assert!(err.contains(&format!("{} #3", d.code)), "{err}");
    assert!(err.contains("sự kiện số 3"), "{err}");
}
