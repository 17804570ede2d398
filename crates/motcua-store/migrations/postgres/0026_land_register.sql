-- The land register (sổ địa chính), LADM-style: every version of every object with its
-- lifespan [begin_at, end_at) and the dossier that made it. A change ends the current version
-- (end_at set, guarded: only an open one) and inserts the next, in one transaction. The
-- lookup columns are copied from the value for indexed reads: a parcel by its number, a
-- certificate by its serial, a party by its CCCD or tax code; each read "as of" an instant
-- is one indexed probe per object.
CREATE TABLE land_versions (
    object_kind TEXT NOT NULL CHECK (object_kind IN ('party', 'parcel', 'asset', 'certificate', 'rrr')),
    object_id UUID NOT NULL,
    version BIGINT NOT NULL,
    begin_at TIMESTAMPTZ NOT NULL,
    end_at TIMESTAMPTZ NULL,
    dossier TEXT NULL,
    commune TEXT NULL,
    sheet BIGINT NULL,
    number BIGINT NULL,
    serial TEXT NULL,
    party_number TEXT NULL,
    value JSONB NOT NULL,
    PRIMARY KEY (object_id, version)
);
CREATE UNIQUE INDEX land_versions_open ON land_versions (object_id) WHERE end_at IS NULL;
CREATE INDEX land_versions_parcel ON land_versions (commune, sheet, number, begin_at);
CREATE INDEX land_versions_serial ON land_versions (serial, begin_at);
CREATE INDEX land_versions_party ON land_versions (party_number, begin_at);
