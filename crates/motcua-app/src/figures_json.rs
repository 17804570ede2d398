//! The figures as other tools read them: the JSON of `motcua report --json`, `motcua kpi
//! --json` and the API's `/api/v1/reports/periodic` and `/api/v1/kpi`. A contract (issue 14):
//! ratios as fractions 0–1, counts as integers, a row's `key` the agency's electronic
//! identifier, the field's code, the procedure's code or the channel's wire name.

use motcua_core::kpi::{Indicator, Outcome, Period, ReportRow, group_totals};
use serde_json::{Value, json};

use crate::figures::{Figures, Grouping};

/// A row as the JSON contract names it (issue 14): `key` is the agency's electronic identifier.
pub fn row_json(key: &str, name: &str, r: &ReportRow) -> Value {
    json!({
        "key": key, "name": name, "carried_over": r.carried_over,
        "received": {"online": r.received_online, "counter": r.received_counter, "postal": r.received_post,
                     "portal": r.received_national_portal, "total": r.received(),
                     "boundary_free": r.received_boundary_free},
        "finished": {"early": r.finished_early, "on_time": r.finished_on_time, "late": r.finished_late,
                     "late_with_apology": r.finished_late_with_apology, "total": r.finished()},
        "refused": r.refused, "withdrawn": r.withdrawn,
        "in_process": {"not_due": r.in_process_not_due, "overdue": r.in_process_overdue, "total": r.in_process()},
    })
}

/// The indicators as the JSON contract names them: ratios as fractions, counts as integers.
fn indicators_json(outcomes: &[(Indicator, Outcome)]) -> Value {
    let list: Vec<Value> = outcomes
        .iter()
        .map(|(i, o)| {
            let (n, d, ratio, score, status) = match o {
                Outcome::Scored {
                    numerator,
                    denominator,
                    score,
                } => {
                    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
                    let ratio = *numerator as f64 / *denominator as f64;
                    (
                        Some(*numerator),
                        Some(*denominator),
                        Some(ratio),
                        Some(*score),
                        "scored",
                    )
                }
                Outcome::NotApplicable => (None, Some(0), None, None, "not_applicable"),
                Outcome::NoData => (None, None, None, None, "no_data"),
            };
            json!({
                "code": i.code, "name": i.name, "numerator": n, "denominator": d, "ratio": ratio,
                "threshold": i.threshold, "max": i.max, "score": score, "status": status,
            })
        })
        .collect();
    let groups: serde_json::Map<String, Value> = group_totals(outcomes)
        .into_iter()
        .map(|(g, points)| (g.to_owned(), json!((points * 100.0).round() / 100.0)))
        .collect();
    let total: f64 = group_totals(outcomes).iter().map(|(_, p)| p).sum();
    json!({"indicators": list, "groups": groups, "total": (total * 100.0).round() / 100.0})
}

/// The periodic report: `{from, to, by, rows, total}`.
pub fn report_json(period: &Period, by: Grouping, total_name: &str, f: &Figures) -> Value {
    let rows: Vec<Value> = f
        .rows
        .iter()
        .map(|r| row_json(&r.key, &r.name, &r.row))
        .collect();
    json!({
        "from": period.from, "to": period.to, "by": by.as_str(), "rows": rows,
        "total": row_json("", total_name, &f.total.row),
    })
}

/// The Decision 766 indicators: `{from, to, agency, indicators, groups, total}`, with the
/// national variant of 2.1 beside the legal one (`"2.1n"` in `national`).
pub fn kpi_json(period: &Period, agency: Option<&str>, f: &Figures) -> Value {
    let outcomes = f.total.tally.outcomes(None);
    let mut body = json!({"from": period.from, "to": period.to, "agency": agency});
    if let (Some(o), Some(k)) = (body.as_object_mut(), indicators_json(&outcomes).as_object()) {
        o.extend(k.clone());
    }
    let national = indicators_json(&[(
        motcua_core::kpi::INDICATORS[1],
        f.total.tally.on_time_national(),
    )]);
    if let (Some(o), Some(n)) = (
        body.as_object_mut(),
        national.get("indicators").and_then(|l| l.get(0)),
    ) {
        o.insert("national".into(), n.clone());
    }
    body
}
