package wizard

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/huh"
)

// texts holds every string the wizard shows, in one language. A struct
// instead of a map makes a missing translation a zero field, which the
// tests catch, and keeps lookups typed.
type texts struct {
	Yes, No string

	ServiceTitle, ServiceDesc string
	NameTitle, NameDesc       string
	SlugTitle, SlugDesc       string
	SlugDefault               string // %s: the slug derived from the name
	ModuleTitle, ModuleDesc   string
	LeikaTitle, LeikaDesc     string

	KindTitle, KindDesc          string
	AudienceTitle                string
	AudienceBuerger, AudienceOrg string
	TypeTitle                    string
	TypeAntrag, TypeAnzeige      string
	TypeNachweis                 string

	ScopeTitle, ScopeDesc             string
	ScopeBund, ScopeLaender, ScopeKom string
	LaenderTitle, LaenderDesc         string
	SearchTitle, SearchDesc           string
	RegionsTitle, RegionsDesc         string
	PickAccessible                    string
	SearchMore                        string
	NoHits                            string // %s: the search text

	TrustTitle, TrustDesc          string
	TrustBasis, TrustSubstanziell  string
	TrustHoch                      string
	TrustSuggested                 string // %s: the type, %s: the trust level
	FeeTitle, FeeDesc              string
	LanguagesTitle, LanguagesDesc  string
	LangDE, LangEN                 string
	HostTitle, HostDesc            string
	HostOpenCoDE, HostGitLab       string
	HostGitHub                     string
	SummaryTitle                   string
	ConfirmCreate, ConfirmFix      string
	ProblemsHeading, NotInWizard   string
	NoFee, Current                 string
	LabelName, LabelSlug           string
	LabelModule, LabelLeika        string
	LabelType, LabelAudience       string
	LabelJurisdictions, LabelTrust string
	LabelFee, LabelLanguages       string
	LabelHost, LabelStandards      string
	Bund                           string

	ErrRequired, ErrName, ErrSlug string
	ErrSlugDerive                 string
	ErrModule                     string // %s: the path, %s: the reason
	ErrLeika, ErrFee              string // %s: the value
	ErrNoneSelected, ErrLangDE    string

	HelpNext, HelpBack, HelpSubmit, HelpToggle   string
	HelpUp, HelpDown, HelpFilter, HelpSetFilter  string
	HelpClearFilter, HelpSelectAll, HelpComplete string
}

// textsFor returns the texts of lang ("de" or "en").
func textsFor(lang string) (texts, error) {
	switch lang {
	case "", "de":
		return textsDE(), nil
	case "en":
		return textsEN(), nil
	}
	return texts{}, fmt.Errorf("wizard: unsupported language %q (want de or en)", lang)
}

func textsDE() texts {
	return texts{
		Yes: "Ja", No: "Nein",

		ServiceTitle: "Der Dienst",
		ServiceDesc:  "Name, Repository und Leistung des neuen Online-Dienstes.",
		NameTitle:    "Name des Dienstes",
		NameDesc:     "So sehen ihn Bürgerinnen, Bürger und Unternehmen, z. B. „Parkausweis für Bewohner“.",
		SlugTitle:    "Kurzname (Slug)",
		SlugDesc:     "Name des Repositorys und des Programms: 2 bis 39 Kleinbuchstaben, Ziffern und Bindestriche, beginnend mit einem Buchstaben. Leer lassen, um den Vorschlag zu übernehmen.",
		SlugDefault:  "leer lassen für %s",
		ModuleTitle:  "Go-Modulpfad",
		ModuleDesc:   "Wo das Repository liegen wird, z. B. gitlab.opencode.de/<organisation>/<slug>.",
		LeikaTitle:   "LeiKa-Leistungsschlüssel",
		LeikaDesc:    "14 Ziffern, beginnt mit 99. Zu finden im FIM-Portal (fimportal.de, Suche nach der Leistung) oder im PVOG bei der Leistungsbeschreibung.",

		KindTitle:       "Zielgruppe und Art",
		KindDesc:        "Die Zielgruppe bestimmt das Nutzerkonto, die Art den Ablauf.",
		AudienceTitle:   "Wer nutzt den Dienst?",
		AudienceBuerger: "Bürgerinnen und Bürger (BundID)",
		AudienceOrg:     "Unternehmen (Mein Unternehmenskonto)",
		TypeTitle:       "Art der Leistung",
		TypeAntrag:      "Antrag – man beantragt etwas, die Behörde entscheidet per Bescheid",
		TypeAnzeige:     "Anzeige – man teilt der Behörde etwas mit, ohne Entscheidung",
		TypeNachweis:    "Nachweis – man erhält eine Bescheinigung oder einen Auszug",

		ScopeTitle:     "Zuständigkeit",
		ScopeDesc:      "Für welches Gebiet wird der Dienst angeboten?",
		ScopeBund:      "Bund – ganz Deutschland",
		ScopeLaender:   "Länder – ein oder mehrere Bundesländer",
		ScopeKom:       "Kreise und Gemeinden – Suche nach Name, Postleitzahl oder Schlüssel",
		LaenderTitle:   "Welche Länder?",
		LaenderDesc:    "Leertaste wählt aus oder ab, / filtert.",
		SearchTitle:    "Suche nach Kreis oder Gemeinde",
		SearchDesc:     "Name, Postleitzahl oder Regionalschlüssel; die Treffer erscheinen darunter. Gewählte Einträge bleiben über mehrere Suchen erhalten.",
		RegionsTitle:   "Kreise und Gemeinden",
		RegionsDesc:    "Leertaste wählt aus oder ab; bereits gewählte stehen oben.",
		PickAccessible: "Eine Nummer wählt aus oder ab; 0 übernimmt die Auswahl.",
		SearchMore:     "Weitere Kreise oder Gemeinden suchen?",
		NoHits:         "Keine Treffer für „%s“.",

		TrustTitle:        "Vertrauensniveau der Anmeldung",
		TrustDesc:         "Wie sicher muss die Identität der Nutzenden feststehen (eIDAS)?",
		TrustBasis:        "Basis – Benutzername und Passwort",
		TrustSubstanziell: "Substanziell – z. B. ELSTER-Zertifikat",
		TrustHoch:         "Hoch – Online-Ausweis (eID)",
		TrustSuggested:    "Vorschlag für %s: %s.",
		FeeTitle:          "Gebühr in Euro",
		FeeDesc:           "Zum Beispiel 30.00 (mit Punkt). Leer oder 0, wenn keine Gebühr anfällt.",
		LanguagesTitle:    "Sprachen der Seiten",
		LanguagesDesc:     "Deutsch ist immer dabei: Es ist die Amtssprache des Verwaltungsverfahrens (§ 23 VwVfG).",
		LangDE:            "Deutsch",
		LangEN:            "Englisch",
		HostTitle:         "Code-Hosting",
		HostDesc:          "Der Host bestimmt, welche CI-Dateien erzeugt werden.",
		HostOpenCoDE:      "OpenCoDE (gitlab.opencode.de) – GitLab CI: .gitlab-ci.yml",
		HostGitLab:        "GitLab (eigene Instanz) – GitLab CI: .gitlab-ci.yml",
		HostGitHub:        "GitHub – GitHub Actions: .github/workflows/ci.yml",

		SummaryTitle:       "Zusammenfassung",
		ConfirmCreate:      "Dienst mit diesen Angaben erzeugen?",
		ConfirmFix:         "Zurück und die Angaben korrigieren?",
		ProblemsHeading:    "Diese Angaben passen noch nicht:",
		NotInWizard:        "nicht im Assistenten änderbar",
		NoFee:              "keine",
		Current:            "bisher",
		LabelName:          "Name",
		LabelSlug:          "Slug",
		LabelModule:        "Modul",
		LabelLeika:         "LeiKa",
		LabelType:          "Art",
		LabelAudience:      "Zielgruppe",
		LabelJurisdictions: "Zuständigkeit",
		LabelTrust:         "Vertrauensniveau",
		LabelFee:           "Gebühr",
		LabelLanguages:     "Sprachen",
		LabelHost:          "Host",
		LabelStandards:     "Standards",
		Bund:               "Bund (ganz Deutschland)",

		ErrRequired:     "Bitte ausfüllen.",
		ErrName:         "Der Name darf höchstens 120 Zeichen haben, keine Steuerzeichen und kein {{ oder }} enthalten und nicht mit Leerzeichen beginnen oder enden.",
		ErrSlug:         "Der Slug besteht aus 2 bis 39 Kleinbuchstaben, Ziffern und Bindestrichen und beginnt mit einem Buchstaben.",
		ErrSlugDerive:   "Aus dem Namen lässt sich kein Slug bilden; bitte einen eingeben.",
		ErrModule:       "%q ist kein gültiger Go-Modulpfad: %s",
		ErrLeika:        "%q ist kein LeiKa-Schlüssel: Er hat 14 Ziffern und beginnt mit 99 (z. B. 99108001001000).",
		ErrFee:          "%q ist kein Euro-Betrag: mit Punkt und höchstens zwei Nachkommastellen schreiben, z. B. 30.00, oder 0 für keine Gebühr.",
		ErrNoneSelected: "Bitte mindestens einen Eintrag wählen.",
		ErrLangDE:       "Deutsch muss ausgewählt sein (§ 23 VwVfG).",

		HelpNext: "weiter", HelpBack: "zurück", HelpSubmit: "bestätigen", HelpToggle: "auswählen",
		HelpUp: "hoch", HelpDown: "runter", HelpFilter: "filtern", HelpSetFilter: "Filter übernehmen",
		HelpClearFilter: "Filter löschen", HelpSelectAll: "alle", HelpComplete: "vervollständigen",
	}
}

func textsEN() texts {
	return texts{
		Yes: "Yes", No: "No",

		ServiceTitle: "The service",
		ServiceDesc:  "Name, repository and administrative service of the new online service.",
		NameTitle:    "Name of the service",
		NameDesc:     "As citizens and businesses see it, e.g. \"Parkausweis für Bewohner\".",
		SlugTitle:    "Short name (slug)",
		SlugDesc:     "Name of the repository and the program: 2 to 39 lower-case letters, digits and dashes, starting with a letter. Leave empty to take the suggestion.",
		SlugDefault:  "leave empty for %s",
		ModuleTitle:  "Go module path",
		ModuleDesc:   "Where the repository will live, e.g. gitlab.opencode.de/<organisation>/<slug>.",
		LeikaTitle:   "LeiKa service key",
		LeikaDesc:    "14 digits starting with 99. Find it in the FIM portal (fimportal.de, search for the service) or in the PVOG with the service description.",

		KindTitle:       "Audience and type",
		KindDesc:        "The audience decides the user account, the type the procedure.",
		AudienceTitle:   "Who uses the service?",
		AudienceBuerger: "Citizens (BundID)",
		AudienceOrg:     "Businesses (Mein Unternehmenskonto)",
		TypeTitle:       "Type of service",
		TypeAntrag:      "Antrag (application) – users apply, the authority decides by notice",
		TypeAnzeige:     "Anzeige (notification) – users inform the authority, no decision",
		TypeNachweis:    "Nachweis (certificate) – users receive a certificate or an extract",

		ScopeTitle:     "Jurisdiction",
		ScopeDesc:      "For which area is the service offered?",
		ScopeBund:      "Federation – all of Germany",
		ScopeLaender:   "Länder – one or more federal states",
		ScopeKom:       "Districts and municipalities – search by name, postcode or key",
		LaenderTitle:   "Which Länder?",
		LaenderDesc:    "Space selects or deselects, / filters.",
		SearchTitle:    "Search for a district or municipality",
		SearchDesc:     "Name, postcode or regional key; the matches appear below. Selected entries are kept across searches.",
		RegionsTitle:   "Districts and municipalities",
		RegionsDesc:    "Space selects or deselects; entries already chosen are listed first.",
		PickAccessible: "A number selects or deselects; 0 takes the selection.",
		SearchMore:     "Search for more districts or municipalities?",
		NoHits:         "No matches for %q.",

		TrustTitle:        "Trust level of the login",
		TrustDesc:         "How certain must the users' identity be (eIDAS)?",
		TrustBasis:        "Basis (low) – user name and password",
		TrustSubstanziell: "Substanziell (substantial) – e.g. ELSTER certificate",
		TrustHoch:         "Hoch (high) – online ID card (eID)",
		TrustSuggested:    "Suggested for %s: %s.",
		FeeTitle:          "Fee in euros",
		FeeDesc:           "For example 30.00 (with a dot). Empty or 0 when there is no fee.",
		LanguagesTitle:    "Languages of the pages",
		LanguagesDesc:     "German is always included: it is the language of the administrative procedure (§ 23 VwVfG).",
		LangDE:            "German",
		LangEN:            "English",
		HostTitle:         "Code hosting",
		HostDesc:          "The host decides which CI files are generated.",
		HostOpenCoDE:      "OpenCoDE (gitlab.opencode.de) – GitLab CI: .gitlab-ci.yml",
		HostGitLab:        "GitLab (own instance) – GitLab CI: .gitlab-ci.yml",
		HostGitHub:        "GitHub – GitHub Actions: .github/workflows/ci.yml",

		SummaryTitle:       "Summary",
		ConfirmCreate:      "Create the service with these answers?",
		ConfirmFix:         "Go back and correct the answers?",
		ProblemsHeading:    "These answers need attention:",
		NotInWizard:        "cannot be changed in the wizard",
		NoFee:              "none",
		Current:            "current",
		LabelName:          "Name",
		LabelSlug:          "Slug",
		LabelModule:        "Module",
		LabelLeika:         "LeiKa",
		LabelType:          "Type",
		LabelAudience:      "Audience",
		LabelJurisdictions: "Jurisdiction",
		LabelTrust:         "Trust level",
		LabelFee:           "Fee",
		LabelLanguages:     "Languages",
		LabelHost:          "Host",
		LabelStandards:     "Standards",
		Bund:               "Federation (all of Germany)",

		ErrRequired:     "Please fill in.",
		ErrName:         "The name has at most 120 characters, no control characters, no {{ or }}, and no leading or trailing spaces.",
		ErrSlug:         "A slug has 2 to 39 lower-case letters, digits and dashes and starts with a letter.",
		ErrSlugDerive:   "No slug can be derived from the name; please enter one.",
		ErrModule:       "%q is not a valid Go module path: %s",
		ErrLeika:        "%q is not a LeiKa key: it has 14 digits and starts with 99 (e.g. 99108001001000).",
		ErrFee:          "%q is not an amount in euros: write it with a dot and at most two decimals, e.g. 30.00, or 0 for no fee.",
		ErrNoneSelected: "Please select at least one entry.",
		ErrLangDE:       "German must be selected (§ 23 VwVfG).",

		HelpNext: "next", HelpBack: "back", HelpSubmit: "submit", HelpToggle: "toggle",
		HelpUp: "up", HelpDown: "down", HelpFilter: "filter", HelpSetFilter: "set filter",
		HelpClearFilter: "clear filter", HelpSelectAll: "select all", HelpComplete: "complete",
	}
}

// keyMap is huh's default key map with help texts in the wizard's
// language. German users also get j/J for "ja" on the confirmation.
func keyMap(t texts, lang string) *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	help := func(b *key.Binding, desc string) { b.SetHelp(b.Help().Key, desc) }

	help(&km.Input.Next, t.HelpNext)
	help(&km.Input.Prev, t.HelpBack)
	help(&km.Input.Submit, t.HelpSubmit)
	help(&km.Input.AcceptSuggestion, t.HelpComplete)

	help(&km.Select.Next, t.HelpNext)
	help(&km.Select.Prev, t.HelpBack)
	help(&km.Select.Submit, t.HelpSubmit)
	help(&km.Select.Up, t.HelpUp)
	help(&km.Select.Down, t.HelpDown)
	help(&km.Select.Filter, t.HelpFilter)
	help(&km.Select.SetFilter, t.HelpSetFilter)
	help(&km.Select.ClearFilter, t.HelpClearFilter)

	help(&km.MultiSelect.Next, t.HelpNext)
	help(&km.MultiSelect.Prev, t.HelpBack)
	help(&km.MultiSelect.Submit, t.HelpSubmit)
	help(&km.MultiSelect.Toggle, t.HelpToggle)
	help(&km.MultiSelect.Up, t.HelpUp)
	help(&km.MultiSelect.Down, t.HelpDown)
	help(&km.MultiSelect.Filter, t.HelpFilter)
	help(&km.MultiSelect.SetFilter, t.HelpSetFilter)
	help(&km.MultiSelect.ClearFilter, t.HelpClearFilter)
	help(&km.MultiSelect.SelectAll, t.HelpSelectAll)

	help(&km.Note.Next, t.HelpNext)
	help(&km.Note.Prev, t.HelpBack)
	help(&km.Note.Submit, t.HelpSubmit)

	help(&km.Confirm.Next, t.HelpNext)
	help(&km.Confirm.Prev, t.HelpBack)
	help(&km.Confirm.Submit, t.HelpSubmit)
	help(&km.Confirm.Toggle, t.HelpToggle)
	if lang == "de" || lang == "" {
		km.Confirm.Accept = key.NewBinding(key.WithKeys("j", "J", "y", "Y"), key.WithHelp("j", t.Yes))
	} else {
		help(&km.Confirm.Accept, t.Yes)
	}
	help(&km.Confirm.Reject, t.No)
	return km
}
