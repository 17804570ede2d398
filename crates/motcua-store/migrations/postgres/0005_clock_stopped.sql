-- Whether the statutory clock is stopped (supplement, tax office, payment): such a dossier is
-- not overdue while it waits, since its due instant moves when the clock restarts.
ALTER TABLE dossiers ADD COLUMN clock_stopped BOOLEAN NOT NULL DEFAULT FALSE;
