-- The current step's role and name on the projection row, for work queues.
ALTER TABLE dossiers ADD COLUMN current_role TEXT NULL;
ALTER TABLE dossiers ADD COLUMN current_step TEXT NULL;
