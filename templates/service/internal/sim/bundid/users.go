package bundid

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
)

// The BA BundID simulator's test citizens and attribute catalogue, see
// data/SOURCES.md.
var (
	//go:embed data/users.json
	usersJSON []byte
	//go:embed data/attributes.json
	attributesJSON []byte
)

// User is a synthetic test citizen: ID (U01…) and attribute values by
// catalogue field name (surname, givenname, mail, …).
type User struct {
	ID     string
	Fields map[string]string
}

// Name is the user's given name and surname.
func (u User) Name() string { return u.Fields["givenname"] + " " + u.Fields["surname"] }

// Attribute is one entry of the catalogue.
type Attribute struct {
	Field        string `json:"field"`
	OID          string `json:"oid"`
	FriendlyName string `json:"friendlyName"`
	TrustLevel   string `json:"trustLevel"`
}

// Users are the test citizens in catalogue order.
func Users() []User {
	var doc struct {
		Users []map[string]string `json:"users"`
	}
	if err := json.Unmarshal(usersJSON, &doc); err != nil {
		panic(fmt.Sprintf("embedded users.json: %v", err)) // a build defect, caught by the tests
	}
	out := make([]User, 0, len(doc.Users))
	for _, m := range doc.Users {
		id := m["id"]
		delete(m, "id")
		out = append(out, User{ID: id, Fields: m})
	}
	return out
}

// Catalogue is the attribute catalogue.
func Catalogue() []Attribute {
	var doc struct {
		Attributes []Attribute `json:"attributes"`
	}
	if err := json.Unmarshal(attributesJSON, &doc); err != nil {
		panic(fmt.Sprintf("embedded attributes.json: %v", err))
	}
	return doc.Attributes
}

// UserByID finds a test citizen.
func UserByID(id string) (User, bool) {
	for _, u := range Users() {
		if u.ID == id {
			return u, true
		}
	}
	return User{}, false
}

// method is what AssertionProvedBy says for a level. UNCERTAIN: the
// values real BundID sends are not public; these name the means the
// levels stand for.
func method(l saml.Level) string {
	switch l {
	case saml.LevelHoch:
		return "eID"
	case saml.LevelSubstanziell:
		return "Elster"
	}
	return "Benutzername"
}
