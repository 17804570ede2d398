//! Fuzzing every parser that takes outside input, in CI (a proptest harness: cargo-fuzz needs
//! a nightly toolchain this project does not use). Each target gets random input and seed
//! files mutated at random (bytes deleted, inserted, replaced); a panic is a crash. The
//! summary line per target (executions, crashes) is printed with `--nocapture`; `.ci/run`
//! prints it. `MOTCUA_FUZZ_CASES` sets the executions per target (default 1,000).
#![expect(
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test harness: a panic is the test failing"
)]

use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::http::{Request, header};
use chrono::{TimeZone, Utc};
use motcua_core::ids::{AgencyCode, CitizenId, DossierCode, ProcedureCode, TaxCode};
use motcua_integrations::interagency::{TaxNotice, TreasuryConfirmation};
use motcua_integrations::payment::{Callback, verify_signed};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn cases() -> u32 {
    std::env::var("MOTCUA_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

/// Runs `target` on `cases` inputs from `strategy`; fails on the first panic, with the
/// smallest input proptest finds that still panics.
fn fuzz<S: Strategy>(name: &str, cases: u32, strategy: S, target: impl Fn(S::Value))
where
    S::Value: std::fmt::Debug,
{
    let runs = AtomicU64::new(0);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let outcome = runner.run(&strategy, |input| {
        runs.fetch_add(1, Ordering::Relaxed);
        target(input);
        Ok(())
    });
    let crashes = u64::from(outcome.is_err());
    println!(
        "fuzz {name}: {} executions, {crashes} crashes",
        runs.load(Ordering::Relaxed)
    );
    if let Err(e) = outcome {
        panic!("fuzz {name}: {e}");
    }
}

/// A seed with up to eight random edits.
fn mutated(seed: &'static [u8]) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 0..8).prop_map(
        move |edits| {
            let mut bytes = seed.to_vec();
            for (at, byte, op) in edits {
                let i = at.index(bytes.len().max(1)).min(bytes.len());
                match op {
                    0 if i < bytes.len() => {
                        bytes.remove(i);
                    }
                    1 => bytes.insert(i, byte),
                    _ if i < bytes.len() => bytes[i] = byte,
                    _ => {}
                }
            }
            bytes
        },
    )
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const PROCEDURE: &[u8] = include_bytes!("../../../catalog/procedures/1.013831.toml");
const CALENDAR: &[u8] = include_bytes!("../../../calendar/vn/2026.toml");
const RULES: &[u8] = include_bytes!("../../../calendar/vn/rules.toml");
const PLAN: &[u8] = include_bytes!("../../../data/plans/ha-tinh-2023.toml");
const AGENCIES: &[u8] = include_bytes!("../../../catalog/agencies/48.toml");

#[test]
fn toml_files_from_administrators() {
    let n = cases();
    fuzz("catalogue TOML", n, mutated(PROCEDURE), |b| {
        let _ = motcua_core::catalog::parse_procedure("f.toml", &text(&b));
    });
    fuzz("calendar TOML", n, mutated(CALENDAR), |b| {
        let _ = motcua_core::calendar::parse_document("f.toml", &text(&b));
    });
    fuzz("calendar rules TOML", n, mutated(RULES), |b| {
        let _ = motcua_core::calendar::parse_document("f.toml", &text(&b));
    });
    fuzz("plan TOML", n, mutated(PLAN), |b| {
        let _ = motcua_core::kpi::targets::parse_plan("f.toml", &text(&b));
    });
    fuzz("agency file TOML", n, mutated(AGENCIES), |b| {
        let _ = motcua_core::units::parse_agency_file("f.toml", &text(&b));
    });
    fuzz("any text as TOML", n, any::<String>(), |s| {
        let _ = motcua_core::catalog::parse_procedure("f.toml", &s);
        let _ = motcua_core::calendar::parse_document("f.toml", &s);
    });
}

#[test]
fn identifiers_typed_by_people() {
    let shapes = prop_oneof![
        any::<String>(),
        "[0-9]{10,14}",
        "[0-9A-Z.]{8,16}-[0-9]{6}-[0-9]{1,6}",
        "[0-9]{3}\\.[0-9]{2}\\.[0-9]{2}\\.[A-Z][0-9]{2}",
    ];
    fuzz(
        "identifiers (CCCD, tax code, agency, procedure, dossier code)",
        cases(),
        shapes,
        |s| {
            let _ = CitizenId::parse(&s);
            let _ = TaxCode::parse(&s);
            let _ = AgencyCode::parse(&s);
            let _ = ProcedureCode::parse(&s);
            let _ = DossierCode::parse(&s);
            let _ = motcua_core::dossier::check_matches(
                motcua_core::dossier::DossierId(uuid::Uuid::nil()),
                &s,
            );
        },
    );
}

#[test]
fn uploaded_files() {
    let pdf: &'static [u8] =
        Box::leak(motcua_web::sample_pdf::one_page_pdf("fuzz").into_boxed_slice());
    let n = cases();
    fuzz("uploads: mutated PDF", n, mutated(pdf), |b| {
        let _ = motcua_web::content::check(&b);
    });
    let magic = prop_oneof![
        Just(b"%PDF-1.7\n".to_vec()),
        Just(vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]),
        Just(vec![0xFF, 0xD8, 0xFF]),
    ];
    let files = (magic, prop::collection::vec(any::<u8>(), 0..4096)).prop_map(|(mut m, rest)| {
        m.extend(rest);
        m
    });
    fuzz(
        "uploads: random bytes after each magic number",
        n,
        files,
        |b| {
            let _ = motcua_web::content::check(&b);
        },
    );
}

/// Any JSON value, a few levels deep.
fn json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn signed_callbacks_and_id_tokens() {
    let secret = "khoa-bi-mat";
    let bodies = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        json().prop_map(|v| v.to_string().into_bytes()),
        (any::<String>(), any::<String>(), any::<i64>(), "[A-Z]{0,6}").prop_map(|(t, o, a, s)| {
            serde_json::json!({"transaction_id": t, "order_code": o, "amount": a, "status": s})
                .to_string()
                .into_bytes()
        }),
    ];
    // Correctly signed, so the body itself is read (a wrong signature stops before that).
    fuzz(
        "payment, tax and treasury callbacks",
        cases(),
        bodies,
        |body| {
            let signature = motcua_sim::sign(secret, &body);
            let _ = verify_signed::<Callback>(secret, &body, &signature);
            let _ = verify_signed::<TaxNotice>(secret, &body, &signature);
            let _ = verify_signed::<TreasuryConfirmation>(secret, &body, &signature);
            let _ = verify_signed::<Callback>(secret, &body, &String::from_utf8_lossy(&body));
        },
    );
    let now = Utc.with_ymd_and_hms(2026, 12, 3, 0, 0, 0).unwrap();
    let tokens = prop_oneof![
        any::<String>(),
        json().prop_map(move |claims| motcua_sim::jwt_hs256(secret, &claims)),
        (any::<String>(), any::<i64>(), any::<String>()).prop_map(move |(sub, exp, nonce)| {
            motcua_sim::jwt_hs256(
                secret,
                &serde_json::json!({"iss": "vneid", "aud": "motcua", "sub": sub, "exp": exp, "iat": 0, "nonce": nonce}),
            )
        }),
    ];
    fuzz("OIDC ID tokens", cases(), tokens, |token| {
        let _ =
            motcua_integrations::oidc::verify_id_token(&token, secret, "vneid", "motcua", "n", now);
    });
}

#[test]
fn multipart_forms_through_the_real_router() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let app = runtime.block_on(async {
        let app = motcua_testkit::web::TestApp::new().await;
        app.seed().await;
        app
    });
    let desk = runtime.block_on(app.sign_in("mc_a"));
    let parts = prop::collection::vec(
        (
            "[a-z_0-9]{0,12}",
            prop::option::of("[a-z.]{0,8}"),
            prop::collection::vec(any::<u8>(), 0..256),
        ),
        0..6,
    );
    let bodies = (parts, any::<bool>()).prop_map(|(parts, garble)| {
        let mut body = Vec::new();
        for (name, file, bytes) in parts {
            body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"");
            body.extend_from_slice(name.as_bytes());
            body.push(b'"');
            if let Some(f) = file {
                body.extend_from_slice(format!("; filename=\"{f}\"").as_bytes());
            }
            body.extend_from_slice(b"\r\n\r\n");
            body.extend_from_slice(&bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--XyZ--\r\n");
        if garble {
            body.truncate(body.len() / 2);
        }
        body
    });
    let n = (cases() / 4).max(50);
    fuzz(
        "multipart forms (desk intake, real router)",
        n,
        bodies,
        |body| {
            let status = runtime.block_on(async {
                app.request(
                    Request::post("/desk/intake/1.013833")
                        .header(header::COOKIE, &desk.cookie)
                        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
                        .body(Body::from(body))
                        .unwrap(),
                )
                .await
                .status()
            });
            assert!(status.as_u16() < 500, "{status}");
        },
    );
}
