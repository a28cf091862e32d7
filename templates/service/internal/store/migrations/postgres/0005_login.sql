-- The login (SAML with BundID or Mein Unternehmenskonto). Times are Unix
-- milliseconds (UTC). Every table is shared by the replicas of a
-- deployment, so a response may come back to another replica than the
-- one that sent the request, and a replayed one is refused everywhere.

-- Requests this service issued (AuthnRequests, LogoutRequests): a
-- response must name an untaken one in InResponseTo, and takes it.
-- binding is the SHA-256 of the login binding cookie of the browser that
-- started the login: the login finishes only in that browser (no login
-- CSRF). A taken request stays until it expires.
CREATE TABLE login_requests (
    id         TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL,
    binding    TEXT NOT NULL DEFAULT '',
    taken      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX login_requests_expires ON login_requests (expires_at);

-- Logins checked at the ACS and waiting for the browser that started
-- them: id is the SHA-256 of the one-time token of the redirect,
-- binding the request's, identity the account's attributes as JSON
-- (personal data: deleted when taken or expired, after minutes).
CREATE TABLE login_pending (
    id         TEXT PRIMARY KEY,
    binding    TEXT NOT NULL,
    identity   TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX login_pending_expires ON login_pending (expires_at);

-- Assertions already used, until they expire: a replayed response fails.
CREATE TABLE login_replay (
    assertion_id TEXT PRIMARY KEY,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX login_replay_expires ON login_replay (expires_at);

-- Server-side sessions. id is the SHA-256 of the cookie's token (a copy
-- of the database gives no session away); identity is the account's
-- attributes as JSON (personal data: deleted with the session).
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    created_at    BIGINT NOT NULL,
    last_seen     BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    name_id       TEXT NOT NULL DEFAULT '',
    session_index TEXT NOT NULL DEFAULT '',
    identity      TEXT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_idp_session ON sessions (session_index) WHERE session_index <> '';

-- The login an application was submitted with: level and method for the
-- receipt and the authority, the pseudonym bPK2 and the mailbox handle
-- for the answer (kept after the form data is deleted), and which fields
-- the account prefilled (field ids as a JSON array).
CREATE TABLE application_logins (
    application_id  TEXT PRIMARY KEY REFERENCES applications (id),
    account         TEXT NOT NULL,
    level           TEXT NOT NULL,
    method          TEXT NOT NULL DEFAULT '',
    bpk2            TEXT NOT NULL DEFAULT '',
    postkorb_handle TEXT NOT NULL DEFAULT '',
    prefilled       TEXT NOT NULL DEFAULT '[]'
);
