package wizard

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/huh"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
)

// texts holds every text the wizard shows beyond those of the answers
// package (help texts, value labels, problems), each in German and
// English. One struct of typed fields, built once, lets the tests find a
// text that lacks a language (TestTextsComplete).
type texts struct {
	Yes, No i18n.Text

	ServiceTitle, ServiceDesc i18n.Text
	NameTitle, NameDesc       i18n.Text
	SlugTitle, SlugDesc       i18n.Text
	SlugDefault               i18n.Text // %s: the slug derived from the name
	LeikaTitle, LeikaDesc     i18n.Text

	RepoTitle, RepoDesc     i18n.Text
	OrgTitle, OrgDesc       i18n.Text
	OrgDescOwn              i18n.Text // for a GitLab of one's own
	ModuleTitle, ModuleDesc i18n.Text
	ModuleDefault           i18n.Text // %s: the suggested module path

	KindTitle, KindDesc i18n.Text
	AudienceTitle       i18n.Text
	TypeTitle           i18n.Text

	ScopeTitle, ScopeDesc             i18n.Text
	ScopeBund, ScopeLaender, ScopeKom i18n.Text
	LaenderTitle, LaenderDesc         i18n.Text
	SearchTitle, SearchDesc           i18n.Text
	RegionsTitle, RegionsDesc         i18n.Text
	PickAccessible                    i18n.Text
	SearchMore                        i18n.Text
	NoHits                            i18n.Text // %s: the search text

	TrustTitle, TrustDesc         i18n.Text
	TrustSuggested                i18n.Text // %s: the type, %s: the trust level
	FeeTitle, FeeDesc             i18n.Text
	LanguagesTitle, LanguagesDesc i18n.Text
	HostTitle, HostDesc           i18n.Text

	SummaryTitle                   i18n.Text
	ConfirmCreate, ConfirmFix      i18n.Text
	ProblemsHeading, NotInWizard   i18n.Text
	WarningsHeading                i18n.Text
	NoFee, Current                 i18n.Text
	EditTitle, EditCancel          i18n.Text
	LabelName, LabelSlug           i18n.Text
	LabelModule, LabelLeika        i18n.Text
	LabelType, LabelAudience       i18n.Text
	LabelJurisdictions, LabelTrust i18n.Text
	LabelFee, LabelLanguages       i18n.Text
	LabelHost, LabelStandards      i18n.Text
	Bund                           i18n.Text

	ErrRequired, ErrSlugDerive, ErrNoneSelected i18n.Text

	// The prompts of accessible mode.
	AskNumber, AskNumberDefault, AskToggle, AskYesNo i18n.Text
	AskInvalidNumber, AskInvalidYesNo, AskOnlyOne    i18n.Text

	Aborted, InputEnded, Cancelled i18n.Text

	HelpNext, HelpBack, HelpSubmit, HelpToggle   i18n.Text
	HelpUp, HelpDown, HelpFilter, HelpSetFilter  i18n.Text
	HelpClearFilter, HelpSelectAll, HelpComplete i18n.Text
}

var txt = texts{
	Yes: i18n.Text{De: "Ja", En: "Yes"}, No: i18n.Text{De: "Nein", En: "No"},

	ServiceTitle: i18n.Text{De: "Der Dienst", En: "The service"},
	ServiceDesc:  i18n.Text{De: "Name und Leistung des neuen Online-Dienstes.", En: "Name and administrative service of the new online service."},
	NameTitle:    i18n.Text{De: "Name des Dienstes", En: "Name of the service"},
	NameDesc:     i18n.Text{De: "So sehen ihn Bürgerinnen, Bürger und Unternehmen, z. B. „Parkausweis für Bewohner“.", En: "As citizens and businesses see it, e.g. \"Parkausweis für Bewohner\"."},
	SlugTitle:    i18n.Text{De: "Kurzname (Slug)", En: "Short name (slug)"},
	SlugDesc:     i18n.Text{De: "Name des Repositorys und des Programms: %s. Leer lassen, um den Vorschlag zu übernehmen.", En: "Name of the repository and the program: %s. Leave empty to take the suggestion."},
	SlugDefault:  i18n.Text{De: "leer lassen für %s", En: "leave empty for %s"},
	LeikaTitle:   i18n.Text{De: "LeiKa-Leistungsschlüssel", En: "LeiKa service key"},
	LeikaDesc:    i18n.Text{De: "%s. Zu finden im FIM-Portal (fimportal.de, Suche nach der Leistung) oder im PVOG bei der Leistungsbeschreibung.", En: "%s. Find it in the FIM portal (fimportal.de, search for the service) or in the PVOG with the service description."},

	RepoTitle:     i18n.Neutral("Repository"),
	RepoDesc:      i18n.Text{De: "Wo der Quelltext des Dienstes liegen wird.", En: "Where the source code of the service will live."},
	OrgTitle:      i18n.Text{De: "Organisation oder Gruppe", En: "Organisation or group"},
	OrgDesc:       i18n.Text{De: "Ihr Name auf %s, z. B. stadt-koeln.", En: "Your name on %s, e.g. stadt-koeln."},
	OrgDescOwn:    i18n.Text{De: "Adresse Ihres GitLab-Servers mit der Gruppe, z. B. git.stadt-x.de/digitalisierung.", En: "Address of your GitLab server with the group, e.g. git.stadt-x.de/digitalisierung."},
	ModuleTitle:   i18n.Text{De: "Go-Modulpfad", En: "Go module path"},
	ModuleDesc:    i18n.Text{De: "Das ist die Internetadresse, unter der der Quelltext später liegt; meist passt der Vorschlag, Enter übernimmt ihn.", En: "This is the web address where the source code will live; the suggestion usually fits, Enter takes it."},
	ModuleDefault: i18n.Text{De: "Enter für %s", En: "Enter for %s"},

	KindTitle:     i18n.Text{De: "Zielgruppe und Art", En: "Audience and type"},
	KindDesc:      i18n.Text{De: "Die Zielgruppe bestimmt das Nutzerkonto, die Art den Ablauf.", En: "The audience decides the user account, the type the procedure."},
	AudienceTitle: i18n.Text{De: "Wer nutzt den Dienst?", En: "Who uses the service?"},
	TypeTitle:     i18n.Text{De: "Art der Leistung", En: "Type of service"},

	ScopeTitle:     i18n.Text{De: "Zuständigkeit", En: "Jurisdiction"},
	ScopeDesc:      i18n.Text{De: "Für welches Gebiet wird der Dienst angeboten?", En: "For which area is the service offered?"},
	ScopeBund:      i18n.Text{De: "Bund – ganz Deutschland", En: "Federation – all of Germany"},
	ScopeLaender:   i18n.Text{De: "Länder – ein oder mehrere Bundesländer", En: "Länder – one or more federal states"},
	ScopeKom:       i18n.Text{De: "Kreise und Gemeinden – Suche nach Name, Postleitzahl oder Schlüssel", En: "Districts and municipalities – search by name, postcode or key"},
	LaenderTitle:   i18n.Text{De: "Welche Länder?", En: "Which Länder?"},
	LaenderDesc:    i18n.Text{De: "Leertaste wählt aus oder ab, / filtert.", En: "Space selects or deselects, / filters."},
	SearchTitle:    i18n.Text{De: "Suche nach Kreis oder Gemeinde", En: "Search for a district or municipality"},
	SearchDesc:     i18n.Text{De: "Name, Postleitzahl oder Regionalschlüssel; die Treffer erscheinen darunter. Gewählte Einträge bleiben über mehrere Suchen erhalten.", En: "Name, postcode or regional key; the matches appear below. Selected entries are kept across searches."},
	RegionsTitle:   i18n.Text{De: "Kreise und Gemeinden", En: "Districts and municipalities"},
	RegionsDesc:    i18n.Text{De: "Leertaste wählt aus oder ab; bereits gewählte stehen oben.", En: "Space selects or deselects; entries already chosen are listed first."},
	PickAccessible: i18n.Text{De: "Eine Nummer wählt aus oder ab; 0 übernimmt die Auswahl.", En: "A number selects or deselects; 0 takes the selection."},
	SearchMore:     i18n.Text{De: "Weitere Kreise oder Gemeinden suchen?", En: "Search for more districts or municipalities?"},
	NoHits:         i18n.Text{De: "Keine Treffer für „%s“.", En: "No matches for \"%s\"."},

	TrustTitle:     i18n.Text{De: "Vertrauensniveau der Anmeldung", En: "Trust level of the login"},
	TrustDesc:      i18n.Text{De: "Wie sicher muss die Identität der Nutzenden feststehen (eIDAS)?", En: "How certain must the users' identity be (eIDAS)?"},
	TrustSuggested: i18n.Text{De: "Vorschlag für %s: %s.", En: "Suggested for %s: %s."},
	FeeTitle:       i18n.Text{De: "Gebühr in Euro", En: "Fee in euros"},
	FeeDesc:        i18n.Text{De: "Zum Beispiel 30,00 oder 30.00. Leer oder 0, wenn keine Gebühr anfällt.", En: "For example 30.00. Empty or 0 when there is no fee."},
	LanguagesTitle: i18n.Text{De: "Sprachen der Seiten", En: "Languages of the pages"},
	LanguagesDesc:  i18n.Text{De: "Deutsch ist immer dabei: Es ist die Amtssprache des Verwaltungsverfahrens (§ 23 VwVfG).", En: "German is always included: it is the language of the administrative procedure (§ 23 VwVfG)."},
	HostTitle:      i18n.Text{De: "Code-Hosting", En: "Code hosting"},
	HostDesc:       i18n.Text{De: "Der Host bestimmt, welche CI-Dateien erzeugt werden.", En: "The host decides which CI files are generated."},

	SummaryTitle:    i18n.Text{De: "Zusammenfassung", En: "Summary"},
	ConfirmCreate:   i18n.Text{De: "Dienst mit diesen Angaben erzeugen?", En: "Create the service with these answers?"},
	ConfirmFix:      i18n.Text{De: "Zurück und die Angaben korrigieren?", En: "Go back and correct the answers?"},
	ProblemsHeading: i18n.Text{De: "Diese Angaben passen noch nicht:", En: "These answers need attention:"},
	NotInWizard:     i18n.Text{De: "nicht im Assistenten änderbar", En: "cannot be changed in the wizard"},
	WarningsHeading: i18n.Text{De: "Bitte prüfen:", En: "Please check:"},
	NoFee:           i18n.Text{De: "keine", En: "none"},
	Current:         i18n.Text{De: "bisher", En: "current"},
	EditTitle:       i18n.Text{De: "Was möchten Sie ändern?", En: "What would you like to change?"},
	EditCancel:      i18n.Text{De: "Nichts – abbrechen, ohne etwas zu erzeugen", En: "Nothing – cancel without generating anything"},

	LabelName:          i18n.Neutral("Name"),
	LabelSlug:          i18n.Neutral("Slug"),
	LabelModule:        i18n.Text{De: "Modul", En: "Module"},
	LabelLeika:         i18n.Neutral("LeiKa"),
	LabelType:          i18n.Text{De: "Art", En: "Type"},
	LabelAudience:      i18n.Text{De: "Zielgruppe", En: "Audience"},
	LabelJurisdictions: i18n.Text{De: "Zuständigkeit", En: "Jurisdiction"},
	LabelTrust:         i18n.Text{De: "Vertrauensniveau", En: "Trust level"},
	LabelFee:           i18n.Text{De: "Gebühr", En: "Fee"},
	LabelLanguages:     i18n.Text{De: "Sprachen", En: "Languages"},
	LabelHost:          i18n.Neutral("Host"),
	LabelStandards:     i18n.Neutral("Standards"),
	Bund:               i18n.Text{De: "Bund (ganz Deutschland)", En: "Federation (all of Germany)"},

	ErrRequired:     i18n.Text{De: "Bitte ausfüllen.", En: "Please fill in."},
	ErrSlugDerive:   i18n.Text{De: "Aus dem Namen lässt sich kein Slug bilden; bitte einen eingeben.", En: "No slug can be derived from the name; please enter one."},
	ErrNoneSelected: i18n.Text{De: "Bitte mindestens einen Eintrag wählen.", En: "Please select at least one entry."},

	AskNumber:        i18n.Text{De: "Nummer von 1 bis %d: ", En: "Number from 1 to %d: "},
	AskNumberDefault: i18n.Text{De: "Nummer von 1 bis %d (Enter: %d): ", En: "Number from 1 to %d (Enter: %d): "},
	AskToggle:        i18n.Text{De: "Nummer von 1 bis %d zum Aus- oder Abwählen, 0 zum Übernehmen: ", En: "Number from 1 to %d to select or deselect, 0 to take the selection: "},
	AskYesNo:         i18n.Text{De: "[j/n, Enter: %s]: ", En: "[y/n, Enter: %s]: "},
	AskInvalidNumber: i18n.Text{De: "Bitte eine Zahl von %d bis %d eingeben.", En: "Please enter a number from %d to %d."},
	AskInvalidYesNo:  i18n.Text{De: "Bitte j (ja) oder n (nein) eingeben.", En: "Please enter y (yes) or n (no)."},
	AskOnlyOne:       i18n.Text{De: "Es gibt nur eine Möglichkeit; Enter oder 1 wählt sie.", En: "There is only one option; Enter or 1 takes it."},

	Aborted:    i18n.Text{De: "Assistent abgebrochen", En: "wizard: aborted"},
	InputEnded: i18n.Text{De: "die Eingabe endete", En: "input ended"},
	Cancelled:  i18n.Text{De: "Assistent beendet", En: "wizard stopped"},

	HelpNext: i18n.Text{De: "weiter", En: "next"}, HelpBack: i18n.Text{De: "zurück", En: "back"},
	HelpSubmit: i18n.Text{De: "bestätigen", En: "submit"}, HelpToggle: i18n.Text{De: "auswählen", En: "toggle"},
	HelpUp: i18n.Text{De: "hoch", En: "up"}, HelpDown: i18n.Text{De: "runter", En: "down"},
	HelpFilter: i18n.Text{De: "filtern", En: "filter"}, HelpSetFilter: i18n.Text{De: "Filter übernehmen", En: "set filter"},
	HelpClearFilter: i18n.Text{De: "Filter löschen", En: "clear filter"}, HelpSelectAll: i18n.Text{De: "alle", En: "select all"},
	HelpComplete: i18n.Text{De: "vervollständigen", En: "complete"},
}

// keyMap is huh's default key map with help texts in the wizard's
// language. German users also get j/J for "ja" on the confirmation.
func keyMap(lang string) *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	help := func(b *key.Binding, desc i18n.Text) { b.SetHelp(b.Help().Key, desc.In(lang)) }

	help(&km.Input.Next, txt.HelpNext)
	help(&km.Input.Prev, txt.HelpBack)
	help(&km.Input.Submit, txt.HelpSubmit)
	help(&km.Input.AcceptSuggestion, txt.HelpComplete)

	help(&km.Select.Next, txt.HelpNext)
	help(&km.Select.Prev, txt.HelpBack)
	help(&km.Select.Submit, txt.HelpSubmit)
	help(&km.Select.Up, txt.HelpUp)
	help(&km.Select.Down, txt.HelpDown)
	help(&km.Select.Filter, txt.HelpFilter)
	help(&km.Select.SetFilter, txt.HelpSetFilter)
	help(&km.Select.ClearFilter, txt.HelpClearFilter)

	help(&km.MultiSelect.Next, txt.HelpNext)
	help(&km.MultiSelect.Prev, txt.HelpBack)
	help(&km.MultiSelect.Submit, txt.HelpSubmit)
	help(&km.MultiSelect.Toggle, txt.HelpToggle)
	help(&km.MultiSelect.Up, txt.HelpUp)
	help(&km.MultiSelect.Down, txt.HelpDown)
	help(&km.MultiSelect.Filter, txt.HelpFilter)
	help(&km.MultiSelect.SetFilter, txt.HelpSetFilter)
	help(&km.MultiSelect.ClearFilter, txt.HelpClearFilter)
	help(&km.MultiSelect.SelectAll, txt.HelpSelectAll)

	help(&km.Note.Next, txt.HelpNext)
	help(&km.Note.Prev, txt.HelpBack)
	help(&km.Note.Submit, txt.HelpSubmit)

	help(&km.Confirm.Next, txt.HelpNext)
	help(&km.Confirm.Prev, txt.HelpBack)
	help(&km.Confirm.Submit, txt.HelpSubmit)
	help(&km.Confirm.Toggle, txt.HelpToggle)
	if lang == i18n.EN {
		help(&km.Confirm.Accept, txt.Yes)
	} else {
		km.Confirm.Accept = key.NewBinding(key.WithKeys("j", "J", "y", "Y"), key.WithHelp("j", txt.Yes.In(lang)))
	}
	help(&km.Confirm.Reject, txt.No)
	return km
}
