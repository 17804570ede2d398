-- Messages that kept failing are parked (dead letters) for an administrator to see and replay.
ALTER TABLE outbox ADD COLUMN dead_at TIMESTAMPTZ NULL;
CREATE INDEX outbox_dead ON outbox (topic, dead_at);
-- A message waits for its dossier's earlier ones: the claim looks them up by this.
CREATE INDEX outbox_dossier_order ON outbox (dossier_id, topic, created_at);
