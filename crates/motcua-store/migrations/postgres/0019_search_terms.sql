-- The words staff find a dossier by (code, the applicant's name folded, CCCD or tax code,
-- phone): one row per word and dossier, written with the dossier. A search reads the rarest
-- word's rows in id order (newest first) and checks the others by primary key. The flag has
-- the service fill it once for the dossiers already stored.
CREATE TABLE dossier_terms (
    term TEXT NOT NULL,
    dossier_id UUID NOT NULL REFERENCES dossiers (id),
    PRIMARY KEY (term, dossier_id)
);

INSERT INTO settings (key, value, updated_at) VALUES ('search_terms', 'rebuild', '2026-12-03T00:00:00Z');
