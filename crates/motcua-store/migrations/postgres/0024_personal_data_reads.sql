-- Who read which citizen's data and why (Law 91/2025 on personal data protection): one row per
-- opening of a dossier page or of a document, result or certified copy. Kept at least twelve
-- months; never updated.
CREATE TABLE personal_data_reads (
    id UUID NOT NULL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    subject TEXT NOT NULL,
    dossier_id UUID NULL,
    object TEXT NOT NULL,
    purpose TEXT NOT NULL
);
CREATE INDEX personal_data_reads_subject ON personal_data_reads (subject, at);
CREATE INDEX personal_data_reads_dossier ON personal_data_reads (dossier_id, at);
