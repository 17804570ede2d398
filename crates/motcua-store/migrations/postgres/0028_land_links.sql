-- What each register version points at — the parcels a certificate, right or asset bears
-- on, and the parties it names — so "the rights on this parcel" and "the land this person
-- holds" are indexed reads; and a party's name folded (no diacritics, lower case) for search.
CREATE TABLE land_links (
    target_id UUID NOT NULL,
    object_id UUID NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (target_id, object_id, version)
);
ALTER TABLE land_versions ADD COLUMN name_key TEXT COLLATE "C" NULL;
CREATE INDEX land_versions_name ON land_versions (name_key, begin_at);
