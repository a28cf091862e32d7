package i18n

import "strings"

// Delivery returns the texts of the delivery status (the receipt page's
// section about where the application stands) in lang, German for any
// other language.
func Delivery(lang string) map[string]string {
	if lang == "en" {
		return deliveryEN
	}
	return deliveryDE
}

// DeliveryState names the text keys of a delivery state: the heading
// key is the result, the explanation key the result + "Text".
func DeliveryState(state string, attempts int) string {
	switch state {
	case "new", "announced", "uploaded":
		if attempts > 0 {
			return "StateDelayed"
		}
		return "StateSending"
	case "submitted":
		return "StateSubmitted"
	case "unverified":
		return "StateUnverified"
	case "accepted":
		return "StateAccepted"
	case "rejected":
		return "StateRejected"
	case "failed":
		return "StateFailed"
	}
	return "StateSending"
}

// Problem explains a problem of a rejection in lang. The problem types
// of FIT-Connect's reject-submission event are technical; the applicant
// learns what they mean for them. An unknown type shows the title the
// authority sent (usually German).
func Problem(lang, typ, title string) string {
	name := typ[strings.LastIndexByte(typ, '/')+1:]
	if t, ok := Delivery(lang)["Problem-"+name]; ok {
		return t
	}
	if title != "" {
		return title
	}
	return Delivery(lang)["ProblemUnknown"]
}

var deliveryDE = map[string]string{
	"DeliveryHeading":                  "Stand der Übermittlung",
	"Updated":                          "Stand",
	"StateSending":                     "Wird übermittelt",
	"StateSendingText":                 "Ihre Angaben werden verschlüsselt an die zuständige Behörde übermittelt.",
	"StateDelayed":                     "Übermittlung verzögert",
	"StateDelayedText":                 "Die Behörde ist gerade nicht erreichbar. Die Übermittlung wird automatisch wiederholt; Ihre Angaben gehen nicht verloren.",
	"StateSubmitted":                   "Zugestellt",
	"StateSubmittedText":               "Ihre Angaben wurden der zuständigen Behörde zugestellt. Sie hat den Empfang noch nicht bestätigt.",
	"StateUnverified":                  "Zugestellt, Bestätigung wird geprüft",
	"StateUnverifiedText":              "Ihre Angaben wurden der zuständigen Behörde zugestellt. Ihre Rückmeldung konnten wir noch nicht prüfen; das wiederholen wir automatisch. Sie müssen nichts tun.",
	"StateAccepted":                    "Von der Behörde angenommen",
	"StateAcceptedText":                "Die zuständige Behörde hat Ihre Angaben erhalten und angenommen. Wir haben sie deshalb bei uns gelöscht; es bleiben nur Vorgangsnummer und Stand.",
	"StateRejected":                    "Von der Behörde nicht angenommen",
	"StateRejectedText":                "Die zuständige Behörde konnte Ihre Angaben nicht annehmen. Bitte wenden Sie sich mit Ihrer Vorgangsnummer an die Behörde. Gründe:",
	"StateFailed":                      "Übermittlung gestört",
	"StateFailedText":                  "Ihre Angaben sind bei uns sicher gespeichert, konnten aber nicht übermittelt werden. Wir kümmern uns darum; Sie müssen nichts tun.",
	"DataDeleted":                      "Ihre Angaben wurden nach der Annahme durch die Behörde gelöscht.",
	"ProblemUnknown":                   "Ein Fehler, den die Behörde nicht näher beschrieben hat.",
	"Problem-encryption-issue":         "Die Behörde konnte die Daten nicht entschlüsseln (technischer Fehler).",
	"Problem-syntax-violation":         "Die Daten waren technisch nicht lesbar (technischer Fehler).",
	"Problem-schema-violation":         "Die Daten hatten nicht die Form, die die Behörde erwartet.",
	"Problem-hash-mismatch":            "Die Daten kamen verändert an (technischer Fehler).",
	"Problem-attachments-mismatch":     "Die Anlagen passten nicht zur Beschreibung (technischer Fehler).",
	"Problem-missing-attachment":       "Eine Anlage fehlte.",
	"Problem-missing-data":             "Die Angaben fehlten (technischer Fehler).",
	"Problem-missing-data-description": "Die Beschreibung der Angaben fehlte (technischer Fehler).",
	"Problem-unsupported-schema":       "Die Behörde kann Angaben in dieser Form nicht verarbeiten.",
	"Problem-unsupported-service":      "Die Behörde bietet diese Leistung nicht an.",
	"Problem-sandbox-rejection":        "Testbetrieb: Die simulierte Behörde lehnt einen Teil der Anträge absichtlich ab.",
}

var deliveryEN = map[string]string{
	"DeliveryHeading":                  "Delivery status",
	"Updated":                          "As of",
	"StateSending":                     "Being delivered",
	"StateSendingText":                 "Your details are being sent, encrypted, to the responsible authority.",
	"StateDelayed":                     "Delivery delayed",
	"StateDelayedText":                 "The authority cannot be reached at the moment. Delivery is retried automatically; your details will not be lost.",
	"StateSubmitted":                   "Delivered",
	"StateSubmittedText":               "Your details were delivered to the responsible authority. It has not confirmed receipt yet.",
	"StateUnverified":                  "Delivered, confirmation being checked",
	"StateUnverifiedText":              "Your details were delivered to the responsible authority. We could not check its reply yet; we retry automatically. You do not need to do anything.",
	"StateAccepted":                    "Accepted by the authority",
	"StateAcceptedText":                "The responsible authority received and accepted your details. We have therefore deleted them; only the reference number and the status remain.",
	"StateRejected":                    "Not accepted by the authority",
	"StateRejectedText":                "The responsible authority could not accept your details. Please contact the authority with your reference number. Reasons:",
	"StateFailed":                      "Delivery disrupted",
	"StateFailedText":                  "Your details are stored safely but could not be delivered. We are taking care of it; you do not need to do anything.",
	"DataDeleted":                      "Your details were deleted after the authority accepted them.",
	"ProblemUnknown":                   "An error the authority did not describe.",
	"Problem-encryption-issue":         "The authority could not decrypt the data (technical error).",
	"Problem-syntax-violation":         "The data could not be read (technical error).",
	"Problem-schema-violation":         "The data was not in the form the authority expects.",
	"Problem-hash-mismatch":            "The data arrived altered (technical error).",
	"Problem-attachments-mismatch":     "The attachments did not match their description (technical error).",
	"Problem-missing-attachment":       "An attachment was missing.",
	"Problem-missing-data":             "The details were missing (technical error).",
	"Problem-missing-data-description": "The description of the details was missing (technical error).",
	"Problem-unsupported-schema":       "The authority cannot process details in this form.",
	"Problem-unsupported-service":      "The authority does not offer this service.",
	"Problem-sandbox-rejection":        "Test mode: the simulated authority rejects some applications on purpose.",
}
