package payment

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

var (
	tx1     = Transaction{ID: "T1", RedirectURL: "https://p.example/pay/T1", Status: StatusInitial}
	errNet  = errors.New("connection reset")
	base    = Payment{Key: "K1", EndpointID: "EP1", AmountCents: 3050}
	atState = func(s State) Payment {
		p := base
		p.Attempt, p.RequestID, p.State, p.Sends = 1, "R1", s, 1
		if s != StateCreating && s != StateRefused && s != StateUnclear {
			p.Transaction = tx1
		}
		return p
	}
	withStatus = func(t Transaction, s Status) Transaction { t.Status = s; return t }
)

// TestStep covers every state with every event it can meet.
func TestStep(t *testing.T) {
	for _, tc := range []struct {
		name      string
		p         Payment
		e         Event
		state     State
		action    Action
		attempt   int
		requestID string
	}{
		// A fee not yet paid.
		{"new: pay starts attempt 1", base, Event{Kind: EventPay, NewRequestID: "R1"}, StateCreating, ActionCreate, 1, "R1"},
		{"new: return of an unknown payment", base, Event{Kind: EventReturn}, "", ActionNone, 0, ""},
		{"new: settle", base, Event{Kind: EventSettle}, "", ActionNone, 0, ""},

		// Creating: the create call's answer is awaited or lost.
		{"creating: double click resends the same request", atState(StateCreating), Event{Kind: EventPay, NewRequestID: "R2"}, StateCreating, ActionCreate, 1, "R1"},
		{"creating: created", atState(StateCreating), Event{Kind: EventCreated, RequestID: "R1", Transaction: tx1}, StateOpen, ActionRedirect, 1, "R1"},
		{"creating: created and paid at once", atState(StateCreating), Event{Kind: EventCreated, RequestID: "R1", Transaction: withStatus(tx1, StatusPayed)}, StatePaid, ActionPaid, 1, "R1"},
		{"creating: answer of another request", atState(StateCreating), Event{Kind: EventCreated, RequestID: "R0", Transaction: tx1}, StateCreating, ActionNone, 1, "R1"},
		{"creating: network error keeps it", atState(StateCreating), Event{Kind: EventCreateError, RequestID: "R1", Err: errNet}, StateCreating, ActionWait, 1, "R1"},
		{"creating: refusal of a resend keeps it", func() Payment { p := atState(StateCreating); p.Sends = 2; return p }(), Event{Kind: EventCreateError, RequestID: "R1", Err: &Error{Code: CodeForbidden}}, StateCreating, ActionWait, 1, "R1"},
		{"creating: return", atState(StateCreating), Event{Kind: EventReturn}, StateCreating, ActionWait, 1, "R1"},
		{"creating: settle resends", atState(StateCreating), Event{Kind: EventSettle}, StateCreating, ActionCreate, 1, "R1"},
		{"creating: status of no transaction", atState(StateCreating), Event{Kind: EventStatus, Transaction: tx1}, StateCreating, ActionNone, 1, "R1"},

		// Open: the applicant is (or was) on the provider's page.
		{"open: double click asks the provider first", atState(StateOpen), Event{Kind: EventPay, NewRequestID: "R2"}, StateOpen, ActionFetchStatus, 1, "R1"},
		{"open: return asks the provider", atState(StateOpen), Event{Kind: EventReturn}, StateOpen, ActionFetchStatus, 1, "R1"},
		{"open: settle asks the provider", atState(StateOpen), Event{Kind: EventSettle}, StateOpen, ActionFetchStatus, 1, "R1"},
		{"open: INITIAL sends back to the page", atState(StateOpen), Event{Kind: EventStatus, Transaction: tx1}, StateOpen, ActionRedirect, 1, "R1"},
		{"open: PAYED", atState(StateOpen), Event{Kind: EventStatus, Transaction: withStatus(tx1, StatusPayed)}, StatePaid, ActionPaid, 1, "R1"},
		{"open: FAILED", atState(StateOpen), Event{Kind: EventStatus, Transaction: withStatus(tx1, StatusFailed)}, StateFailed, ActionOfferRetry, 1, "R1"},
		{"open: CANCELED", atState(StateOpen), Event{Kind: EventStatus, Transaction: withStatus(tx1, StatusCanceled)}, StateCanceled, ActionOfferRetry, 1, "R1"},
		{"open: status of another transaction", atState(StateOpen), Event{Kind: EventStatus, Transaction: Transaction{ID: "T9", Status: StatusPayed}}, StateOpen, ActionNone, 1, "R1"},
		{"open: status error", atState(StateOpen), Event{Kind: EventStatusError, Err: errNet}, StateOpen, ActionWait, 1, "R1"},
		{"open: late create answer", atState(StateOpen), Event{Kind: EventCreated, RequestID: "R1", Transaction: tx1}, StateOpen, ActionNone, 1, "R1"},
		{"open: late PAYMENT_EXISTS", atState(StateOpen), Event{Kind: EventCreateError, RequestID: "R1", Err: &Error{Code: CodePaymentExists}}, StateOpen, ActionNone, 1, "R1"},

		// Paid: final.
		{"paid: pay again charges nothing", atState(StatePaid), Event{Kind: EventPay, NewRequestID: "R2"}, StatePaid, ActionPaid, 1, "R1"},
		{"paid: repeated return", atState(StatePaid), Event{Kind: EventReturn}, StatePaid, ActionPaid, 1, "R1"},
		{"paid: a later status changes nothing", atState(StatePaid), Event{Kind: EventStatus, Transaction: withStatus(tx1, StatusCanceled)}, StatePaid, ActionPaid, 1, "R1"},
		{"paid: settle", atState(StatePaid), Event{Kind: EventSettle}, StatePaid, ActionNone, 1, "R1"},

		// Failed, cancelled, refused: a new attempt with a new request id.
		{"failed: retry", atState(StateFailed), Event{Kind: EventPay, NewRequestID: "R2"}, StateCreating, ActionCreate, 2, "R2"},
		{"failed: return", atState(StateFailed), Event{Kind: EventReturn}, StateFailed, ActionOfferRetry, 1, "R1"},
		{"failed: provider reports it paid after all", atState(StateFailed), Event{Kind: EventStatus, Transaction: withStatus(tx1, StatusPayed)}, StatePaid, ActionPaid, 1, "R1"},
		{"canceled: retry", atState(StateCanceled), Event{Kind: EventPay, NewRequestID: "R2"}, StateCreating, ActionCreate, 2, "R2"},
		{"canceled: return", atState(StateCanceled), Event{Kind: EventReturn}, StateCanceled, ActionOfferRetry, 1, "R1"},
		{"canceled: settle", atState(StateCanceled), Event{Kind: EventSettle}, StateCanceled, ActionNone, 1, "R1"},
		{"refused: retry", atState(StateRefused), Event{Kind: EventPay, NewRequestID: "R2"}, StateCreating, ActionCreate, 2, "R2"},
		{"refused: return", atState(StateRefused), Event{Kind: EventReturn}, StateRefused, ActionOfferRetry, 1, "R1"},

		// Unclear: PAYMENT_EXISTS without the transaction.
		{"unclear: pay makes no new attempt", atState(StateUnclear), Event{Kind: EventPay, NewRequestID: "R2"}, StateUnclear, ActionWait, 1, "R1"},
		{"unclear: return", atState(StateUnclear), Event{Kind: EventReturn}, StateUnclear, ActionWait, 1, "R1"},
		{"unclear: the lost answer arrives after all", atState(StateUnclear), Event{Kind: EventCreated, RequestID: "R1", Transaction: tx1}, StateOpen, ActionRedirect, 1, "R1"},
		{"unclear: settle waits for the operator", atState(StateUnclear), Event{Kind: EventSettle}, StateUnclear, ActionNone, 1, "R1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, a, err := Step(tc.p, tc.e)
			if err != nil {
				t.Fatal(err)
			}
			if p.State != tc.state || a != tc.action || p.Attempt != tc.attempt || p.RequestID != tc.requestID {
				t.Errorf("got %s %s attempt %d %s, want %s %s attempt %d %s", p.State, a, p.Attempt, p.RequestID, tc.state, tc.action, tc.attempt, tc.requestID)
			}
			if p.Deliverable() != (p.State == StatePaid) {
				t.Errorf("Deliverable %v in state %s", p.Deliverable(), p.State)
			}
		})
	}
}

// TestStepCreateErrors: what every error code does to a payment whose
// create call it answers.
func TestStepCreateErrors(t *testing.T) {
	want := map[Code]struct {
		state  State
		action Action
	}{
		CodeNoValidOriginatorOrEndpoint: {StateRefused, ActionOfferRetry},
		CodeCalculationError:            {StateRefused, ActionOfferRetry},
		CodeBookingDataMissing:          {StateRefused, ActionOfferRetry},
		CodeValidationError:             {StateRefused, ActionOfferRetry},
		CodeForbidden:                   {StateRefused, ActionOfferRetry},
		CodePaymentExists:               {StateUnclear, ActionWait},
		CodeUnspecified:                 {StateCreating, ActionWait},
	}
	if len(want) != len(Codes) {
		t.Fatalf("the table covers %d of %d codes", len(want), len(Codes))
	}
	for _, c := range Codes {
		p, a, err := Step(atState(StateCreating), Event{Kind: EventCreateError, RequestID: "R1", Err: fmt.Errorf("wrapped: %w", &Error{Code: c})})
		if err != nil || p.State != want[c].state || a != want[c].action || p.Error != c {
			t.Errorf("%s: %s %s %s (%v), want %s %s", c, p.State, a, p.Error, err, want[c].state, want[c].action)
		}
	}
}

func TestStepRefusesBadInput(t *testing.T) {
	for _, e := range []Event{
		{Kind: EventPay},                            // no request id for the new attempt
		{Kind: EventPay, NewRequestID: "R1"},        // the failed attempt's id again
		{Kind: EventPay, NewRequestID: "has space"}, // not an XBezahldienste id
		{Kind: EventKind(99)},                       // unknown event
		{Kind: EventStatus, Transaction: Transaction{ID: "T1", Status: "BOOKED"}}, // unknown status
	} {
		p := atState(StateFailed)
		if e.Kind == EventStatus {
			p = atState(StateOpen)
		}
		got, _, err := Step(p, e)
		if err == nil {
			t.Errorf("%+v: no error", e)
		}
		if got.State != p.State || got.RequestID != p.RequestID {
			t.Errorf("%+v: payment changed to %+v", e, got)
		}
	}
}

// world is a model of the provider, the applicant's browser and the
// service's store, for the property test.
type world struct {
	r       *rand.Rand
	p       Payment // as stored
	txs     map[string]*Transaction
	byReq   map[string]string
	seen    map[string]bool // transaction pages the applicant was sent to
	pending []Event         // provider answers on their way
	seq     int
	// delivered is set once the application went to the authority.
	delivered bool
	log       []string
}

func (w *world) logf(format string, args ...any) { w.log = append(w.log, fmt.Sprintf(format, args...)) }

// step feeds an event to the machine, stores the result and runs the
// action, as the service does.
func (w *world) step(e Event, reliable bool) {
	p, a, err := Step(w.p, e)
	if err != nil {
		panic(err)
	}
	w.p = p
	w.logf("event %d → %s %s (attempt %d %s tx %s)", e.Kind, p.State, a, p.Attempt, p.RequestID, p.Transaction.ID)
	switch a {
	case ActionCreate:
		w.create(p.RequestID, reliable)
	case ActionRedirect:
		w.seen[p.Transaction.ID] = true
	case ActionFetchStatus:
		if !reliable && w.r.IntN(6) == 0 {
			w.pending = append(w.pending, Event{Kind: EventStatusError, Err: errNet})
			break
		}
		w.pending = append(w.pending, Event{Kind: EventStatus, Transaction: *w.txs[p.Transaction.ID]})
	case ActionPaid:
		w.deliver()
	}
}

// create is the provider receiving a create call, with what can go
// wrong on the way.
func (w *world) create(requestID string, reliable bool) {
	fate := 0
	if !reliable {
		fate = w.r.IntN(7)
	}
	switch fate {
	case 1: // lost before it arrived
		w.pending = append(w.pending, Event{Kind: EventCreateError, RequestID: requestID, Err: errNet})
		return
	case 2: // refused as such
		refusals := []Code{CodeNoValidOriginatorOrEndpoint, CodeCalculationError, CodeBookingDataMissing, CodeValidationError, CodeForbidden}
		w.pending = append(w.pending, Event{Kind: EventCreateError, RequestID: requestID, Err: &Error{Code: refusals[w.r.IntN(len(refusals))]}})
		return
	}
	if _, ok := w.byReq[requestID]; ok {
		w.pending = append(w.pending, Event{Kind: EventCreateError, RequestID: requestID, Err: &Error{Code: CodePaymentExists}})
		return
	}
	w.seq++
	t := &Transaction{ID: fmt.Sprintf("T%d", w.seq), RedirectURL: "https://p.example/pay", Status: StatusInitial}
	w.txs[t.ID], w.byReq[requestID] = t, t.ID
	switch fate {
	case 3: // created, answer lost
		w.pending = append(w.pending, Event{Kind: EventCreateError, RequestID: requestID, Err: errNet})
	case 4: // created, then the provider failed with UNSPECIFIED
		w.pending = append(w.pending, Event{Kind: EventCreateError, RequestID: requestID, Err: &Error{Code: CodeUnspecified}})
	default:
		w.pending = append(w.pending, Event{Kind: EventCreated, RequestID: requestID, Transaction: *t})
	}
}

func (w *world) deliver() {
	if w.p.Deliverable() {
		w.delivered = true
	}
}

// applicant picks a page of the provider it was sent to (an old tab, too)
// that still takes a decision.
func (w *world) applicant() *Transaction {
	var open []*Transaction
	for id := range w.seen {
		if w.txs[id].Status == StatusInitial {
			open = append(open, w.txs[id])
		}
	}
	if len(open) == 0 {
		return nil
	}
	return open[w.r.IntN(len(open))]
}

func (w *world) check() error {
	var payed, live []string
	for id, t := range w.txs {
		if t.Status == StatusPayed {
			payed = append(payed, id)
		}
		if t.Status == StatusPayed || t.Status == StatusInitial {
			live = append(live, id)
		}
	}
	if len(payed) > 1 {
		return fmt.Errorf("charged twice: %v", payed)
	}
	// Stronger: never two transactions that could still be paid or
	// are paid, whatever the applicant does in which tab.
	if len(live) > 1 {
		return fmt.Errorf("two live transactions %v", live)
	}
	if w.p.Deliverable() && (len(payed) != 1 || payed[0] != w.p.Transaction.ID) {
		return fmt.Errorf("deliverable, but the provider has paid %v and the payment names %s", payed, w.p.Transaction.ID)
	}
	if w.delivered && len(payed) != 1 {
		return errors.New("delivered unpaid")
	}
	return nil
}

// TestPropertyNoDoubleChargeNoUnpaidDelivery runs random sequences of
// clicks, returns, payments in any open tab, provider answers arriving
// late, lost or refused, restarts and background checks: nothing is ever
// charged twice, nothing is delivered unpaid, and once everything has
// settled, a payment the provider booked is known as paid.
func TestPropertyNoDoubleChargeNoUnpaidDelivery(t *testing.T) {
	runs := 3000
	if testing.Short() {
		runs = 300
	}
	for seed := range uint64(runs) {
		w := &world{r: rand.New(rand.NewPCG(seed, 14)), p: base, txs: map[string]*Transaction{}, byReq: map[string]string{}, seen: map[string]bool{}}
		fail := func(err error) {
			t.Helper()
			t.Fatalf("seed %d: %v\n%s", seed, err, joinLines(w.log))
		}
		requests := 0
		for range 40 + w.r.IntN(40) {
			switch op := w.r.IntN(10); op {
			case 0, 1: // the applicant clicks pay (again)
				requests++
				w.logf("click pay")
				w.step(Event{Kind: EventPay, NewRequestID: fmt.Sprintf("R%d", requests)}, false)
			case 2: // comes back from the provider (parameters ignored)
				w.logf("return")
				w.step(Event{Kind: EventReturn}, false)
			case 3: // the background check
				w.logf("settle")
				w.step(Event{Kind: EventSettle}, false)
			case 4, 5: // decides on a provider page
				if t := w.applicant(); t != nil {
					t.Status = []Status{StatusPayed, StatusPayed, StatusFailed, StatusCanceled}[w.r.IntN(4)]
					w.logf("applicant at %s: %s", t.ID, t.Status)
				}
			case 6: // the provider expires a transaction nobody paid
				for _, t := range w.txs {
					if t.Status == StatusInitial && w.r.IntN(3) == 0 {
						t.Status = StatusFailed
						w.logf("provider fails %s", t.ID)
					}
				}
			case 7, 8: // an answer arrives (in any order)
				if len(w.pending) > 0 {
					i := w.r.IntN(len(w.pending))
					e := w.pending[i]
					w.pending = append(w.pending[:i], w.pending[i+1:]...)
					w.logf("answer arrives")
					w.step(e, false)
				}
			case 9: // restart: every answer in flight is lost
				w.logf("restart, %d answers lost", len(w.pending))
				w.pending = nil
			}
			if err := w.check(); err != nil {
				fail(err)
			}
		}
		// Everything settles: a restart, then the background check with
		// a working network until nothing is left to ask.
		w.pending = nil
		for range 10 {
			w.step(Event{Kind: EventSettle}, true)
			for len(w.pending) > 0 {
				e := w.pending[0]
				w.pending = w.pending[1:]
				w.step(e, true)
			}
		}
		if err := w.check(); err != nil {
			fail(err)
		}
		for id, tx := range w.txs {
			if tx.Status == StatusPayed && (w.p.State != StatePaid || w.p.Transaction.ID != id) {
				fail(fmt.Errorf("payment lost: the provider booked %s, the service has %s %s", id, w.p.State, w.p.Transaction.ID))
			}
		}
	}
}

func joinLines(s []string) string {
	out := ""
	for _, l := range s {
		out += l + "\n"
	}
	return out
}
