//! The periodic report and the Decision 766 indicators of a province for a period, computed from
//! the dossiers themselves: every dossier's facts as they stood at the period's end (its history
//! replayed to that instant when it changed afterwards). Exact, and it reads every dossier: the
//! baseline that kept counts must equal, and what a province runs until they exist.

use std::collections::{BTreeMap, HashSet};

use motcua_core::dossier::{Dossier, Event, apply};
use motcua_core::kpi::{Facts, Period, ReportRow, Tally};

use crate::{App, AppError};

/// One unit's figures for a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitFigures {
    /// The resolving agency's code.
    pub unit: String,
    /// The periodic report's row.
    pub row: ReportRow,
    /// The Decision 766 numerators and denominators.
    pub tally: Tally,
}

impl App {
    /// The figures of every resolving agency of the province for the period, by agency code.
    pub async fn figures(
        &self,
        province: &str,
        period: Period,
    ) -> Result<Vec<UnitFigures>, AppError> {
        let units: HashSet<String> = self
            .db()
            .agencies(province)
            .await?
            .into_iter()
            .map(|a| a.code)
            .collect();
        let (start, end) = (period.start(), period.end());
        let mut by_unit: BTreeMap<String, UnitFigures> = BTreeMap::new();
        let mut after = None;
        loop {
            let page = self.db().dossiers_after(after, 500).await?;
            let Some(last) = page.last() else {
                break;
            };
            after = Some(last.id);
            for d in page {
                if !units.contains(d.resolving_agency.as_str()) {
                    continue;
                }
                let now = Facts::of(&d);
                if now.received.is_none_or(|r| r >= end) || now.ended_before(start) {
                    continue;
                }
                // Ended before the period's end: nothing it holds changes after its ending.
                // Still open then: its due instant may have moved since; read it as it stood.
                let at_end = if now.ended_before(end) {
                    now
                } else {
                    Facts::of(&self.as_of(&d, end).await?)
                };
                let at_start = Facts {
                    received: at_end.received.filter(|r| *r < start),
                    ending: at_end.ending.filter(|(_, at)| *at < start),
                    ..at_end.clone()
                };
                let f = by_unit
                    .entry(d.resolving_agency.to_string())
                    .or_insert_with(|| UnitFigures {
                        unit: d.resolving_agency.to_string(),
                        ..UnitFigures::default()
                    });
                f.row.add(&period, &at_start, &at_end);
                f.tally.add(&period, &at_end);
            }
        }
        Ok(by_unit.into_values().collect())
    }

    /// A dossier as it stood just before `instant`: its history replayed up to it.
    async fn as_of(
        &self,
        d: &Dossier,
        instant: chrono::DateTime<chrono::Utc>,
    ) -> Result<Dossier, AppError> {
        let mut state = None;
        for stored in self.db().dossier_events(d.id).await? {
            if stored.recorded_at >= instant {
                break;
            }
            let event: Event = serde_json::from_value(stored.payload.0)
                .map_err(|e| AppError::Invalid(format!("sự kiện không đọc được: {e}")))?;
            state = Some(apply(state, &event, stored.recorded_at)?);
        }
        state.ok_or_else(|| {
            AppError::NotFound(format!("hồ sơ {} chưa có trước thời điểm đó", d.code))
        })
    }
}
