-- Messages that kept failing are parked (dead letters) for an administrator to see and replay.
ALTER TABLE outbox ADD COLUMN dead_at TIMESTAMPTZ NULL;
CREATE INDEX outbox_dead ON outbox (topic, dead_at);
