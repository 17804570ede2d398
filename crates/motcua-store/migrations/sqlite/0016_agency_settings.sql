-- An agency's office hours when they differ from the civil-service default (periods such as
-- "07:00-11:30,13:30-17:00", Saturday mornings or not, the cut-off after which a receipt
-- counts from the next working day).
CREATE TABLE agency_office_hours (
    agency_code TEXT NOT NULL PRIMARY KEY,
    periods TEXT NOT NULL,
    saturday INTEGER NOT NULL,
    cutoff TEXT NULL,
    updated_at TEXT NOT NULL
);

-- Which agencies resolve a procedure, when the province names them one by one; a procedure
-- without rows here is resolved by the agencies of the kinds its catalogue entry names.
CREATE TABLE procedure_agencies (
    procedure_code TEXT NOT NULL,
    agency_code TEXT NOT NULL,
    PRIMARY KEY (procedure_code, agency_code)
);

-- The national portal's code of a local procedure (MaTTHC), when they differ.
CREATE TABLE procedure_portal_codes (
    procedure_code TEXT NOT NULL PRIMARY KEY,
    portal_code TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
