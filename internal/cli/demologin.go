package cli

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// demoLogin logs in at the demo service at base (http://host:port/) through
// its simulated identity provider, as test citizen U01 at STORK level,
// following the pages as a browser without script does: the service's
// page posts the AuthnRequest, the simulator's page the choice, its
// answer the response. It returns the name the service then shows.
func demoLogin(ctx context.Context, base string, level int) (string, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return "", err
	}
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	page, err := demoFetch(ctx, c, http.MethodGet, base+"login", nil)
	if err != nil {
		return "", err
	}
	// The simulated IdP's page, then its choice of user and level.
	if page, err = demoFetch(ctx, c, http.MethodPost, formAction(page), hiddenFields(page)); err != nil {
		return "", err
	}
	choice := hiddenFields(page)
	choice.Set("user", "U01")
	choice.Set("level", strconv.Itoa(level))
	if page, err = demoFetch(ctx, c, http.MethodPost, strings.TrimSuffix(base, "/")+"/sim/bundid/login", choice); err != nil {
		return "", err
	}
	if page, err = demoFetch(ctx, c, http.MethodPost, formAction(page), hiddenFields(page)); err != nil {
		return "", err
	}
	m := loggedInRe.FindStringSubmatch(page)
	if m == nil {
		return "", fmt.Errorf("the page after the login shows no logged-in applicant")
	}
	return html.UnescapeString(m[1]), nil
}

var (
	hiddenRe   = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	actionRe   = regexp.MustCompile(`<form[^>]* action="([^"]*)"`)
	loggedInRe = regexp.MustCompile(`<p>[^<]*: <strong>([^<]+)</strong>`)
)

func hiddenFields(page string) url.Values {
	v := url.Values{}
	for _, m := range hiddenRe.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	return v
}

// formAction is the action of a page's last form, its main one.
func formAction(page string) string {
	m := actionRe.FindAllStringSubmatch(page, -1)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[len(m)-1][1])
}

func demoFetch(ctx context.Context, c *http.Client, method, u string, form url.Values) (string, error) {
	if u == "" {
		return "", fmt.Errorf("the page has no form to follow")
	}
	req, err := http.NewRequestWithContext(ctx, method, u, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s %s: %s", method, resp.Request.URL.Path, resp.Status)
	}
	return string(body), nil
}
