//! The dossiers behind a number of the report or the index: the unit's dossiers that can count in
//! the period (read a page at a time), kept when the core says the dossier counts in that figure,
//! with why it costs points. As many as the number says, because the core decides both.

use std::collections::{HashMap, HashSet};

use motcua_core::dossier::Dossier;
use motcua_core::kpi::{Facts, Measure, behind};

use crate::figures::{FigureQuery, Grouping, Places, UnitView};
use crate::{App, AppError};

/// A dossier behind a figure, and the note that goes with it (how late, why it costs points).
#[derive(Debug, Clone)]
pub struct Behind {
    /// The dossier.
    pub dossier: Dossier,
    /// The note ("" when there is nothing to say).
    pub note: String,
}

impl App {
    /// The dossiers behind a figure for the rows of `q` whose key is `key` (every row when
    /// `None`), at most `limit` of them; and whether there were more.
    pub async fn dossiers_behind(
        &self,
        province: &str,
        q: &FigureQuery,
        key: Option<&str>,
        measure: Measure,
        limit: usize,
    ) -> Result<(Vec<Behind>, bool), AppError> {
        let (agencies, scope) = self
            .figure_scope(province, q.under.as_deref(), q.visible.as_deref(), q.units)
            .await?;
        let places = Places::of(&agencies);
        let fields: HashMap<String, String> = self
            .db()
            .current_procedure_heads()
            .await?
            .into_iter()
            .map(|p| (p.code, motcua_core::text::slug(&p.field)))
            .collect();
        let current = self.current_codes(province, q.units).await?;
        // Dossiers kept under a code from before a re-coding (or, by today's units, of a unit
        // merged away) belong to the agency too; read by the units as they were, a dossier
        // moved to a successor is read there and counted where it was received.
        let successors = self.current_codes(province, UnitView::Current).await?;
        let units: Vec<String> = current
            .iter()
            .filter(|(_, now)| scope.contains(*now))
            .flat_map(|(old, _)| {
                [
                    old.clone(),
                    successors.get(old).cloned().unwrap_or_default(),
                ]
            })
            .filter(|c| !c.is_empty())
            .chain(scope.iter().cloned())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let now_code = |c: &str| current.get(c).map_or_else(|| c.to_owned(), Clone::clone);
        let (start, end) = (q.period.start(), q.period.end());
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .db()
                .dossiers_in_period(&units, start, end, after, 500)
                .await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for d in page {
                // Where its figures count: the units it was received by.
                let (receiving, resolving) = d.first_units();
                let (receiving, resolving) =
                    (now_code(receiving.as_str()), now_code(resolving.as_str()));
                if !scope.contains(&resolving) {
                    continue;
                }
                let in_row = key.is_none_or(|k| match q.by {
                    Grouping::Agency => resolving == k,
                    Grouping::Desk => receiving == k,
                    Grouping::Procedure => d.procedure.as_str() == k,
                    Grouping::Field => fields.get(d.procedure.as_str()).is_some_and(|f| f == k),
                    Grouping::Channel => d.channel.as_str() == k,
                });
                if !in_row {
                    continue;
                }
                let boundary_free = places.boundary_free(&receiving, &resolving);
                if let Some(note) = behind(measure, &Facts::of(&d), &q.period, boundary_free) {
                    if out.len() == limit {
                        return Ok((out, true));
                    }
                    out.push(Behind { dossier: d, note });
                }
            }
        }
        Ok((out, false))
    }
}
