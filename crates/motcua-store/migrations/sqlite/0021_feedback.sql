-- Feedback (phản ánh, kiến nghị): one row per feedback, its state and history as JSON; the
-- columns it is found by beside it. `version` is the length of its history: a save names the
-- version it read, so two officers acting at once cannot both win.
CREATE TABLE feedback (
    id BLOB NOT NULL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    agency TEXT NULL,
    status TEXT NOT NULL,
    received_at TEXT NOT NULL,
    version BIGINT NOT NULL,
    state TEXT NOT NULL
);
CREATE INDEX feedback_received ON feedback (received_at);
