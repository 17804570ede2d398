-- The certification register (sổ chứng thực bản sao điện tử từ bản chính): one row per copy
-- certified, its state as JSON; a number is unique per agency and year, so two officers
-- certifying at once cannot take the same one.
CREATE TABLE certified_copies (
    id UUID NOT NULL PRIMARY KEY,
    agency TEXT NOT NULL,
    year BIGINT NOT NULL,
    number BIGINT NOT NULL,
    holder TEXT NOT NULL,
    certified_at TIMESTAMPTZ NOT NULL,
    state JSONB NOT NULL,
    UNIQUE (agency, year, number)
);
CREATE INDEX certified_copies_holder ON certified_copies (holder, certified_at);
CREATE INDEX certified_copies_period ON certified_copies (certified_at);
