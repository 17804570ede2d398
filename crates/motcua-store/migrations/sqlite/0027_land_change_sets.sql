-- A land dossier's pending change set: prepared by the specialist from the register, applied
-- (applied_at set) in the transaction of the step that approves it. The parcels it bears on
-- are listed apart, so a second dossier preparing a change to one of them is told at once.
CREATE TABLE land_change_sets (
    dossier_id BLOB NOT NULL PRIMARY KEY REFERENCES dossiers (id),
    change_set TEXT NOT NULL,
    prepared_by TEXT NOT NULL,
    prepared_at TEXT NOT NULL,
    applied_at TEXT NULL
);
CREATE TABLE land_change_parcels (
    parcel_id BLOB NOT NULL,
    dossier_id BLOB NOT NULL REFERENCES land_change_sets (dossier_id),
    PRIMARY KEY (parcel_id, dossier_id)
);
