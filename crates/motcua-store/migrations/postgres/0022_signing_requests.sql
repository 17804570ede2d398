-- Remote signatures waiting for the signer's approval on their phone: one per dossier, its
-- state as JSON (the request's id at the signing service, the signing time and chain the
-- prepared file was made with). Deleted when the signature is completed or refused.
CREATE TABLE signing_requests (
    dossier_id UUID NOT NULL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    state JSONB NOT NULL
);
