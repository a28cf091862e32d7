package web

import (
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/i18n"
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
	key := map[string]string{"basis": "LoginBasis", "substanziell": "LoginSubstanziell", "hoch": "LoginHoch"}[s.opt.TrustLevel]
	if key != "" {
		f.Login = strings.Replace(p[key], "%s", accountName(s.opt.Audience), 1)
	}
	f.Ready = []string{i18n.Messages(lang)["NeedText"]}
	if s.opt.TrustLevel == "substanziell" || s.opt.TrustLevel == "hoch" {
		f.Ready = append(f.Ready, p["ReadyEID"])
	}
	if anyFee {
		f.Ready = append(f.Ready, p["ReadyPayment"])
	}
	return f
}
