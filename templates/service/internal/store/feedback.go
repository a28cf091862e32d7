package store

import (
	"context"
	"fmt"
)

// Feedback is one user's answer to the feedback form. Every field but Day
// and Source may be empty: nothing is required.
type Feedback struct {
	ID        int64  `json:"id"`
	Day       string `json:"day"`    // YYYY-MM-DD
	Source    string `json:"source"` // FeedbackPage or FeedbackReceipt
	Lang      string `json:"lang"`
	TenantARS string `json:"tenant_ars"` // the tenant of the application; "" from other pages
	Rating    int    `json:"rating"`     // 1 (very bad) to 5 (very good); 0: not given
	Found     string `json:"found"`      // yes, partly, no; "": not given
	Comment   string `json:"comment"`
}

// Where feedback was given.
const (
	FeedbackPage    = "page"    // the footer's link
	FeedbackReceipt = "receipt" // after submitting an application
)

// FeedbackStore keeps the feedback.
type FeedbackStore interface {
	// AddFeedback stores f (its ID is assigned).
	AddFeedback(ctx context.Context, f Feedback) error
	// AllFeedback returns every feedback, oldest first.
	AllFeedback(ctx context.Context) ([]Feedback, error)
}

// AddFeedback implements FeedbackStore.
func (c core) AddFeedback(ctx context.Context, f Feedback) error {
	_, err := c.db.ExecContext(ctx, c.d.bind(`INSERT INTO feedback (day, source, lang, tenant_ars, rating, found, comment) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		f.Day, f.Source, f.Lang, f.TenantARS, f.Rating, f.Found, f.Comment)
	if err != nil {
		return fmt.Errorf("store: add feedback: %w", err)
	}
	return nil
}

// AllFeedback implements FeedbackStore.
func (c core) AllFeedback(ctx context.Context) ([]Feedback, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT id, day, source, lang, tenant_ars, rating, found, comment FROM feedback ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: feedback: %w", err)
	}
	defer rows.Close()
	out := []Feedback{}
	for rows.Next() {
		var f Feedback
		if err := rows.Scan(&f.ID, &f.Day, &f.Source, &f.Lang, &f.TenantARS, &f.Rating, &f.Found, &f.Comment); err != nil {
			return nil, fmt.Errorf("store: feedback: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: feedback: %w", err)
	}
	return out, nil
}
