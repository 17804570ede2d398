-- The current step's role and name on the projection row, for work queues.
-- (Not "current_role": that is a reserved word in PostgreSQL.)
ALTER TABLE dossiers ADD COLUMN step_role TEXT NULL;
ALTER TABLE dossiers ADD COLUMN step_name TEXT NULL;
