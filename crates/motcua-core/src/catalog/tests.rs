//! The seed catalogue validates, and each rule rejects a broken file with its line.

use super::*;

/// The first seed file with one line replaced, as a broken variant.
fn broken(find: &str, replace: &str) -> String {
    let text = SEED[0].1;
    assert!(text.contains(find), "{find}");
    text.replacen(find, replace, 1)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn the_seed_catalogue_validates() {
    let files: Vec<(String, String)> = SEED
        .iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect();
    let (procedures, errors) = validate_catalog(&files);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(procedures.len(), 8);
    let p = &procedures[0];
    assert!(p.code.is_national());
    assert_eq!(p.statutory_hours(), 32);
    assert_eq!(p.former_codes[0].as_str(), "1.003877");
    assert!(procedures.iter().any(|p| p.level == Level::Commune));
    let transfer = &procedures[1];
    assert!(
        transfer
            .steps
            .iter()
            .any(|s| s.kind == StepKind::InterAgency && s.stops_clock)
    );
    assert!(
        transfer
            .steps
            .iter()
            .any(|s| s.kind == StepKind::AwaitPayment && s.stops_clock)
    );
}

#[test]
fn step_budgets_over_the_statutory_time_are_rejected() {
    let text = broken("budget_hours = 16", "budget_hours = 40");
    let err = parse_procedure("p.toml", &text).unwrap_err();
    assert_eq!(err.rule, "budget-exceeds-statutory-time");
    assert_eq!(err.line, line_of(&text, "statutory_days"));
    assert!(err.to_string().starts_with("p.toml:"), "{err}");
}

#[test]
fn unknown_roles_and_units_are_rejected_with_their_line() {
    let text = broken("role = \"specialist\"", "role = \"clerk\"");
    let err = parse_procedure("p.toml", &text).unwrap_err();
    assert_eq!(err.rule, "unknown-role");
    assert_eq!(err.line, line_of(&text, "code = \"tham-tra\"") - 1, "{err}");
    let text = broken("unit = \"resolving\"", "unit = \"kind:ministry\"");
    assert_eq!(
        parse_procedure("p.toml", &text).unwrap_err().rule,
        "unknown-unit"
    );
    let text = broken(
        "agencies = [\"land_registration_branch\"",
        "agencies = [\"court\"",
    );
    assert_eq!(
        parse_procedure("p.toml", &text).unwrap_err().rule,
        "unknown-unit"
    );
}

#[test]
fn duplicate_codes_are_rejected() {
    let text = broken("code = \"ky\"", "code = \"tham-tra\"");
    assert_eq!(
        parse_procedure("p.toml", &text).unwrap_err().rule,
        "duplicate-code"
    );
    let files = vec![
        ("a.toml".to_string(), SEED[0].1.to_string()),
        ("b.toml".to_string(), SEED[0].1.to_string()),
    ];
    let (ok, errors) = validate_catalog(&files);
    assert_eq!(ok.len(), 1);
    assert_eq!(errors[0].rule, "duplicate-code");
    assert_eq!(errors[0].file, "b.toml");
}

#[test]
fn a_procedure_without_required_documents_is_rejected() {
    let text = SEED[0].1.replace("mandatory = true", "mandatory = false");
    assert_eq!(
        parse_procedure("p.toml", &text).unwrap_err().rule,
        "missing-documents"
    );
}

#[test]
fn syntax_errors_and_unknown_fields_name_their_line() {
    let text = broken("version = 1", "version = 1\ncolour = \"red\"");
    let err = parse_procedure("p.toml", &text).unwrap_err();
    assert_eq!(err.rule, "syntax");
    assert_eq!(err.line, line_of(&text, "colour"));
    let text = broken("statutory_days = 4", "statutory_days = ");
    assert_eq!(
        parse_procedure("p.toml", &text).unwrap_err().line,
        line_of(&text, "statutory_days")
    );
}

#[test]
fn a_process_must_start_with_receipt_and_end_with_return() {
    let text = broken("kind = \"return\"", "kind = \"process\"");
    assert_eq!(
        parse_procedure("p.toml", &text).unwrap_err().rule,
        "process"
    );
}

#[test]
fn fees_apply_bounds_and_the_online_discount() {
    let fee = Fee {
        code: "x".into(),
        name: "x".into(),
        rule: FeeRule::PerArea {
            per_m2: 1000,
            min: 200_000,
            max: 5_000_000,
        },
        online_discount_percent: 50,
        basis: "x".into(),
    };
    assert_eq!(fee.amount(100, 0, false), 200_000);
    assert_eq!(fee.amount(1_000, 0, false), 1_000_000);
    assert_eq!(fee.amount(1_000, 0, true), 500_000);
    assert_eq!(fee.amount(100_000, 0, false), 5_000_000);
}

#[test]
fn placeholder_text_is_refused_where_citizens_would_read_it() {
    let basis = "basis = \"Thông tư 85/2019/TT-BTC; mức thu theo nghị quyết của HĐND tỉnh\"";
    for (value, marker) in [
        ("Nghị quyết HĐND tỉnh (mức ví dụ)", "vi du"),
        ("Nghị quyết số .../NQ-HĐND", "..."),
        ("Nghị quyết số …/NQ-HĐND", "\u{2026}"),
        ("TODO", "todo"),
    ] {
        let text = broken(basis, &format!("basis = \"{value}\""));
        let e = parse_procedure("p.toml", &text).expect_err(value);
        assert_eq!(e.rule, "placeholder");
        assert_eq!(e.line, line_of(&text, value));
        assert!(e.message.contains(marker), "{}", e.message);
    }
    // A comment may say anything, and "cập nhật" in a step's name is a real word.
    let text = broken(basis, &format!("# mức ví dụ, tỉnh cập nhật\n{basis}"));
    assert!(parse_procedure("p.toml", &text).is_ok());
}

#[test]
fn former_codes_are_kept_and_checked() {
    let with = |codes: &str| {
        broken(
            "former_codes = [\"1.003877\"]",
            &format!("former_codes = {codes}"),
        )
    };
    let p = parse_procedure("p.toml", &with("[\"1.003877\", \"DD-CU\"]")).unwrap();
    assert_eq!(p.former_codes.len(), 2);
    assert_eq!(p.former_codes[1].as_str(), "DD-CU");
    let err = parse_procedure("p.toml", &with("[\"1.013833\"]")).unwrap_err();
    assert_eq!(
        err.rule, "procedure-code",
        "its own code is not a former one"
    );
    let err = parse_procedure("p.toml", &with("[\"\"]")).unwrap_err();
    assert_eq!(err.rule, "procedure-code");
    assert!(
        parse_procedure("p.toml", &broken("former_codes = [\"1.003877\"]\n", ""))
            .unwrap()
            .former_codes
            .is_empty()
    );
}
