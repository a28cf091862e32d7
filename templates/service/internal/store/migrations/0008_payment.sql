-- Fees paid over XBezahldienste. One row per attempt: a failed or
-- cancelled payment may be tried again under a new request id, and the
-- earlier attempts stay (no payment is ever lost from view). Times are
-- Unix milliseconds (UTC). No personal data: the provider keeps who paid.
CREATE TABLE payments (
    request_id      TEXT PRIMARY KEY,           -- ours, sent as requestId
    payment_key     TEXT NOT NULL,              -- what the fee is for (the application's submission key)
    attempt         INTEGER NOT NULL,           -- 1, 2, ...: one live attempt per key
    endpoint_id     TEXT NOT NULL,
    amount_cents    INTEGER NOT NULL,
    sends           INTEGER NOT NULL DEFAULT 0, -- create calls made for this attempt
    state           TEXT NOT NULL,              -- payment.State
    transaction_id  TEXT NOT NULL DEFAULT '',
    redirect_url    TEXT NOT NULL DEFAULT '',
    transaction_url TEXT NOT NULL DEFAULT '',
    reference       TEXT NOT NULL DEFAULT '',
    method          TEXT NOT NULL DEFAULT '',
    method_detail   TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT '',   -- the provider's last status
    status_detail   TEXT NOT NULL DEFAULT '',
    paid_at         INTEGER NOT NULL DEFAULT 0, -- the provider's transactionTimestamp
    error_code      TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL,           -- compare-and-set between replicas
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (payment_key, attempt)
) STRICT;
-- The background check finds payments whose applicant never came back.
CREATE INDEX payments_unsettled ON payments (updated_at) WHERE state IN ('creating', 'open');
