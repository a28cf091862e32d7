-- Deliveries that need an operator: failed ones, and submitted ones whose
-- event log holds an event the service cannot verify yet (unverified, read
-- again with backoff). `<service> deliveries` lists and retries them.
CREATE INDEX deliveries_attention ON deliveries (created_at)
    WHERE state IN ('failed', 'unverified');
