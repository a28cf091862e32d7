package fitconnect

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func callbackMAC(secret, ts string, body []byte) string {
	m := hmac.New(sha512.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func TestCallbackVerifier(t *testing.T) {
	const secret = "insecure_unsafe_qHScgrg_kP-R31jHUwp3GkVkGJolvBchz65b74Lzue0"
	now := time.Unix(1_750_000_000, 0)
	body := []byte(`{"type":"https://schema.fitko.de/fit-connect/submission-api/callbacks/new-events","submissions":[]}`)
	ts := strconv.FormatInt(now.Unix(), 10)
	for _, tc := range []struct {
		name     string
		ts, mac  string
		body     []byte
		wantErr  error
		replayed bool
	}{
		{"valid", ts, callbackMAC(secret, ts, body), body, nil, false},
		{"valid, upper-case hex", ts, strings.ToUpper(callbackMAC(secret, ts, body)), body, nil, false},
		{"body changed", ts, callbackMAC(secret, ts, body), append([]byte(" "), body...), ErrCallbackAuth, false},
		{"timestamp changed", "1750000001", callbackMAC(secret, ts, body), body, ErrCallbackAuth, false},
		{"other secret", ts, callbackMAC("another secret of sufficient length!!", ts, body), body, ErrCallbackAuth, false},
		{"MAC truncated", ts, callbackMAC(secret, ts, body)[:64], body, ErrCallbackAuth, false},
		{"MAC not hex", ts, "zz", body, ErrCallbackAuth, false},
		{"timestamp not a number", "yesterday", callbackMAC(secret, "yesterday", body), body, ErrCallbackAuth, false},
		{"six minutes old", "1749999640", callbackMAC(secret, "1749999640", body), body, ErrCallbackTooOld, false},
		{"six minutes ahead", "1750000360", callbackMAC(secret, "1750000360", body), body, ErrCallbackTooOld, false},
		{"replayed", ts, callbackMAC(secret, ts, body), body, ErrCallbackReplayed, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := &CallbackVerifier{Secret: []byte(secret), Replays: NewMemoryReplayCache(16), Now: func() time.Time { return now }}
			if tc.replayed {
				if err := v.Verify(tc.ts, tc.mac, tc.body); err != nil {
					t.Fatal(err)
				}
			}
			err := v.Verify(tc.ts, tc.mac, tc.body)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr != nil && err == nil) {
				t.Errorf("Verify = %v, want %v", err, tc.wantErr)
			}
		})
	}
	t.Run("request", func(t *testing.T) {
		v := &CallbackVerifier{Secret: []byte(secret), Replays: NewMemoryReplayCache(16), Now: func() time.Time { return now }}
		r := httptest.NewRequest("POST", "/callbacks/fit-connect", strings.NewReader(string(body)))
		r.Header.Set("callback-timestamp", ts) // header names are case-insensitive
		r.Header.Set("callback-authentication", callbackMAC(secret, ts, body))
		got, err := v.VerifyRequest(r)
		if err != nil || string(got) != string(body) {
			t.Fatalf("VerifyRequest = %s, %v", got, err)
		}
		cb, err := ParseCallback(got)
		if err != nil || cb.Type != CallbackNewEvents {
			t.Errorf("ParseCallback = %+v, %v", cb, err)
		}
	})
	t.Run("no secret", func(t *testing.T) {
		v := &CallbackVerifier{Replays: NewMemoryReplayCache(1)}
		if err := v.Verify(ts, callbackMAC("", ts, body), body); err == nil {
			t.Error("a verifier without secret accepted a callback")
		}
	})
}

func TestMemoryReplayCacheBounded(t *testing.T) {
	c := NewMemoryReplayCache(3)
	now := time.Unix(0, 0)
	exp := now.Add(time.Minute)
	for _, k := range []string{"a", "b", "c"} {
		if c.Seen(k, exp, now) {
			t.Fatalf("%s seen before it was added", k)
		}
	}
	if !c.Seen("a", exp, now) {
		t.Error("a not remembered")
	}
	c.Seen("d", exp, now) // evicts the oldest, a
	if len(c.seen) != 3 {
		t.Errorf("cache holds %d entries, want 3", len(c.seen))
	}
	if c.Seen("a", exp, now) {
		t.Error("a still there after eviction")
	}
	c2 := NewMemoryReplayCache(2)
	c2.Seen("x", exp, now)
	if c2.Seen("x", exp, now.Add(2*time.Minute)) {
		t.Error("expired entry counted as seen")
	}
}
