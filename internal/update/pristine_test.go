package update

import "testing"

func TestPristineMessageRoundTrip(t *testing.T) {
	msg := PristineMessage("Generate hundesteuer\n", "2025.2", "0.1.0")
	want := "Generate hundesteuer\n\nOzg-New-Pristine: 2025.2\nOzg-New-Version: 0.1.0\n"
	if msg != want {
		t.Fatalf("message:\n%q\nwant\n%q", msg, want)
	}
	p, ok := ParsePristine(msg)
	if !ok || p != (Pristine{Release: "2025.2", Version: "0.1.0"}) {
		t.Errorf("ParsePristine = %+v, %v", p, ok)
	}
}

func TestParsePristine(t *testing.T) {
	tests := []struct {
		name string
		msg  string
		want Pristine
		ok   bool
	}{
		{"trailers", "s\n\nbody\n\nOzg-New-Pristine: 2024.1\nOzg-New-Version: 0.1.0\n", Pristine{"2024.1", "0.1.0"}, true},
		{"case and CRLF", "s\r\n\r\nozg-new-pristine: 2024.1\r\n", Pristine{Release: "2024.1"}, true},
		{"among other trailers", "s\n\nSigned-off-by: A <a@b>\nOzg-New-Pristine: 2025.2\n", Pristine{Release: "2025.2"}, true},
		{"only in the body", "s\n\nOzg-New-Pristine: 2025.2\n\nSigned-off-by: A <a@b>\n", Pristine{}, false},
		{"subject only", "Ozg-New-Pristine: 2025.2", Pristine{}, false},
		{"empty value", "s\n\nOzg-New-Pristine:\n", Pristine{}, false},
		{"merge commit", "Update to standards 2025.2 (ozg-new 0.1.0)\n\nupdated README.md\n", Pristine{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParsePristine(tt.msg)
			if ok != tt.ok || got != tt.want {
				t.Errorf("ParsePristine = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
