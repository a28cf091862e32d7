package payment_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/payment"
)

// TestInformationValidates: the paymentInformation of a paid payment is
// valid in both metadata versions the service sends, checked with the
// official schemas; PAYED becomes BOOKED.
func TestInformationValidates(t *testing.T) {
	schemas, err := fitconnect.CompileMetadataSchemas()
	if err != nil {
		t.Fatal(err)
	}
	paid := payment.Payment{Key: "K1", EndpointID: "EP1", AmountCents: 3050, Attempt: 1, RequestID: "R1", State: payment.StatePaid,
		Transaction: payment.Transaction{ID: "SIM-000001-EP1", URL: "https://p.example/api/paymenttransaction/O1/EP1/SIM-000001-EP1",
			Reference: "KZ-4711", Timestamp: time.Date(2026, 3, 1, 9, 5, 0, 0, time.UTC), Method: "CREDITCARD", MethodDetail: "Visa",
			Status: payment.StatusPayed}}
	for _, tc := range []struct {
		name   string
		change func(*payment.Payment)
		check  func(*testing.T, *fitconnect.PaymentInformation)
	}{
		{"complete", func(*payment.Payment) {}, func(t *testing.T, i *fitconnect.PaymentInformation) {
			if i.Status != "BOOKED" || i.PaymentMethod != "CREDITCARD" || i.GrossAmount != 3050 || i.TransactionReference != "KZ-4711" ||
				i.TransactionTimestamp != "2026-03-01T09:05:00Z" || i.PaymentMethodDetail != "Visa" {
				t.Errorf("got %+v", i)
			}
		}},
		{"minimal answer", func(p *payment.Payment) { p.Transaction = payment.Transaction{ID: "T1", Status: payment.StatusPayed} },
			func(t *testing.T, i *fitconnect.PaymentInformation) {
				if i.TransactionReference != "R1" || i.PaymentMethod != "OTHER" {
					t.Errorf("reference %q method %q, want the request id and OTHER", i.TransactionReference, i.PaymentMethod)
				}
			}},
		{"unknown method, detail with a space", func(p *payment.Payment) { p.Transaction.Method, p.Transaction.MethodDetail = "SEPA", "Visa Debit" },
			func(t *testing.T, i *fitconnect.PaymentInformation) {
				if i.PaymentMethod != "OTHER" || i.PaymentMethodDetail != "" {
					t.Errorf("method %q detail %q, want OTHER and none", i.PaymentMethod, i.PaymentMethodDetail)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := paid
			tc.change(&p)
			info, err := payment.Information(p)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, info)
			for _, version := range []string{fitconnect.MetadataV1, fitconnect.MetadataV2} {
				if err := schemas.Validate(version, metadataWith(t, version, info)); err != nil {
					t.Errorf("%s: %v", version, err)
				}
			}
		})
	}
	// The schema check itself catches a broken one (the test can fail).
	broken, _ := payment.Information(paid)
	broken.Status = "PAYED"
	if err := schemas.Validate(fitconnect.MetadataV2, metadataWith(t, fitconnect.MetadataV2, broken)); err == nil {
		t.Error("status PAYED passed the schema")
	}
	for _, s := range []payment.State{payment.StateCreating, payment.StateOpen, payment.StateFailed, payment.StateCanceled, payment.StateRefused, payment.StateUnclear} {
		p := paid
		p.State = s
		if _, err := payment.Information(p); err == nil {
			t.Errorf("%s: information of an unpaid payment", s)
		}
	}
}

// metadataWith is the smallest valid metadata document of version with
// info as its paymentInformation.
func metadataWith(t *testing.T, version string, info *fitconnect.PaymentInformation) []byte {
	t.Helper()
	m := fitconnect.Metadata{
		ContentStructure: fitconnect.ContentStructure{Attachments: []fitconnect.AttachmentMetadata{}, Data: &fitconnect.DataStructure{
			Hash:             fitconnect.Hash{Type: "sha512", Content: strings.Repeat("ab", 64)},
			SubmissionSchema: fitconnect.SubmissionSchema{SchemaURI: "https://schema.example/form.json", MimeType: "application/json"}}},
		PaymentInformation: info,
	}
	if version != fitconnect.MetadataV1 {
		m.Schema = fitconnect.MetadataSchemaURL(version)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
