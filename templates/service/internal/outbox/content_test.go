package outbox_test

import (
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/outbox"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web/webtest"
)

// TestFormContentReplyChannel: the address of the form's e-mail field
// becomes the reply channel of the metadata; without one there is none.
func TestFormContentReplyChannel(t *testing.T) {
	f := form.Default()
	in := map[string]string{}
	for k, v := range webtest.ValidValues(f, time.Now()) {
		in[k] = v[0]
	}
	vals, errs := f.Validate(in, time.Now())
	if len(errs) > 0 {
		t.Fatalf("test values invalid: %v", errs)
	}
	var email string
	for _, fl := range f.Fields() {
		if fl.Format == "email" {
			email = fl.ID
		}
	}
	if email == "" {
		t.Fatal("the form has no e-mail field")
	}
	for _, tc := range []struct{ address, want string }{
		{"erika.mustermann@example.de", "erika.mustermann@example.de"},
		{"", ""},
	} {
		vals[email] = tc.address
		data, err := f.Data(vals)
		if err != nil {
			t.Fatal(err)
		}
		c, err := outbox.FormContent(f)(store.Application{Data: data})
		if err != nil {
			t.Fatal(err)
		}
		if c.ReplyEMail != tc.want || string(c.Data) != string(data) {
			t.Errorf("address %q: reply e-mail %q", tc.address, c.ReplyEMail)
		}
	}
}
