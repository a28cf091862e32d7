-- The delivery outbox, the same columns as in SQLite: times are Unix
-- milliseconds (UTC), JSON columns hold ids and tags, never form data.
-- Several replicas share it; they claim rows with FOR UPDATE SKIP LOCKED.
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
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    problems        TEXT NOT NULL DEFAULT '[]',
    events          TEXT NOT NULL DEFAULT '[]',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    submitted_at    BIGINT NOT NULL DEFAULT 0,
    decided_at      BIGINT NOT NULL DEFAULT 0,
    lease_owner     TEXT NOT NULL DEFAULT '',
    lease_until     BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX deliveries_due ON deliveries (next_attempt_at)
    WHERE state NOT IN ('accepted', 'rejected', 'failed');

-- A callback names submissions whose event log has news.
CREATE INDEX deliveries_submission ON deliveries (submission_id)
    WHERE submission_id <> '';
