package audit

import "gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"

// txt holds every text of the audit in German and English.
var txt = struct {
	RuleDeclarations, BadDeclarations, FixDeclarations                                      i18n.Text
	RuleAnswers, NoRecord, FixNoRecord, BadRecord, FixBadRecord                             i18n.Text
	InvalidAnswers, FixInvalidAnswers                                                       i18n.Text
	RuleRelease, UnknownRelease, FixUnknownRelease, Behind, ComponentChanges                i18n.Text
	FixBehind                                                                               i18n.Text
	RuleComponent, NotGenerated, FixNotGenerated, PathsMissing, FixPathsMissing             i18n.Text
	RuleConfiguration, ConfigDiffers, FixConfigDiffers                                      i18n.Text
	RuleCI, NoCI, CINoEntry, FixCI                                                          i18n.Text
	RulePubliccode, NoPubliccode, FixNoPubliccode, BadPubliccode, FixBadPubliccode          i18n.Text
	RuleLicence, NoLicence, FixNoLicence, ShortLicence, LicenceMismatch, FixLicenceMismatch i18n.Text
	PageStart, PageForm, PageReceipt, PageImpressum, PageDatenschutz, PageBarrierefreiheit  i18n.Text
	NoPage, FixNoPage                                                                       i18n.Text
}{
	RuleDeclarations: i18n.Text{De: "Die Angaben der Datei sind lesbar", En: "the file's declarations are readable"},
	BadDeclarations:  i18n.Text{De: "%s ist ungültig: %v", En: "%s is invalid: %v"},
	FixDeclarations: i18n.Text{
		De: "Nur die Schlüssel components (Komponenten-ID → Liste von Pfaden) und pages (Seiten-ID → Pfad) verwenden",
		En: "use only the keys components (component id → list of paths) and pages (page id → path)",
	},
	RuleAnswers: i18n.Text{De: "Die Antworten, aus denen der Dienst erzeugt wurde, liegen vor und sind gültig", En: "the answers the service was generated from are recorded and valid"},
	NoRecord:    i18n.Text{De: "%s fehlt; ohne die Antworten lässt sich nicht bestimmen, welche Komponenten gelten", En: "%s is missing; without the answers the applicable components cannot be told"},
	FixNoRecord: i18n.Text{
		De: "Die Datei aus dem ersten Commit wiederherstellen, oder für ein selbst gebautes Repository mit ozg-new new --dry-run die Antworten festlegen und .ozg-new.yaml anlegen",
		En: "restore the file from the first commit, or for a hand-made repository settle the answers with ozg-new new --dry-run and write .ozg-new.yaml",
	},
	BadRecord:      i18n.Text{De: "die Datei der Antworten ist nicht lesbar: %s", En: "the answers file cannot be read: %s"},
	FixBadRecord:   i18n.Text{De: "Die Datei nur über ozg-new update --set ändern; die kaputte Fassung aus git wiederherstellen", En: "change the file only through ozg-new update --set; restore the broken version from git"},
	InvalidAnswers: i18n.Text{De: "die Antworten sind ungültig: %s", En: "the answers are invalid: %s"},
	FixInvalidAnswers: i18n.Text{
		De: "Mit ozg-new update --set schlüssel=wert korrigieren",
		En: "correct them with ozg-new update --set key=value",
	},
	RuleRelease:       i18n.Text{De: "Der Dienst folgt dem neuesten Standards-Release", En: "the service follows the newest standards release"},
	UnknownRelease:    i18n.Text{De: "Release %q ist unbekannt (bekannt: %s)", En: "release %q is unknown (known: %s)"},
	FixUnknownRelease: i18n.Text{De: "Eine neuere ozg-new-Version verwenden oder mit ozg-new update --to auf ein bekanntes Release gehen", En: "use a newer ozg-new, or move to a known release with ozg-new update --to"},
	Behind:            i18n.Text{De: "Release %s, das neueste ist %s; seither: %s", En: "release %s, the newest is %s; since then: %s"},
	ComponentChanges:  i18n.Text{De: " Komponenten: %s.", En: " Components: %s."},
	FixBehind: i18n.Text{
		De: "ozg-new update --dry-run zeigt die Änderungen und Migrationshinweise, ozg-new update geht auf %s",
		En: "ozg-new update --dry-run shows the changes and migration notes; ozg-new update moves to %s",
	},
	RuleComponent: i18n.Text{De: "Komponente %s (%s) ist vorhanden", En: "component %s (%s) is present"},
	NotGenerated:  i18n.Text{De: "ozg-new %s erzeugt diese Komponente noch nicht, und das Repository nennt keine eigene Umsetzung", En: "ozg-new %s does not generate this component yet, and the repository names no implementation of its own"},
	FixNotGenerated: i18n.Text{
		De: "Umsetzen nach ozg-new standards show %[1]s und die Pfade der Umsetzung in %[2]s unter components: %[1]s: [...] eintragen, oder auf eine ozg-new-Version aktualisieren, die sie erzeugt",
		En: "implement it following ozg-new standards show %[1]s and list its paths in %[2]s under components: %[1]s: [...], or update to an ozg-new version that generates it",
	},
	PathsMissing: i18n.Text{De: "es fehlen: %s (oder sie enthalten keinen Go-Code)", En: "missing: %s (or they hold no Go code)"},
	FixPathsMissing: i18n.Text{
		De: "Die Dateien aus git wiederherstellen (ozg-new update stellt erzeugte Dateien wieder her) oder die Pfade in %s berichtigen",
		En: "restore the files from git (ozg-new update restores generated files) or correct the paths in %s",
	},
	RuleConfiguration: i18n.Text{De: "Die Datendateien des Dienstes entsprechen den Antworten und dem Release", En: "the service's data files match the answers and the release"},
	ConfigDiffers:     i18n.Text{De: "%s weicht von Antworten und Release %s ab", En: "%s differs from the answers and release %s"},
	FixConfigDiffers: i18n.Text{
		De: "Diese Dateien nicht von Hand ändern: ozg-new update schreibt sie neu, Antworten ändert ozg-new update --set",
		En: "do not edit these files by hand: ozg-new update writes them anew; ozg-new update --set changes answers",
	},
	RuleCI:    i18n.Text{De: "Die CI des Hosts ruft den Prüfbefehl %s auf", En: "the host's CI calls the check entry point %s"},
	NoCI:      i18n.Text{De: "keine CI-Datei gefunden (%s)", En: "no CI file found (%s)"},
	CINoEntry: i18n.Text{De: "%s ruft %s nicht auf", En: "%s does not call %s"},
	FixCI: i18n.Text{
		De: "ozg-new update stellt die erzeugte CI-Datei wieder her; eigene Jobs rufen die Schritte mit go run ./tools/check SCHRITT auf",
		En: "ozg-new update restores the generated CI file; own jobs call the steps with go run ./tools/check STEP",
	},
	RulePubliccode:   i18n.Text{De: "publiccode.yml liegt im Wurzelverzeichnis und entspricht dem Standard (OpenCoDE)", En: "publiccode.yml is in the root and follows the standard (OpenCoDE)"},
	NoPubliccode:     i18n.Text{De: "publiccode.yml fehlt", En: "publiccode.yml is missing"},
	FixNoPubliccode:  i18n.Text{De: "ozg-new update stellt die erzeugte Datei wieder her", En: "ozg-new update restores the generated file"},
	BadPubliccode:    i18n.Text{De: "publiccode.yml ist ungültig: %s", En: "publiccode.yml is invalid: %s"},
	FixBadPubliccode: i18n.Text{De: "Die genannten Schlüssel nach dem Standard (https://yml.publiccode.tools) berichtigen", En: "correct the keys named, following the standard (https://yml.publiccode.tools)"},
	RuleLicence:      i18n.Text{De: "Eine Lizenzdatei liegt vor und passt zu publiccode.yml", En: "a licence file is present and matches publiccode.yml"},
	NoLicence:        i18n.Text{De: "keine Lizenzdatei (LICENSE)", En: "no licence file (LICENSE)"},
	FixNoLicence: i18n.Text{
		De: "Den Text der EUPL-1.2 als LICENSE ablegen (ozg-new update stellt ihn wieder her)",
		En: "put the text of the EUPL-1.2 into LICENSE (ozg-new update restores it)",
	},
	ShortLicence:    i18n.Text{De: "%s enthält keinen Lizenztext", En: "%s holds no licence text"},
	LicenceMismatch: i18n.Text{De: "%s passt nicht zu legal/license %q in publiccode.yml", En: "%s does not match legal/license %q in publiccode.yml"},
	FixLicenceMismatch: i18n.Text{
		De: "legal/license in publiccode.yml auf die Lizenz der Datei setzen",
		En: "set legal/license in publiccode.yml to the licence of the file",
	},
	PageStart:            i18n.Text{De: "Startseite mit Zweck, Kosten und Voraussetzungen", En: "start page with purpose, cost and prerequisites"},
	PageForm:             i18n.Text{De: "Formularseite", En: "form page"},
	PageReceipt:          i18n.Text{De: "Eingangsbestätigung mit Vorgangsnummer", En: "confirmation of receipt with a reference number"},
	PageImpressum:        i18n.Text{De: "Impressum (§ 5 DDG)", En: "legal notice (Impressum, § 5 DDG)"},
	PageDatenschutz:      i18n.Text{De: "Datenschutzerklärung (Art. 13 DSGVO)", En: "privacy notice (Art. 13 GDPR)"},
	PageBarrierefreiheit: i18n.Text{De: "Erklärung zur Barrierefreiheit mit Feedback-Möglichkeit (BITV 2.0)", En: "accessibility statement with a feedback mechanism (BITV 2.0)"},
	NoPage:               i18n.Text{De: "die Seitenvorlage %s fehlt", En: "the page template %s is missing"},
	FixNoPage: i18n.Text{
		De: "Die Seite anlegen, oder wenn sie anderswo liegt, ihren Pfad in %[2]s unter pages: %[1]s: eintragen",
		En: "add the page, or if it lives elsewhere, give its path in %[2]s under pages: %[1]s:",
	},
}
