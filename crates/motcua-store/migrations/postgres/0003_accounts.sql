-- Staff accounts: one role, scoped to one or more agencies (JSON array of agency codes).
CREATE TABLE staff_accounts (
    id UUID NOT NULL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('desk_officer', 'specialist', 'leader', 'supervisor', 'administrator')),
    province_code TEXT NOT NULL,
    units JSONB NOT NULL,
    failed_attempts BIGINT NOT NULL,
    locked_until TIMESTAMPTZ NULL,
    active BOOLEAN NOT NULL,
    password_changed_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- Server-side sessions; only the SHA-256 of the cookie's token is stored.
CREATE TABLE staff_sessions (
    token_hash TEXT NOT NULL PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES staff_accounts (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX staff_sessions_account ON staff_sessions (account_id);

-- Tokens for external systems (Authorization: Bearer), scoped like accounts.
CREATE TABLE api_tokens (
    id UUID NOT NULL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('desk_officer', 'specialist', 'leader', 'supervisor', 'administrator')),
    province_code TEXT NOT NULL,
    units JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ NULL
);

-- Idempotency-Key replay store: the same key and body give the same response.
CREATE TABLE idempotency_keys (
    principal TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status BIGINT NOT NULL,
    response TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (principal, idem_key)
);
