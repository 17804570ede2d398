-- The installation's settings (the province it serves, its name on printed forms).
CREATE TABLE settings (
    key TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A password set by someone else (the first administrator's, a reset) must be replaced by its
-- owner at the next sign-in. TOTP (RFC 6238): the shared secret (base32) once enrolled.
ALTER TABLE staff_accounts ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff_accounts ADD COLUMN totp_secret TEXT NULL;
ALTER TABLE staff_accounts ADD COLUMN totp_pending TEXT NULL;
ALTER TABLE staff_accounts ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- One-time recovery codes for a lost authenticator (SHA-256 of each, used once).
CREATE TABLE staff_recovery_codes (
    account_id BLOB NOT NULL REFERENCES staff_accounts (id),
    code_hash TEXT NOT NULL,
    used_at TEXT NULL,
    PRIMARY KEY (account_id, code_hash)
);

-- Every administrative change (accounts, agencies, settings, MFA): who, when, what, before
-- and after, hash-chained like dossier histories, appended in the change's transaction.
CREATE TABLE admin_log (
    seq INTEGER NOT NULL PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
