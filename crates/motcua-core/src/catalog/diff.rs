//! What changed between two versions of a procedure, said for the person who publishes it.

use super::Procedure;

/// The differences that matter to a desk: name, time, documents, fees, steps and budgets.
pub fn differences(old: &Procedure, new: &Procedure) -> Vec<String> {
    let mut out = Vec::new();
    if old.name != new.name {
        out.push(format!("tên: \"{}\" → \"{}\"", old.name, new.name));
    }
    if old.statutory_days != new.statutory_days {
        out.push(format!(
            "thời hạn: {} → {} ngày làm việc",
            old.statutory_days, new.statutory_days
        ));
    }
    let codes = |v: Vec<&String>| v.into_iter().cloned().collect::<Vec<_>>();
    for (what, a, b) in [
        (
            "thành phần hồ sơ",
            codes(old.documents.iter().map(|d| &d.code).collect()),
            codes(new.documents.iter().map(|d| &d.code).collect()),
        ),
        (
            "phí, lệ phí",
            codes(old.fees.iter().map(|f| &f.code).collect()),
            codes(new.fees.iter().map(|f| &f.code).collect()),
        ),
        (
            "bước quy trình",
            codes(old.steps.iter().map(|s| &s.code).collect()),
            codes(new.steps.iter().map(|s| &s.code).collect()),
        ),
    ] {
        for added in b.iter().filter(|c| !a.contains(c)) {
            out.push(format!("{what}: + {added}"));
        }
        for removed in a.iter().filter(|c| !b.contains(c)) {
            out.push(format!("{what}: - {removed}"));
        }
    }
    for (o, n) in old
        .fees
        .iter()
        .zip(&new.fees)
        .filter(|(o, n)| o.code == n.code && o.rule != n.rule)
    {
        out.push(format!("phí {}: {:?} → {:?}", n.code, o.rule, n.rule));
    }
    for (o, n) in old
        .steps
        .iter()
        .zip(&new.steps)
        .filter(|(o, n)| o.code == n.code && o.budget_hours != n.budget_hours)
    {
        out.push(format!(
            "bước {}: {} → {} giờ",
            n.code, o.budget_hours, n.budget_hours
        ));
    }
    if out.is_empty() {
        out.push("nội dung khác (chi tiết trong tệp)".into());
    }
    out
}
