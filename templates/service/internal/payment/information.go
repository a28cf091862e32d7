package payment

import (
	"fmt"
	"regexp"
	"slices"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
)

// paymentMethods are the methods FIT-Connect's paymentInformation names;
// a provider's other method becomes OTHER.
var paymentMethods = []string{"GIROPAY", "PAYDIRECT", "CREDITCARD", "PAYPAL", "INVOICE", "OTHER"}

// methodDetailPattern is the schema's for paymentMethodDetail (1 to 36).
var methodDetailPattern = regexp.MustCompile(`^[\w-]{1,36}$`)

// Information builds the FIT-Connect paymentInformation of a paid
// payment (metadata 1.0.0 and 2.1.0 define it alike): PAYED becomes
// BOOKED. A method detail the schema would refuse (e.g. with a space) is
// left out rather than sent broken.
func Information(p Payment) (*fitconnect.PaymentInformation, error) {
	if p.State != StatePaid {
		return nil, fmt.Errorf("payment %s: state %s, only a paid payment is handed to the authority", p.RequestID, p.State)
	}
	t := p.Transaction
	info := &fitconnect.PaymentInformation{
		TransactionID:        t.ID,
		TransactionReference: t.Reference,
		TransactionURL:       t.URL,
		PaymentMethod:        "OTHER",
		Status:               "BOOKED",
		GrossAmount:          fitconnect.Cents(p.AmountCents),
	}
	if info.TransactionReference == "" {
		// Required by the schema; our request id is the reference the
		// provider knows the payment by.
		info.TransactionReference = p.RequestID
	}
	if slices.Contains(paymentMethods, t.Method) {
		info.PaymentMethod = t.Method
	}
	if methodDetailPattern.MatchString(t.MethodDetail) {
		info.PaymentMethodDetail = t.MethodDetail
	}
	if !t.Timestamp.IsZero() {
		info.TransactionTimestamp = t.Timestamp.UTC().Format(time.RFC3339)
	}
	return info, nil
}
