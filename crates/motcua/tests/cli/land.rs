//! `motcua land import`: the demo register's own files re-import with no change; a file with
//! bad rows writes nothing and its reject report names each bad row.

use std::process::Command;

fn motcua(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .current_dir(dir)
        .env_remove("MOTCUA_DATABASE_URL")
        .output()
        .unwrap()
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .map_err(|e| {
            format!(
                "{e}: {}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        })
        .unwrap()
}

#[test]
fn the_demo_register_reimports_unchanged_and_bad_rows_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let seeded = motcua(dir.path(), &["demo", "--seed-only", "--dossiers", "20"]);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    assert!(String::from_utf8_lossy(&seeded.stdout).contains("2880 thửa đất"));
    let files = dir.path().join("so");
    assert!(
        motcua(dir.path(), &["land", "sample", "so"])
            .status
            .success()
    );
    for name in [
        "thua_dat.csv",
        "nguoi_su_dung.csv",
        "giay_chung_nhan.csv",
        "quyen_han_che.csv",
        "hinh_the.geojson",
    ] {
        assert!(files.join(name).exists(), "{name}");
    }

    // The demo loaded these very files: nothing to do, whether dry or real.
    for dry in [true, false] {
        let mut args = vec!["--json", "land", "import", "so"];
        if dry {
            args.push("--dry-run");
        }
        let out = motcua(dir.path(), &args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let r = json(&out);
        assert_eq!(
            (r["created"].as_u64(), r["updated"].as_u64()),
            (Some(0), Some(0)),
            "{r}"
        );
        assert!(r["unchanged"].as_u64().unwrap() > 10_000, "{r}");
    }

    // A corrected address changes that parcel only.
    let parcels = std::fs::read_to_string(files.join("thua_dat.csv")).unwrap();
    let first = parcels.lines().nth(1).unwrap().to_owned();
    let fixed = first.replacen(",ODT,", ",CLN,", 1);
    let edited = parcels.replacen(&first, &fixed, 1);
    assert_ne!(edited, parcels);
    std::fs::write(files.join("thua_dat.csv"), &edited).unwrap();
    let out = motcua(dir.path(), &["--json", "land", "import", "so"]);
    let r = json(&out);
    assert_eq!(
        (r["created"].as_u64(), r["updated"].as_u64()),
        (Some(0), Some(1)),
        "{r}"
    );

    // Bad rows: a parcel with no area (line 3), a certificate naming an unknown holder (line
    // 2), shares that do not make 100% (line 4). Nothing is written — not even the good new
    // parcel added to the same file.
    let mut good: Vec<String> = edited.lines().map(str::to_owned).collect();
    good.push("20242,99,1,100,ODT,,Mới,Thửa mới".into());
    let mut lines = good.clone();
    let area = lines[2].split(',').nth(3).unwrap().to_owned();
    lines[2] = lines[2].replacen(&format!(",{area},"), ",,", 1);
    std::fs::write(files.join("thua_dat.csv"), lines.join("\n") + "\n").unwrap();
    let certs = std::fs::read_to_string(files.join("giay_chung_nhan.csv")).unwrap();
    let mut c: Vec<String> = certs.lines().map(str::to_owned).collect();
    let holder_col = |l: &str| l.rsplit(',').next().unwrap().to_owned();
    let h1 = holder_col(&c[1]);
    c[1] = c[1].replacen(&h1, "999999999999:100", 1);
    let h3 = holder_col(&c[3]);
    let number = h3.split(':').next().unwrap().to_owned();
    c[3] = c[3].replacen(&h3, &format!("{number}:60"), 1);
    std::fs::write(files.join("giay_chung_nhan.csv"), c.join("\n") + "\n").unwrap();
    let out = motcua(dir.path(), &["--json", "land", "import", "so"]);
    assert!(!out.status.success(), "refused");
    let r = json(&out);
    let rejects: Vec<(String, u64, String)> = r["rejects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["file"].as_str().unwrap().to_owned(),
                x["line"].as_u64().unwrap(),
                x["field"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rejects,
        vec![
            ("thua_dat".into(), 3, "dien_tich_m2".into()),
            ("giay_chung_nhan".into(), 2, "nguoi_su_dung".into()),
            // The refused parcel's certificate and debt are named too, with the reason.
            ("giay_chung_nhan".into(), 3, "thua_dat".into()),
            ("giay_chung_nhan".into(), 4, "nguoi_su_dung".into()),
            ("quyen_han_che".into(), 2, "thua_dat".into()),
        ],
        "{r}"
    );
    let report = std::fs::read_to_string(files.join("loi_nap_so.csv")).unwrap();
    assert_eq!(report.lines().count(), 6, "{report}");
    assert!(report.contains("thua_dat,3,dien_tich_m2"), "{report}");
    assert!(report.contains("bị từ chối ở tệp thua_dat"), "{report}");
    // Nothing partial: the new parcel on line 2882 is not in the register.
    let dry = motcua(dir.path(), &["--json", "land", "import", "so", "--dry-run"]);
    let r = json(&dry);
    assert!(r["rejects"].as_array().is_some_and(|a| a.len() == 5));
    std::fs::write(files.join("thua_dat.csv"), good.join("\n") + "\n").unwrap();
    std::fs::write(files.join("giay_chung_nhan.csv"), certs).unwrap();
    let r = json(&motcua(
        dir.path(),
        &["--json", "land", "import", "so", "--dry-run"],
    ));
    assert_eq!(
        r["created"].as_u64(),
        Some(1),
        "the new parcel was never written: {r}"
    );
}
