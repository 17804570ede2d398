-- Every message exchanged with an outside system, request and response, hash-chained and
-- signed with the installation's key (evidence for inspectors and disputes).
CREATE TABLE message_log (
    seq BIGINT NOT NULL PRIMARY KEY,
    recorded_at TIMESTAMPTZ NOT NULL,
    system TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    endpoint TEXT NOT NULL,
    request TEXT NOT NULL,
    status BIGINT NOT NULL,
    response TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    signature TEXT NOT NULL
);

-- The chain's head: the row lock serialises appends.
CREATE TABLE message_log_head (
    id BIGINT NOT NULL PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO message_log_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The installation's public signing key (the private key stays in a file beside the service).
CREATE TABLE installation_keys (
    purpose TEXT NOT NULL PRIMARY KEY,
    public_key TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
