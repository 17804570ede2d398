-- Lookup entries only where a key begins. A change that keeps an object's keys (a holder's
-- new address keeps their CCCD and name) used to add an entry to every lookup index, each a
-- random page the approving step's commit had to write. Now a version carries `keyed` = 1
-- only when its serial, party number or folded name differ from the version before it (or
-- it is the first); the key indexes hold those versions alone and give the object, whose
-- version at the instant asked is then read by its primary key and checked against the key.
-- The rows already here stay keyed: a superset, which the check keeps exact.
-- The open-version index goes: a version's successor is always the next number, so the
-- primary key already refuses a second open one, and an object's open version is found
-- among its few versions by that key. Entries with no key at all (the NULL rows of every
-- other kind of object) are left out of the parcel and serial indexes.
ALTER TABLE land_versions ADD COLUMN keyed INTEGER NOT NULL DEFAULT 1;
DROP INDEX land_versions_open;
DROP INDEX land_versions_parcel;
CREATE INDEX land_versions_parcel ON land_versions (commune, sheet, number, begin_at)
    WHERE commune IS NOT NULL;
DROP INDEX land_versions_serial;
CREATE INDEX land_versions_serial ON land_versions (serial, object_id)
    WHERE keyed = 1 AND serial IS NOT NULL;
DROP INDEX land_versions_party;
CREATE INDEX land_versions_party ON land_versions (party_number, object_id)
    WHERE keyed = 1 AND party_number IS NOT NULL;
DROP INDEX land_versions_name;
CREATE INDEX land_versions_name ON land_versions (name_key, object_id)
    WHERE keyed = 1 AND name_key IS NOT NULL;
-- A prepared change set keeps the versions it was prepared against (`bases`: they never
-- change once written, and the approving step's guarded write refuses them if they have
-- been ended since) and the object and dossier whose version shows it applied: the approving
-- step then reads nothing beyond the set itself, in the statement it already runs.
ALTER TABLE land_change_sets ADD COLUMN bases JSONB NULL;
ALTER TABLE land_change_sets ADD COLUMN probe_object UUID NULL;
ALTER TABLE land_change_sets ADD COLUMN probe_dossier TEXT NULL;
