//! `motcua bench compare A.json B.json`: do two runs' ratios agree? Each figure's ratio
//! (ours ÷ baseline) in both, and how far the second moved from the first.

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use clap::Args;

use crate::cli::Ctx;

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The first run's JSON (bench/results/…).
    pub first: PathBuf,
    /// The second run's JSON.
    pub second: PathBuf,
    /// How far a ratio may move, in percent, for the runs to agree.
    #[arg(long, default_value_t = 15.0)]
    pub tolerance: f64,
}

/// (figure, ratio) of one results file.
fn ratios(path: &PathBuf) -> Result<Vec<(String, f64)>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("không đọc được {}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} không phải JSON", path.display()))?;
    Ok(json
        .get("figures")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| {
            Some((
                f.get("figure")?.as_str()?.to_owned(),
                f.get("ratio")?.as_f64()?,
            ))
        })
        .collect())
}

pub fn compare(ctx: &Ctx, args: &CompareArgs) -> Result<()> {
    let first = ratios(&args.first)?;
    let second = ratios(&args.second)?;
    let w = first.iter().map(|(n, _)| n.len()).max().unwrap_or(6);
    ctx.print(&format!(
        "{:<w$} {:>8} {:>8} {:>8}",
        "figure", "ratio 1", "ratio 2", "change"
    ))?;
    let mut outside = 0;
    let mut matched = 0;
    for (name, a) in &first {
        let Some((_, b)) = second.iter().find(|(n, _)| n == name) else {
            continue;
        };
        matched += 1;
        let change = if *a > 0.0 { (b - a) / a * 100.0 } else { 0.0 };
        let ok = change.abs() <= args.tolerance;
        if !ok {
            outside += 1;
        }
        ctx.print(&format!(
            "{name:<w$} {a:>8.3} {b:>8.3} {change:>+7.1}%{}",
            if ok { "" } else { "  ← ngoài ngưỡng" }
        ))?;
    }
    if matched == 0 {
        bail!("hai tệp không có chỉ số nào chung");
    }
    if outside > 0 {
        bail!(
            "{outside}/{matched} tỉ số lệch quá ±{}% giữa hai lần chạy",
            args.tolerance
        );
    }
    ctx.print(&format!(
        "\n{matched} tỉ số lặp lại trong ±{}%",
        args.tolerance
    ))?;
    Ok(())
}
