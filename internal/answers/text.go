package answers

import "gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"

// The messages of this package, each in German and English. The tests
// check that every one of them is complete in both languages.
var (
	msgRead       = i18n.Text{De: "Antwortdatei nicht lesbar", En: "read answers"}
	msgTooBig     = i18n.Text{De: "die Antwortdatei ist größer als %d Byte", En: "answers file is larger than %d bytes"}
	msgSyntax     = i18n.Text{De: "die Antwortdatei ist kein gültiges YAML (%s)", En: "the answers file is not valid YAML (%s)"}
	msgNotMapping = i18n.Text{
		De: "die Antwortdatei muss aus Zeilen „Schlüssel: Wert“ bestehen, z. B. „name: Hundesteuer“ (siehe `ozg-new schema`)",
		En: "the answers file must consist of \"key: value\" lines, e.g. \"name: Hundesteuer\" (see `ozg-new schema`)",
	}
	msgUnknownKey = i18n.Text{
		De: "unbekannter Schlüssel %q; bekannt sind: %s",
		En: "unknown key %q; known keys: %s",
	}
	msgUnknownKeyMeant = i18n.Text{
		De: "unbekannter Schlüssel %q; meinten Sie %q?",
		En: "unknown key %q; did you mean %q?",
	}
	msgWantOne = i18n.Text{
		De: "erwartet wird ein einzelner Wert, keine Liste oder Zuordnung; schreiben Sie z. B. %s: wert",
		En: "expects a single value, not a list or mapping; write e.g. %s: value",
	}
	msgWantList = i18n.Text{
		De: `erwartet wird eine Liste; schreiben Sie den Wert in eckigen Klammern, z. B. %[2]s: ["%[1]s"]`,
		En: `expects a list; write the value in square brackets, e.g. %[2]s: ["%[1]s"]`,
	}
	msgWantItem = i18n.Text{
		De: "jeder Eintrag der Liste ist ein einzelner Wert, keine Liste oder Zuordnung",
		En: "each entry of the list is a single value, not a list or mapping",
	}
	msgSetForm = i18n.Text{De: "--set %q: erwartet wird Schlüssel=Wert", En: "--set %q: want key=value"}
	msgSet     = i18n.Neutral("--set %q")

	msgHeadOne  = i18n.Text{De: "1 Angabe fehlt oder ist ungültig:", En: "1 invalid or missing answer:"}
	msgHeadMany = i18n.Text{De: "%d Angaben fehlen oder sind ungültig:", En: "%d invalid or missing answers:"}
	msgLine     = i18n.Text{De: "Zeile %d", En: "line %d"}

	msgTooMany    = i18n.Text{De: "hat %d Einträge; erlaubt sind höchstens %d", En: "has %d entries; at most %d are allowed"}
	msgMissing    = i18n.Text{De: "fehlt; ", En: "missing; "}
	msgSpaces     = i18n.Text{De: "beginnt oder endet mit Leerzeichen; entfernen Sie sie", En: "has leading or trailing spaces; remove them"}
	msgBadSlug    = i18n.Text{De: "%q ist kein gültiger Slug: erlaubt sind ", En: "%q is not a valid slug: use "}
	msgExample    = i18n.Text{De: " (z. B. %s)", En: " (e.g. %s)"}
	msgBadModule  = i18n.Text{De: "%q ist kein gültiger Go-Modulpfad: %v (z. B. %s)", En: "%q is not a valid Go module path: %v (e.g. %s)"}
	msgBadLeika   = i18n.Text{De: "%q ist kein gültiger LeiKa-Schlüssel: Er hat ", En: "%q is not a LeiKa key: it has "}
	msgBadEnum    = i18n.Text{De: "%q ist nicht zulässig; möglich sind %s", En: "%q is not valid; choose one of %s"}
	msgNotOffered = i18n.Text{De: "%q wird nicht angeboten; möglich sind %s", En: "%q is not offered; choose from %s"}
	msgTwice      = i18n.Text{De: "%q steht doppelt in der Liste; streichen Sie einen", En: "%q is listed twice; remove one"}
	msgNeedDE     = i18n.Text{
		De: "muss de enthalten: Deutsch ist die Amtssprache des Verwaltungsverfahrens (§ 23 VwVfG)",
		En: "must include de: German is the language of the administrative procedure (§ 23 VwVfG)",
	}
	msgRelease = i18n.Text{
		De: "Release %q steht nicht im Katalog; bekannte Releases: %s",
		En: "release %q is not in the catalog; known releases: %s",
	}
	msgNoRegion = i18n.Text{
		De: "Regionalschlüssel %q steht nicht im Gemeindeverzeichnis von Destatis",
		En: "regional key %q is not in the Destatis directory",
	}
	msgNotARS = i18n.Text{De: "%q passt nicht; erwartet wird ", En: "%q is not valid; expected "}
	msgBund   = i18n.Text{
		De: `"bund" umfasst ganz Deutschland und steht allein, ohne Länder oder Gemeinden`,
		En: `"bund" covers all of Germany; list it alone, without Länder or Gemeinden`,
	}
	msgFindKeys = i18n.Text{
		De: ". Schlüssel finden Sie mit `ozg-new jurisdictions search NAME`.",
		En: "; find keys with `ozg-new jurisdictions search NAME`",
	}
	msgMeant   = i18n.Text{De: ". Meinten Sie %s?", En: "; did you mean %s?"}
	msgOr      = i18n.Text{De: " oder ", En: " or "}
	msgUTF8    = i18n.Text{De: "ist kein gültiges UTF-8", En: "is not valid UTF-8"}
	msgLongCh  = i18n.Text{De: "ist %d Zeichen lang; erlaubt sind höchstens %d", En: "is %d characters long; at most %d are allowed"}
	msgLongB   = i18n.Text{De: "ist %d Byte lang; erlaubt sind höchstens %d", En: "is %d bytes long; at most %d are allowed"}
	msgTmpl    = i18n.Text{De: "enthält Vorlagensyntax ({{ oder }}), die nie ausgewertet wird", En: "contains template syntax ({{ or }}), which is never rendered"}
	msgControl = i18n.Text{De: "enthält das Steuerzeichen %U", En: "contains the control character %U"}
	msgBadFee  = i18n.Text{De: "%q ist kein gültiger Betrag: erwartet wird ", En: "%q is not a valid amount: write "}

	msgModuleHost = i18n.Text{
		De: "das Modul %q liegt auf GitHub, das Code-Hosting ist aber %q: die CI-Dateien passen dann nicht zum Ort des Repositorys; wählen Sie host: github oder einen Modulpfad auf Ihrem Host",
		En: "module %q lives on GitHub but the code host is %q: the CI files would not match where the repository lives; choose host: github or a module path on your host",
	}
)

// messages lists every message of the package for the completeness test.
func messages() []i18n.Text {
	ts := []i18n.Text{
		msgRead, msgTooBig, msgSyntax, msgNotMapping, msgUnknownKey, msgUnknownKeyMeant, msgWantOne,
		msgWantList, msgWantItem, msgSetForm, msgHeadOne, msgHeadMany, msgLine, msgTooMany,
		msgMissing, msgSpaces, msgBadSlug, msgExample, msgBadModule, msgBadLeika, msgBadEnum, msgNotOffered,
		msgTwice, msgNeedDE, msgRelease, msgNoRegion, msgNotARS, msgBund, msgFindKeys, msgMeant, msgOr,
		msgUTF8, msgLongCh, msgLongB, msgTmpl, msgControl, msgBadFee, msgModuleHost,
		ruleSlug, ruleLeika, ruleARS, ruleFee,
	}
	for _, f := range fields {
		ts = append(ts, f.Help)
		for _, v := range f.Values {
			ts = append(ts, v.Label)
		}
	}
	return ts
}
