//! `motcua report --verify`: the KPI rollup recomputed from the dossiers' event histories (each
//! history replayed, its contributions summed) and compared with the rollup the store kept, row
//! by row; `--repair` replaces the kept rollup with the recompute.

use std::collections::BTreeMap;

use motcua_core::dossier::{Event, apply};
use motcua_core::kpi::rollup::contributions;
use motcua_core::kpi::{Counts, RollupKey};

use crate::{App, AppError};

/// A row where the kept rollup and the recompute differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupDifference {
    /// The day and key.
    pub key: RollupKey,
    /// What the store kept (zeros: no row).
    pub kept: Counts,
    /// What the histories give.
    pub recomputed: Counts,
}

/// The outcome of a check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RollupCheck {
    /// Dossiers whose histories were replayed.
    pub dossiers: u64,
    /// Rows of the recompute.
    pub rows: usize,
    /// Rows that differ.
    pub differences: Vec<RollupDifference>,
    /// Whether the kept rollup was replaced by the recompute.
    pub repaired: bool,
    /// Dossiers whose stored state counts differently from their replayed history (first 20).
    pub drifted: Vec<String>,
}

impl App {
    /// Recomputes the rollup from every history and compares; with `repair`, writes the
    /// recompute in place of the kept rollup when they differ. On a live system a change that
    /// lands while the histories are read would look like a difference: the kept rollup is read
    /// before and after, and the check is run again (up to three times) when it moved.
    pub async fn check_rollup(&self, repair: bool) -> Result<RollupCheck, AppError> {
        for _ in 0..3 {
            let before = self.db().rollup_rows().await?;
            let (recomputed, dossiers, drifted) = self.recompute_rollup().await?;
            let kept = self.db().rollup_rows().await?;
            if kept != before {
                continue;
            }
            return self
                .compare_rollup(kept, recomputed, dossiers, drifted, repair)
                .await;
        }
        Err(AppError::Invalid(
            "số liệu thay đổi liên tục trong lúc kiểm tra; chạy lại khi ít thao tác hơn".into(),
        ))
    }

    /// The rollup from every history, the dossiers read, and those whose stored state counts
    /// differently from their history.
    async fn recompute_rollup(
        &self,
    ) -> Result<(BTreeMap<RollupKey, Counts>, u64, Vec<String>), AppError> {
        let mut recomputed: BTreeMap<RollupKey, Counts> = BTreeMap::new();
        let (mut after, mut dossiers) = (None, 0u64);
        let mut drifted = Vec::new();
        loop {
            let page = self.db().dossiers_after(after, 500).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for d in &page {
                let mut state = None;
                for stored in self.db().dossier_events(d.id).await? {
                    let event: Event = serde_json::from_value(stored.payload.0).map_err(|e| {
                        AppError::Invalid(format!("hồ sơ {}: sự kiện không đọc được: {e}", d.code))
                    })?;
                    state = Some(apply(state, &event, stored.recorded_at)?);
                }
                let Some(state) = state else { continue };
                dossiers += 1;
                let replayed = contributions(&state);
                if replayed != contributions(d) && drifted.len() < 20 {
                    drifted.push(d.code.to_string());
                }
                for (k, c) in replayed {
                    *recomputed.entry(k).or_default() += c;
                }
            }
        }
        recomputed.retain(|_, c| *c != Counts::default());
        Ok((recomputed, dossiers, drifted))
    }

    async fn compare_rollup(
        &self,
        kept: BTreeMap<RollupKey, Counts>,
        recomputed: BTreeMap<RollupKey, Counts>,
        dossiers: u64,
        drifted: Vec<String>,
        repair: bool,
    ) -> Result<RollupCheck, AppError> {
        let mut differences = Vec::new();
        let keys: std::collections::BTreeSet<&RollupKey> =
            kept.keys().chain(recomputed.keys()).collect();
        for key in keys {
            let (k, r) = (
                kept.get(key).copied().unwrap_or_default(),
                recomputed.get(key).copied().unwrap_or_default(),
            );
            if k != r {
                differences.push(RollupDifference {
                    key: key.clone(),
                    kept: k,
                    recomputed: r,
                });
            }
        }
        let repaired = repair && !differences.is_empty();
        if repaired {
            // The differences are added, not the rollup replaced: a change landing meanwhile
            // keeps what it added.
            let fixes: Vec<(RollupKey, Counts)> = differences
                .iter()
                .map(|d| {
                    let mut c = d.recomputed;
                    c -= d.kept;
                    (d.key.clone(), c)
                })
                .collect();
            self.db().add_to_rollup(&fixes).await?;
        }
        Ok(RollupCheck {
            dossiers,
            rows: recomputed.len(),
            differences,
            repaired,
            drifted,
        })
    }
}
