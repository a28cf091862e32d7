package publiccode

import "gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"

// txt holds every text of the validator in German and English.
var txt = struct {
	NotUTF8, NotYAML, NotMapping, WantMapping, Duplicate, UnknownKey, Missing i18n.Text
	KindMapping, KindList, KindString, KindNull, KindScalar, KindOther        i18n.Text
	WantString, WantBool, WantList, Empty, EmptyList                          i18n.Text
	BadURL, BadURI, BadDate, BadEmail, NotAllowed, TooLong, BadFormat         i18n.Text
	OutsideRepo, NoFile, BadLang, BadCountry, BadMIME, BadVersion, BadLicense i18n.Text
	BadAlias, NoLanguage, MissingAllLangs, LongLength                         i18n.Text
	ContractorsNeeded, ContractorsForbidden, ContactsNeeded                   i18n.Text
}{
	NotUTF8:     i18n.Text{De: "die Datei ist nicht UTF-8-kodiert", En: "the file is not UTF-8 encoded"},
	NotYAML:     i18n.Text{De: "kein gültiges YAML: %v", En: "not valid YAML: %v"},
	NotMapping:  i18n.Text{De: "die Datei muss genau ein YAML-Dokument mit Schlüsseln enthalten", En: "the file must hold exactly one YAML document with keys"},
	WantMapping: i18n.Text{De: "erwartet Schlüssel und Werte, gefunden: %s", En: "want keys and values, found %s"},
	Duplicate:   i18n.Text{De: "Schlüssel doppelt angegeben", En: "key given twice"},
	UnknownKey:  i18n.Text{De: "unbekannter Schlüssel (Tippfehler?); der Standard kennt ihn nicht", En: "unknown key (a typo?); the standard does not know it"},
	Missing:     i18n.Text{De: "Pflichtangabe fehlt", En: "mandatory key missing"},
	KindMapping: i18n.Text{De: "Schlüssel und Werte", En: "keys and values"},
	KindList:    i18n.Text{De: "eine Liste", En: "a list"},
	KindString:  i18n.Text{De: "eine Zeichenkette", En: "a string"},
	KindNull:    i18n.Text{De: "ein leerer Wert", En: "an empty value"},
	KindScalar:  i18n.Text{De: "der Wert %s (keine Zeichenkette; in Anführungszeichen setzen)", En: "the value %s (not a string; put it in quotes)"},
	KindOther:   i18n.Text{De: "etwas anderes", En: "something else"},
	WantString:  i18n.Text{De: "erwartet eine Zeichenkette, gefunden: %s", En: "want a string, found %s"},
	WantBool:    i18n.Text{De: "erwartet true oder false, gefunden: %s", En: "want true or false, found %s"},
	WantList:    i18n.Text{De: "erwartet eine Liste, gefunden: %s", En: "want a list, found %s"},
	Empty:       i18n.Text{De: "darf nicht leer sein", En: "must not be empty"},
	EmptyList:   i18n.Text{De: "die Liste braucht mindestens einen Eintrag", En: "the list needs at least one item"},
	BadURL:      i18n.Text{De: "%q ist keine absolute URL (Schema und Host, z. B. https://…)", En: "%q is not an absolute URL (scheme and host, e.g. https://…)"},
	BadURI:      i18n.Text{De: "%q ist keine gültige URI (URL oder URN)", En: "%q is not a valid URI (URL or URN)"},
	BadDate:     i18n.Text{De: "%q ist kein Datum im Format JJJJ-MM-TT", En: "%q is not a date in the format YYYY-MM-DD"},
	BadEmail:    i18n.Text{De: "%q ist keine E-Mail-Adresse", En: "%q is not an e-mail address"},
	NotAllowed:  i18n.Text{De: "%q ist nicht erlaubt; erlaubt sind: %s", En: "%q is not allowed; allowed: %s"},
	TooLong:     i18n.Text{De: "%d Zeichen, erlaubt sind höchstens %d", En: "%d characters, at most %d allowed"},
	BadFormat:   i18n.Text{De: "%q hat kein erlaubtes Format (%s)", En: "%q has no allowed format (%s)"},
	OutsideRepo: i18n.Text{De: "%q liegt außerhalb des Repositorys", En: "%q lies outside the repository"},
	NoFile:      i18n.Text{De: "die Datei %q gibt es im Repository nicht", En: "the file %q does not exist in the repository"},
	BadLang:     i18n.Text{De: "%q ist kein Sprachkennzeichen nach BCP 47 (z. B. de, en, de-DE)", En: "%q is not a BCP 47 language tag (e.g. de, en, de-DE)"},
	BadCountry:  i18n.Text{De: "%q ist kein Ländercode nach ISO 3166-1 alpha-2 (z. B. DE)", En: "%q is not an ISO 3166-1 alpha-2 country code (e.g. DE)"},
	BadMIME:     i18n.Text{De: "%q ist kein Medientyp nach RFC 6838 (z. B. text/plain)", En: "%q is not an RFC 6838 media type (e.g. text/plain)"},
	BadVersion:  i18n.Text{De: "%q ist keine Version des Standards (bekannt bis %s)", En: "%q is no version of the standard (known up to %s)"},
	BadLicense:  i18n.Text{De: "%q ist kein gültiger SPDX-Ausdruck: %v", En: "%q is not a valid SPDX expression: %v"},
	BadAlias:    i18n.Text{De: "unbekannter Alias %q; bekannt sind: %s", En: "unknown alias %q; known: %s"},
	NoLanguage:  i18n.Text{De: "mindestens eine Sprache ist Pflicht", En: "at least one language is mandatory"},
	MissingAllLangs: i18n.Text{
		De: "fehlt in jeder Sprache; Pflicht für mindestens eine",
		En: "missing in every language; mandatory for at least one",
	},
	LongLength:        i18n.Text{De: "%d Zeichen; erlaubt sind 150 bis 10000", En: "%d characters; 150 to 10000 allowed"},
	ContractorsNeeded: i18n.Text{De: "Pflicht, wenn maintenance/type contract ist", En: "mandatory when maintenance/type is contract"},
	ContractorsForbidden: i18n.Text{
		De: "nur bei maintenance/type contract erlaubt, hier %q",
		En: "allowed only when maintenance/type is contract, here %q",
	},
	ContactsNeeded: i18n.Text{De: "Pflicht, wenn maintenance/type %q ist", En: "mandatory when maintenance/type is %q"},
}
