-- Whether the population registry returned this citizen at their last sign-in: the evidence
-- behind a dossier's "population data used" flag (KPI.md). Accounts made before this
-- migration have no such evidence.
ALTER TABLE citizens ADD COLUMN in_registry BOOLEAN NOT NULL DEFAULT FALSE;
