-- Destruction lists (danh mục tài liệu hết giá trị): files of ended dossiers whose retention
-- period ran out, proposed for one agency, approved or refused by one of its leaders, then
-- carried out. The list itself (its items, who proposed, who decided, what was deleted) is
-- kept as the destruction record; the status only moves forward.
CREATE TABLE destruction_lists (
    id BLOB NOT NULL PRIMARY KEY,
    agency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'refused', 'approved', 'destroyed')),
    proposed_at TEXT NOT NULL,
    state TEXT NOT NULL
);
CREATE INDEX destruction_lists_agency ON destruction_lists (agency, proposed_at);
