-- submission_key is the form's one-time id: a repeated POST of the same
-- form (a retry, a double click, another replica) finds the application
-- it already created instead of storing a second one.
ALTER TABLE applications ADD COLUMN submission_key TEXT;
CREATE UNIQUE INDEX applications_submission_key ON applications (submission_key)
    WHERE submission_key IS NOT NULL;

-- Workers renew the leases they hold by token while a step runs.
CREATE INDEX deliveries_lease ON deliveries (lease_owner) WHERE lease_owner <> '';
