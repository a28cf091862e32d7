// Package jsonschema validates JSON documents against a JSON Schema
// (draft 2020-12), restricted to the keywords the FIT-Connect metadata
// schema uses: type, enum, required, properties, items, minItems,
// minProperties, maxProperties, minLength, maxLength, pattern, format
// (uri, uuid, email, date, date-time), minimum, multipleOf and local $ref.
// Annotations (title, description, examples, …) are ignored. Any other
// keyword makes Compile fail, so a schema this package cannot fully check
// is refused instead of being checked half.
package jsonschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Schema is a compiled schema. It is immutable and safe for concurrent use.
type Schema struct {
	root     map[string]any
	patterns map[string]*regexp.Regexp
}

// annotations carry no validation meaning.
var annotations = []string{"$schema", "$id", "$comment", "title", "description", "examples", "default", "deprecated"}

// keywords are the assertions this package implements.
var keywords = []string{
	"type", "enum", "required", "properties", "items", "minItems", "minProperties", "maxProperties",
	"minLength", "maxLength", "pattern", "format", "minimum", "multipleOf", "$ref",
}

var formats = []string{"uri", "uuid", "email", "date", "date-time"}

// Compile parses a schema and checks that every keyword in it is known,
// every pattern compiles and every $ref resolves.
func Compile(data []byte) (*Schema, error) {
	v, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("jsonschema: %w", err)
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("jsonschema: schema is not an object")
	}
	s := &Schema{root: root, patterns: map[string]*regexp.Regexp{}}
	if err := s.check(root, "#"); err != nil {
		return nil, err
	}
	return s, nil
}

// check walks a subschema at ptr during Compile.
func (s *Schema) check(node map[string]any, ptr string) error {
	for k, v := range node {
		switch {
		case slices.Contains(annotations, k):
		case !slices.Contains(keywords, k):
			return fmt.Errorf("jsonschema: %s: keyword %q not supported", ptr, k)
		case k == "pattern":
			p, ok := v.(string)
			if !ok {
				return fmt.Errorf("jsonschema: %s: pattern is not a string", ptr)
			}
			re, err := regexp.Compile(p)
			if err != nil {
				return fmt.Errorf("jsonschema: %s: pattern: %w", ptr, err)
			}
			s.patterns[p] = re
		case k == "format":
			if f, _ := v.(string); !slices.Contains(formats, f) {
				return fmt.Errorf("jsonschema: %s: format %v not supported", ptr, v)
			}
		case k == "$ref":
			ref, _ := v.(string)
			if _, err := s.resolve(ref); err != nil {
				return fmt.Errorf("jsonschema: %s: %w", ptr, err)
			}
		case k == "properties":
			props, ok := v.(map[string]any)
			if !ok {
				return fmt.Errorf("jsonschema: %s: properties is not an object", ptr)
			}
			for name, sub := range props {
				m, ok := sub.(map[string]any)
				if !ok {
					return fmt.Errorf("jsonschema: %s/properties/%s: not a schema", ptr, name)
				}
				if err := s.check(m, ptr+"/properties/"+name); err != nil {
					return err
				}
			}
		case k == "items":
			m, ok := v.(map[string]any)
			if !ok {
				return fmt.Errorf("jsonschema: %s: items is not a schema", ptr)
			}
			if err := s.check(m, ptr+"/items"); err != nil {
				return err
			}
		}
	}
	return nil
}

// resolve follows a local JSON Pointer reference ("#/properties/…").
func (s *Schema) resolve(ref string) (map[string]any, error) {
	rest, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, fmt.Errorf("$ref %q: only local references are supported", ref)
	}
	var cur any = s.root
	if rest != "" {
		for _, tok := range strings.Split(strings.TrimPrefix(rest, "/"), "/") {
			tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("$ref %q does not resolve", ref)
			}
			if cur, ok = m[tok]; !ok {
				return nil, fmt.Errorf("$ref %q does not resolve", ref)
			}
		}
	}
	m, ok := cur.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("$ref %q is not a schema", ref)
	}
	return m, nil
}

// Error lists every place where a document breaks the schema.
type Error struct {
	Problems []string // "/path: what is wrong", in document order
}

func (e *Error) Error() string {
	return "jsonschema: " + strings.Join(e.Problems, "; ")
}

// Validate checks a JSON document against the schema. It returns an
// *Error listing every violation, or an error if doc is not JSON.
func (s *Schema) Validate(doc []byte) error {
	v, err := decode(doc)
	if err != nil {
		return fmt.Errorf("jsonschema: document: %w", err)
	}
	var problems []string
	s.validate(s.root, v, "", &problems, 0)
	if len(problems) > 0 {
		return &Error{Problems: problems}
	}
	return nil
}

// maxDepth stops a $ref cycle; the metadata schema nests far less.
const maxDepth = 64

func (s *Schema) validate(node map[string]any, v any, path string, out *[]string, depth int) {
	at := path
	if at == "" {
		at = "/"
	}
	fail := func(format string, args ...any) { *out = append(*out, at+": "+fmt.Sprintf(format, args...)) }
	if depth > maxDepth {
		fail("schema nests too deep")
		return
	}
	if ref, ok := node["$ref"].(string); ok {
		target, err := s.resolve(ref)
		if err != nil {
			fail("%v", err)
			return
		}
		s.validate(target, v, path, out, depth+1)
	}
	if t, ok := node["type"]; ok && !hasType(t, v) {
		fail("want type %v, have %s", t, typeOf(v))
		return
	}
	if e, ok := node["enum"].([]any); ok && !slices.ContainsFunc(e, func(x any) bool { return equal(x, v) }) {
		fail("value not in enum %v", e)
	}
	switch x := v.(type) {
	case string:
		s.validateString(node, x, fail)
	case json.Number:
		validateNumber(node, x, fail)
	case []any:
		if n, ok := intKeyword(node, "minItems"); ok && len(x) < n {
			fail("%d items, want at least %d", len(x), n)
		}
		if items, ok := node["items"].(map[string]any); ok {
			for i, el := range x {
				s.validate(items, el, path+"/"+strconv.Itoa(i), out, depth+1)
			}
		}
	case map[string]any:
		if n, ok := intKeyword(node, "minProperties"); ok && len(x) < n {
			fail("%d properties, want at least %d", len(x), n)
		}
		if n, ok := intKeyword(node, "maxProperties"); ok && len(x) > n {
			fail("%d properties, want at most %d", len(x), n)
		}
		if req, ok := node["required"].([]any); ok {
			for _, r := range req {
				if name, _ := r.(string); name != "" {
					if _, ok := x[name]; !ok {
						fail("%q is required", name)
					}
				}
			}
		}
		if props, ok := node["properties"].(map[string]any); ok {
			names := make([]string, 0, len(props))
			for name := range props {
				names = append(names, name)
			}
			sort.Strings(names) // stable problem order
			for _, name := range names {
				if el, ok := x[name]; ok {
					s.validate(props[name].(map[string]any), el, path+"/"+name, out, depth+1)
				}
			}
		}
	}
}

func (s *Schema) validateString(node map[string]any, x string, fail func(string, ...any)) {
	n := utf8.RuneCountInString(x)
	if m, ok := intKeyword(node, "minLength"); ok && n < m {
		fail("%d characters, want at least %d", n, m)
	}
	if m, ok := intKeyword(node, "maxLength"); ok && n > m {
		fail("%d characters, want at most %d", n, m)
	}
	if p, ok := node["pattern"].(string); ok && !s.patterns[p].MatchString(x) {
		fail("does not match pattern %s", p)
	}
	if f, ok := node["format"].(string); ok && !validFormat(f, x) {
		fail("not a valid %s", f)
	}
}

func validateNumber(node map[string]any, x json.Number, fail func(string, ...any)) {
	val, ok := new(big.Rat).SetString(string(x))
	if !ok {
		fail("not a number")
		return
	}
	if m, ok := node["minimum"].(json.Number); ok {
		if min, ok := new(big.Rat).SetString(string(m)); ok && val.Cmp(min) < 0 {
			fail("%s is less than %s", x, m)
		}
	}
	// Decimal arithmetic: 30.10 is a multiple of 0.01, which binary
	// floating point would deny.
	if m, ok := node["multipleOf"].(json.Number); ok {
		if div, ok := new(big.Rat).SetString(string(m)); ok && div.Sign() > 0 {
			if !new(big.Rat).Quo(val, div).IsInt() {
				fail("%s is not a multiple of %s", x, m)
			}
		}
	}
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func validFormat(f, x string) bool {
	switch f {
	case "uri":
		u, err := url.Parse(x)
		return err == nil && u.Scheme != ""
	case "uuid":
		return uuidRe.MatchString(x)
	case "email":
		a, err := mail.ParseAddress(x)
		return err == nil && a.Address == x
	case "date":
		_, err := time.Parse(time.DateOnly, x)
		return err == nil
	case "date-time":
		_, err := time.Parse(time.RFC3339, x)
		return err == nil
	}
	return false
}

func intKeyword(node map[string]any, k string) (int, bool) {
	n, ok := node[k].(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return int(i), err == nil
}

func hasType(t, v any) bool {
	switch tt := t.(type) {
	case string:
		return isType(tt, v)
	case []any:
		return slices.ContainsFunc(tt, func(x any) bool { s, _ := x.(string); return isType(s, v) })
	}
	return false
}

func isType(t string, v any) bool {
	switch t {
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		r, ok := new(big.Rat).SetString(string(n))
		return ok && r.IsInt()
	case "number":
		_, ok := v.(json.Number)
		return ok
	}
	return typeOf(v) == t
}

func typeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

// equal compares decoded JSON values; numbers by value, not spelling.
func equal(a, b any) bool {
	if na, ok := a.(json.Number); ok {
		nb, ok := b.(json.Number)
		if !ok {
			return false
		}
		ra, ok1 := new(big.Rat).SetString(string(na))
		rb, ok2 := new(big.Rat).SetString(string(nb))
		return ok1 && ok2 && ra.Cmp(rb) == 0
	}
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

// decode parses one JSON value, keeping numbers exact.
func decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}
