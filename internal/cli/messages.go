package cli

// msg returns the message for key in lang; German is the fallback.
func msg(lang, key string) string {
	texts := map[string][2]string{ // de, en
		"created":        {"Erstellt:", "Created"},
		"files":          {"Dateien", "files"},
		"standards":      {"Standards", "standards"},
		"components":     {"Komponenten", "components"},
		"next":           {"Nächste Schritte:", "Next steps:"},
		"again":          {"Dieselben Antworten ohne Rückfragen:", "The same answers without questions:"},
		"dryrun":         {"Probelauf, nichts geschrieben; Dateien für", "Dry run, nothing written; files for"},
		"demo-ready":     {"Der Dienst läuft unter", "The service is running at"},
		"demo-stop":      {"Beenden mit Strg+C. Quelltext:", "Stop with Ctrl+C. Source:"},
		"demo-addr-busy": {"Die Adresse %s ist schon belegt (läuft dort ein anderer Dienst oder eine frühere Demo?); wählen Sie eine andere mit", "address %s is already in use (by another service, or an earlier demo?); choose another with"},
		"demo-build":     {"Baue und starte den Dienst (beim ersten Mal lädt Go die Module) …", "Building and starting the service (the first time, Go downloads its modules) …"},

		// Around the problems of the answers, which explain themselves.
		"no-tty":       {"Die Standardeingabe ist kein Terminal, daher wurde nichts gefragt; geben Sie die Antworten als Flags oder mit --answers an.", "standard input is not a terminal, so nothing was asked; give the answers as flags or with --answers"},
		"answers-file": {"Antwortdatei", "answers file"},
		"answers-load": {"Antwortdatei", "load answers"},
	}
	t, ok := texts[key]
	if !ok {
		return key
	}
	if lang == "en" {
		return t[1]
	}
	return t[0]
}
