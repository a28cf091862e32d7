// Package i18n holds every text of the pages in German and English and
// picks the language of a request.
package i18n

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Names are the languages' own names, for the language switch.
var Names = map[string]string{"de": "Deutsch", "en": "English"}

// Negotiate picks the page language from the lang query parameter, then
// Accept-Language, among offered (whose first entry is the default).
func Negotiate(r *http.Request, offered []string) string {
	if len(offered) == 0 {
		return "de"
	}
	if l := r.URL.Query().Get("lang"); slices.Contains(offered, l) {
		return l
	}
	best, bestQ := offered[0], 0.0
	for part := range strings.SplitSeq(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if q > bestQ && slices.Contains(offered, primary) {
			best, bestQ = primary, q
		}
	}
	return best
}

// Messages returns the page texts in lang, German for any other language.
func Messages(lang string) map[string]string {
	if lang == "en" {
		return en
	}
	return de
}

var de = map[string]string{
	"SkipLink":        "Zum Inhalt springen",
	"LanguageNav":     "Sprache wählen",
	"OnlineService":   "Online-Dienst",
	"IntroAntrag":     "Mit diesem Online-Dienst stellen Sie Ihren Antrag digital. Sie erhalten sofort eine Eingangsbestätigung mit Vorgangsnummer.",
	"IntroAnzeige":    "Mit diesem Online-Dienst erstatten Sie Ihre Anzeige digital. Sie erhalten sofort eine Eingangsbestätigung mit Vorgangsnummer.",
	"IntroNachweis":   "Mit diesem Online-Dienst beantragen Sie Ihren Nachweis digital. Sie erhalten sofort eine Eingangsbestätigung mit Vorgangsnummer.",
	"NeedText":        "Ihre persönlichen Angaben, Ihre Anschrift und eine E-Mail-Adresse für Rückfragen",
	"TenantsHeading":  "Wo Sie diesen Online-Dienst nutzen können",
	"TenantsText":     "Der Online-Dienst steht für diese Gebiete zur Verfügung:",
	"ARS":             "Regionalschlüssel",
	"LeikaLabel":      "Leistungsschlüssel (LeiKa)",
	"Start":           "Jetzt starten",
	"RequiredNote":    "Alle Felder mit dem Zusatz „(Pflichtfeld)“ müssen Sie ausfüllen.",
	"Required":        "(Pflichtfeld)",
	"ErrorSummary":    "Bitte korrigieren Sie Ihre Angaben",
	"ErrorPrefix":     "Fehler:",
	"TitleError":      "Fehler",
	"TenantChoose":    "Bitte wählen",
	"Submit":          "Absenden",
	"ReceiptHeading":  "Eingangsbestätigung",
	"ReceiptLead":     "Vielen Dank. Ihre Angaben sind bei uns eingegangen.",
	"Reference":       "Vorgangsnummer",
	"ReferenceNote":   "Bitte notieren Sie die Vorgangsnummer. Sie brauchen sie bei Rückfragen.",
	"Received":        "Eingegangen am",
	"ReceivedTime":    "02.01.2006, 15:04 Uhr",
	"Responsible":     "Zuständig",
	"YourDetails":     "Ihre Angaben",
	"BackToStart":     "Zur Startseite",
	"ToForm":          "Zum Formular",
	"NotFound":        "Seite nicht gefunden",
	"NotFoundText":    "Diese Seite gibt es nicht. Eine Eingangsbestätigung kann nur in dem Browser aufgerufen werden, mit dem die Angaben abgeschickt wurden.",
	"Forbidden":       "Formular abgelaufen",
	"ForbiddenText":   "Aus Sicherheitsgründen konnte das Formular nicht angenommen werden. Bitte rufen Sie das Formular erneut auf und senden Sie es noch einmal ab.",
	"TooLarge":        "Angaben zu umfangreich",
	"TooLargeText":    "Ihre Angaben sind zu umfangreich. Bitte kürzen Sie sie und senden Sie das Formular erneut ab.",
	"BadRequest":      "Ungültige Anfrage",
	"BadRequestText":  "Die Anfrage konnte nicht verarbeitet werden. Bitte rufen Sie das Formular erneut auf.",
	"ServerError":     "Technischer Fehler",
	"ServerErrorText": "Es ist ein technischer Fehler aufgetreten. Ihre Angaben wurden nicht gespeichert. Bitte versuchen Sie es später erneut.",
	"Footer":          "Ein Online-Dienst nach dem Prinzip „Einer für Alle“ (EfA).",
	"SandboxTitle":    "Testbetrieb",
	"SandboxBanner":   "Testbetrieb – Anträge werden nicht bearbeitet. Dieser Dienst übermittelt an simulierte Behörden; geben Sie keine echten Daten ein.",
	// Check your answers, the receipt's copy and reload link.
	"Continue":         "Weiter zur Überprüfung",
	"CheckHeading":     "Angaben prüfen",
	"CheckLead":        "Bitte prüfen Sie Ihre Angaben. Mit „Ändern“ kommen Sie zurück zum Formular; Ihre Angaben bleiben erhalten.",
	"Change":           "Ändern",
	"NotAnswered":      "Keine Angabe",
	"CheckSendHeading": "Angaben absenden",
	"CheckSendText":    "Mit „Absenden“ übermitteln Sie Ihre Angaben an die zuständige Stelle.",
	"ReloadHint":       "Der Stand der Übermittlung ändert sich in den nächsten Minuten. Laden Sie diese Seite neu, um ihn zu sehen:",
	"Reload":           "Stand aktualisieren",
	"CopyHeading":      "Kopie Ihrer Angaben",
	"CopyText":         "Drucken Sie diese Seite mit der Druckfunktion Ihres Browsers (auch als PDF), oder laden Sie Ihre Angaben als Datei herunter. Nach der Annahme durch die zuständige Stelle löschen wir Ihre Angaben hier.",
	"Download":         "Angaben herunterladen (HTML-Datei)",
	"CopyTitle":        "Kopie Ihrer Angaben",
	"CopyNote":         "Diese Kopie haben Sie selbst heruntergeladen. Sie ist keine Bestätigung der zuständigen Stelle.",

	// The place step, the responsible authority, and the pages when the
	// service cannot go on from a place.
	"PlaceHeading":           "Wo wohnen Sie / wo liegt Ihr Anliegen?",
	"PlaceLead":              "Geben Sie den Namen Ihrer Stadt oder Gemeinde oder ihre Postleitzahl ein. Daraus ermitteln wir die zuständige Stelle.",
	"PlaceLabel":             "Stadt, Gemeinde oder Postleitzahl",
	"PlaceHint":              "Zum Beispiel „{name}“ oder „{plz}“.",
	"PlaceHintName":          "Zum Beispiel „{name}“.",
	"Search":                 "Suchen",
	"PlaceResults":           "{n} Treffer für „{q}“",
	"PlaceMore":              "Es gibt weitere Treffer. Geben Sie mehr vom Namen ein, um die Auswahl einzugrenzen.",
	"PlaceNone":              "Keine Stadt oder Gemeinde gefunden für „{q}“, in der dieser Online-Dienst angeboten wird.",
	"PlacePostcodeNote":      "Wir kennen für jede Gemeinde nur die Postleitzahl ihres Verwaltungssitzes. Hat Ihre Stadt mehrere Postleitzahlen, suchen Sie bitte nach ihrem Namen.",
	"PlaceOffered":           "Dieser Online-Dienst wird für diese Gebiete angeboten:",
	"PlaceAll":               "Oder wählen Sie direkt:",
	"PlaceChange":            "Anderen Ort wählen",
	"PlaceChangeNote":        "Ihre Angaben im Formular gehen dabei verloren",
	"PlaceChoose":            "Ort wählen",
	"YourPlace":              "Ihr Ort",
	"ServiceArea":            "Gebiet des Online-Dienstes",
	"AuthorityHeading":       "Zuständige Stelle",
	"AuthorityLabel":         "Zuständige Stelle",
	"AuthorityLead":          "Für {place} ist zuständig:",
	"AuthorityConfigured":    "Ihre Angaben gehen an die Stelle, die der Betreiber dieses Online-Dienstes für dieses Gebiet eingerichtet hat.",
	"AuthorityAddress":       "Anschrift",
	"AuthorityContact":       "Ansprechperson",
	"Tel":                    "Telefon",
	"Fax":                    "Fax",
	"EMail":                  "E-Mail",
	"ContactForm":            "Kontaktformular der Stelle",
	"PrivacyAuthority":       "Datenschutzhinweise der Stelle",
	"ImprintAuthority":       "Impressum der Stelle",
	"AccessibilityAuthority": "Barrierefreiheit bei der Stelle",
	"AuthorityContinue":      "Weiter zum Antrag",
	"NoRouteHeading":         "Keine zuständige Stelle gefunden",
	"NoRouteText":            "Für {place} ist für diesen Online-Dienst derzeit keine zuständige Stelle hinterlegt, an die wir Ihre Angaben übermitteln können. Bitte wenden Sie sich direkt an die Verwaltung von {place}. Liegt Ihr Anliegen an einem anderen Ort, wählen Sie diesen.",
	"OutsideHeading":         "Für diesen Ort nicht verfügbar",
	"OutsideText":            "Der gewählte Ort liegt in keinem Gebiet, für das dieser Online-Dienst angeboten wird. Bitte wenden Sie sich an die Verwaltung Ihrer Stadt oder Gemeinde. Der Online-Dienst wird für diese Gebiete angeboten:",
	"RoutingUnavailable":     "Zuständige Stelle gerade nicht ermittelbar",
	"RoutingUnavailableText": "Der Dienst, der die zuständige Stelle ermittelt, antwortet gerade nicht. Bitte versuchen Sie es in einigen Minuten erneut.",
	"PlaceMissing":           "Ort fehlt",
	"PlaceMissingText":       "Bitte wählen Sie zuerst, wo Sie wohnen oder wo Ihr Anliegen liegt. Daraus ergibt sich die zuständige Stelle.",
}

var en = map[string]string{
	"SkipLink":        "Skip to main content",
	"LanguageNav":     "Choose language",
	"OnlineService":   "Online service",
	"IntroAntrag":     "Use this online service to submit your application digitally. You get a confirmation with a reference number straight away.",
	"IntroAnzeige":    "Use this online service to give notice digitally. You get a confirmation with a reference number straight away.",
	"IntroNachweis":   "Use this online service to request your certificate digitally. You get a confirmation with a reference number straight away.",
	"NeedText":        "Your personal details, your address and an email address in case there are questions",
	"TenantsHeading":  "Where you can use this service",
	"TenantsText":     "The service is available for these areas:",
	"ARS":             "Regional key",
	"LeikaLabel":      "Service key (LeiKa)",
	"Start":           "Start now",
	"RequiredNote":    "You must fill in all fields marked “(required)”.",
	"Required":        "(required)",
	"ErrorSummary":    "Please correct your details",
	"ErrorPrefix":     "Error:",
	"TitleError":      "Error",
	"TenantChoose":    "Please choose",
	"Submit":          "Submit",
	"ReceiptHeading":  "Confirmation of receipt",
	"ReceiptLead":     "Thank you. We have received your details.",
	"Reference":       "Reference number",
	"ReferenceNote":   "Please keep the reference number. You will need it if you have questions.",
	"Received":        "Received on",
	"ReceivedTime":    "2 January 2006, 15:04",
	"Responsible":     "Responsible",
	"YourDetails":     "Your details",
	"BackToStart":     "Back to the start page",
	"ToForm":          "To the form",
	"NotFound":        "Page not found",
	"NotFoundText":    "This page does not exist. A confirmation can only be viewed in the browser that submitted the details.",
	"Forbidden":       "Form expired",
	"ForbiddenText":   "For security reasons the form could not be accepted. Please open the form again and submit it once more.",
	"TooLarge":        "Details too long",
	"TooLargeText":    "Your details are too long. Please shorten them and submit the form again.",
	"BadRequest":      "Invalid request",
	"BadRequestText":  "The request could not be processed. Please open the form again.",
	"ServerError":     "Technical error",
	"ServerErrorText": "A technical error occurred. Your details were not saved. Please try again later.",
	"Footer":          "An online service built once for all (“Einer für Alle”, EfA).",
	"SandboxTitle":    "Test mode",
	"SandboxBanner":   "Test mode – applications are not processed. This service delivers to simulated authorities; do not enter real details.",
	// Check your answers, the receipt's copy and reload link.
	"Continue":         "Continue to check your answers",
	"CheckHeading":     "Check your answers",
	"CheckLead":        "Please check your answers. “Change” takes you back to the form; your answers are kept.",
	"Change":           "Change",
	"NotAnswered":      "Not answered",
	"CheckSendHeading": "Submit your answers",
	"CheckSendText":    "“Submit” sends your answers to the responsible authority.",
	"ReloadHint":       "Where the delivery stands changes in the next minutes. Reload this page to see it:",
	"Reload":           "Refresh status",
	"CopyHeading":      "A copy of your answers",
	"CopyText":         "Print this page with your browser's print function (also as PDF), or download your answers as a file. Once the responsible authority has accepted them, we delete your answers here.",
	"Download":         "Download your answers (HTML file)",
	"CopyTitle":        "Copy of your answers",
	"CopyNote":         "You downloaded this copy yourself. It is not a confirmation by the responsible authority.",

	// The place step, the responsible authority, and the pages when the
	// service cannot go on from a place.
	"PlaceHeading":           "Where do you live / where is your matter located?",
	"PlaceLead":              "Enter the name of your town or municipality or its postcode. We use it to find the authority responsible.",
	"PlaceLabel":             "Town, municipality or postcode",
	"PlaceHint":              "For example “{name}” or “{plz}”.",
	"PlaceHintName":          "For example “{name}”.",
	"Search":                 "Search",
	"PlaceResults":           "Results for “{q}”: {n}",
	"PlaceMore":              "There are more results. Type more of the name to narrow them down.",
	"PlaceNone":              "No town or municipality found for “{q}” where this online service is offered.",
	"PlacePostcodeNote":      "We know only the postcode of each municipality's seat. If your town has several postcodes, search for its name.",
	"PlaceOffered":           "This online service is offered for these areas:",
	"PlaceAll":               "Or choose directly:",
	"PlaceChange":            "Choose another place",
	"PlaceChangeNote":        "your answers in the form will be lost",
	"PlaceChoose":            "Choose the place",
	"YourPlace":              "Your place",
	"ServiceArea":            "Area of the online service",
	"AuthorityHeading":       "Responsible authority",
	"AuthorityLabel":         "Responsible authority",
	"AuthorityLead":          "Responsible for {place}:",
	"AuthorityConfigured":    "Your details go to the office the operator of this online service has set up for this area.",
	"AuthorityAddress":       "Address",
	"AuthorityContact":       "Contact person",
	"Tel":                    "Phone",
	"Fax":                    "Fax",
	"EMail":                  "Email",
	"ContactForm":            "The authority's contact form",
	"PrivacyAuthority":       "The authority's privacy notice",
	"ImprintAuthority":       "The authority's imprint",
	"AccessibilityAuthority": "Accessibility at the authority",
	"AuthorityContinue":      "Continue to the application",
	"NoRouteHeading":         "No responsible authority found",
	"NoRouteText":            "For {place}, no authority is registered for this online service to which we could send your details. Please contact the administration of {place} directly. If your matter is located in another place, choose that place.",
	"OutsideHeading":         "Not available for this place",
	"OutsideText":            "The place you chose is in none of the areas this online service is offered for. Please contact the administration of your town or municipality. The online service is offered for these areas:",
	"RoutingUnavailable":     "The responsible authority cannot be determined right now",
	"RoutingUnavailableText": "The service that determines the responsible authority is not answering. Please try again in a few minutes.",
	"PlaceMissing":           "Place missing",
	"PlaceMissingText":       "Please first choose where you live or where your matter is located. It determines the responsible authority.",
}
