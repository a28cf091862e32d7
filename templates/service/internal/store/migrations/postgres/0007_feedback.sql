-- Feedback of the service's users (footer link and after submission), as
-- the SDG user-feedback questions and the Nationale Feedback-Komponente ask
-- it: every answer optional, nothing that identifies a person. day is the
-- date only (YYYY-MM-DD, Europe/Berlin), so that feedback cannot be matched
-- to an application by its time. Exported by `<service> feedback export`
-- and GET /operator/feedback; nothing deletes it automatically.
CREATE TABLE feedback (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    day        TEXT NOT NULL,
    source     TEXT NOT NULL,
    lang       TEXT NOT NULL,
    tenant_ars TEXT NOT NULL,
    rating     INTEGER NOT NULL,
    found      TEXT NOT NULL,
    comment    TEXT NOT NULL
);
