package payment

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// The choices on the payment page.
const (
	ChoicePay      = "pay"           // paid; back to the online service
	ChoiceFail     = "fail"          // the provider refuses (FAILED); back
	ChoiceCancel   = "cancel"        // the applicant cancels (CANCELED); back
	ChoiceNoReturn = "pay-no-return" // paid, but the browser never comes back
)

func lang(r *http.Request) string {
	if l := r.FormValue("lang"); l == "en" || l == "de" {
		return l
	}
	if strings.HasPrefix(strings.ToLower(r.Header.Get("Accept-Language")), "en") {
		return "en"
	}
	return "de"
}

func (s *Simulator) page(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	t, ok := s.byID[r.PathValue("transaction")]
	var view transaction
	if ok {
		view = *t
	}
	s.mu.Unlock()
	l := lang(r)
	if !ok {
		render(w, http.StatusNotFound, l, pageData{Error: texts[l]["Unknown"]})
		return
	}
	render(w, http.StatusOK, l, pageData{T: &view})
}

func (s *Simulator) choose(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	choice := r.PostFormValue("choice")
	s.mu.Lock()
	t, ok := s.byID[r.PathValue("transaction")]
	if !ok {
		s.mu.Unlock()
		render(w, http.StatusNotFound, l, pageData{Error: texts[l]["Unknown"]})
		return
	}
	if t.Status != "INITIAL" { // a transaction is decided once
		view := *t
		s.mu.Unlock()
		render(w, http.StatusConflict, l, pageData{T: &view, Error: texts[l]["Decided"]})
		return
	}
	switch choice {
	case ChoicePay, ChoiceNoReturn:
		t.Status, t.Method, t.MethodDetail, t.Timestamp = "PAYED", "CREDITCARD", "Visa", s.cfg.Now()
	case ChoiceFail:
		t.Status = "FAILED"
	case ChoiceCancel:
		t.Status = "CANCELED"
	default:
		view := *t
		s.mu.Unlock()
		render(w, http.StatusBadRequest, l, pageData{T: &view, Error: texts[l]["Invalid"]})
		return
	}
	view := *t
	s.mu.Unlock()
	if choice == ChoiceNoReturn {
		render(w, http.StatusOK, l, pageData{T: &view, NoReturn: true})
		return
	}
	// The status rides along as real providers' redirects sometimes
	// do: a service that trusted it instead of asking would be caught by
	// tests that forge it.
	back, err := url.Parse(view.RedirectURL)
	if err != nil {
		render(w, http.StatusBadGateway, l, pageData{Error: err.Error()})
		return
	}
	q := back.Query()
	q.Set("transactionId", view.ID)
	q.Set("status", view.Status)
	back.RawQuery = q.Encode()
	http.Redirect(w, r, back.String(), http.StatusSeeOther)
}

type pageData struct {
	T        *transaction
	Error    string
	NoReturn bool
}

func render(w http.ResponseWriter, status int, l string, d pageData) {
	other := "en"
	if l == "en" {
		other = "de"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	amount := ""
	if d.T != nil {
		amount = euros(d.T.AmountCents, l)
	}
	if err := pageTemplate.Execute(w, map[string]any{"Lang": l, "Other": other, "T": texts[l], "D": d, "Amount": amount}); err != nil {
		fmt.Fprintln(w, err)
	}
}

// euros formats cents as the page's language writes amounts.
func euros(c int64, l string) string {
	if l == "en" {
		return fmt.Sprintf("EUR %d.%02d", c/100, c%100)
	}
	return fmt.Sprintf("%d,%02d €", c/100, c%100)
}

var texts = map[string]map[string]string{
	"de": {
		"Title": "Bezahldienst-Simulator", "Banner": "Simulator – kein echter Bezahldienst, es fließt kein Geld. Nur für Test und Entwicklung (Sandbox).",
		"Lead": "Wählen Sie, was bei der Bezahlung geschehen soll.", "Amount": "Betrag", "Purpose": "Verwendungszweck",
		"Choice": "Ausgang der Bezahlung", "Pay": "Bezahlen (erfolgreich)", "Fail": "Bezahlung schlägt fehl", "Cancel": "Bezahlung abbrechen",
		"NoReturn": "Bezahlen, aber nicht zum Online-Dienst zurückkehren", "Submit": "Weiter", "Switch": "English",
		"NoReturnText": "Die Zahlung ist gebucht. Sie kehren nicht zum Online-Dienst zurück (als hätten Sie das Browserfenster geschlossen). Der Online-Dienst muss die Zahlung selbst feststellen.",
		"Unknown":      "Diese Zahlung gibt es nicht.", "Decided": "Über diese Zahlung wurde schon entschieden.", "Invalid": "Bitte wählen Sie einen Ausgang.",
		"Error": "Die Anfrage kann nicht bearbeitet werden", "Transaction": "Transaktion",
	},
	"en": {
		"Title": "Payment provider simulator", "Banner": "Simulator – not a real payment provider, no money moves. For testing and development only (sandbox).",
		"Lead": "Choose what happens to the payment.", "Amount": "Amount", "Purpose": "Purpose",
		"Choice": "Outcome of the payment", "Pay": "Pay (success)", "Fail": "Payment fails", "Cancel": "Cancel the payment",
		"NoReturn": "Pay, but do not return to the online service", "Submit": "Continue", "Switch": "Deutsch",
		"NoReturnText": "The payment is booked. You do not return to the online service (as if you had closed the browser window). The online service must find out about the payment itself.",
		"Unknown":      "There is no such payment.", "Decided": "This payment was decided already.", "Invalid": "Please choose an outcome.",
		"Error": "The request cannot be processed", "Transaction": "Transaction",
	},
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.T.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1b1b1b;background:#fff}
.banner{background:#7a1f00;color:#fff;padding:.5rem 1rem;font-weight:bold}
fieldset{margin:1rem 0;border:1px solid #555;padding:.5rem 1rem}
label{display:inline-block;padding:.25rem 0}
a{color:#004b87}
button{font-size:1rem;padding:.5rem 1rem;background:#004b87;color:#fff;border:2px solid #004b87}
button:focus,input:focus,a:focus{outline:3px solid #ffbf47;outline-offset:2px}
.error{border-left:5px solid #b00020;padding-left:1rem}
</style>
</head>
<body>
<header><p class="banner">{{.T.Banner}}</p></header>
<main>
<h1>{{.T.Title}}</h1>
{{- if .D.Error}}
<div class="error" role="alert"><h2>{{.T.Error}}</h2><p>{{.D.Error}}</p></div>
{{- end}}
{{- with .D.T}}
<dl>
<dt>{{$.T.Amount}}</dt><dd>{{$.Amount}}</dd>
<dt>{{$.T.Purpose}}</dt><dd>{{.Purpose}}</dd>
<dt>{{$.T.Transaction}}</dt><dd>{{.ID}}</dd>
</dl>
{{- if $.D.NoReturn}}
<p>{{$.T.NoReturnText}}</p>
{{- else if eq .Status "INITIAL"}}
<p><a href="?lang={{$.Other}}" lang="{{$.Other}}">{{$.T.Switch}}</a></p>
<p>{{$.T.Lead}}</p>
<form method="post">
<input type="hidden" name="lang" value="{{$.Lang}}">
<fieldset>
<legend>{{$.T.Choice}}</legend>
<div><input type="radio" name="choice" id="choice-pay" value="pay" checked> <label for="choice-pay">{{$.T.Pay}}</label></div>
<div><input type="radio" name="choice" id="choice-fail" value="fail"> <label for="choice-fail">{{$.T.Fail}}</label></div>
<div><input type="radio" name="choice" id="choice-cancel" value="cancel"> <label for="choice-cancel">{{$.T.Cancel}}</label></div>
<div><input type="radio" name="choice" id="choice-pay-no-return" value="pay-no-return"> <label for="choice-pay-no-return">{{$.T.NoReturn}}</label></div>
</fieldset>
<button type="submit">{{$.T.Submit}}</button>
</form>
{{- end}}
{{- end}}
</main>
</body>
</html>
`))
