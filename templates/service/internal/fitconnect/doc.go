// Package fitconnect is the service's client of FIT-Connect: it finds the
// responsible authority through the Routing API and delivers applications
// to it through the Submission API (the Zustelldienst), encrypted end to
// end for the authority. It is a set of small types, each usable alone:
//
//	TokenSource  OAuth2 client credentials (client_secret_post); the token
//	             is cached until shortly before it expires; safe for
//	             concurrent use.
//	Router       GET {routing}/v1/routes?leikaKey=…&ars=… (the path prefix
//	             is its own setting from the standards release, not the
//	             Submission API version), verifies each route's
//	             destinationSignature (PS512) against the self-service
//	             portal's JWKS and checks destinationId, LeiKa key, region
//	             and submissionHost; falls back to a per-tenant static
//	             destination from the configuration. A route that fails
//	             verification is never used.
//	Sender       the send sequence, one call per step so that a delivery
//	             interrupted by a crash can resume where it stopped.
//	CallbackVerifier
//	             checks the HMAC-SHA512 of a Zustelldienst callback, its
//	             age (at most five minutes) and that it is not a replay.
//
// # Sending an application
//
// The outbox drives the steps and persists what each returns before it
// takes the next one:
//
//	env, err := sender.Seal(ctx, app)
//	    // GET destination (must be active), GET its encryption key and
//	    // check it (RSA, wrapKey, RSA-OAEP-256, e=AQAB, ≥ 4096 bit, kid 8–64
//	    // characters, x5c chain to the configured trust anchor); build the
//	    // metadata, in the newest version both the destination's
//	    // metadataVersions and the service list, with SHA-512 hashes of
//	    // data and attachments, validate it against the official schema of
//	    // that version, encrypt metadata, data and every
//	    // attachment as compact JWEs. No state changes at the Zustelldienst.
//	    // Persist env: its ciphertexts are exactly what will be sent, so a
//	    // resumed delivery sends the same bytes and the accept-submission
//	    // event can be checked against env.Tags().
//	submissionID, caseID, err := sender.Announce(ctx, env.DestinationID, env.AttachmentIDs())
//	    // POST /v2/submissions (v1: /v1/submissions with serviceType
//	    // instead of publicService): 201 {submissionId, caseId}. Persist
//	    // both. A retry after a lost answer may leave an announced but never
//	    // submitted submission behind; the Zustelldienst discards those, and
//	    // only a submit delivers, so this never delivers twice.
//	for _, a := range env.Attachments {
//	    err = sender.UploadAttachment(ctx, submissionID, a.ID, a.JWE) // PUT …/attachments/{id}, 204
//	}
//	err = sender.Submit(ctx, submissionID, env.EncryptedMetadata, env.EncryptedData)
//	    // PUT /v2/submissions/{submissionId}: 200 or 202. The specification
//	    // does not say what a second submit does (a strict Zustelldienst
//	    // answers 422): after a crash, read the event log first and submit
//	    // only if it has no submit-submission event.
//	log, err := sender.Events(ctx, caseID)
//	    // GET /v2/cases/{caseId}/events; every SET is verified (typ
//	    // secevent+jwt, PS512, exactly one event, txn is the case) against
//	    // the Zustelldienst's JWKS when iss is the service, against the
//	    // destination's signature key when iss is a destination id. One
//	    // invalid SET fails the whole call.
//	st, err := log.Status(submissionID, env.DestinationID, env.Tags())
//	    // Accepted once accept-submission from the destination lists
//	    // exactly the authentication tags of what was sent (else an error);
//	    // Rejected with the RFC 7807 problems of reject-submission;
//	    // otherwise Pending.
//
// Finding the destination comes first:
//
//	route, err := client.Router.Route(ctx, ars) // the applicant's ARS
//	    // route.DestinationID, route.Source ("routing" or "static") and
//	    // what the applicant should see of the authority.
//
// Callbacks, if FITCONNECT_CALLBACK_SECRET is set:
//
//	v := &CallbackVerifier{Secret: secret, Replays: NewMemoryReplayCache(10000)}
//	body, err := v.VerifyRequest(r) // 401 on any error
//	cb, err := ParseCallback(body)  // then fetch Events for cb.Submissions
//
// Building a client: New(Options); config.FITConnect.ClientOptions gives
// the options from the environment (FITCONNECT_*), with the endpoints of
// the standards release (release.go) as defaults.
//
// Errors: every HTTP failure is an *APIError carrying the status code and
// the problem+json body, if any. Requests are retried with exponential
// backoff and full jitter on network errors and on 408, 429, 500, 502,
// 503 and 504, honouring Retry-After (up to a cap), each attempt with its
// own timeout, the number of attempts bounded; Retryable(err) tells the
// outbox whether to try again later or give up. Neither a *PermanentError
// (a key, route or event that fails verification, metadata that breaks
// the schema, a decommissioned destination) nor a 4xx answer other than
// 408 and 429 heals by retrying; ErrDestinationInactive for a destination
// not yet active does.
//
// Nothing personal is logged: logs name the step, the status and the ids
// of destination, submission and case, never data, tokens or secrets.
package fitconnect
