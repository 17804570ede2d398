-- Holiday documents an administrator imported (year schedules, extra rules). The shipped ones
-- are compiled into the binary; these are laid on top, so a schedule needs no release.
CREATE TABLE calendar_documents (
    kind TEXT NOT NULL CHECK (kind IN ('holiday-rules', 'year-schedule')),
    doc_key TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (kind, doc_key)
);
