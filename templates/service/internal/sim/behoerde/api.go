package behoerde

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
)

// EventBase prefixes FIT-Connect's event types.
const EventBase = "https://schema.fitko.de/fit-connect/events/"

// accessToken returns a cached token, fetching a new one (client
// credentials, client_secret_post) shortly before the old one expires.
func (a *Authority) accessToken(ctx context.Context) (string, error) {
	a.tokMu.Lock()
	defer a.tokMu.Unlock()
	if a.token != "" && a.cfg.Now().Before(a.expires) {
		return a.token, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {a.cfg.ClientID}, "client_secret": {a.cfg.ClientSecret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := a.cfg.HTTPClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("behoerde: token: %w", err)
	}
	defer resp.Body.Close()
	var tr struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&tr) != nil || tr.AccessToken == "" {
		return "", fmt.Errorf("behoerde: token: status %d", resp.StatusCode)
	}
	a.token, a.expires = tr.AccessToken, a.cfg.Now().Add(time.Duration(tr.ExpiresIn)*time.Second-time.Minute)
	return a.token, nil
}

// call sends an authenticated request to the Submission API and returns
// the body of a 2xx answer.
func (a *Authority) call(ctx context.Context, method, path, ctype string, body []byte) (int, []byte, error) {
	tok, err := a.accessToken(ctx)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, a.cfg.SubmissionURL+"/"+a.cfg.APIVersion+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := a.cfg.HTTPClient.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("behoerde: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return 0, nil, fmt.Errorf("behoerde: %s %s: %w", method, path, err)
	}
	if resp.StatusCode == http.StatusUnauthorized {
		a.tokMu.Lock()
		a.token = "" // fetch a new one next time
		a.tokMu.Unlock()
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, b, fmt.Errorf("behoerde: %s %s: status %d", method, path, resp.StatusCode)
	}
	return resp.StatusCode, b, nil
}

type pickup struct {
	DestinationID string `json:"destinationId"`
	SubmissionID  string `json:"submissionId"`
	CaseID        string `json:"caseId"`
}

// list returns every submission ready for pickup at the destination.
func (a *Authority) list(ctx context.Context, destinationID string) ([]pickup, error) {
	var all []pickup
	for offset := 0; ; {
		_, body, err := a.call(ctx, http.MethodGet, fmt.Sprintf("/submissions?destinationId=%s&limit=500&offset=%d", url.QueryEscape(destinationID), offset), "", nil)
		if err != nil {
			return nil, err
		}
		var page struct {
			TotalCount  int      `json:"totalCount"`
			Submissions []pickup `json:"submissions"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, fmt.Errorf("behoerde: list: %w", err)
		}
		all = append(all, page.Submissions...)
		offset += len(page.Submissions)
		if len(page.Submissions) == 0 || offset >= page.TotalCount {
			return all, nil
		}
	}
}

// fetch reads a submission and its attachments.
func (a *Authority) fetch(ctx context.Context, submissionID string) (Submission, error) {
	_, body, err := a.call(ctx, http.MethodGet, "/submissions/"+url.PathEscape(submissionID), "", nil)
	if err != nil {
		return Submission{}, err
	}
	var s Submission
	if err := json.Unmarshal(body, &s); err != nil {
		return Submission{}, fmt.Errorf("behoerde: submission: %w", err)
	}
	s.Attachments = map[string]string{}
	for _, id := range s.AttachmentIDs {
		_, jwe, err := a.call(ctx, http.MethodGet, "/submissions/"+url.PathEscape(submissionID)+"/attachments/"+url.PathEscape(id), "", nil)
		if err != nil {
			return Submission{}, err
		}
		s.Attachments[id] = string(jwe)
	}
	return s, nil
}

// decide posts the accept or reject event. It reports false without an
// error when the submission was decided before (409: an earlier answer
// was lost).
func (a *Authority) decide(ctx context.Context, d Destination, s Submission, v Verdict) (bool, error) {
	name, payload := "reject-submission", map[string]any{"problems": v.Problems}
	if v.Accepted {
		name, payload = "accept-submission", map[string]any{"authenticationTags": v.Tags}
	}
	claims, err := json.Marshal(map[string]any{
		"iss":    d.ID,
		"iat":    a.cfg.Now().Unix(),
		"jti":    uuid.NewString(),
		"sub":    "submission:" + s.SubmissionID,
		"txn":    "case:" + s.CaseID,
		"events": map[string]any{EventBase + name: payload},
	})
	if err != nil {
		return false, err
	}
	set, err := jose.SignCompact(claims, d.SignatureKey, map[string]any{"typ": "secevent+jwt", "kid": d.SignatureKid})
	if err != nil {
		return false, fmt.Errorf("behoerde: sign event: %w", err)
	}
	status, _, err := a.call(ctx, http.MethodPost, "/cases/"+url.PathEscape(s.CaseID)+"/events", "application/jose", []byte(set))
	if status == http.StatusConflict {
		return false, nil
	}
	return err == nil, err
}
