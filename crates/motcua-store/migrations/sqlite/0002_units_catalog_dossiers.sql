-- Administrative units of the 2025 two-level government (reference data).
CREATE TABLE admin_units (
    code TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    division_type TEXT NOT NULL,
    province_code TEXT NULL REFERENCES admin_units (code)
);

-- Agencies form a tree. An agency keeps its id when it is renamed, re-coded, merged or moved;
-- every code it ever had stays in agency_codes, so old dossier codes still resolve.
CREATE TABLE agencies (
    id BLOB NOT NULL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('provincial_peoples_committee', 'department', 'land_registration_office', 'land_registration_branch', 'public_service_centre', 'commune_peoples_committee', 'commune_service_centre', 'tax_office', 'treasury', 'other')),
    parent_id BLOB NULL REFERENCES agencies (id),
    province_code TEXT NOT NULL REFERENCES admin_units (code),
    admin_unit_code TEXT NULL REFERENCES admin_units (code),
    merged_into BLOB NULL REFERENCES agencies (id),
    active INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE agency_codes (
    code TEXT NOT NULL PRIMARY KEY,
    agency_id BLOB NOT NULL REFERENCES agencies (id),
    recorded_at TEXT NOT NULL
);

CREATE TABLE agency_history (
    id BLOB NOT NULL PRIMARY KEY,
    agency_id BLOB NOT NULL REFERENCES agencies (id),
    change TEXT NOT NULL CHECK (change IN ('created', 'renamed', 'recoded', 'moved', 'merged')),
    detail TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);

-- Every imported version of every procedure; dossiers name the version they follow.
CREATE TABLE procedures (
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    field TEXT NOT NULL,
    statutory_days INTEGER NOT NULL,
    body TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (code, version)
);

-- The dossier row is the projection of its events, updated in the same transaction.
CREATE TABLE dossiers (
    id BLOB NOT NULL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    province_code TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    procedure_version INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'in_process', 'supplement_requested', 'awaiting_obligation', 'result_ready', 'returned', 'refused', 'not_accepted', 'withdrawn')),
    channel TEXT NOT NULL CHECK (channel IN ('counter', 'online', 'post', 'national_portal')),
    receiving_agency TEXT NOT NULL,
    resolving_agency TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    applicant_number TEXT NOT NULL,
    origin_code TEXT NULL,
    current_assignee TEXT NULL,
    submitted_at TEXT NOT NULL,
    received_at TEXT NULL,
    due_at TEXT NULL,
    finished_at TEXT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    FOREIGN KEY (procedure_code, procedure_version) REFERENCES procedures (code, version)
);
CREATE INDEX dossiers_resolving_status ON dossiers (resolving_agency, status, due_at);
CREATE INDEX dossiers_receiving ON dossiers (receiving_agency, submitted_at);

-- The legal history: append-only, hash-chained per dossier.
CREATE TABLE dossier_events (
    dossier_id BLOB NOT NULL REFERENCES dossiers (id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (dossier_id, seq)
);

-- Messages to other systems, written with the change that causes them.
CREATE TABLE outbox (
    id BLOB NOT NULL PRIMARY KEY,
    dossier_id BLOB NULL REFERENCES dossiers (id),
    topic TEXT NOT NULL,
    payload TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    available_at TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    delivered_at TEXT NULL,
    last_error TEXT NULL
);
CREATE INDEX outbox_due ON outbox (delivered_at, available_at);

-- Dossier code sequences, per receiving agency per receipt day (Circular 01/2018 Art. 19).
CREATE TABLE dossier_code_sequences (
    agency_code TEXT NOT NULL,
    day TEXT NOT NULL,
    last_value INTEGER NOT NULL,
    PRIMARY KEY (agency_code, day)
);
