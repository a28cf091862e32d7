-- The delivery outbox: one row per application, written in the same
-- transaction as the application, before any network call. Times are Unix
-- milliseconds (UTC). JSON columns hold ids and tags, never form data.
CREATE TABLE deliveries (
    application_id  TEXT PRIMARY KEY REFERENCES applications (id),
    tenant_ars      TEXT NOT NULL,
    state           TEXT NOT NULL,
    destination_id  TEXT NOT NULL DEFAULT '',
    submission_id   TEXT NOT NULL DEFAULT '',
    case_id         TEXT NOT NULL DEFAULT '',
    envelope        TEXT NOT NULL DEFAULT '',
    attachments     TEXT NOT NULL DEFAULT '[]',
    metadata_tag    TEXT NOT NULL DEFAULT '',
    data_tag        TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    problems        TEXT NOT NULL DEFAULT '[]',
    events          TEXT NOT NULL DEFAULT '[]',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    submitted_at    INTEGER NOT NULL DEFAULT 0,
    decided_at      INTEGER NOT NULL DEFAULT 0,
    lease_owner     TEXT NOT NULL DEFAULT '',
    lease_until     INTEGER NOT NULL DEFAULT 0
) STRICT;

-- The worker's question "what is due?" reads only unfinished deliveries.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at)
    WHERE state NOT IN ('accepted', 'rejected', 'failed');

-- A callback names submissions whose event log has news.
CREATE INDEX deliveries_submission ON deliveries (submission_id)
    WHERE submission_id <> '';

-- The single worker lease of a SQLite deployment.
CREATE TABLE outbox_lease (
    name        TEXT PRIMARY KEY,
    owner       TEXT NOT NULL,
    lease_until INTEGER NOT NULL
) STRICT;

-- Applications stored before this migration get a delivery too.
INSERT INTO deliveries (application_id, tenant_ars, state, next_attempt_at, created_at, updated_at)
SELECT id, tenant_ars, 'new', 0, t, t
FROM (SELECT id, tenant_ars, COALESCE(CAST(strftime('%s', created_at) AS INTEGER) * 1000, 0) AS t FROM applications);
