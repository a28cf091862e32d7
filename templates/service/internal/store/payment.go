package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/payment"
)

// Payments keeps the payments of fees, one row per attempt, shared by all
// replicas. payment.Step decides; the store only keeps its decisions,
// each one compare-and-set, so that two replicas (a double click reaching
// both) never both act on the same stored state.
type Payments interface {
	// SavePayment stores next, the result of payment.Step on prev, and
	// returns it with its new Version. A new attempt (next.Version 0) is
	// inserted, and prev, if stored, must still be at its Version; any
	// other change must find the row at next.Version. ErrPaymentConflict
	// if another replica changed it first: load it again and step again.
	SavePayment(ctx context.Context, prev, next payment.Payment, now time.Time) (payment.Payment, error)
	// Payment returns the current (latest) attempt of key, or
	// ErrNoPayment.
	Payment(ctx context.Context, key string) (payment.Payment, error)
	// PaymentAttempts returns every attempt of key, the first first.
	PaymentAttempts(ctx context.Context, key string) ([]payment.Payment, error)
	// PaymentsToSettle returns up to limit payments in state creating or
	// open that did not change since before, the oldest first: the
	// background check asks the provider about them.
	PaymentsToSettle(ctx context.Context, before time.Time, limit int) ([]payment.Payment, error)
}

var (
	ErrNoPayment       = errors.New("store: no payment for this key")
	ErrPaymentConflict = fmt.Errorf("store: %w; load it again", payment.ErrConflict)
)

const paymentCols = `payment_key, endpoint_id, amount_cents, attempt, request_id, sends, state, transaction_id, redirect_url,
	transaction_url, reference, method, method_detail, status, status_detail, paid_at, error_code, version`

// SavePayment implements Payments.
func (c core) SavePayment(ctx context.Context, prev, next payment.Payment, now time.Time) (payment.Payment, error) {
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return payment.Payment{}, fmt.Errorf("store: save payment: %w", err)
	}
	defer tx.Rollback()
	t := next.Transaction
	if next.Version == 0 {
		if prev.Version != 0 { // the attempt before must be as the step saw it
			if err := c.casPayment(ctx, tx, `UPDATE payments SET version = version + 1, updated_at = ? WHERE request_id = ? AND version = ?`,
				ms(now), prev.RequestID, prev.Version); err != nil {
				return payment.Payment{}, err
			}
		}
		next.Version = 1
		err = c.casPayment(ctx, tx, `INSERT INTO payments (`+paymentCols+`, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			next.Key, next.EndpointID, next.AmountCents, next.Attempt, next.RequestID, next.Sends, string(next.State), t.ID, t.RedirectURL,
			t.URL, t.Reference, t.Method, t.MethodDetail, string(t.Status), t.StatusDetail, ms(t.Timestamp), string(next.Error), next.Version,
			ms(now), ms(now))
	} else {
		next.Version++
		err = c.casPayment(ctx, tx, `UPDATE payments SET sends = ?, state = ?, transaction_id = ?, redirect_url = ?, transaction_url = ?,
			reference = ?, method = ?, method_detail = ?, status = ?, status_detail = ?, paid_at = ?, error_code = ?, version = ?, updated_at = ?
			WHERE request_id = ? AND version = ?`,
			next.Sends, string(next.State), t.ID, t.RedirectURL, t.URL, t.Reference, t.Method, t.MethodDetail, string(t.Status), t.StatusDetail,
			ms(t.Timestamp), string(next.Error), next.Version, ms(now), next.RequestID, next.Version-1)
	}
	if err != nil {
		return payment.Payment{}, err
	}
	if err := tx.Commit(); err != nil {
		return payment.Payment{}, fmt.Errorf("store: save payment: %w", err)
	}
	return next, nil
}

// casPayment runs a statement that must change exactly one row.
func (c core) casPayment(ctx context.Context, tx *sql.Tx, q string, args ...any) error {
	res, err := tx.ExecContext(ctx, c.d.bind(q), args...)
	if err != nil {
		return fmt.Errorf("store: save payment: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: save payment: %w", err)
	}
	if n != 1 {
		return ErrPaymentConflict
	}
	return nil
}

// Payment implements Payments.
func (c core) Payment(ctx context.Context, key string) (payment.Payment, error) {
	ps, err := c.payments(ctx, `WHERE payment_key = ? ORDER BY attempt DESC LIMIT 1`, key)
	if err != nil {
		return payment.Payment{}, err
	}
	if len(ps) == 0 {
		return payment.Payment{}, ErrNoPayment
	}
	return ps[0], nil
}

// PaymentAttempts implements Payments.
func (c core) PaymentAttempts(ctx context.Context, key string) ([]payment.Payment, error) {
	return c.payments(ctx, `WHERE payment_key = ? ORDER BY attempt`, key)
}

// PaymentsToSettle implements Payments.
func (c core) PaymentsToSettle(ctx context.Context, before time.Time, limit int) ([]payment.Payment, error) {
	return c.payments(ctx, `WHERE state IN ('creating', 'open') AND updated_at < ? ORDER BY updated_at LIMIT ?`, ms(before), limit)
}

func (c core) payments(ctx context.Context, where string, args ...any) ([]payment.Payment, error) {
	rows, err := c.db.QueryContext(ctx, c.d.bind(`SELECT `+paymentCols+` FROM payments `+where), args...)
	if err != nil {
		return nil, fmt.Errorf("store: payments: %w", err)
	}
	defer rows.Close()
	var out []payment.Payment
	for rows.Next() {
		var p payment.Payment
		t := &p.Transaction
		var paidAt int64 // 0: not paid
		if err := rows.Scan(&p.Key, &p.EndpointID, &p.AmountCents, &p.Attempt, &p.RequestID, &p.Sends, &p.State, &t.ID, &t.RedirectURL,
			&t.URL, &t.Reference, &t.Method, &t.MethodDetail, &t.Status, &t.StatusDetail, &paidAt, &p.Error, &p.Version); err != nil {
			return nil, fmt.Errorf("store: payments: %w", err)
		}
		t.Timestamp = fromMS(paidAt)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: payments: %w", err)
	}
	return out, nil
}

// The payment flow keeps its payments here.
var _ payment.Store = core{}
