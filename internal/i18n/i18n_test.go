package i18n

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestIn(t *testing.T) {
	tx := Text{De: "Hallo", En: "Hello"}
	for lang, want := range map[string]string{"de": "Hallo", "": "Hallo", "fr": "Hallo", "en": "Hello"} {
		if got := tx.In(lang); got != want {
			t.Errorf("In(%q) = %q, want %q", lang, got, want)
		}
	}
	if got := (Text{En: "only"}).In("de"); got != "only" {
		t.Errorf("missing German: In(de) = %q, want the English text", got)
	}
	if got := (Text{De: "nur"}).In("en"); got != "nur" {
		t.Errorf("missing English: In(en) = %q, want the German text", got)
	}
}

func TestFormat(t *testing.T) {
	inner := Text{De: "Köln oder Bonn", En: "Köln or Bonn"}
	got := Text{De: "%[2]d: meinten Sie %[1]s?", En: "%[2]d: did you mean %[1]s?"}.Format(inner, 3)
	if got.De != "3: meinten Sie Köln oder Bonn?" || got.En != "3: did you mean Köln or Bonn?" {
		t.Errorf("Format = %+v", got)
	}
}

func TestMissing(t *testing.T) {
	tests := []struct {
		t    Text
		want bool
	}{
		{Text{De: "Ja", En: "Yes"}, false},
		{Text{De: "Ja"}, true},
		{Text{En: "Yes"}, true},
		{Text{}, true},
		{Text{De: "Hilfe", En: "Hilfe"}, true},
		{Neutral("GitHub"), false},
		{Neutral("--set %q").Format("x"), false},
		{Text{De: "%d Dateien", En: "%d files"}.Format("x"), true},
	}
	for _, tt := range tests {
		if got := tt.t.Missing() != ""; got != tt.want {
			t.Errorf("%+v.Missing() = %q, want a problem: %v", tt.t, tt.t.Missing(), tt.want)
		}
	}
}

func TestErrorAndMessage(t *testing.T) {
	cause := errors.New("disk full")
	inner := Wrap(Text{De: "Datei x", En: "file x"}, cause)
	outer := Wrap(Text{De: "Antwortdatei", En: "answers file"}, inner)
	if got := outer.In("de"); got != "Antwortdatei: Datei x: disk full" {
		t.Errorf("In(de) = %q", got)
	}
	if got := outer.Error(); got != "answers file: file x: disk full" {
		t.Errorf("Error() = %q", got)
	}
	if !errors.Is(outer, cause) {
		t.Error("the cause is lost")
	}
	// Context added with fmt.Errorf stays; the bilingual part is put into
	// the language.
	wrapped := fmt.Errorf("example x: %w", Errorf(Text{De: "%d fehlt", En: "%d missing"}, 1))
	if got := Message(wrapped, "de"); got != "example x: 1 fehlt" {
		t.Errorf("Message(de) = %q", got)
	}
	if got := Message(wrapped, "en"); got != wrapped.Error() {
		t.Errorf("Message(en) = %q", got)
	}
	two := fmt.Errorf("%w: %w", New(Text{De: "abgebrochen", En: "aborted"}), New(Text{De: "2 fehlen", En: "2 missing"}))
	if got := Message(two, "de"); got != "abgebrochen: 2 fehlen" {
		t.Errorf("Message(de) of two = %q", got)
	}
	plain := errors.New("plain")
	if Message(plain, "de") != "plain" || Message(nil, "de") != "" {
		t.Error("Message changed an error without a text")
	}
}

func TestFromEnv(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, DE},
		{map[string]string{"LANG": "en_US.UTF-8"}, EN},
		{map[string]string{"LANG": "fr_FR.UTF-8"}, DE},
		{map[string]string{"LC_ALL": "de_DE", "LANG": "en_US"}, DE},
		{map[string]string{"LC_MESSAGES": "en_GB", "LANG": "de_DE"}, EN},
	}
	for _, tt := range tests {
		if got := FromEnv(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("FromEnv(%v) = %q, want %q", tt.env, got, tt.want)
		}
	}
}

func TestIncomplete(t *testing.T) {
	table := struct {
		Good, Half, Same Text
		Name             Text
		Other            int
	}{
		Good: Text{De: "Ja", En: "Yes"},
		Half: Text{De: "Nur Deutsch"},
		Same: Text{De: "Hilfe", En: "Hilfe"},
		Name: Neutral("GitHub"),
	}
	got := Incomplete(table)
	if len(got) != 2 || got[0] != "Half: English missing" || !strings.HasPrefix(got[1], "Same: German identical") {
		t.Errorf("Incomplete = %q", got)
	}
}
