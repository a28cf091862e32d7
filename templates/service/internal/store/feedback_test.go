package store_test

import (
	"context"
	"slices"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
)

// TestFeedbackRoundTrip stores feedback with and without answers and
// reads it back in order, in both dialects.
func TestFeedbackRoundTrip(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := b.open(t)
			defer db.Close()
			ctx := context.Background()
			if got, err := db.AllFeedback(ctx); err != nil || len(got) != 0 {
				t.Fatalf("empty store: %v, %v", got, err)
			}
			in := []store.Feedback{
				{Day: "2026-03-01", Source: store.FeedbackReceipt, Lang: "de", TenantARS: "053150000000", Rating: 5, Found: "yes", Comment: "Schnell erledigt; „gut“ 👍"},
				{Day: "2026-03-02", Source: store.FeedbackPage, Lang: "en", Comment: "=HYPERLINK(\"x\")"},
				{Day: "2026-03-02", Source: store.FeedbackPage, Lang: "de", Rating: 1},
			}
			for _, f := range in {
				if err := db.AddFeedback(ctx, f); err != nil {
					t.Fatal(err)
				}
			}
			got, err := db.AllFeedback(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(in) {
				t.Fatalf("%d feedbacks, want %d", len(got), len(in))
			}
			for i := range got {
				if got[i].ID == 0 || (i > 0 && got[i].ID <= got[i-1].ID) {
					t.Errorf("ids not assigned in order: %v", got)
				}
				got[i].ID = 0
			}
			if !slices.Equal(got, in) {
				t.Errorf("read back\n%+v\nwant\n%+v", got, in)
			}
		})
	}
}
