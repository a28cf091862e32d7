package web

import (
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/login"
)

// startFacts is what the start page says before the applicant begins:
// cost, time, login and what to have ready.
type startFacts struct {
	Cost    string      // the one fee of every tenant, or CostFree
	Costs   []tenantFee // per tenant, when the fees differ
	Minutes int
	Login   string
	Ready   []string
}

type tenantFee struct{ Name, Fee string }

func (s *Server) startFacts(lang string) startFacts {
	p := i18n.Pages(lang)
	var f startFacts
	fees := map[int64]bool{}
	anyFee := false
	for _, t := range s.opt.Tenants {
		st := s.settings(t.ARS)
		fees[st.FeeCents()] = true
		anyFee = anyFee || st.FeeCents() > 0
		fee := p["CostFree"]
		if st.FeeCents() > 0 {
			fee = st.FeeText(lang)
		}
		f.Costs = append(f.Costs, tenantFee{t.Name, fee})
	}
	if len(fees) == 1 {
		f.Cost, f.Costs = f.Costs[0].Fee, nil
	}
	// About half a minute a question, and never less than five minutes:
	// reading, looking up a detail, checking the answers.
	f.Minutes = max(5, (len(s.opt.Form.Fields())+1)/2)
	f.Ready = []string{i18n.Messages(lang)["NeedText"]}
	if l := s.opt.Login; l != nil {
		key := "LoginBasis" // offered, not required
		if l.Required {
			key = map[string]string{"substanziell": "LoginSubstanziell", "hoch": "LoginHoch"}[login.Trust(l.Level)]
			f.Ready = append(f.Ready, p["ReadyEID"])
		}
		f.Login = strings.Replace(p[key], "%s", login.AccountName(l.Account), 1)
	}
	if anyFee {
		f.Ready = append(f.Ready, p["ReadyPayment"])
	}
	return f
}
