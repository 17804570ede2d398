-- Citizens who sign in through the national e-ID (VNeID), with what the population registry
-- returned and how they want to be told of their dossiers.
CREATE TABLE citizens (
    id_number TEXT NOT NULL PRIMARY KEY,
    full_name TEXT NOT NULL,
    birth_date DATE NULL,
    gender TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT NULL,
    email TEXT NULL,
    notify_channel TEXT NOT NULL CHECK (notify_channel IN ('sms', 'email', 'zalo')),
    identity_level BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Citizens' sessions (only the token's SHA-256 is stored), idle-timed like staff sessions.
CREATE TABLE citizen_sessions (
    token_hash TEXT NOT NULL PRIMARY KEY,
    id_number TEXT NOT NULL REFERENCES citizens (id_number),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);

-- Sign-ins in flight: the OIDC state and nonce, used once.
CREATE TABLE oidc_logins (
    state TEXT NOT NULL PRIMARY KEY,
    nonce TEXT NOT NULL,
    return_to TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- E-forms saved before submission.
CREATE TABLE drafts (
    id UUID NOT NULL PRIMARY KEY,
    id_number TEXT NOT NULL REFERENCES citizens (id_number),
    procedure_code TEXT NOT NULL,
    data JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX drafts_owner ON drafts (id_number, updated_at);

-- Orders sent to the payment gateway; a callback must match one.
CREATE TABLE payment_orders (
    transaction_id TEXT NOT NULL PRIMARY KEY,
    dossier_id UUID NOT NULL REFERENCES dossiers (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('fees', 'obligation')),
    amount BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    paid_at TIMESTAMPTZ NULL,
    callbacks BIGINT NOT NULL
);
CREATE INDEX payment_orders_dossier ON payment_orders (dossier_id);

-- Notification texts an administrator rewrote (the shipped ones apply otherwise).
CREATE TABLE notification_templates (
    kind TEXT NOT NULL PRIMARY KEY,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- A citizen's dossiers, newest first.
CREATE INDEX dossiers_applicant ON dossiers (applicant_number, submitted_at);
CREATE INDEX outbox_topic_due ON outbox (topic, delivered_at, available_at);
