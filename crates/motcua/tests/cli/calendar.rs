//! The calendar, lunar and deadline commands.

use std::process::{Command, Output};

fn motcua(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    motcua_in(dir.path(), args)
}

fn motcua_in(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .current_dir(dir)
        .env_remove("MOTCUA_DATABASE_URL")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&stdout(&motcua(args))).unwrap()
}

fn fails_with(args: &[&str], message: &str) {
    let o = motcua(args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{args:?} should fail");
    assert!(err.contains(message), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
}

#[test]
fn calendar_prints_the_year_in_the_documented_shape() {
    let v = json(&["calendar", "2025", "--json"]);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["year", "days_off", "working_weekend_days", "sources"]
    );
    assert_eq!(v["year"], 2025);
    assert_eq!(
        v["days_off"][1],
        serde_json::json!({"date": "2025-01-27", "name": "Tết Nguyên đán"})
    );
    assert_eq!(v["working_weekend_days"], serde_json::json!(["2025-04-26"]));
    let en = json(&["calendar", "2025", "--json", "--lang", "en"]);
    assert_eq!(en["days_off"][1]["name"], "Lunar New Year (Tết)");
}

#[test]
fn calendar_speaks_vietnamese_by_default() {
    let text = stdout(&motcua(&["calendar", "2026"]));
    assert!(
        text.contains("Thứ Ba 24/11/2026  Ngày Văn hóa Việt Nam"),
        "{text}"
    );
    assert!(
        text.contains("Thứ Bảy 22/08/2026  Làm bù cho thứ Hai 31/8/2026"),
        "{text}"
    );
}

#[test]
fn lunar_and_solar_convert_both_ways() {
    assert_eq!(
        json(&["lunar", "2026-02-17", "--json"]),
        serde_json::json!({"day": 1, "month": 1, "year": 2026, "leap": false})
    );
    assert_eq!(
        json(&["solar", "--lunar", "10/3/2026", "--json"]),
        serde_json::json!({"date": "2026-04-26"})
    );
    assert_eq!(
        json(&["solar", "--lunar", "1/6/2025", "--leap", "--json"]),
        serde_json::json!({"date": "2025-07-25"})
    );
}

#[test]
fn deadline_prints_the_due_instant_in_vietnam_time_with_its_reasons() {
    let v = json(&[
        "deadline",
        "--received",
        "2026-04-24T09:00:00+07:00",
        "--working-days",
        "1",
        "--json",
    ]);
    assert_eq!(v["due"], "2026-04-28T09:00:00+07:00");
    assert_eq!(v["explanation"][2]["date"], "2026-04-27");
    assert_eq!(v["explanation"][2]["kind"], "day_off");
    // An instant given in UTC is counted in Vietnam time.
    let v = json(&[
        "deadline",
        "--received",
        "2025-01-06T03:00:00Z",
        "--working-days",
        "3",
        "--json",
    ]);
    assert_eq!(v["due"], "2025-01-09T10:00:00+07:00");
    let v = json(&[
        "deadline",
        "--received",
        "2025-01-06T10:00:00+07:00",
        "--working-days",
        "3",
        "--pause",
        "2025-01-07T13:30:00+07:00..2025-01-08T11:30:00+07:00",
        "--json",
    ]);
    assert_eq!(v["due"], "2025-01-10T10:00:00+07:00");
}

#[test]
fn bad_input_fails_with_a_clear_message_and_no_panic() {
    fails_with(&["lunar", "2026-13-01"], "ngày không hợp lệ");
    fails_with(&["lunar", "1850-01-01"], "ngoài phạm vi");
    fails_with(&["calendar", "2300"], "ngoài phạm vi");
    fails_with(&["calendar", "năm"], "năm không hợp lệ");
    fails_with(
        &["solar", "--lunar", "1/3/2026", "--leap"],
        "không có tháng 3 nhuận",
    );
    fails_with(&["solar", "--lunar", "30/12/2025"], "chỉ có 29 ngày");
    fails_with(
        &["solar", "--lunar", "hôm nay"],
        "ngày âm lịch không hợp lệ",
    );
    fails_with(
        &["deadline", "--received", "hôm qua", "--working-days", "3"],
        "thời điểm không hợp lệ",
    );
    fails_with(
        &[
            "deadline",
            "--received",
            "2025-01-06T10:00:00+07:00",
            "--working-days",
            "-3",
        ],
        "không được âm",
    );
    fails_with(
        &[
            "deadline",
            "--received",
            "2025-01-06T10:00:00+07:00",
            "--working-days",
            "3",
            "--pause",
            "2025-01-08T10:00:00+07:00..2025-01-07T10:00:00+07:00",
        ],
        "trước khi bắt đầu",
    );
    fails_with(
        &[
            "deadline",
            "--received",
            "2025-01-06T10:00:00+07:00",
            "--working-days",
            "3",
            "--pause",
            "x",
        ],
        "FROM..TO",
    );
    fails_with(
        &[
            "deadline",
            "--received",
            "2199-12-30T10:00:00+07:00",
            "--working-days",
            "5",
        ],
        "vượt quá",
    );
}

#[test]
fn reading_never_creates_a_database() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&motcua_in(dir.path(), &["calendar", "2026"]));
    assert!(!dir.path().join("motcua.db").exists());
}

#[test]
fn an_administrator_imports_a_schedule_without_a_release() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("2027.toml");
    std::fs::write(
        &file,
        "kind = \"year-schedule\"\nyear = 2027\nsource = \"Thông báo thử\"\n\n\
         [[days_off]]\ndate = 2027-01-01\nname = \"Tết Dương lịch\"\n\n\
         [[days_off]]\nfrom = 2027-02-04\nto = 2027-02-10\nname = \"Tết Nguyên đán\"\n\n\
         [[working_days]]\ndate = 2027-02-20\nname = \"Làm bù\"\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let before = serde_json::from_str::<serde_json::Value>(&stdout(&motcua_in(
        dir.path(),
        &["calendar", "2027", "--json"],
    )))
    .unwrap();
    assert_eq!(before["working_weekend_days"], serde_json::json!([]));
    let out = stdout(&motcua_in(dir.path(), &["calendar", "import", file]));
    assert!(out.contains("Đã nhập"), "{out}");
    let after: serde_json::Value = serde_json::from_str(&stdout(&motcua_in(
        dir.path(),
        &["calendar", "2027", "--json"],
    )))
    .unwrap();
    assert_eq!(
        after["working_weekend_days"],
        serde_json::json!(["2027-02-20"])
    );
    assert_eq!(after["days_off"].as_array().unwrap().len(), 6);
    assert_eq!(after["sources"], serde_json::json!(["Thông báo thử"]));
    // A local day off for one unit applies to that unit's deadlines only.
    let local = dir.path().join("local.toml");
    std::fs::write(
        &local,
        "kind = \"year-schedule\"\nyear = 2027\nscope = \"48\"\nsource = \"QĐ UBND\"\n[[days_off]]\ndate = 2027-03-29\nname = \"Ngày giải phóng\"\n",
    )
    .unwrap();
    stdout(&motcua_in(
        dir.path(),
        &["calendar", "import", local.to_str().unwrap()],
    ));
    let due = |scope: Option<&str>| {
        let mut args = vec![
            "deadline",
            "--received",
            "2027-03-26T10:00:00+07:00",
            "--working-days",
            "1",
            "--json",
        ];
        if let Some(s) = scope {
            args.extend(["--scope", s]);
        }
        let v: serde_json::Value =
            serde_json::from_str(&stdout(&motcua_in(dir.path(), &args))).unwrap();
        v["due"].as_str().unwrap().to_owned()
    };
    assert_eq!(due(None), "2027-03-29T10:00:00+07:00");
    assert_eq!(due(Some("48")), "2027-03-30T10:00:00+07:00");
    // A broken file is refused with its line, and nothing is stored.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "kind = \"year-schedule\"\nyear = 2027\nsource = \"x\"\n[[days_off]]\ndate = 2028-01-01\nname = \"x\"\n").unwrap();
    let o = motcua_in(dir.path(), &["calendar", "import", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.toml:4: ngày 2028-01-01 không thuộc năm 2027"),
        "{err}"
    );
    let docs = stdout(&motcua_in(dir.path(), &["calendar", "documents"]));
    assert_eq!(docs.lines().count(), 2, "{docs}");
}
