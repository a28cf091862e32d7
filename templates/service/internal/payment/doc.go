// Package payment takes fees over XBezahldienste 1.0.0, the standard
// interface of the German e-payment providers (ePayBL, pmPayment, epay21,
// GiroCheckout, ePayServiceBayern): a client that creates a payment
// transaction and reads its status, with the provider's authentication
// (OAuth2 client credentials, mTLS client certificate or basic) plugged
// in; the problem+json error codes as typed errors with messages for the
// applicant in German and English; and a pure state machine that decides,
// from what is stored and what just happened, what to do next, so that a
// double click, a repeated return, a browser closed and reopened or a
// restart never charges twice and never loses a payment.
//
// The flow: the payment is stored (state creating) before the provider is
// called; the provider's transaction is stored (open) before the
// applicant is redirected to its transactionRedirectUrl; on return the
// status is fetched from the provider (the redirect's parameters are
// never trusted); only a payment the provider reported PAYED (paid) may
// be delivered, and its paymentInformation carries status BOOKED.
//
// Facts follow ../shared/docs/standards.md §5. No public OpenAPI document
// of XBezahldienste exists; UNCERTAIN and kept lenient: the members of
// items[] and requestor (named as published client code names them), where
// a problem+json document carries its error code, and that the provider
// refuses a second transaction with the same requestId as PAYMENT_EXISTS.
package payment
