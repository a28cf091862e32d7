package answers

import "gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"

// msg holds the messages of this package, each in German and English;
// TestMessagesComplete checks them with i18n.Incomplete.
var msg = struct {
	Read, TooBig, Syntax, NotMapping, UnknownKey, UnknownKeyMeant, WantOne,
	WantList, WantItem, SetForm, Set, HeadOne, HeadMany, Line, TooMany, Missing,
	Spaces, BadSlug, Example, BadModule, BadLeika, BadEnum, NotOffered, Twice,
	NeedDE, Release, NoRegion, NotARS, Bund, FindKeys, Meant, Or, UTF8, LongCh,
	LongB, Tmpl, Control, BadFee, ModuleHost i18n.Text
}{
	Read:   i18n.Text{De: "Antwortdatei nicht lesbar", En: "read answers"},
	TooBig: i18n.Text{De: "die Antwortdatei ist größer als %d Byte", En: "answers file is larger than %d bytes"},
	Syntax: i18n.Text{De: "die Antwortdatei ist kein gültiges YAML (%s)", En: "the answers file is not valid YAML (%s)"},
	NotMapping: i18n.Text{
		De: "die Antwortdatei muss aus Zeilen „Schlüssel: Wert“ bestehen, z. B. „name: Hundesteuer“ (siehe `ozg-new schema`)",
		En: "the answers file must consist of \"key: value\" lines, e.g. \"name: Hundesteuer\" (see `ozg-new schema`)",
	},
	UnknownKey: i18n.Text{
		De: "unbekannter Schlüssel %q; bekannt sind: %s",
		En: "unknown key %q; known keys: %s",
	},
	UnknownKeyMeant: i18n.Text{
		De: "unbekannter Schlüssel %q; meinten Sie %q?",
		En: "unknown key %q; did you mean %q?",
	},
	WantOne: i18n.Text{
		De: "erwartet wird ein einzelner Wert, keine Liste oder Zuordnung; schreiben Sie z. B. %s: wert",
		En: "expects a single value, not a list or mapping; write e.g. %s: value",
	},
	WantList: i18n.Text{
		De: `erwartet wird eine Liste; schreiben Sie den Wert in eckigen Klammern, z. B. %[2]s: ["%[1]s"]`,
		En: `expects a list; write the value in square brackets, e.g. %[2]s: ["%[1]s"]`,
	},
	WantItem: i18n.Text{
		De: "jeder Eintrag der Liste ist ein einzelner Wert, keine Liste oder Zuordnung",
		En: "each entry of the list is a single value, not a list or mapping",
	},
	SetForm:    i18n.Text{De: "--set %q: erwartet wird Schlüssel=Wert", En: "--set %q: want key=value"},
	Set:        i18n.Neutral("--set %q"),
	HeadOne:    i18n.Text{De: "1 Angabe fehlt oder ist ungültig:", En: "1 invalid or missing answer:"},
	HeadMany:   i18n.Text{De: "%d Angaben fehlen oder sind ungültig:", En: "%d invalid or missing answers:"},
	Line:       i18n.Text{De: "Zeile %d", En: "line %d"},
	TooMany:    i18n.Text{De: "hat %d Einträge; erlaubt sind höchstens %d", En: "has %d entries; at most %d are allowed"},
	Missing:    i18n.Text{De: "fehlt; ", En: "missing; "},
	Spaces:     i18n.Text{De: "beginnt oder endet mit Leerzeichen; entfernen Sie sie", En: "has leading or trailing spaces; remove them"},
	BadSlug:    i18n.Text{De: "%q ist kein gültiger Slug: erlaubt sind ", En: "%q is not a valid slug: use "},
	Example:    i18n.Text{De: " (z. B. %s)", En: " (e.g. %s)"},
	BadModule:  i18n.Text{De: "%q ist kein gültiger Go-Modulpfad: %v (z. B. %s)", En: "%q is not a valid Go module path: %v (e.g. %s)"},
	BadLeika:   i18n.Text{De: "%q ist kein gültiger LeiKa-Schlüssel: Er hat ", En: "%q is not a LeiKa key: it has "},
	BadEnum:    i18n.Text{De: "%q ist nicht zulässig; möglich sind %s", En: "%q is not valid; choose one of %s"},
	NotOffered: i18n.Text{De: "%q wird nicht angeboten; möglich sind %s", En: "%q is not offered; choose from %s"},
	Twice:      i18n.Text{De: "%q steht doppelt in der Liste; streichen Sie einen", En: "%q is listed twice; remove one"},
	NeedDE: i18n.Text{
		De: "muss de enthalten: Deutsch ist die Amtssprache des Verwaltungsverfahrens (§ 23 VwVfG)",
		En: "must include de: German is the language of the administrative procedure (§ 23 VwVfG)",
	},
	Release: i18n.Text{
		De: "Release %q steht nicht im Katalog; bekannte Releases: %s",
		En: "release %q is not in the catalog; known releases: %s",
	},
	NoRegion: i18n.Text{
		De: "Regionalschlüssel %q steht nicht im Gemeindeverzeichnis von Destatis",
		En: "regional key %q is not in the Destatis directory",
	},
	NotARS: i18n.Text{De: "%q passt nicht; erwartet wird ", En: "%q is not valid; expected "},
	Bund: i18n.Text{
		De: `"bund" umfasst ganz Deutschland und steht allein, ohne Länder oder Gemeinden`,
		En: `"bund" covers all of Germany; list it alone, without Länder or Gemeinden`,
	},
	FindKeys: i18n.Text{
		De: ". Schlüssel finden Sie mit `ozg-new jurisdictions search NAME`.",
		En: "; find keys with `ozg-new jurisdictions search NAME`",
	},
	Meant:   i18n.Text{De: ". Meinten Sie %s?", En: "; did you mean %s?"},
	Or:      i18n.Text{De: " oder ", En: " or "},
	UTF8:    i18n.Text{De: "ist kein gültiges UTF-8", En: "is not valid UTF-8"},
	LongCh:  i18n.Text{De: "ist %d Zeichen lang; erlaubt sind höchstens %d", En: "is %d characters long; at most %d are allowed"},
	LongB:   i18n.Text{De: "ist %d Byte lang; erlaubt sind höchstens %d", En: "is %d bytes long; at most %d are allowed"},
	Tmpl:    i18n.Text{De: "enthält Vorlagensyntax ({{ oder }}), die nie ausgewertet wird", En: "contains template syntax ({{ or }}), which is never rendered"},
	Control: i18n.Text{De: "enthält das Steuerzeichen %U", En: "contains the control character %U"},
	BadFee:  i18n.Text{De: "%q ist kein gültiger Betrag: erwartet wird ", En: "%q is not a valid amount: write "},
	ModuleHost: i18n.Text{
		De: "das Modul %q liegt auf GitHub, das Code-Hosting ist aber %q: die CI-Dateien passen dann nicht zum Ort des Repositorys; wählen Sie host: github oder einen Modulpfad auf Ihrem Host",
		En: "module %q lives on GitHub but the code host is %q: the CI files would not match where the repository lives; choose host: github or a module path on your host",
	},
}

// messages lists the rules, help texts and value labels, which live
// with the field table, for the completeness test.
func messages() []i18n.Text {
	ts := []i18n.Text{ruleSlug, ruleLeika, ruleARS, ruleFee}
	for _, f := range fields {
		ts = append(ts, f.Help)
		for _, v := range f.Values {
			ts = append(ts, v.Label)
		}
	}
	return ts
}
