-- Queue tickets at the desk: one row per ticket, its state as JSON; the columns a queue is
-- read by (the desk's day, the group, the status) beside it. A number is unique per desk,
-- day and group: two kiosks taking a number at once cannot get the same one.
CREATE TABLE queue_tickets (
    id BLOB NOT NULL PRIMARY KEY,
    agency TEXT NOT NULL,
    day TEXT NOT NULL,
    grp TEXT NOT NULL,
    number BIGINT NOT NULL,
    status TEXT NOT NULL,
    officer TEXT NULL,
    issued_at TEXT NOT NULL,
    state TEXT NOT NULL,
    UNIQUE (agency, day, grp, number)
);
CREATE INDEX queue_tickets_queue ON queue_tickets (agency, day, status, issued_at);
