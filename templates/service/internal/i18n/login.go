package i18n

// Login returns the texts of the login in lang, German for any other
// language. ACCOUNT in a text stands for the account's name (BundID or
// Mein Unternehmenskonto) and LEVEL for a trust level's name.
func Login(lang string) map[string]string {
	if lang == "en" {
		return loginEN
	}
	return loginDE
}

var loginDE = map[string]string{
	"LoginRequired":      "Für diesen Dienst melden Sie sich mit ACCOUNT an (Vertrauensniveau LEVEL). Ihre Angaben aus dem Konto füllen das Formular vor.",
	"LoginOffered":       "Sie können sich mit ACCOUNT anmelden: Dann füllen Ihre Angaben aus dem Konto das Formular vor. Das Formular geht auch ohne Anmeldung.",
	"LoginButton":        "Mit ACCOUNT anmelden",
	"LoggedInAs":         "Angemeldet mit ACCOUNT",
	"Logout":             "Abmelden",
	"ToAccountHeading":   "Weiter zu ACCOUNT",
	"ToAccountText":      "Sie werden zur Anmeldung an ACCOUNT weitergeleitet. Geschieht das nicht von selbst, wählen Sie „Weiter“.",
	"Continue":           "Weiter",
	"RedirectFallback":   "Klappt das nicht? Anmeldung über einen Link öffnen",
	"LogoutHeading":      "Abmeldung",
	"LogoutText":         "Sie werden auch bei ACCOUNT abgemeldet. Geschieht das nicht von selbst, wählen Sie „Weiter“.",
	"LoggedOutHeading":   "Sie sind abgemeldet",
	"LoggedOutText":      "Ihre Sitzung bei diesem Dienst ist beendet.",
	"TryAgain":           "Erneut anmelden",
	"SessionGoneHeading": "Anmeldung abgelaufen",
	"SessionGoneText":    "Ihre Anmeldung ist abgelaufen (nach längerer Pause oder spätestens nach zwei Stunden). Bitte melden Sie sich erneut an; Ihre Angaben in diesem Formular wurden nicht gespeichert.",
	"PrefilledHeading":   "Aus Ihrem Konto übernommen",
	"PrefilledText":      "Diese Angaben stammen aus ACCOUNT. Bitte prüfen Sie sie; Sie können sie ändern.",
	"ReceiptLogin":       "Anmeldung",
	"ReceiptLoginValue":  "ACCOUNT, Vertrauensniveau LEVEL",
	"LevelBasis":         "basis",
	"LevelSubstanziell":  "substanziell",
	"LevelHoch":          "hoch",
	// Refusals of the account's answer, by kind.
	"RefusedHeading":      "Anmeldung nicht möglich",
	"RefusedCancelled":    "Die Anmeldung wurde abgebrochen oder von ACCOUNT nicht bestätigt.",
	"RefusedLevel":        "Ihre Anmeldung erreicht nicht das Vertrauensniveau LEVEL, das dieser Dienst verlangt. Melden Sie sich zum Beispiel mit dem Online-Ausweis an.",
	"RefusedExpired":      "Die Anmeldung hat zu lange gedauert oder ist nicht mehr gültig. Bitte melden Sie sich erneut an.",
	"RefusedUsed":         "Diese Anmeldung wurde schon verwendet oder gehört zu keiner Anfrage dieses Dienstes (etwa nach „Zurück“ im Browser). Bitte melden Sie sich erneut an.",
	"RefusedBrowser":      "Diese Anmeldung wurde nicht in diesem Browser begonnen, oder hier wurde inzwischen eine zweite Anmeldung gestartet. Bitte melden Sie sich in diesem Browser erneut an.",
	"RefusedUntrusted":    "Die Antwort von ACCOUNT konnte nicht sicher geprüft werden. Bitte versuchen Sie es erneut; bleibt der Fehler, wenden Sie sich an die zuständige Stelle.",
	"RefusedUnavailable":  "Die Anmeldung ist gerade nicht möglich. Bitte versuchen Sie es später erneut.",
	"LogoutFailedHeading": "Abmeldung bei ACCOUNT nicht bestätigt",
	"LogoutFailedText":    "Ihre Sitzung bei diesem Dienst ist beendet, aber ACCOUNT hat die Abmeldung nicht bestätigt. Schließen Sie den Browser, um sicherzugehen.",
}

var loginEN = map[string]string{
	"LoginRequired":       "For this service you log in with ACCOUNT (trust level LEVEL). The details from your account prefill the form.",
	"LoginOffered":        "You can log in with ACCOUNT: the details from your account then prefill the form. The form also works without logging in.",
	"LoginButton":         "Log in with ACCOUNT",
	"LoggedInAs":          "Logged in with ACCOUNT",
	"Logout":              "Log out",
	"ToAccountHeading":    "On to ACCOUNT",
	"ToAccountText":       "You are being sent to ACCOUNT to log in. If nothing happens, select “Continue”.",
	"Continue":            "Continue",
	"RedirectFallback":    "Not working? Open the login as a link",
	"LogoutHeading":       "Logging out",
	"LogoutText":          "You are also being logged out of ACCOUNT. If nothing happens, select “Continue”.",
	"LoggedOutHeading":    "You are logged out",
	"LoggedOutText":       "Your session with this service has ended.",
	"TryAgain":            "Log in again",
	"SessionGoneHeading":  "Login expired",
	"SessionGoneText":     "Your login has expired (after a longer pause, or at the latest after two hours). Please log in again; your answers in this form were not saved.",
	"PrefilledHeading":    "Taken from your account",
	"PrefilledText":       "These details come from ACCOUNT. Please check them; you can change them.",
	"ReceiptLogin":        "Login",
	"ReceiptLoginValue":   "ACCOUNT, trust level LEVEL",
	"LevelBasis":          "basic",
	"LevelSubstanziell":   "substantial",
	"LevelHoch":           "high",
	"RefusedHeading":      "Login not possible",
	"RefusedCancelled":    "The login was cancelled or not confirmed by ACCOUNT.",
	"RefusedLevel":        "Your login does not reach the trust level LEVEL this service requires. Log in with your online ID card, for example.",
	"RefusedExpired":      "The login took too long or is no longer valid. Please log in again.",
	"RefusedUsed":         "This login was used before or belongs to no request of this service (for example after “Back” in the browser). Please log in again.",
	"RefusedBrowser":      "This login was not started in this browser, or a second login was started here since. Please log in again in this browser.",
	"RefusedUntrusted":    "The answer from ACCOUNT could not be checked securely. Please try again; if the error persists, contact the responsible authority.",
	"RefusedUnavailable":  "Logging in is not possible right now. Please try again later.",
	"LogoutFailedHeading": "Logout not confirmed by ACCOUNT",
	"LogoutFailedText":    "Your session with this service has ended, but ACCOUNT did not confirm the logout. Close your browser to be sure.",
}
