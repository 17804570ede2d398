//! `motcua demo` seeds a working province once and prints its accounts.

use std::process::Command;

fn motcua(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .current_dir(dir)
        .env_remove("MOTCUA_DATABASE_URL")
        .output()
        .unwrap()
}

#[test]
fn the_demo_seeds_once_with_accounts_and_a_verifiable_history() {
    let dir = tempfile::tempdir().unwrap();
    let first = motcua(dir.path(), &["demo", "--seed-only", "--dossiers", "80"]);
    let out = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(out.contains("Đang tạo dữ liệu mẫu"), "{out}");
    for role in [
        "desk_officer",
        "specialist",
        "leader",
        "supervisor",
        "administrator",
    ] {
        assert!(out.contains(role), "{role} account printed: {out}");
    }
    let again = motcua(dir.path(), &["demo", "--seed-only"]);
    assert!(
        !String::from_utf8_lossy(&again.stdout).contains("Đang tạo"),
        "seeded only once"
    );
    let audit = motcua(dir.path(), &["verify-audit"]);
    let text = String::from_utf8_lossy(&audit.stdout);
    assert!(audit.status.success(), "{text}");
    assert!(text.contains("80 hồ sơ"), "{text}");

    // The periodic report over the demo's whole span: every row balances, and all 80 dossiers
    // (none received before the period) are counted once.
    let report = motcua(
        dir.path(),
        &[
            "report",
            "--from",
            "2020-01-01",
            "--to",
            "2099-12-31",
            "--json",
        ],
    );
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let n = |x: &serde_json::Value| x.as_u64().unwrap();
    for r in rows.iter().chain([&v["total"]]) {
        let ins = n(&r["carried_over"]) + n(&r["received"]["total"]);
        let outs = n(&r["finished"]["total"])
            + n(&r["refused"])
            + n(&r["withdrawn"])
            + n(&r["in_process"]["total"]);
        assert_eq!(ins, outs, "the row balances: {r}");
    }
    assert_eq!(v["total"]["carried_over"], 0);
    assert!(n(&v["total"]["received"]["total"]) <= 80);
    let kpi = motcua(
        dir.path(),
        &[
            "kpi",
            "--from",
            "2020-01-01",
            "--to",
            "2099-12-31",
            "--json",
        ],
    );
    let k: serde_json::Value = serde_json::from_slice(&kpi.stdout).unwrap();
    let sync = k["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "1.4")
        .unwrap();
    assert_eq!(sync["status"], "no_data", "{k}");
    assert!(
        k["groups"]["TDGQ"].is_number() && k["total"].is_number(),
        "{k}"
    );
    let backwards = motcua(
        dir.path(),
        &["report", "--from", "2026-12-01", "--to", "2026-11-01"],
    );
    assert!(
        !backwards.status.success(),
        "an end before the start is refused, not an empty report"
    );

    // The kept rollup equals the recompute from the histories the demo's commands wrote.
    let verify = motcua(dir.path(), &["report", "--verify"]);
    let text = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success(), "{text}");
    assert!(
        text.contains("80 hồ sơ") && text.contains("khớp hoàn toàn"),
        "{text}"
    );
    // Rows by field, keyed by the field's code.
    let by_field = motcua(
        dir.path(),
        &[
            "report",
            "--from",
            "2020-01-01",
            "--to",
            "2099-12-31",
            "--by",
            "field",
            "--json",
        ],
    );
    let f: serde_json::Value = serde_json::from_slice(&by_field.stdout).unwrap();
    assert_eq!(f["by"], "field");
    assert!(
        f["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["key"] == "dat-dai"),
        "{f}"
    );
    assert_eq!(f["total"]["received"], v["total"]["received"]);

    // The demo's plan is there; a plan of another province is refused, naming both.
    let list = motcua(dir.path(), &["targets", "list"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("Kế hoạch mẫu 2026"));
    let plan = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/plans/ha-tinh-2023.toml"
    );
    let checked = motcua(dir.path(), &["targets", "import", plan, "--dry-run"]);
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let other = motcua(dir.path(), &["targets", "import", plan]);
    let err = String::from_utf8_lossy(&other.stderr);
    assert!(!other.status.success());
    assert!(err.contains("tỉnh 42") && err.contains("48"), "{err}");
}

#[test]
fn the_worker_refuses_to_start_without_the_systems_it_delivers_to() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["worker"])
        .current_dir(dir.path())
        .env_remove("MOTCUA_DATABASE_URL")
        .env_remove("MOTCUA_GOV_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--gov-url"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bench_seed_loads_real_histories_fast_and_only_into_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = motcua(
        dir.path(),
        &["bench", "seed", "--dossiers", "120", "--days", "30"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Đã tạo 120 hồ sơ"), "{text}");
    let audit = motcua(dir.path(), &["verify-audit"]);
    let report = String::from_utf8_lossy(&audit.stdout);
    assert!(audit.status.success(), "{report}");
    assert!(
        report.contains("120 hồ sơ"),
        "hash chains and replays agree: {report}"
    );
    // The loader keeps the KPI rollup as the command path does.
    let verify = motcua(dir.path(), &["report", "--verify"]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    let again = motcua(dir.path(), &["bench", "seed", "--dossiers", "10"]);
    assert!(
        !again.status.success(),
        "a database with dossiers is refused"
    );
}

#[test]
fn bench_commands_refuse_a_database_people_work_in() {
    let dir = tempfile::tempdir().unwrap();
    // A demo database: dossiers, but not made by `bench seed`.
    let demo = motcua(dir.path(), &["demo", "--seed-only", "--dossiers", "5"]);
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    for args in [
        &["bench", "run", "--seconds", "0.1", "--runs", "1"][..],
        &["bench", "copy", "--times", "1"][..],
    ] {
        let out = motcua(dir.path(), args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            err.contains("không phải cơ sở dữ liệu đo hiệu năng"),
            "{err}"
        );
    }
}

#[test]
fn bench_seed_copies_rows_for_scale_and_the_audit_tells_them_from_real_histories() {
    let dir = tempfile::tempdir().unwrap();
    let out = motcua(
        dir.path(),
        &["bench", "seed", "--dossiers", "30", "--days", "30"],
    );
    assert!(out.status.success());
    let received = |dir: &std::path::Path| {
        let out = motcua(
            dir,
            &[
                "report",
                "--from",
                "2000-01-01",
                "--to",
                "2099-12-31",
                "--json",
            ],
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["total"]["received"]["total"].as_u64().unwrap()
    };
    let before = received(dir.path());
    let out = motcua(dir.path(), &["bench", "copy", "--times", "2"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Đã sao 60 dòng hồ sơ"), "{text}");
    assert!(text.contains("có 90 hồ sơ"), "{text}");
    // Each copy counts as its original: the rollup's counts multiply, its rows do not grow.
    assert!(before > 0);
    assert_eq!(received(dir.path()), 3 * before);
    // Each copy is a listable row under its own code; having no history, it fails the audit —
    // a benchmark database with copies is never mistaken for a real one.
    let audit = motcua(dir.path(), &["verify-audit"]);
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&audit.stdout),
        String::from_utf8_lossy(&audit.stderr)
    );
    assert!(!audit.status.success(), "{report}");
    assert_eq!(report.matches("~1 #0").count(), 30, "{report}");
    assert_eq!(report.matches("~2 #0").count(), 30, "{report}");
}

#[test]
fn bench_run_prints_each_figure_beside_its_baseline_and_writes_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = motcua(
        dir.path(),
        &[
            "bench",
            "run",
            "--dossiers",
            "150",
            "--seconds",
            "0.3",
            "--runs",
            "1",
            "--clients",
            "2",
            "--soak",
            "1",
            "--parcels",
            "2000",
            "--signs",
            "10",
            "--out",
            "results",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for figure in [
        "public lookup by code",
        "workflow step over HTTP, 1 client",
        "16 clients",
        "periodic report, 30 days by agency",
        "keeping the KPI rollup vs not keeping it",
        "land: parcel by number",
        "land: a person's land",
        "land: parcel as of an hour ago",
        "land: signing step writing a change set",
    ] {
        assert!(text.contains(figure), "{figure}: {text}");
    }
    let file = std::fs::read_dir(dir.path().join("results"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    let figures = json["figures"].as_array().unwrap();
    assert_eq!(figures.len(), 11);
    // The service's memory, read from its own process, idle and after a step load.
    let memory = &json["serve_memory"];
    assert!(memory["idle_mib"].as_f64().unwrap() > 1.0, "{memory}");
    assert!(memory["load_steps"].as_u64().unwrap() > 0, "{memory}");
    assert!(text.contains("bộ nhớ của motcua serve"), "{text}");
    let figure = |name: &str| {
        figures
            .iter()
            .find(|f| f["figure"].as_str().unwrap().contains(name))
            .unwrap_or_else(|| panic!("{name}: {json}"))
    };
    assert!(text.contains("work queue of one officer"), "{text}");
    assert!(
        figure("work queue")["ours"]["throughput_median"]
            .as_f64()
            .unwrap()
            > 0.0,
        "the page answers"
    );
    // The six-step procedure completed on both sides: over HTTP, and in SpiffWorkflow from
    // the virtual environment the harness made.
    let six = figure("six-step procedure");
    assert!(
        six["ours"]["throughput_median"].as_f64().unwrap() > 0.0,
        "{six}"
    );
    assert!(
        six["baseline"]["throughput_median"].as_f64().unwrap() > 0.0,
        "{six}"
    );
    assert!(
        json["figures"][0]["ours"]["throughput_median"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert!(
        json["figures"][1]["baseline"]["throughput_median"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert!(json["machine"]["cores"].as_u64().unwrap() >= 1);
}

#[test]
fn bench_compare_says_whether_two_runs_ratios_repeat_within_the_tolerance() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, lookup: f64, step: f64| {
        let json = serde_json::json!({"figures": [
            {"figure": "lookup", "ratio": lookup},
            {"figure": "step", "ratio": step},
        ]});
        std::fs::write(dir.path().join(name), json.to_string()).unwrap();
    };
    run("a.json", 0.30, 0.50);
    run("b.json", 0.33, 0.46);
    run("c.json", 0.30, 0.60);
    let same = motcua(dir.path(), &["bench", "compare", "a.json", "b.json"]);
    let text = String::from_utf8_lossy(&same.stdout);
    assert!(same.status.success(), "{text}");
    assert!(text.contains("+10.0%") && text.contains("-8.0%"), "{text}");
    let moved = motcua(dir.path(), &["bench", "compare", "a.json", "c.json"]);
    let text = String::from_utf8_lossy(&moved.stdout);
    assert!(!moved.status.success(), "{text}");
    assert!(text.contains("+20.0%  ← ngoài ngưỡng"), "{text}");
}
