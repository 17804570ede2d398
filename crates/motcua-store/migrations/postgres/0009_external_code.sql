-- The code another system gave a dossier (the national portal's, for dossiers pulled from it):
-- unique, so a dossier pulled twice is refused by the database itself.
ALTER TABLE dossiers ADD COLUMN external_code TEXT NULL;
CREATE UNIQUE INDEX dossiers_external_code ON dossiers (external_code) WHERE external_code IS NOT NULL;

-- Where each pull from another system has got to.
CREATE TABLE sync_cursors (
    name TEXT NOT NULL PRIMARY KEY,
    position TEXT NOT NULL
);
