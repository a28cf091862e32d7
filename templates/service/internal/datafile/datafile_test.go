package datafile

import (
	"strings"
	"testing"
)

type sample struct {
	Name  string   `json:"name"`
	Langs []string `json:"langs"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // substring of the error; empty: success
	}{
		{"valid", `{"name": "Köln", "langs": ["de"]}`, ""},
		{"unknown key", `{"name": "Köln", "nmae": "x"}`, `unknown field "nmae"`},
		{"wrong type", `{"name": 5}`, "cannot unmarshal number"},
		{"trailing data", `{"name": "a"} {"name": "b"}`, "data after the JSON value"},
		{"not JSON", `name: a`, "invalid character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Decode[sample]([]byte(tt.in))
			if tt.want == "" {
				if err != nil || v.Name != "Köln" || len(v.Langs) != 1 {
					t.Fatalf("Decode = %+v, %v", v, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Decode error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestMustDecodeNamesTheFile(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, "internal/x/x.json") || !strings.Contains(msg, "unknown field") {
			t.Fatalf("panic %q does not name the file and the problem", msg)
		}
	}()
	MustDecode[sample]("internal/x/x.json", []byte(`{"nope": 1}`))
}
