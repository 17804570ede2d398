-- Work queues read one side at a time (received by, resolved by), already in due order, and
-- stop at a page: one index per side, with the role the current step waits for.
CREATE INDEX dossiers_queue_receiving ON dossiers (receiving_agency, step_role, due_at);
CREATE INDEX dossiers_queue_resolving ON dossiers (resolving_agency, step_role, due_at);
