-- A land dossier's pending change set: prepared by the specialist from the register, applied
-- (applied_at set) in the transaction of the step that approves it. The parcels it bears on
-- are listed apart, so a second dossier preparing a change to one of them is told at once.
CREATE TABLE land_change_sets (
    dossier_id UUID NOT NULL PRIMARY KEY REFERENCES dossiers (id),
    change_set JSONB NOT NULL,
    prepared_by TEXT NOT NULL,
    prepared_at TIMESTAMPTZ NOT NULL,
    applied_at TIMESTAMPTZ NULL
);
CREATE TABLE land_change_parcels (
    parcel_id UUID NOT NULL,
    dossier_id UUID NOT NULL REFERENCES land_change_sets (dossier_id),
    PRIMARY KEY (parcel_id, dossier_id)
);
