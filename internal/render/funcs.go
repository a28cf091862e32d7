package render

import (
	"fmt"
	"reflect"
	"slices"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

// funcMap returns the functions templates may call: sprig without every
// function whose result depends on anything but its arguments, plus
// order-stable replacements for sprig's keys and values.
//
// sprig.HermeticTxtFuncMap is not enough: it keeps ago, bcrypt, randInt,
// shuffle, genPrivateKey and others that read the clock or randomness, and
// keys/values that return map order.
func funcMap() template.FuncMap {
	m := sprig.TxtFuncMap()
	for _, name := range banned() {
		delete(m, name)
	}
	// Go randomizes map iteration; sprig's keys and values inherit that.
	// Sorted versions keep the names templates already know.
	m["keys"] = sortedKeys
	m["values"] = valuesByKey
	return m
}

// banned lists the sprig functions removed from templates, grouped by what
// makes them non-deterministic. It is a function, not a package variable,
// so nothing can edit the list at run time. TestFuncMapReviewed fails when
// a sprig upgrade adds a function that is in neither this list nor the
// test's list of reviewed, deterministic functions.
func banned() []string {
	return []string{
		// Clock: read time.Now, or the local time zone (TZ env).
		"now", "ago", "date", "dateInZone", "date_in_zone",
		"dateModify", "date_modify", "mustDateModify", "must_date_modify",
		"htmlDate", "htmlDateInZone", "toDate", "mustToDate", "unixEpoch",
		"duration", "durationRound",

		// Randomness.
		"randAlphaNum", "randAlpha", "randAscii", "randNumeric", "randInt",
		"randBytes", "shuffle", "uuidv4",
		// Crypto: random salts, IVs and keys. The deterministic members of
		// the family (decryptAES, buildCustomCert, derivePassword) go too:
		// they exist to handle secrets, and secrets have no place in
		// generated source.
		"bcrypt", "htpasswd", "encryptAES", "decryptAES",
		"genPrivateKey", "genCA", "genCAWithKey",
		"genSelfSignedCert", "genSelfSignedCertWithKey",
		"genSignedCert", "genSignedCertWithKey", "buildCustomCert",
		"derivePassword",

		// Environment.
		"env", "expandenv",

		// Operating system: filepath results differ between Windows and
		// Unix, so the same answers would give different bytes.
		"osBase", "osClean", "osDir", "osExt", "osIsAbs",

		// Network.
		"getHostByName",
	}
}

// sortedKeys is sprig's keys with a stable order: the sorted union of the
// keys of all given maps, duplicates kept as sprig does. Unlike sprig's it
// takes any map with string keys, so templates can list the plan's
// map[string]string values too.
func sortedKeys(maps ...any) ([]string, error) {
	ks := []string{}
	for _, m := range maps {
		v := reflect.ValueOf(m)
		if v.Kind() != reflect.Map || v.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("keys: want a map with string keys, got %T", m)
		}
		for _, k := range v.MapKeys() {
			ks = append(ks, k.String())
		}
	}
	slices.Sort(ks)
	return ks, nil
}

// valuesByKey is sprig's values in the order of the sorted keys.
func valuesByKey(m any) ([]any, error) {
	ks, err := sortedKeys(m)
	if err != nil {
		return nil, fmt.Errorf("values: %w", err)
	}
	v := reflect.ValueOf(m)
	vs := make([]any, 0, len(ks))
	for _, k := range ks {
		vs = append(vs, v.MapIndex(reflect.ValueOf(k).Convert(v.Type().Key())).Interface())
	}
	return vs, nil
}
