package store

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Logins keeps what the SAML login needs between requests, shared by all
// replicas: the AuthnRequests issued (a response must answer one, once),
// the assertions used (a replay fails), and the sessions. The first three
// methods are the SAML service provider's saml.Store.
type Logins interface {
	// SaveRequest records an issued AuthnRequest id until expires.
	SaveRequest(ctx context.Context, id string, expires time.Time) error
	// TakeRequest removes the request id and reports whether it was
	// there and not expired at now. Of two concurrent takes one wins.
	TakeRequest(ctx context.Context, id string, now time.Time) (bool, error)
	// UseAssertion records an assertion as used until expires and
	// reports whether it was fresh (not used before, on any replica).
	UseAssertion(ctx context.Context, assertionID string, expires time.Time) (fresh bool, err error)
	// BindRequest ties the issued request id to the browser that asked
	// for it: binding is the value of its login binding cookie, of which
	// only the hash is stored.
	BindRequest(ctx context.Context, id, binding string) error
	// PendLogin keeps a checked login until the browser comes back with
	// token: the identity (JSON) with the binding of the request it
	// answered, which must have been taken.
	PendLogin(ctx context.Context, token, requestID string, identity []byte, expires time.Time) error
	// TakePendingLogin removes the pending login of token and returns its
	// identity if it was there, not expired at now, and binding (the
	// browser's cookie) is the one of its request: ErrNoPendingLogin and
	// ErrLoginBinding otherwise. A token is taken once, whatever the
	// outcome.
	TakePendingLogin(ctx context.Context, token, binding string, now time.Time) ([]byte, error)
	// CreateSession stores a new session under the hash of its token.
	CreateSession(ctx context.Context, s Session) error
	// Session returns the session of token, ErrNoSession if there is none
	// or it expired at now (absolute lifetime or idle timeout: LastSeen
	// older than idle); a found session's LastSeen moves to now.
	Session(ctx context.Context, token string, now time.Time, idle time.Duration) (Session, error)
	// DeleteSession removes the session of token (local logout).
	DeleteSession(ctx context.Context, token string) error
	// DeleteSessionsByIndex removes the sessions of nameID with the IdP's
	// session index, or all of nameID's when sessionIndex is empty (single
	// logout started at the IdP); it returns how many.
	DeleteSessionsByIndex(ctx context.Context, nameID, sessionIndex string) (int, error)
	// DeleteExpiredLogins removes expired requests, assertions, pending
	// logins and sessions; idle is the sessions' idle timeout.
	DeleteExpiredLogins(ctx context.Context, now time.Time, idle time.Duration) error
}

// Errors of the login's store.
var (
	// ErrNoSession: no such session, or it expired.
	ErrNoSession = errors.New("store: session unknown or expired")
	// ErrNoPendingLogin: no such pending login (already taken), or it
	// expired.
	ErrNoPendingLogin = errors.New("store: pending login unknown, used or expired")
	// ErrLoginBinding: the browser finishing a login is not the one that
	// started it.
	ErrLoginBinding = errors.New("store: login finished in another browser than it started")
)

// Session is a login session.
type Session struct {
	// Token is the cookie's value; only its hash is stored.
	Token                          string
	CreatedAt, LastSeen, ExpiresAt time.Time
	// NameID and SessionIndex are the IdP's, for single logout.
	NameID, SessionIndex string
	// Identity is what the login delivered, as JSON (personal data).
	Identity []byte
}

// ApplicationLogin is the login an application was submitted with.
type ApplicationLogin struct {
	Account string // bundid | muk
	// Level is the eIDAS level reached: basis, substanziell or hoch.
	Level string
	// Method is how the applicant authenticated, as the IdP named it.
	Method string
	// BPK2 is the account's pseudonym of the applicant for this service.
	BPK2 string
	// PostkorbHandle addresses the applicant's mailbox.
	PostkorbHandle string
	// Prefilled are the ids of the fields whose value came from the
	// account (and was not changed).
	Prefilled []string
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SaveRequest implements Logins.
func (c core) SaveRequest(ctx context.Context, id string, expires time.Time) error {
	_, err := c.db.ExecContext(ctx, c.d.bind(`INSERT INTO login_requests (id, expires_at) VALUES (?, ?)`), id, ms(expires))
	if err != nil {
		return fmt.Errorf("store: save login request: %w", err)
	}
	return nil
}

// TakeRequest implements Logins. The conditional UPDATE … RETURNING
// makes the take atomic: of two replicas answering the same response,
// one gets the row. The row stays (until it expires) for PendLogin to
// read its binding.
func (c core) TakeRequest(ctx context.Context, id string, now time.Time) (bool, error) {
	var expires int64
	err := c.db.QueryRowContext(ctx, c.d.bind(`UPDATE login_requests SET taken = 1 WHERE id = ? AND taken = 0 RETURNING expires_at`), id).Scan(&expires)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: take login request: %w", err)
	}
	return now.Before(fromMS(expires)), nil
}

// UseAssertion implements Logins: the primary key refuses the second use.
func (c core) UseAssertion(ctx context.Context, assertionID string, expires time.Time) (bool, error) {
	res, err := c.db.ExecContext(ctx, c.d.bind(`INSERT INTO login_replay (assertion_id, expires_at) VALUES (?, ?) ON CONFLICT (assertion_id) DO NOTHING`),
		assertionID, ms(expires))
	if err != nil {
		return false, fmt.Errorf("store: use assertion: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: use assertion: %w", err)
	}
	return n == 1, nil
}

// BindRequest implements Logins.
func (c core) BindRequest(ctx context.Context, id, binding string) error {
	res, err := c.db.ExecContext(ctx, c.d.bind(`UPDATE login_requests SET binding = ? WHERE id = ? AND taken = 0`), tokenHash(binding), id)
	if err == nil {
		err = oneRow(res)
	}
	if err != nil {
		return fmt.Errorf("store: bind login request: %w", err)
	}
	return nil
}

// PendLogin implements Logins; the binding is copied from the request in
// the same statement.
func (c core) PendLogin(ctx context.Context, token, requestID string, identity []byte, expires time.Time) error {
	res, err := c.db.ExecContext(ctx, c.d.bind(`INSERT INTO login_pending (id, binding, identity, expires_at)
		SELECT ?, binding, ?, ? FROM login_requests WHERE id = ? AND taken = 1`), tokenHash(token), string(identity), ms(expires), requestID)
	if err == nil {
		err = oneRow(res)
	}
	if err != nil {
		return fmt.Errorf("store: pend login: %w", err)
	}
	return nil
}

// TakePendingLogin implements Logins. DELETE … RETURNING takes the
// token once, also across replicas.
func (c core) TakePendingLogin(ctx context.Context, token, binding string, now time.Time) ([]byte, error) {
	var want, identity string
	var expires int64
	err := c.db.QueryRowContext(ctx, c.d.bind(`DELETE FROM login_pending WHERE id = ? RETURNING binding, identity, expires_at`), tokenHash(token)).
		Scan(&want, &identity, &expires)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !now.Before(fromMS(expires)) {
		return nil, ErrNoPendingLogin
	}
	if err != nil {
		return nil, fmt.Errorf("store: take pending login: %w", err)
	}
	if want == "" || binding == "" || subtle.ConstantTimeCompare([]byte(want), []byte(tokenHash(binding))) != 1 {
		return nil, ErrLoginBinding
	}
	return []byte(identity), nil
}

// oneRow fails unless res changed exactly one row.
func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err == nil && n != 1 {
		err = fmt.Errorf("%d rows changed, want 1", n)
	}
	return err
}

// CreateSession implements Logins.
func (c core) CreateSession(ctx context.Context, s Session) error {
	_, err := c.db.ExecContext(ctx, c.d.bind(`INSERT INTO sessions (id, created_at, last_seen, expires_at, name_id, session_index, identity) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		tokenHash(s.Token), ms(s.CreatedAt), ms(s.LastSeen), ms(s.ExpiresAt), s.NameID, s.SessionIndex, string(s.Identity))
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// Session implements Logins. The update is the check: it touches only a
// live session, so an expired one is never revived by a racing request.
func (c core) Session(ctx context.Context, token string, now time.Time, idle time.Duration) (Session, error) {
	s := Session{Token: token}
	var created, seen, expires int64
	var identity string
	err := c.db.QueryRowContext(ctx, c.d.bind(`UPDATE sessions SET last_seen = ? WHERE id = ? AND expires_at > ? AND last_seen > ?
		RETURNING created_at, last_seen, expires_at, name_id, session_index, identity`),
		ms(now), tokenHash(token), ms(now), ms(now.Add(-idle))).Scan(&created, &seen, &expires, &s.NameID, &s.SessionIndex, &identity)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, fmt.Errorf("store: session: %w", err)
	}
	s.CreatedAt, s.LastSeen, s.ExpiresAt, s.Identity = fromMS(created), fromMS(seen), fromMS(expires), []byte(identity)
	return s, nil
}

// DeleteSession implements Logins.
func (c core) DeleteSession(ctx context.Context, token string) error {
	if _, err := c.db.ExecContext(ctx, c.d.bind(`DELETE FROM sessions WHERE id = ?`), tokenHash(token)); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteSessionsByIndex implements Logins.
func (c core) DeleteSessionsByIndex(ctx context.Context, nameID, sessionIndex string) (int, error) {
	if nameID == "" {
		return 0, nil
	}
	q, args := `DELETE FROM sessions WHERE name_id = ? AND session_index = ?`, []any{nameID, sessionIndex}
	if sessionIndex == "" {
		q, args = `DELETE FROM sessions WHERE name_id = ?`, args[:1]
	}
	res, err := c.db.ExecContext(ctx, c.d.bind(q), args...)
	if err != nil {
		return 0, fmt.Errorf("store: single logout: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// DeleteExpiredLogins implements Logins.
func (c core) DeleteExpiredLogins(ctx context.Context, now time.Time, idle time.Duration) error {
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM login_requests WHERE expires_at <= ?`, []any{ms(now)}},
		{`DELETE FROM login_pending WHERE expires_at <= ?`, []any{ms(now)}},
		{`DELETE FROM login_replay WHERE expires_at <= ?`, []any{ms(now)}},
		{`DELETE FROM sessions WHERE expires_at <= ? OR last_seen <= ?`, []any{ms(now), ms(now.Add(-idle))}},
	} {
		if _, err := c.db.ExecContext(ctx, c.d.bind(q.sql), q.args...); err != nil {
			return fmt.Errorf("store: delete expired logins: %w", err)
		}
	}
	return nil
}

// insertLogin stores the login of an application in its transaction.
func (c core) insertLogin(ctx context.Context, tx *sql.Tx, applicationID string, l *ApplicationLogin) error {
	if l == nil {
		return nil
	}
	prefilled, err := json.Marshal(nonNil(l.Prefilled))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, c.d.bind(`INSERT INTO application_logins (application_id, account, level, method, bpk2, postkorb_handle, prefilled) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		applicationID, l.Account, l.Level, l.Method, l.BPK2, l.PostkorbHandle, string(prefilled))
	return err
}

// applicationLogin loads the login of an application; nil if it was
// submitted without one.
func (c core) applicationLogin(ctx context.Context, applicationID string) (*ApplicationLogin, error) {
	var l ApplicationLogin
	var prefilled string
	err := c.db.QueryRowContext(ctx, c.d.bind(`SELECT account, level, method, bpk2, postkorb_handle, prefilled FROM application_logins WHERE application_id = ?`), applicationID).
		Scan(&l.Account, &l.Level, &l.Method, &l.BPK2, &l.PostkorbHandle, &prefilled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(prefilled), &l.Prefilled); err != nil {
		return nil, fmt.Errorf("prefilled: %w", err)
	}
	return &l, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
