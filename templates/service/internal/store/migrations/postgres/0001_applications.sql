-- Applications as submitted. data is the form data as JSON text, emptied
-- once the authority has accepted the application.
CREATE TABLE applications (
    id         TEXT PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    tenant_ars TEXT NOT NULL,
    data       TEXT NOT NULL,
    status     TEXT NOT NULL
);

CREATE INDEX applications_created_at ON applications (created_at);
