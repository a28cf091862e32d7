package cli

import "gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"

// txt holds every text the commands print, each in German and English:
// help texts, messages and errors. One struct rather than a map makes each
// a typed field, built once, and lets the tests find a field that lacks a
// language (TestTextsComplete).
var txt = struct {
	// Help texts of the commands and their flags.
	RootShort, RootLong                                                 i18n.Text
	FlagLang, FlagHelp, FlagVersion                                     i18n.Text
	HelpShort, HelpLong, HelpUnknown                                    i18n.Text
	CompletionShort, CompletionLong, CompletionShellShort               i18n.Text
	CompletionShellLong, CompletionNoDesc                               i18n.Text
	NewShort, NewLong, FlagAnswers, FlagSet, FlagNoInput, FlagDryRun    i18n.Text
	FlagForce, FlagNoGit, FlagAccessible, FlagListHint                  i18n.Text
	UpdateShort, UpdateLong, DiffShort, DiffLong, FlagTo, FlagUpdateSet i18n.Text
	FlagUpdateDryRun, FlagUpdateForce, FlagVerbose                      i18n.Text
	DemoShort, DemoLong, FlagDemoDir, FlagDemoAddr, FlagDemoSmoke       i18n.Text
	StandardsShort, FlagRelease                                         i18n.Text
	JurisdictionsShort, SearchShort, FlagLimit                          i18n.Text
	SchemaShort, VersionShort, PrefetchShort, PrefetchLong              i18n.Text
	CheckShort, CheckLong, FlagFormat                                   i18n.Text

	// Usage template headings (cobra's are English only).
	Usage, Aliases, Examples, Commands, Flags, GlobalFlags, MoreHelp i18n.Text
	CommandArg, FlagsArg                                             i18n.Text
	ValueName, ValueFile, ValueKeyValue, ValueDir, ValueAddr         i18n.Text
	ValueNumber, FlagDefault                                         i18n.Text

	// Errors of input.
	BadLang, UnknownCommand, DidYouMean, TooManyArgs, FlagError i18n.Text
	SearchNeedsText, Limit, NothingFound, UnknownRelease        i18n.Text
	ShowUsage, StandardsArgs, NoComponent, NoExample, BadAddr   i18n.Text
	AnswersFile, NotFound, NoTTY, AbortedCommand                i18n.Text
	NotEmpty                                                    i18n.Text

	// Output of new.
	Created, Files, Standards, Next, Again, DryRun, Warning i18n.Text
	ComponentsDone, ComponentsMissing, None                 i18n.Text

	// Output of standards.
	StandardsRelease, AppliesTo, All, Spec, NotesLabel, Yes, No i18n.Text
	StandardsHeader, RegionsHeader                              i18n.Text

	// Output of demo and prefetch.
	DemoBuild, DemoReady, DemoStop, DemoAddrBusy, Prefetched, VersionOut    i18n.Text
	DemoReadExample, DemoExample, DemoTempDir, DemoBuildFailed, DemoFailed  i18n.Text
	DemoStopped, DemoStart, DemoExitedEarly, DemoNotListening, DemoNotReady i18n.Text
	DemoLogin, DemoLoggedIn, DemoLoginFailed                                i18n.Text

	// Output of update.
	UpdateOf, UpdateDryRun, UpdateAnswers, UpdateNoBase, UpdateNoBaseEmpty   i18n.Text
	UpdateBases, UpdateBasesOthers, UpdateUpToDate, UpdateFrom, UpdateBlocks i18n.Text
	UpdateBinary, UpdateNoChange, UpdateRest, UpdateNotes, UpdateCommitted   i18n.Text
	UpdateResolve, UpdateUnresolved                                          i18n.Text

	// Output of check.
	CheckOf, CheckNewest, CheckProblem, CheckFix, CheckSummary, CheckFailed i18n.Text
	BadFormat, CheckNoDir                                                   i18n.Text
}{
	RootShort: i18n.Text{
		De: "OZG-Onlinedienste erzeugen, die die EfA-Standards sprechen",
		En: "Generate OZG online services that speak the EfA standards",
	},
	RootLong: i18n.Text{
		De: `ozg-new erzeugt ein Go-Repository für einen OZG-Onlinedienst („Einer für Alle“):
ein Formular mit Anmeldung (BundID / Mein Unternehmenskonto, SAML), das über
FIT-Connect übermittelt (Einreichung und Routing), mit lokalen Simulatoren,
publiccode.yml, CI-Prüfungen und Dateien für den Betrieb. Zentrales
Bürgerpostfach, Bezahlen über XBezahldienste, Feedback und die Erklärung zur
Barrierefreiheit stehen im Standards-Katalog („ozg-new standards“), werden aber
noch nicht erzeugt; „ozg-new new“ nennt beides.

Beginnen Sie mit "ozg-new demo", um einen erzeugten Dienst laufen zu sehen, oder
mit "ozg-new new", um den Assistenten zu beantworten.`,
		En: `ozg-new generates a Go repository for an OZG online service ("Einer für Alle"):
a form with login (BundID / Mein Unternehmenskonto, SAML) that delivers through
FIT-Connect (submission and routing) with local simulators, publiccode.yml, CI
checks and deployment files. Zentrales Bürgerpostfach, XBezahldienste payment,
feedback and the accessibility statement are in the standards catalog
("ozg-new standards") but not generated yet; "ozg-new new" lists both.

Start with "ozg-new demo" to see a generated service running, or "ozg-new new"
to answer the wizard.`,
	},
	FlagLang: i18n.Text{
		De: "Sprache der Ausgaben und des Assistenten: de oder en (ohne Angabe aus LC_ALL, LC_MESSAGES oder LANG, sonst de)",
		En: "language of messages and the wizard: de or en (default from LC_ALL, LC_MESSAGES or LANG, else de)",
	},
	FlagHelp:    i18n.Text{De: "Hilfe zu %s", En: "help for %s"},
	FlagVersion: i18n.Text{De: "Version von %s", En: "version for %s"},
	HelpShort:   i18n.Text{De: "Hilfe zu einem Befehl", En: "Help about any command"},
	HelpLong: i18n.Text{
		De: "Zeigt die Hilfe zu einem Befehl, z. B. „ozg-new help new“.",
		En: "Shows the help of any command, e.g. \"ozg-new help new\".",
	},
	HelpUnknown:     i18n.Text{De: "Kein Hilfethema %q", En: "Unknown help topic %q"},
	CompletionShort: i18n.Text{De: "Skript zur Vervollständigung in der Shell erzeugen", En: "Generate the autocompletion script for the specified shell"},
	CompletionLong: i18n.Text{
		De: "Erzeugt das Skript, mit dem die Shell Befehle und Optionen von ozg-new vervollständigt.\nDie Hilfe jedes Unterbefehls sagt, wie man es einbindet.",
		En: "Generate the autocompletion script for ozg-new for the specified shell.\nSee each sub-command's help for details on how to use the generated script.",
	},
	CompletionShellShort: i18n.Text{De: "Skript zur Vervollständigung für %s erzeugen", En: "Generate the autocompletion script for %s"},
	CompletionShellLong: i18n.Text{
		De: "Erzeugt das Skript zur Vervollständigung für %[1]s. Für die laufende Sitzung:\n\n  source <(ozg-new completion %[1]s)\n\nFür jede neue Sitzung schreiben Sie die Ausgabe in die Startdatei Ihrer Shell.\n",
		En: "Generate the autocompletion script for %[1]s. For the current session:\n\n  source <(ozg-new completion %[1]s)\n\nFor every new session, write the output to your shell's startup file.\n",
	},
	CompletionNoDesc: i18n.Text{De: "Vervollständigung ohne Beschreibungen", En: "disable completion descriptions"},

	NewShort: i18n.Text{De: "Ein neues Dienst-Repository erzeugen", En: "Generate a new service repository"},
	NewLong: i18n.Text{
		De: `Erzeugt ein neues Dienst-Repository in DIR (ohne Angabe: ./<slug>).

Die Antworten kommen aus --answers DATEI, dann aus den Antwort-Optionen, dann aus
--set schlüssel=wert, und der Assistent fragt nach allem, was noch fehlt. Mit
--no-input, oder wenn die Standardeingabe kein Terminal ist, wird nichts gefragt:
Jede fehlende oder ungültige Antwort wird aufgelistet, der Exit-Status ist 2.`,
		En: `Generate a new service repository in DIR (default: ./<slug>).

Answers come from --answers FILE, then the answer flags, then --set key=value,
and the wizard asks for whatever is still missing. With --no-input, or when
standard input is not a terminal, nothing is asked: every missing or invalid
answer is listed and the exit status is 2.`,
	},
	FlagAnswers:    i18n.Text{De: "Antworten aus dieser YAML-Datei lesen (siehe ozg-new schema)", En: "read answers from this YAML file (see ozg-new schema)"},
	FlagSet:        i18n.Text{De: "eine Antwort setzen, schlüssel=wert (wiederholbar; gilt vor Datei und Optionen)", En: "set one answer, key=value (repeatable; overrides file and flags)"},
	FlagNoInput:    i18n.Text{De: "nie nachfragen; jede fehlende oder ungültige Antwort auflisten und abbrechen", En: "never prompt; fail listing every missing or invalid answer"},
	FlagDryRun:     i18n.Text{De: "die Dateien, die geschrieben würden, mit Größe ausgeben; nichts schreiben", En: "print the files that would be written, with sizes; write nothing"},
	FlagForce:      i18n.Text{De: "in ein nicht leeres DIR schreiben (gleichnamige Dateien werden überschrieben)", En: "write into a non-empty DIR (existing files with the same names are overwritten)"},
	FlagNoGit:      i18n.Text{De: "kein Git-Repository anlegen (für Aktualisierungen muss dann eines von Hand angelegt werden)", En: "do not create a git repository (the update then needs one made by hand)"},
	FlagAccessible: i18n.Text{De: "Fragen als einfache Zeilen, geeignet für Screenreader (auch wenn ACCESSIBLE gesetzt ist)", En: "screen-reader friendly prompts (also when ACCESSIBLE is set)"},
	FlagListHint:   i18n.Text{De: " Mehrere Werte durch Kommas getrennt.", En: " Comma-separated."},

	UpdateShort: i18n.Text{De: "Einen Dienst mit neueren Standards neu erzeugen und die Änderungen des Teams behalten", En: "Regenerate a service with newer standards, keeping the team's edits"},
	UpdateLong: i18n.Text{
		De: `Erzeugt den Dienst in DIR (ohne Angabe: das aktuelle Verzeichnis) neu, mit dem neuesten
Standards-Release (oder --to RELEASE) und dieser Version von ozg-new, mit den
gespeicherten Antworten, soweit --set sie nicht ändert, und führt das Ergebnis im
Repository zusammen: Dateien, die das Team nicht geändert hat, erhalten die neue
Fassung; Dateien, die der Generator nicht geändert hat, behalten die des Teams;
Dateien, die beide geändert haben, werden zeilenweise zusammengeführt. Konflikte
erhalten Markierungen und erscheinen in git status; lösen Sie sie und führen Sie
git commit aus. Es folgen die Migrationshinweise jedes übersprungenen Releases.

Das Arbeitsverzeichnis muss sauber sein. Es laufen keine Hooks.`,
		En: `Regenerate the service in DIR (default: the current directory) with the newest
standards release (or --to RELEASE) and this version of ozg-new, keeping the
recorded answers unless --set overrides them, and merge the result into the
repository: files the team did not touch take the new version, files the
generator did not change keep the team's, and files both changed are merged
line by line. Conflicts get markers and show in git status; resolve them and
run git commit. The migration notes of every standards release crossed follow.

The working tree must be clean. Nothing runs hooks.`,
	},
	DiffShort: i18n.Text{De: "Als Unified Diff zeigen, was eine Aktualisierung ändern würde", En: "Show what an update would change, as a unified diff"},
	DiffLong: i18n.Text{
		De: "Gibt den Unified Diff vom Arbeitsverzeichnis zu dem aus, was \"ozg-new update\"\nschreiben würde, Konflikte mit ihren Markierungen. Es wird nichts geschrieben.",
		En: "Print the unified diff from the working tree to what \"ozg-new update\" would\nwrite, conflicts shown with their markers. Nothing is written.",
	},
	FlagTo:           i18n.Text{De: "Standards-Release, auf das aktualisiert wird (ohne Angabe: das neueste; siehe ozg-new standards)", En: "standards release to update to (default: the newest; see ozg-new standards)"},
	FlagUpdateSet:    i18n.Text{De: "eine Antwort ändern, schlüssel=wert (wiederholbar), z. B. --set slug=neuer-name", En: "change one answer, key=value (repeatable), e.g. --set slug=new-name"},
	FlagUpdateDryRun: i18n.Text{De: "ausgeben, was sich ändern würde, mit Unified Diff; nichts schreiben", En: "print what would change and the unified diff; write nothing"},
	FlagUpdateForce:  i18n.Text{De: "auch auf ein älteres Standards-Release oder ein älteres ozg-new wechseln", En: "allow moving to an older standards release or an older ozg-new"},
	FlagVerbose:      i18n.Text{De: "jede Datei auflisten, auch die, die unverändert bleiben", En: "list every file, also those the update leaves as they are"},

	DemoShort: i18n.Text{De: "Einen Beispieldienst erzeugen und mit eingebauten Voreinstellungen starten", En: "Generate an example service and run it on embedded defaults"},
	DemoLong: i18n.Text{
		De: "Erzeugt eines der Beispiele (ohne Angabe: bewohnerparken) in einem temporären Verzeichnis,\nbaut und startet es mit seinen eingebauten Simulatoren und gibt seine Adresse aus.\n\nBeispiele: %s",
		En: "Generate one of the examples (default: bewohnerparken) into a temporary directory,\nbuild it and start it with its built-in simulators, and print its URL.\n\nExamples: %s",
	},
	FlagDemoDir:   i18n.Text{De: "in dieses Verzeichnis erzeugen und es behalten (ohne Angabe: ein temporäres Verzeichnis, das am Ende gelöscht wird)", En: "generate into this directory and keep it (default: a temporary directory, removed on exit)"},
	FlagDemoAddr:  i18n.Text{De: "Adresse, auf der der Dienst lauscht", En: "address the service listens on"},
	FlagDemoSmoke: i18n.Text{De: "beenden, sobald der Dienst seine Bereitschaftsprüfung besteht", En: "stop as soon as the service answers its readiness check"},

	StandardsShort:     i18n.Text{De: "Den Standardkatalog auflisten oder eine Komponente mit ihrem Leitfaden zeigen", En: "List the standards catalog or show one component with its Leitfaden text"},
	FlagRelease:        i18n.Text{De: "Release des Katalogs (ohne Angabe: das neueste)", En: "catalog release (default: the newest)"},
	JurisdictionsShort: i18n.Text{De: "Regionalschlüssel (ARS) im Gemeindeverzeichnis von Destatis nachschlagen", En: "Look up regional keys (ARS) in the Destatis Gemeindeverzeichnis"},
	SearchShort:        i18n.Text{De: "Länder, Kreise und Gemeinden nach Name, Postleitzahl, ARS oder AGS finden", En: "Find Länder, Kreise and Gemeinden by name, postcode, ARS or AGS"},
	FlagLimit:          i18n.Text{De: "höchstens so viele Treffer", En: "at most this many results"},
	SchemaShort:        i18n.Text{De: "Das JSON-Schema der Antwortdatei ausgeben", En: "Print the JSON Schema of the answers file"},
	VersionShort:       i18n.Text{De: "Die Version von ozg-new und seiner Daten ausgeben", En: "Print the version of ozg-new and of its data"},
	PrefetchShort:      i18n.Text{De: "Die Go-Module erzeugter Dienste für die Arbeit ohne Netz laden", En: "Download the Go modules generated services need, for offline work"},
	PrefetchLong: i18n.Text{
		De: `Lädt jedes Modul, mit dem ein erzeugter Dienst gebaut wird, in den Go-Modul-Cache,
damit Erzeugen, Bauen und Testen danach ohne Netz gelingen (ein
Digitalisierungslabor ohne Internet, ein CI-Job hinter einem Proxy, die Tests von
ozg-new selbst).`,
		En: `Download into the Go module cache every module a generated service builds
with, so that generating, building and testing services works offline
afterwards (a Digitalisierungslabor without internet, a CI job behind a proxy,
the tests of ozg-new itself).`,
	},

	Usage:       i18n.Text{De: "Aufruf:", En: "Usage:"},
	Aliases:     i18n.Text{De: "Andere Namen:", En: "Aliases:"},
	Examples:    i18n.Text{De: "Beispiele:", En: "Examples:"},
	Commands:    i18n.Text{De: "Befehle:", En: "Available Commands:"},
	Flags:       i18n.Text{De: "Optionen:", En: "Flags:"},
	GlobalFlags: i18n.Text{De: "Optionen für alle Befehle:", En: "Global Flags:"},
	MoreHelp:    i18n.Text{De: "Mehr zu einem Befehl: \"{{.CommandPath}} [Befehl] --help\".", En: "Use \"{{.CommandPath}} [command] --help\" for more information about a command."},
	CommandArg:  i18n.Text{De: "[Befehl]", En: "[command]"},
	FlagsArg:    i18n.Text{De: "[Optionen]", En: "[flags]"},

	ValueName:     i18n.Text{De: "WERT", En: "VALUE"},
	ValueFile:     i18n.Text{De: "DATEI", En: "FILE"},
	ValueKeyValue: i18n.Text{De: "NAME=WERT", En: "KEY=VALUE"},
	ValueDir:      i18n.Text{De: "VERZEICHNIS", En: "DIR"},
	ValueAddr:     i18n.Text{De: "ADRESSE", En: "ADDR"},
	ValueNumber:   i18n.Text{De: "ANZAHL", En: "N"},
	FlagDefault:   i18n.Text{De: " (Vorgabe: %s)", En: " (default %s)"},

	BadLang:         i18n.Text{De: "--lang %q: wählen Sie de oder en", En: "--lang %q: choose de or en"},
	UnknownCommand:  i18n.Text{De: "unbekannter Befehl %q; die Befehle zeigt `ozg-new --help`", En: "unknown command %q; see `ozg-new --help` for the commands"},
	DidYouMean:      i18n.Text{De: "unbekannter Befehl %q; meinten Sie %q?", En: "unknown command %q; did you mean %q?"},
	TooManyArgs:     i18n.Text{De: "%s nimmt höchstens %d Argument(e), erhalten: %d; siehe `%s --help`", En: "%s accepts at most %d argument(s), received %d; see `%s --help`"},
	FlagError:       i18n.Text{De: "ungültige Option (%s); die Optionen zeigt `%s --help`", En: "invalid flag (%s); see `%s --help` for the flags"},
	SearchNeedsText: i18n.Text{De: "search braucht einen Suchtext: einen Namen, eine Postleitzahl, einen ARS oder einen AGS", En: "search needs a text: a name, a postcode, an ARS or an AGS"},
	Limit:           i18n.Text{De: "--limit %d: wählen Sie 1 bis 1000", En: "--limit %d: choose 1 to 1000"},
	NothingFound:    i18n.Text{De: "nichts gefunden für %q; versuchen Sie einen kürzeren Namen, eine Postleitzahl oder den Anfang eines Schlüssels", En: "nothing found for %q; try a shorter name, a postcode or a key prefix"},
	UnknownRelease:  i18n.Text{De: "--release %q steht nicht im Katalog; bekannte Releases: %s", En: "--release %q is not in the catalog; known releases: %s"},
	ShowUsage:       i18n.Text{De: "Aufruf: ozg-new standards show ID (die IDs zeigt `ozg-new standards list`)", En: "usage: ozg-new standards show ID (see `ozg-new standards list` for the ids)"},
	StandardsArgs:   i18n.Text{De: "unbekannte Argumente %q; nutzen Sie `ozg-new standards list` oder `ozg-new standards show ID`", En: "unknown arguments %q; use `ozg-new standards list` or `ozg-new standards show ID`"},
	NoComponent:     i18n.Text{De: "keine Komponente %q in Release %s; bekannt sind: %s", En: "no component %q in release %s; known: %s"},
	NoExample:       i18n.Text{De: "kein Beispiel %q; wählen Sie eines von %s", En: "no example %q; choose one of %s"},
	BadAddr:         i18n.Text{De: "--addr %q: %v (z. B. 127.0.0.1:8080)", En: "--addr %q: %v (e.g. 127.0.0.1:8080)"},
	AnswersFile:     i18n.Text{De: "Antwortdatei %s", En: "answers file %s"},
	NotFound:        i18n.Text{De: "die Antwortdatei %s gibt es nicht; prüfen Sie den Pfad", En: "answers file %s does not exist; check the path"},
	NoTTY: i18n.Text{
		De: "Die Standardeingabe ist kein Terminal, daher wurde nichts gefragt; geben Sie die Antworten als Optionen oder mit --answers an.",
		En: "standard input is not a terminal, so nothing was asked; give the answers as flags or with --answers",
	},
	NotEmpty: i18n.Text{
		De: "%s gibt es schon und ist nicht leer: wählen Sie ein leeres Verzeichnis, oder schreiben Sie mit --force hinein",
		En: "%s exists and is not empty: use --force to write into it anyway, or pick an empty directory",
	},
	AbortedCommand: i18n.Text{De: "Ihre Angaben bisher, als Befehl zum Weitermachen:", En: "Your answers so far, as a command to carry on:"},

	Created:        i18n.Text{De: "Erstellt:", En: "Created"},
	Files:          i18n.Text{De: "Dateien", En: "files"},
	Standards:      i18n.Text{De: "Standards", En: "standards"},
	ComponentsDone: i18n.Text{De: "Umgesetzt", En: "Implemented"},
	ComponentsMissing: i18n.Text{
		De: "Laut Standards-Katalog vorgesehen, noch nicht umgesetzt",
		En: "In the standards catalog for this service, not implemented yet",
	},
	None:    i18n.Text{De: "keine", En: "none"},
	Next:    i18n.Text{De: "Nächste Schritte:", En: "Next steps:"},
	Again:   i18n.Text{De: "Dieselben Antworten ohne Rückfragen:", En: "The same answers without questions:"},
	DryRun:  i18n.Text{De: "Probelauf, nichts geschrieben; Dateien für", En: "Dry run, nothing written; files for"},
	Warning: i18n.Text{De: "Hinweis", En: "warning"},

	StandardsRelease: i18n.Text{De: "Release %s, Version %s, %s", En: "release %s, version %s, %s"},
	AppliesTo:        i18n.Text{De: "gilt für: Arten %s; Zielgruppen %s; nur mit Gebühr: %s", En: "applies to: types %s; audiences %s; fee required: %s"},
	All:              i18n.Text{De: "alle", En: "all"},
	StandardsHeader:  i18n.Text{De: "ID\tSTUFE\tVERSION\tNAME", En: "ID\tLEVEL\tVERSION\tNAME"},
	RegionsHeader:    i18n.Text{De: "ARS\tEBENE\tNAME", En: "ARS\tLEVEL\tNAME"},
	Yes:              i18n.Text{De: "ja", En: "yes"},
	No:               i18n.Text{De: "nein", En: "no"},
	Spec:             i18n.Text{De: "Spezifikation", En: "spec"},
	NotesLabel:       i18n.Text{De: "Anmerkungen", En: "notes"},

	VersionOut: i18n.Text{
		De: "ozg-new %s\nStandards %s (das neueste von %s)\nGemeindeverzeichnis, Gebietsstand %s",
		En: "ozg-new %s\nstandards %s (newest of %s)\njurisdictions %s",
	},
	DemoBuild: i18n.Text{De: "Baue und starte den Dienst (beim ersten Mal lädt Go die Module) …", En: "Building and starting the service (the first time, Go downloads its modules) …"},
	DemoReady: i18n.Text{De: "Der Dienst läuft unter", En: "The service is running at"},
	DemoStop:  i18n.Text{De: "Beenden mit Strg+C. Quelltext:", En: "Stop with Ctrl+C. Source:"},
	DemoAddrBusy: i18n.Text{
		De: "Die Adresse %s ist schon belegt (läuft dort ein anderer Dienst oder eine frühere Demo?); wählen Sie eine andere mit --addr%s",
		En: "address %s is already in use (by another service, or an earlier demo?); choose another with --addr%s",
	},
	Prefetched:       i18n.Text{De: "Die Module erzeugter Dienste liegen im Modul-Cache.", En: "modules of generated services are in the module cache"},
	DemoReadExample:  i18n.Text{De: "Beispiel %s lesen", En: "read example %s"},
	DemoExample:      i18n.Text{De: "Beispiel %s", En: "example %s"},
	DemoTempDir:      i18n.Text{De: "Demo: temporäres Verzeichnis anlegen", En: "demo: make a temporary directory"},
	DemoBuildFailed:  i18n.Text{De: "den Demo-Dienst in %s bauen", En: "build the demo service in %s"},
	DemoFailed:       i18n.Text{De: "Demo-Dienst %s", En: "demo service %s"},
	DemoStopped:      i18n.Text{De: "der Demo-Dienst hat sich beendet", En: "demo service stopped"},
	DemoStart:        i18n.Text{De: "starten", En: "start"},
	DemoExitedEarly:  i18n.Text{De: "beendet, bevor er bereit war", En: "exited before it was ready"},
	DemoNotListening: i18n.Text{De: "hat nicht rechtzeitig zu lauschen begonnen", En: "did not start listening in time"},
	DemoNotReady:     i18n.Text{De: "unter %s nicht rechtzeitig bereit", En: "not ready in time at %s"},
	DemoLogin: i18n.Text{
		De: "Anmeldung: Der simulierte %s-Login listet Testpersonen und Vertrauensniveaus; „Mit %[1]s anmelden“ auf der Startseite oder",
		En: "Login: the simulated %s login lists test citizens and trust levels; \"Log in with %[1]s\" on the start page or",
	},
	DemoLoggedIn:    i18n.Text{De: "Anmeldung über den Simulator geprüft: %s, Vertrauensniveau %s", En: "Login through the simulator checked: %s, trust level %s"},
	DemoLoginFailed: i18n.Text{De: "Anmeldung über den Simulator gescheitert", En: "login through the simulator failed"},

	UpdateOf:          i18n.Text{De: "Aktualisierung von", En: "Update of"},
	UpdateDryRun:      i18n.Text{De: "Probelauf, nichts geschrieben.", En: "Dry run, nothing written."},
	UpdateAnswers:     i18n.Text{De: "Geänderte Antworten", En: "Answers changed"},
	UpdateNoBase:      i18n.Text{De: "Warnung: Die Historie enthält keinen unveränderten Generatorstand (Ozg-New-Pristine); die Basis wurde mit dieser Version aus den gespeicherten Antworten neu erzeugt. Was ältere Vorlagen anders, umbenannt oder gelöscht hatten, kann als Konflikt erscheinen.", En: "warning: the history has no pristine generator output (Ozg-New-Pristine); the base was regenerated from the recorded answers with this version. What older templates wrote differently, renamed or removed may show up as conflicts."},
	UpdateNoBaseEmpty: i18n.Text{De: "Warnung: Die Basis ließ sich nicht neu erzeugen, jede abweichende Datei wird als von beiden hinzugefügt zusammengeführt:", En: "warning: the base could not be regenerated, so every file that differs is merged as added by both:"},
	UpdateBases:       i18n.Text{De: "Hinweis: mehrere unabhängige Generatorstände gefunden; Basis ist der neueste,", En: "note: several independent pristine commits found; the base is the newest,"},
	UpdateBasesOthers: i18n.Text{De: "außerdem", En: "also"},
	UpdateUpToDate:    i18n.Text{De: "Bereits aktuell: Der Generator erzeugt dasselbe wie beim letzten Mal.", En: "Already up to date: the generator writes the same as last time."},
	UpdateFrom:        i18n.Text{De: "von", En: "from"},
	UpdateBlocks:      i18n.Text{De: "Konfliktblöcke", En: "conflict blocks"},
	UpdateBinary:      i18n.Text{De: "binär: Arbeitskopie hat Ihre Fassung, der Index alle drei", En: "binary: the working tree has yours, the index all three"},
	UpdateNoChange:    i18n.Text{De: "keine Dateiänderungen", En: "no file changes"},
	UpdateRest:        i18n.Text{De: "unverändert", En: "unchanged"},
	UpdateNotes:       i18n.Text{De: "Migrationshinweise zu Standards", En: "Migration notes for standards"},
	UpdateCommitted:   i18n.Text{De: "Zusammengeführt und committet:", En: "Merged and committed:"},
	UpdateResolve:     i18n.Text{De: "Konflikte lösen, die Dateien mit git add vormerken und git commit ausführen (git merge --abort bricht ab). Erst dann zeichnet .ozg-new.yaml die neue Release auf.", En: "Resolve the conflicts, git add the files and run git commit (git merge --abort cancels). Only then does .ozg-new.yaml record the new release."},
	UpdateUnresolved:  i18n.Text{De: "%d Datei(en) mit Konflikten; siehe oben", En: "%d file(s) with conflicts; see above"},
	CheckShort:        i18n.Text{De: "Ein Dienst-Repository gegen den Standards-Katalog prüfen", En: "Audit a service repository against the standards catalog"},
	CheckLong: i18n.Text{
		De: `Prüft ein mit ozg-new erzeugtes oder selbst gebautes Dienst-Repository
(Standard: das aktuelle Verzeichnis) gegen den Standards-Katalog: neuestes
Release (sonst was sich seither geändert hat), jede Pflichtkomponente (MUSS)
vorhanden und passend konfiguriert, gültige Antworten (.ozg-new.yaml), die
CI-Datei des Hosts ruft den Prüfbefehl go run ./tools/check auf,
publiccode.yml gültig nach dem Standard, Lizenzdatei, Pflichtseiten.

Was ozg-new (noch) nicht erzeugt oder was anderswo liegt, nennt das Team in
.ozg-new-check.yaml (components: ID → Pfade, pages: ID → Pfad).

Exit-Status: 0, wenn jede MUSS-Anforderung erfüllt ist; 1, wenn eine fehlt;
2 bei ungültiger Eingabe.`,
		En: `Audits a service repository, generated by ozg-new or made by hand (default:
the current directory), against the standards catalog: newest release (else
what changed since), every mandatory (MUSS) component present and configured
as the release says, valid answers (.ozg-new.yaml), the host's CI file
calling the check entry point go run ./tools/check, publiccode.yml valid
under the standard, a licence file, the required pages.

What ozg-new does not generate (yet), or what lives elsewhere, the team
names in .ozg-new-check.yaml (components: id → paths, pages: id → path).

Exit status: 0 when every MUSS requirement holds, 1 when one fails, 2 on
invalid input.`,
	},
	FlagFormat:   i18n.Text{De: "Ausgabeformat: text oder json", En: "output format: text or json"},
	CheckOf:      i18n.Text{De: "Prüfung von", En: "Check of"},
	CheckNewest:  i18n.Text{De: "neuestes", En: "newest"},
	CheckProblem: i18n.Text{De: "Problem", En: "problem"},
	CheckFix:     i18n.Text{De: "Behebung", En: "fix"},
	CheckSummary: i18n.Text{
		De: "%d Punkte: %d erfüllt, %d nicht erfüllt, davon %d MUSS",
		En: "%d items: %d hold, %d fail, %d of them MUSS",
	},
	CheckFailed: i18n.Text{De: "%d MUSS-Anforderung(en) nicht erfüllt; siehe oben", En: "%d MUSS requirement(s) not met; see above"},
	BadFormat:   i18n.Text{De: "unbekanntes Format %q; erlaubt sind text und json", En: "unknown format %q; use text or json"},
	CheckNoDir:  i18n.Text{De: "%s ist kein lesbares Verzeichnis; den Pfad des Dienst-Repositorys angeben", En: "%s is not a readable directory; give the path of the service repository"},
}

// usageTemplate is cobra's usage template with its headings in lang.
func usageTemplate(lang string) string {
	return txt.Usage.In(lang) + `{{if and .Runnable (not .HasAvailableSubCommands)}}
  {{.UseLine}}{{if .HasAvailableFlags}} ` + txt.FlagsArg.In(lang) + `{{end}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} ` + txt.CommandArg.In(lang) + `{{end}}{{if gt (len .Aliases) 0}}

` + txt.Aliases.In(lang) + `
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

` + txt.Examples.In(lang) + `
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

` + txt.Commands.In(lang) + `{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

` + txt.Flags.In(lang) + `
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

` + txt.GlobalFlags.In(lang) + `
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

` + txt.MoreHelp.In(lang) + `{{end}}
`
}
