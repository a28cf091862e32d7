-- Applications as submitted. data is the form data as JSON.
CREATE TABLE applications (
    id         TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    tenant_ars TEXT NOT NULL,
    data       TEXT NOT NULL,
    status     TEXT NOT NULL
) STRICT;

CREATE INDEX applications_created_at ON applications (created_at);
