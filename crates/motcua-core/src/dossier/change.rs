//! A decided change, ready to store: the events, the state they build, the side effects they
//! owe and what they add to the KPI rollup. The store writes exactly this in one transaction
//! and decides nothing.

use chrono::{DateTime, Utc};

use super::DossierError;
use super::apply::apply;
use super::event::Event;
use super::model::Dossier;
use crate::effects::{Effect, effects};
use crate::kpi::rollup::{Counts, RollupKey, delta};

/// Events applied to a state, with what they owe.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The version the change starts from (0 for a new dossier).
    pub from_version: u64,
    /// The events, in order (empty: nothing changed).
    pub events: Vec<Event>,
    /// The state after them.
    pub dossier: Dossier,
    /// The messages they owe (none when nothing changed).
    pub effects: Vec<Effect>,
    /// What the change adds to the KPI rollup, by day and key (the dossier's counts after it
    /// minus before it).
    pub counts: Vec<(RollupKey, Counts)>,
    /// The land register versions the change ends and begins (a land dossier's change set,
    /// applied by the step that approves it), written in the same transaction.
    pub land: Option<crate::land::LandWrite>,
}

impl Change {
    /// Applies `events` to `state` at `now` and decides their effects.
    pub fn new(
        state: Option<&Dossier>,
        events: Vec<Event>,
        now: DateTime<Utc>,
    ) -> Result<Self, DossierError> {
        let from_version = state.map_or(0, |d| d.version);
        let mut next = state.cloned();
        for e in &events {
            next = Some(apply(next, e, now)?);
        }
        let dossier = next.ok_or(DossierError::NotFound)?;
        let (effects, counts) = if events.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            (
                effects(&dossier, from_version, &events)
                    .map_err(|_| DossierError::InvalidHistory("an effect could not be encoded"))?,
                delta(state, &dossier),
            )
        };
        Ok(Self {
            from_version,
            events,
            dossier,
            effects,
            counts,
            land: None,
        })
    }
}
