package fitconnect

import (
	"context"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose/josetest"
)

// sentSubmission runs the send sequence against f and returns what the
// outbox would have stored.
func sentSubmission(t *testing.T, f *fake) (*Client, Envelope, string, string) {
	t.Helper()
	c := f.client(t)
	env, sub, cs := send(context.Background(), t, c.Sender, testApplication())
	return c, env, sub, cs
}

func TestEventsRefused(t *testing.T) {
	f := newFake(t, "v2")
	c, _, _, cs := sentSubmission(t, f)
	svc := "https://zustelldienst.example/"
	for _, tc := range []struct {
		name string
		log  func(s *fakeSubmission) []string
	}{
		{"signed by an unknown key", func(s *fakeSubmission) []string {
			return []string{f.set(f.keys.attacker, testSvcKid, svc, s, EventCreate, nil)}
		}},
		{"destination event signed by the service key", func(s *fakeSubmission) []string {
			return []string{f.set(f.keys.service, testSigKid, s.destID, s, EventAccept, nil)}
		}},
		{"tampered payload", func(s *fakeSubmission) []string {
			good := strings.Split(f.set(f.keys.service, testSvcKid, svc, s, EventCreate, nil), ".")
			other := strings.Split(f.set(f.keys.service, testSvcKid, svc, s, EventDelete, nil), ".")
			return []string{good[0] + "." + other[1] + "." + good[2]}
		}},
		{"unsigned", func(s *fakeSubmission) []string {
			good := strings.Split(f.set(f.keys.service, testSvcKid, svc, s, EventCreate, nil), ".")
			return []string{"eyJhbGciOiJub25lIiwidHlwIjoic2VjZXZlbnQrand0In0." + good[1] + "."}
		}},
		{"wrong typ", func(s *fakeSubmission) []string {
			return []string{signJSON(t, f.keys.service, map[string]any{"typ": "jwt", "kid": testSvcKid}, map[string]any{
				"jti": "1", "iss": svc, "iat": time.Now().Unix(), "sub": "submission:" + s.id, "txn": "case:" + s.caseID,
				"events": map[string]any{EventSchemaBase + EventCreate: map[string]any{}},
			})}
		}},
		{"two events in one token", func(s *fakeSubmission) []string {
			return []string{signJSON(t, f.keys.service, map[string]any{"typ": "secevent+jwt", "kid": testSvcKid}, map[string]any{
				"jti": "1", "iss": svc, "iat": time.Now().Unix(), "sub": "submission:" + s.id, "txn": "case:" + s.caseID,
				"events": map[string]any{EventSchemaBase + EventCreate: map[string]any{}, EventSchemaBase + EventSubmit: map[string]any{}},
			})}
		}},
		{"unknown event", func(s *fakeSubmission) []string {
			return []string{signJSON(t, f.keys.service, map[string]any{"typ": "secevent+jwt", "kid": testSvcKid}, map[string]any{
				"jti": "1", "iss": svc, "iat": time.Now().Unix(), "sub": "submission:" + s.id, "txn": "case:" + s.caseID,
				"events": map[string]any{"https://example.org/events/accept-submission": map[string]any{}},
			})}
		}},
		{"txn of another case", func(s *fakeSubmission) []string {
			other := *s
			other.caseID = uuid.NewString()
			return []string{f.set(f.keys.service, testSvcKid, svc, &other, EventCreate, nil)}
		}},
		{"sub not a submission", func(s *fakeSubmission) []string {
			return []string{signJSON(t, f.keys.service, map[string]any{"typ": "secevent+jwt", "kid": testSvcKid}, map[string]any{
				"jti": "1", "iss": svc, "iat": time.Now().Unix(), "sub": "case:" + s.id, "txn": "case:" + s.caseID,
				"events": map[string]any{EventSchemaBase + EventCreate: map[string]any{}},
			})}
		}},
		{"issued in the future", func(s *fakeSubmission) []string {
			return []string{signJSON(t, f.keys.service, map[string]any{"typ": "secevent+jwt", "kid": testSvcKid}, map[string]any{
				"jti": "1", "iss": svc, "iat": time.Now().Add(time.Hour).Unix(), "sub": "submission:" + s.id, "txn": "case:" + s.caseID,
				"events": map[string]any{EventSchemaBase + EventCreate: map[string]any{}},
			})}
		}},
		{"issuer neither service nor destination", func(s *fakeSubmission) []string {
			return []string{f.set(f.keys.service, testSvcKid, "zustelldienst", s, EventCreate, nil)}
		}},
		{"one bad token among good ones", func(s *fakeSubmission) []string {
			return []string{
				f.set(f.keys.service, testSvcKid, svc, s, EventCreate, nil),
				f.set(f.keys.attacker, testSigKid, s.destID, s, EventAccept, nil),
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.events = tc.log
			log, err := c.Sender.Events(context.Background(), cs)
			if err == nil {
				t.Fatalf("accepted %+v", log)
			}
			if Retryable(err) {
				t.Errorf("a forged log must be a permanent error: %v", err)
			}
			if errors.Is(err, ErrUntrustedKey) {
				t.Errorf("a forged log passed off as merely unverifiable: %v", err)
			}
		})
	}
}

// TestEventsSignedWithAnUntrustedKey: an acceptance signed with the
// destination's key whose chain does not reach the trust anchor is
// ErrUntrustedKey, which the outbox keeps as unverified.
func TestEventsSignedWithAnUntrustedKey(t *testing.T) {
	f := newFake(t, "v2")
	_, _, _, cs := sentSubmission(t, f)
	other, err := josetest.NewCA(josetest.Key(3), "Another PKI")
	if err != nil {
		t.Fatal(err)
	}
	o := f.options()
	o.TrustAnchors = x509.NewCertPool()
	o.TrustAnchors.AddCert(other.Cert)
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if log, err := c.Sender.Events(context.Background(), cs); !errors.Is(err, ErrUntrustedKey) || Retryable(err) {
		t.Errorf("Events = %+v, %v; want a permanent ErrUntrustedKey", log, err)
	}
}

func TestEventStatus(t *testing.T) {
	t.Run("reject surfaces the problems", func(t *testing.T) {
		f := newFake(t, "v2")
		f.reject = true
		c, env, sub, cs := sentSubmission(t, f)
		log, err := c.Sender.Events(context.Background(), cs)
		if err != nil {
			t.Fatal(err)
		}
		st, err := log.Status(sub, testDestID, env.Tags())
		if err != nil || st.State != StateRejected || len(st.Problems) != 1 || st.Problems[0].Title != "Abgelehnt" {
			t.Errorf("Status = %+v, %v", st, err)
		}
	})
	t.Run("accepted with other tags", func(t *testing.T) {
		f := newFake(t, "v2")
		f.acceptTags = func(s *fakeSubmission) Tags { return Tags{Metadata: "x", Data: "y"} }
		c, env, sub, cs := sentSubmission(t, f)
		log, err := c.Sender.Events(context.Background(), cs)
		if err != nil {
			t.Fatal(err)
		}
		if st, err := log.Status(sub, testDestID, env.Tags()); err == nil || Retryable(err) {
			t.Errorf("Status = %+v, %v; want a permanent error", st, err)
		}
	})
	t.Run("accepted by someone else", func(t *testing.T) {
		f := newFake(t, "v2")
		c, env, sub, cs := sentSubmission(t, f)
		log, err := c.Sender.Events(context.Background(), cs)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := log.Status(sub, "00000000-1111-4222-8333-444444444444", env.Tags()); err == nil {
			t.Error("an accept from a destination the submission was not sent to counted")
		}
	})
	t.Run("pending before the decision", func(t *testing.T) {
		f := newFake(t, "v2")
		c := f.client(t)
		env, err := c.Sender.Seal(context.Background(), testApplication())
		if err != nil {
			t.Fatal(err)
		}
		sub, cs, err := c.Sender.Announce(context.Background(), testDestID, env.AttachmentIDs())
		if err != nil {
			t.Fatal(err)
		}
		log, err := c.Sender.Events(context.Background(), cs)
		if err != nil {
			t.Fatal(err)
		}
		if st, err := log.Status(sub, testDestID, env.Tags()); err != nil || st.State != StatePending {
			t.Errorf("Status = %+v, %v", st, err)
		}
	})
	t.Run("destination keys are fetched once", func(t *testing.T) {
		f := newFake(t, "v2")
		c, _, _, cs := sentSubmission(t, f)
		for range 3 {
			if _, err := c.Sender.Events(context.Background(), cs); err != nil {
				t.Fatal(err)
			}
		}
		n := 0
		for _, r := range f.requestLog() {
			if strings.HasSuffix(r, "/keys/"+testSigKid) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("signature key fetched %d times, want 1", n)
		}
	})
}
