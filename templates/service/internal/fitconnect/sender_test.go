package fitconnect

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func testApplication() Application {
	return Application{
		DestinationID: testDestID,
		Data:          []byte(`{"F0001":"Erika Mustermann","F0002":"K-AB 123"}`),
		Attachments: []Attachment{
			{Data: []byte("%PDF-1.7 Antrag"), MimeType: "application/pdf", Purpose: "form", Filename: "antrag.pdf"},
			{Data: []byte("\x89PNG Fahrzeugschein"), MimeType: "image/png", Purpose: "attachment", Filename: "fahrzeugschein.png"},
		},
		SenderReference: "BP-2025-000042",
		ApplicationDate: time.Date(2025, 11, 3, 10, 0, 0, 0, time.UTC),
		Payment: &PaymentInformation{
			TransactionReference: "KZ-4711", TransactionID: "9xxd-432x", PaymentMethod: "CREDITCARD",
			Status: "BOOKED", GrossAmount: 3050,
		},
	}
}

// send runs the whole sequence as the outbox does.
func send(ctx context.Context, t *testing.T, s *Sender, app Application) (Envelope, string, string) {
	t.Helper()
	env, err := s.Seal(ctx, app)
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	sub, cs, err := s.Announce(ctx, env.DestinationID, env.AttachmentIDs())
	if err != nil {
		t.Fatalf("Announce: %v", err)
	}
	for _, a := range env.Attachments {
		if err := s.UploadAttachment(ctx, sub, a.ID, a.JWE); err != nil {
			t.Fatalf("UploadAttachment: %v", err)
		}
	}
	if err := s.Submit(ctx, sub, env.EncryptedMetadata, env.EncryptedData); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	return env, sub, cs
}

func TestSendSequence(t *testing.T) {
	for _, version := range []string{"v2", "v1"} {
		t.Run(version, func(t *testing.T) {
			ctx := context.Background()
			f := newFake(t, version)
			c := f.client(t)
			env, sub, cs := send(ctx, t, c.Sender, testApplication())

			got := f.submission(t)
			if got.id != sub || got.caseID != cs || !got.submitted || len(got.attachments) != 2 {
				t.Fatalf("fake holds %+v", got)
			}
			field := map[string]string{"v2": "publicService", "v1": "serviceType"}[version]
			svc, _ := got.createBody[field].(map[string]any)
			if svc["identifier"] != "urn:de:fim:leika:leistung:"+testLeika || svc["name"] != "Parkausweis für Bewohner" {
				t.Errorf("announced %s = %v", field, got.createBody)
			}
			// The order of the calls is the documented sequence.
			var steps []string
			for _, r := range f.requestLog() {
				steps = append(steps, r[:strings.IndexByte(r, ' ')]+" "+pathShape(r))
			}
			want := []string{
				"POST /token", "GET /" + version + "/destinations/{}", "GET /" + version + "/destinations/{}/keys/{}",
				"POST /" + version + "/submissions", "PUT /" + version + "/submissions/{}/attachments/{}",
				"PUT /" + version + "/submissions/{}/attachments/{}", "PUT /" + version + "/submissions/{}",
			}
			if !slices.Equal(steps, want) {
				t.Errorf("requests\n%q\nwant\n%q", steps, want)
			}

			log, err := c.Sender.Events(ctx, cs)
			if err != nil {
				t.Fatal(err)
			}
			var types []string
			for _, e := range log.Events {
				types = append(types, e.Type)
			}
			if !slices.Equal(types, []string{EventCreate, EventSubmit, EventAccept}) {
				t.Errorf("events = %v", types)
			}
			st, err := log.Status(sub, testDestID, env.Tags())
			if err != nil || st.State != StateAccepted {
				t.Errorf("Status = %v, %v; want accepted", st.State, err)
			}
		})
	}
}

// pathShape replaces ids in a request path by {}.
func pathShape(r string) string {
	_, path, _ := strings.Cut(r, " ")
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if uuidRe.MatchString(s) || s == testEncKid {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

func TestMetadataContent(t *testing.T) {
	f := newFake(t, "v2")
	c := f.client(t)
	app := testApplication()
	env, err := c.Sender.Seal(context.Background(), app)
	if err != nil {
		t.Fatal(err)
	}
	meta := decryptWithGoJose(t, env.EncryptedMetadata, f.keys.enc)
	var m map[string]any
	if err := json.Unmarshal(meta, &m); err != nil {
		t.Fatal(err)
	}
	cs := m["contentStructure"].(map[string]any)
	data := cs["data"].(map[string]any)
	if data["hash"].(map[string]any)["content"] != SHA512Hex(app.Data) || data["hash"].(map[string]any)["type"] != "sha512" {
		t.Errorf("data hash = %v", data["hash"])
	}
	if s := data["submissionSchema"].(map[string]any); s["schemaUri"] != "urn:ozg-new:form:antrag:1.0.0" || s["mimeType"] != "application/json" {
		t.Errorf("submissionSchema = %v", s)
	}
	atts := cs["attachments"].([]any)
	if len(atts) != 2 {
		t.Fatalf("attachments = %v", atts)
	}
	for i, a := range atts {
		a := a.(map[string]any)
		if a["attachmentId"] != env.Attachments[i].ID || a["hash"].(map[string]any)["content"] != SHA512Hex(app.Attachments[i].Data) ||
			a["mimeType"] != app.Attachments[i].MimeType || a["purpose"] != app.Attachments[i].Purpose {
			t.Errorf("attachment %d = %v", i, a)
		}
	}
	if p := m["publicServiceType"].(map[string]any); p["identifier"] != "urn:de:fim:leika:leistung:"+testLeika {
		t.Errorf("publicServiceType = %v", p)
	}
	if r := m["additionalReferenceInfo"].(map[string]any); r["senderReference"] != "BP-2025-000042" || r["applicationDate"] != "2025-11-03" {
		t.Errorf("additionalReferenceInfo = %v", r)
	}
	if !strings.Contains(string(meta), `"grossAmount":30.50`) {
		t.Errorf("grossAmount not 30.50 in %s", meta)
	}
	if got := decryptWithGoJose(t, env.EncryptedData, f.keys.enc); string(got) != string(app.Data) {
		t.Errorf("data = %s", got)
	}
}

func TestSealRefuses(t *testing.T) {
	for _, tc := range []struct {
		name      string
		change    func(*fake, *Application)
		permanent bool
	}{
		{"destination inactive", func(f *fake, _ *Application) { f.destination.Status = "inactive" }, false},
		{"destination decommissioned", func(f *fake, _ *Application) { f.destination.Status = "decommissioned" }, true},
		{"service not offered", func(f *fake, _ *Application) {
			f.destination.PublicServices[0].Identifier = "urn:de:fim:leika:leistung:99000000000000"
		}, true},
		{"no metadata version in common", func(f *fake, _ *Application) { f.destination.MetadataVersions = []string{"0.9.0"} }, true},
		{"key of another kid", func(f *fake, _ *Application) { f.keyJWK.Kid = "other-kid-0001" }, true},
		{"key fails its checks", func(f *fake, _ *Application) { f.keyJWK.KeyOps = []string{"verify"} }, true},
		{"data not JSON", func(_ *fake, a *Application) { a.Data = []byte("not json") }, true},
		{"payment breaks the schema", func(_ *fake, a *Application) { a.Payment.PaymentMethod = "BITCOIN" }, true},
		{"attachment id not a UUID", func(_ *fake, a *Application) { a.Attachments[0].ID = "anlage-1" }, true},
		{"destination not a UUID", func(_ *fake, a *Application) { a.DestinationID = "../../admin" }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, "v2")
			app := testApplication()
			tc.change(f, &app)
			c := f.client(t)
			env, err := c.Sender.Seal(context.Background(), app)
			if err == nil {
				t.Fatalf("sealed %+v", env)
			}
			if Retryable(err) == tc.permanent {
				t.Errorf("Retryable(%v) = %v, want %v", err, Retryable(err), !tc.permanent)
			}
		})
	}
}

func TestResumeAfterCrash(t *testing.T) {
	// A delivery that stopped after the first upload resumes with the
	// persisted envelope and ids: the same ciphertexts, no new submission.
	ctx := context.Background()
	f := newFake(t, "v2")
	c := f.client(t)
	env, err := c.Sender.Seal(ctx, testApplication())
	if err != nil {
		t.Fatal(err)
	}
	persisted, _ := json.Marshal(env)
	sub, cs, err := c.Sender.Announce(ctx, env.DestinationID, env.AttachmentIDs())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Sender.UploadAttachment(ctx, sub, env.Attachments[0].ID, env.Attachments[0].JWE); err != nil {
		t.Fatal(err)
	}
	// "Crash": a new client, the envelope from the store.
	c2 := f.client(t)
	var restored Envelope
	if err := json.Unmarshal(persisted, &restored); err != nil {
		t.Fatal(err)
	}
	for _, a := range restored.Attachments { // the first again: a PUT is idempotent
		if err := c2.Sender.UploadAttachment(ctx, sub, a.ID, a.JWE); err != nil {
			t.Fatal(err)
		}
	}
	if err := c2.Sender.Submit(ctx, sub, restored.EncryptedMetadata, restored.EncryptedData); err != nil {
		t.Fatal(err)
	}
	log, err := c2.Sender.Events(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := log.Status(sub, testDestID, restored.Tags()); err != nil || st.State != StateAccepted {
		t.Errorf("Status = %v, %v", st, err)
	}
	_ = f.submission(t) // exactly one submission
}

func TestAPIErrorsAndRetries(t *testing.T) {
	ctx := context.Background()
	t.Run("retries 503 then succeeds", func(t *testing.T) {
		f := newFake(t, "v2")
		f.fail(opAnnounce, http.StatusServiceUnavailable, http.StatusTooManyRequests)
		c := f.client(t)
		if _, _, err := c.Sender.Announce(ctx, testDestID, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("gives up after MaxAttempts", func(t *testing.T) {
		f := newFake(t, "v2")
		f.fail(opUpload, 503, 503, 503, 503)
		c := f.client(t)
		err := c.Sender.UploadAttachment(ctx, uuid.NewString(), uuid.NewString(), "a.b.c.d.e")
		var api *APIError
		if !errors.As(err, &api) || api.StatusCode != 503 || !Retryable(err) {
			t.Fatalf("err = %v", err)
		}
		if api.Problem == nil || api.Problem.Type != "https://schema.fitko.de/fit-connect/problems/injected" {
			t.Errorf("problem = %+v", api.Problem)
		}
		if n := countRequests(f, "PUT"); n != 3 {
			t.Errorf("%d tries, want 3", n)
		}
	})
	t.Run("tries a submit once", func(t *testing.T) {
		// A 503 may come after the submit took effect (a proxy losing
		// the answer): the caller reads the event log before it repeats.
		f := newFake(t, "v2")
		f.fail(opSubmit, 503, 503)
		c := f.client(t)
		err := c.Sender.Submit(ctx, uuid.NewString(), "a.b.c.d.e", "")
		if !Retryable(err) {
			t.Fatalf("err = %v, want a retryable error for the caller", err)
		}
		if n := countRequests(f, "PUT"); n != 1 {
			t.Errorf("%d tries, want 1", n)
		}
	})
	t.Run("does not retry 422 and surfaces its problem", func(t *testing.T) {
		f := newFake(t, "v2")
		c := f.client(t)
		err := c.Sender.Submit(ctx, uuid.NewString(), "a.b.c.d.e", "") // unknown submission
		var api *APIError
		if !errors.As(err, &api) || api.StatusCode != 422 || Retryable(err) || api.Problem == nil {
			t.Fatalf("err = %v", err)
		}
		if n := countRequests(f, "PUT"); n != 1 {
			t.Errorf("%d tries, want 1", n)
		}
	})
	t.Run("Retry-After beyond the cap ends the request", func(t *testing.T) {
		f := newFake(t, "v2")
		f.retryAfter = "3600"
		f.fail(opAnnounce, 503, 503)
		c := f.client(t)
		start := time.Now()
		_, _, err := c.Sender.Announce(ctx, testDestID, nil)
		var api *APIError
		if !errors.As(err, &api) || api.RetryAfter != time.Hour || time.Since(start) > 2*time.Second {
			t.Fatalf("err = %v after %v", err, time.Since(start))
		}
	})
	t.Run("a rejected token is replaced once", func(t *testing.T) {
		f := newFake(t, "v2")
		c := f.client(t)
		c.Sender.tokens.mu.Lock()
		c.Sender.tokens.token = "stale" // as if revoked early
		c.Sender.tokens.expiry = time.Now().Add(time.Hour)
		c.Sender.tokens.mu.Unlock()
		if _, _, err := c.Sender.Announce(ctx, testDestID, nil); err != nil {
			t.Fatal(err)
		}
		if f.tokens != 1 {
			t.Errorf("%d token requests, want 1", f.tokens)
		}
	})
}

func countRequests(f *fake, method string) int {
	n := 0
	for _, r := range f.requestLog() {
		if strings.HasPrefix(r, method+" ") {
			n++
		}
	}
	return n
}

// TestUnlistedSchemaWarnedOnce: a destination that does not list the data
// schema is worth one warning, not one per application.
func TestUnlistedSchemaWarnedOnce(t *testing.T) {
	f := newFake(t, "v2")
	var logs strings.Builder
	o := f.options()
	o.SchemaURI = "urn:xoev-de:xfall:standard:unlisted_1.0"
	o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := c.Sender.Seal(context.Background(), testApplication()); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(logs.String(), "does not list the data schema"); n != 1 {
		t.Errorf("%d warnings about the unlisted schema, want 1:\n%s", n, logs.String())
	}
}
