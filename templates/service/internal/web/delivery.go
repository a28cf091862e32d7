package web

import (
	"errors"
	"net/http"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
)

// deliveryView is the receipt page's section on the delivery.
type deliveryView struct {
	D           map[string]string // texts
	State       string            // the delivery state, for the CSS class
	Heading     string
	Text        string
	Problems    []string
	Updated     string
	DataDeleted bool
	Pending     bool // not final: reloading the page may show news
}

// deliveryView describes where the application's delivery stands, in
// lang; nil when the server has no Deliveries or the application none.
func (s *Server) deliveryView(r *http.Request, id, lang string) (*deliveryView, error) {
	if s.opt.Deliveries == nil {
		return nil, nil
	}
	d, err := s.opt.Deliveries.Delivery(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	txt := i18n.Delivery(lang)
	key := i18n.DeliveryState(d.State, d.Attempts)
	v := &deliveryView{D: txt, State: d.State, Heading: txt[key], Text: txt[key+"Text"], DataDeleted: d.State == store.DeliveryAccepted,
		Pending: !store.Final(d.State)}
	for _, p := range d.Problems {
		v.Problems = append(v.Problems, i18n.Problem(lang, p.Type, p.Title))
	}
	if !d.UpdatedAt.IsZero() {
		v.Updated = d.UpdatedAt.In(s.loc).Format(i18n.Messages(lang)["ReceivedTime"])
	}
	return v, nil
}
