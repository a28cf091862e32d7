package bundid

import (
	"bytes"
	"compress/flate"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/beevik/etree"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/xmlsec"
)

const (
	bindingPOST  = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
	bindingRedir = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
	maxFormBytes = 256 << 10
	maxInflated  = 1 << 20
	defaultLevel = saml.LevelSubstanziell
)

// levels are the levels BundID asserts, offered on the login page.
var levels = []saml.Level{saml.LevelBasis, saml.LevelSubstanziell, saml.LevelHoch}

// Metadata is the IdP's EntityDescriptor.
func (s *Simulator) Metadata() ([]byte, error) {
	ed := etree.NewElement("md:EntityDescriptor")
	ed.CreateAttr("xmlns:md", saml.NamespaceMetadata)
	ed.CreateAttr("xmlns:ds", xmlsec.NamespaceDS)
	ed.CreateAttr("ID", saml.NewID())
	ed.CreateAttr("entityID", s.cfg.BaseURL)
	d := ed.CreateElement("md:IDPSSODescriptor")
	d.CreateAttr("WantAuthnRequestsSigned", strconv.FormatBool(s.verifier != nil))
	d.CreateAttr("protocolSupportEnumeration", saml.NamespaceProtocol)
	kd := d.CreateElement("md:KeyDescriptor")
	kd.CreateAttr("use", "signing")
	kd.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").SetText(base64.StdEncoding.EncodeToString(s.cfg.Cert.Raw))
	slo := d.CreateElement("md:SingleLogoutService")
	slo.CreateAttr("Binding", bindingPOST)
	slo.CreateAttr("Location", s.cfg.BaseURL+"/slo")
	for _, b := range []string{bindingPOST, bindingRedir} {
		sso := d.CreateElement("md:SingleSignOnService")
		sso.CreateAttr("Binding", b)
		sso.CreateAttr("Location", s.cfg.BaseURL+"/sso")
	}
	if err := s.Sign(ed); err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	doc.SetRoot(ed)
	return doc.WriteToBytes()
}

func (s *Simulator) serveMetadata(w http.ResponseWriter, _ *http.Request) {
	b, err := s.Metadata()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	w.Write(b)
}

// authnRequest is what the login page needs of the SP's request.
type authnRequest struct {
	ID         string
	Level      saml.Level
	Attributes []string
	RelayState string
}

func (s *Simulator) serveSSO(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	var (
		root *etree.Element
		err  error
	)
	if r.Method == http.MethodGet {
		root, err = s.redirectRequest(r)
	} else {
		root, err = s.postRequest(r.PostFormValue("SAMLRequest"))
	}
	lang := pageLang(r)
	if err != nil {
		s.page(w, lang, http.StatusBadRequest, pageData{Error: err.Error()})
		return
	}
	if root.Tag != "AuthnRequest" {
		s.page(w, lang, http.StatusBadRequest, pageData{Error: "not an AuthnRequest"})
		return
	}
	if acs := root.SelectAttrValue("AssertionConsumerServiceURL", ""); acs != "" && acs != s.cfg.SP.ACSURL {
		s.page(w, lang, http.StatusBadRequest, pageData{Error: fmt.Sprintf("AssertionConsumerServiceURL %q is not the registered one", acs)})
		return
	}
	if iss := root.FindElement("./Issuer"); iss == nil || strings.TrimSpace(iss.Text()) != s.cfg.SP.EntityID {
		s.page(w, lang, http.StatusBadRequest, pageData{Error: "the request's Issuer is not the registered SP"})
		return
	}
	req := authnRequest{ID: root.SelectAttrValue("ID", ""), Level: defaultLevel, RelayState: r.FormValue("RelayState")}
	if ref := root.FindElement("./RequestedAuthnContext/AuthnContextClassRef"); ref != nil {
		if l, err := saml.ParseLevel(ref.Text()); err == nil {
			req.Level = l
		}
	}
	for _, ra := range root.FindElements("./Extensions/AuthenticationRequest/RequestedAttributes/RequestedAttribute") {
		if oid := saml.NormalizeOID(ra.SelectAttrValue("Name", "")); oid != "" {
			req.Attributes = append(req.Attributes, oid)
		}
	}
	s.page(w, lang, http.StatusOK, pageData{Request: &req})
}

func (s *Simulator) postRequest(b64 string) (*etree.Element, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil || len(raw) == 0 {
		return nil, errors.New("SAMLRequest is missing or not base64")
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil || doc.Root() == nil {
		return nil, fmt.Errorf("SAMLRequest is not XML: %v", err)
	}
	root := doc.Root()
	if s.verifier == nil {
		return root, nil
	}
	v, err := s.verifier.Verify(root)
	if err != nil {
		return nil, fmt.Errorf("the request's signature does not verify with the SP's signing certificate: %w", err)
	}
	return v, nil
}

// redirectRequest reads the HTTP-Redirect binding and checks its query
// signature (over the raw query parts, as sent).
func (s *Simulator) redirectRequest(r *http.Request) (*etree.Element, error) {
	raw := map[string]string{}
	for part := range strings.SplitSeq(r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(part, "=")
		raw[k] = v
	}
	q := r.URL.Query()
	deflated, err := base64.StdEncoding.DecodeString(q.Get("SAMLRequest"))
	if err != nil || len(deflated) == 0 {
		return nil, errors.New("SAMLRequest is missing or not base64")
	}
	xml, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(deflated)), maxInflated))
	if err != nil {
		return nil, fmt.Errorf("SAMLRequest is not DEFLATE: %w", err)
	}
	if s.verifier != nil {
		signed := "SAMLRequest=" + raw["SAMLRequest"]
		if _, ok := raw["RelayState"]; ok {
			signed += "&RelayState=" + raw["RelayState"]
		}
		signed += "&SigAlg=" + raw["SigAlg"]
		sig, err := base64.StdEncoding.DecodeString(q.Get("Signature"))
		if err != nil {
			return nil, errors.New("the Signature parameter is not base64")
		}
		pub, ok := s.cfg.SP.SigningCert.PublicKey.(*rsa.PublicKey)
		if !ok {
			return nil, errors.New("the SP's signing key is not RSA")
		}
		if err := xmlsec.VerifyBytes(pub, q.Get("SigAlg"), []byte(signed), sig); err != nil {
			return nil, fmt.Errorf("the request's query signature does not verify: %w", err)
		}
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(xml); err != nil || doc.Root() == nil {
		return nil, errors.New("SAMLRequest is not XML")
	}
	return doc.Root(), nil
}

// serveLogin answers the login page's form: the chosen user at the chosen
// level, posted back to the SP's ACS.
func (s *Simulator) serveLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	lang := pageLang(r)
	req := authnRequest{ID: r.PostFormValue("request"), RelayState: r.PostFormValue("RelayState"), Level: defaultLevel}
	if l, err := saml.ParseLevel(r.PostFormValue("requested")); err == nil {
		req.Level = l
	}
	for oid := range strings.SplitSeq(r.PostFormValue("attributes"), ",") {
		if oid = saml.NormalizeOID("urn:oid:" + oid); oid != "" {
			req.Attributes = append(req.Attributes, oid)
		}
	}
	if req.ID == "" {
		s.page(w, lang, http.StatusBadRequest, pageData{Error: "no request id"})
		return
	}
	if r.PostFormValue("switch") != "" {
		s.page(w, lang, http.StatusOK, pageData{Request: &req})
		return
	}
	if r.PostFormValue("cancel") != "" {
		resp, err := s.Cancelled(Request{ID: req.ID})
		if err != nil {
			s.page(w, lang, http.StatusInternalServerError, pageData{Error: err.Error()})
			return
		}
		s.page(w, lang, http.StatusOK, pageData{Post: &post{URL: s.cfg.SP.ACSURL, Param: "SAMLResponse", Value: resp, RelayState: req.RelayState}})
		return
	}
	u, okUser := UserByID(r.PostFormValue("user"))
	level, errLevel := saml.ParseLevel(r.PostFormValue("level"))
	if !okUser || errLevel != nil || !slices.Contains(levels, level) {
		s.page(w, lang, http.StatusUnprocessableEntity, pageData{Request: &req, Invalid: true})
		return
	}
	resp, err := s.Answer(Request{ID: req.ID, Attributes: req.Attributes}, u, level)
	if err != nil {
		s.page(w, lang, http.StatusInternalServerError, pageData{Error: err.Error()})
		return
	}
	s.page(w, lang, http.StatusOK, pageData{Post: &post{URL: s.cfg.SP.ACSURL, Param: "SAMLResponse", Value: resp, RelayState: req.RelayState}})
}

// serveSLO answers the SP's LogoutRequest with a signed LogoutResponse.
func (s *Simulator) serveSLO(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	lang := pageLang(r)
	root, err := s.postRequest(r.PostFormValue("SAMLRequest"))
	if err == nil && root.Tag != "LogoutRequest" {
		err = errors.New("not a LogoutRequest")
	}
	if err != nil {
		s.page(w, lang, http.StatusBadRequest, pageData{Error: err.Error()})
		return
	}
	lr := etree.NewElement("samlp:LogoutResponse")
	lr.CreateAttr("xmlns:samlp", saml.NamespaceProtocol)
	lr.CreateAttr("xmlns:saml", saml.NamespaceAssertion)
	lr.CreateAttr("Destination", s.cfg.SP.SLOURL)
	lr.CreateAttr("ID", saml.NewID())
	lr.CreateAttr("InResponseTo", root.SelectAttrValue("ID", ""))
	lr.CreateAttr("IssueInstant", saml.FormatTime(s.cfg.Now()))
	lr.CreateAttr("Version", "2.0")
	lr.CreateElement("saml:Issuer").SetText(s.cfg.BaseURL)
	lr.CreateElement("samlp:Status").CreateElement("samlp:StatusCode").CreateAttr("Value", statusSuccess)
	if err := s.Sign(lr); err != nil {
		s.page(w, lang, http.StatusInternalServerError, pageData{Error: err.Error()})
		return
	}
	doc := etree.NewDocument()
	doc.SetRoot(lr)
	b, err := doc.WriteToBytes()
	if err != nil {
		s.page(w, lang, http.StatusInternalServerError, pageData{Error: err.Error()})
		return
	}
	s.page(w, lang, http.StatusOK, pageData{Post: &post{URL: s.cfg.SP.SLOURL, Param: "SAMLResponse", Value: base64.StdEncoding.EncodeToString(b), RelayState: r.PostFormValue("RelayState")}, Logout: true})
}

func pageLang(r *http.Request) string {
	if l := r.FormValue("lang"); l == "en" || l == "de" {
		return l
	}
	if strings.HasPrefix(strings.ToLower(r.Header.Get("Accept-Language")), "en") {
		return "en"
	}
	return "de"
}

type post struct{ URL, Param, Value, RelayState string }

type pageData struct {
	Request *authnRequest
	Post    *post
	Error   string
	Invalid bool
	Logout  bool
}

type userRow struct {
	ID, Name, Detail string
}

func (s *Simulator) page(w http.ResponseWriter, lang string, status int, d pageData) {
	t := texts[lang]
	var users []userRow
	for _, u := range Users() {
		detail := u.Fields["birthdate"]
		if loc := u.Fields["localityName"]; loc != "" {
			detail += ", " + loc
		}
		users = append(users, userRow{ID: u.ID, Name: u.Name(), Detail: detail})
	}
	other := "en"
	if lang == "en" {
		other = "de"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	err := pageTemplate.Execute(w, map[string]any{
		"Lang": lang, "Other": other, "OtherName": texts[other]["LangName"], "T": t,
		"Users": users, "D": d, "Attributes": strings.Join(attrList(d), ","),
		"Levels": levels,
	})
	if err != nil {
		fmt.Fprintln(w, err)
	}
}

func attrList(d pageData) []string {
	if d.Request == nil {
		return nil
	}
	return d.Request.Attributes
}

var texts = map[string]map[string]string{
	"de": {
		"LangName": "Deutsch", "Title": "BundID-Simulator", "Banner": "Simulator – keine echte BundID. Nur für Test und Entwicklung (Sandbox).",
		"Lead": "Wählen Sie eine Testperson und das Vertrauensniveau, mit dem Sie sich anmelden.", "Users": "Testperson",
		"Level": "Vertrauensniveau", "Requested": "Vom Online-Dienst verlangt:", "Login": "Anmelden",
		"Continue": "Weiter zum Online-Dienst", "ContinueText": "Die Anmeldung ist fertig. Senden Sie das Ergebnis an den Online-Dienst.",
		"LogoutText": "Sie sind abgemeldet. Senden Sie die Bestätigung an den Online-Dienst.",
		"Error":      "Die Anfrage kann nicht bearbeitet werden", "Invalid": "Bitte wählen Sie eine Testperson und ein Vertrauensniveau.",
		"L1": "Basisregistrierung (STORK-QAA-Level-1)", "L3": "substanziell, ELSTER-Zertifikat (STORK-QAA-Level-3)", "L4": "hoch, Online-Ausweis (STORK-QAA-Level-4)",
		"Switch": "English", "Cancel": "Anmeldung abbrechen",
	},
	"en": {
		"LangName": "English", "Title": "BundID simulator", "Banner": "Simulator – not the real BundID. For testing and development only (sandbox).",
		"Lead": "Choose a test person and the level of assurance to log in with.", "Users": "Test person",
		"Level": "Level of assurance", "Requested": "Required by the online service:", "Login": "Log in",
		"Continue": "Continue to the online service", "ContinueText": "Login is complete. Send the result to the online service.",
		"LogoutText": "You are logged out. Send the confirmation to the online service.",
		"Error":      "The request cannot be processed", "Invalid": "Please choose a test person and a level of assurance.",
		"L1": "basic registration (STORK-QAA-Level-1)", "L3": "substantial, ELSTER certificate (STORK-QAA-Level-3)", "L4": "high, online ID card (STORK-QAA-Level-4)",
		"Switch": "Deutsch", "Cancel": "Cancel login",
	},
}

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"levelText": func(t map[string]string, l saml.Level) string { return t["L"+strconv.Itoa(int(l))] },
	"num":       func(l saml.Level) int { return int(l) },
}).Parse(`<!DOCTYPE html>
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
button{font-size:1rem;padding:.5rem 1rem;background:#004b87;color:#fff;border:2px solid #004b87}
button.secondary{background:#fff;color:#004b87}
button:focus,input:focus{outline:3px solid #ffbf47;outline-offset:2px}
.error{border-left:5px solid #b00020;padding-left:1rem}
.hint{color:#333}
</style>
</head>
<body>
<header><p class="banner">{{.T.Banner}}</p></header>
<main>
<h1>{{.T.Title}}</h1>
{{- if .D.Error}}
<div class="error" role="alert"><h2>{{.T.Error}}</h2><p>{{.D.Error}}</p></div>
{{- else if .D.Post}}
<form method="post" action="{{.D.Post.URL}}">
<p>{{if .D.Logout}}{{.T.LogoutText}}{{else}}{{.T.ContinueText}}{{end}}</p>
<input type="hidden" name="{{.D.Post.Param}}" value="{{.D.Post.Value}}">
{{- if .D.Post.RelayState}}<input type="hidden" name="RelayState" value="{{.D.Post.RelayState}}">{{end}}
<button type="submit" autofocus>{{.T.Continue}}</button>
</form>
{{- else if .D.Request}}
{{- $t := .T}}{{$req := .D.Request}}
<form method="post" action="login">
<input type="hidden" name="lang" value="{{.Other}}">
<input type="hidden" name="request" value="{{$req.ID}}">
<input type="hidden" name="RelayState" value="{{$req.RelayState}}">
<input type="hidden" name="requested" value="{{num $req.Level}}">
<input type="hidden" name="attributes" value="{{.Attributes}}">
<button type="submit" name="switch" value="1" lang="{{.Other}}" class="secondary">{{.T.Switch}}</button>
</form>
<p>{{.T.Lead}}</p>
{{- if .D.Invalid}}<p class="error" role="alert" id="invalid">{{.T.Invalid}}</p>{{end}}
<form method="post" action="login">
<input type="hidden" name="lang" value="{{.Lang}}">
<input type="hidden" name="request" value="{{$req.ID}}">
<input type="hidden" name="RelayState" value="{{$req.RelayState}}">
<input type="hidden" name="requested" value="{{num $req.Level}}">
<input type="hidden" name="attributes" value="{{.Attributes}}">
<fieldset>
<legend>{{.T.Users}}</legend>
{{- range $i, $u := .Users}}
<div><input type="radio" name="user" id="user-{{$u.ID}}" value="{{$u.ID}}" aria-describedby="user-{{$u.ID}}-detail"{{if eq $i 0}} checked{{end}}>
<label for="user-{{$u.ID}}">{{$u.Name}}</label> <span class="hint" id="user-{{$u.ID}}-detail">({{$u.ID}}, {{$u.Detail}})</span></div>
{{- end}}
</fieldset>
<fieldset>
<legend>{{.T.Level}}</legend>
<p class="hint" id="level-hint">{{.T.Requested}} {{levelText $t $req.Level}}</p>
{{- range .Levels}}
<div><input type="radio" name="level" id="level-{{num .}}" value="{{num .}}" aria-describedby="level-hint"{{if eq . $req.Level}} checked{{end}}>
<label for="level-{{num .}}">{{levelText $t .}}</label></div>
{{- end}}
</fieldset>
<button type="submit">{{.T.Login}}</button>
<button type="submit" name="cancel" value="1" class="secondary">{{.T.Cancel}}</button>
</form>
{{- end}}
</main>
</body>
</html>
`))
