// Package form turns the service's JSON Schema (schema.json, embedded) into
// a form model of groups and fields, and validates submitted values against
// it with messages in German and English.
//
// It understands a deliberate subset of JSON Schema: a root object whose
// properties are groups (type object), whose properties are fields of type
// string, integer or boolean, with the keywords required, minLength,
// maxLength, pattern (Go RE2 syntax), enum, const (booleans), minimum,
// maximum and format (date, email). Annotations: title and description in
// German, x-title-en and x-description-en in English, x-enum-titles(-en)
// for option labels, x-pattern-message(-en), x-date-min and x-date-max
// ("today" or YYYY-MM-DD), x-widget (text, textarea, select, radio),
// x-autocomplete and x-inputmode. Any other keyword is an error, so no
// constraint is ever silently ignored.
//
// Field ids follow the FIM pattern (F + 8 digits, groups G + 8 digits).
package form

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
)

//go:embed schema.json
var schemaJSON []byte

// DefaultMaxLength caps strings whose schema sets no maxLength.
const DefaultMaxLength = 500

// Text is a string in German and English.
type Text struct{ DE, EN string }

// In returns the text in lang, falling back to German.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.DE
}

// Form is the model of one form: its groups of fields, in schema order.
type Form struct {
	ID     string
	Title  Text
	Groups []*Group
	byID   map[string]*Field
}

// Group is a set of related fields, shown as a fieldset.
type Group struct {
	ID          string
	Title       Text
	Description Text
	Fields      []*Field
}

// Option is one allowed value of an enum field.
type Option struct {
	Value string
	Label Text
}

// Field is one input.
type Field struct {
	ID           string
	Group        string
	Type         string // string | integer | boolean
	Format       string // "", date or email
	Title        Text
	Description  Text
	Required     bool
	MinLength    int
	MaxLength    int
	Pattern      *regexp.Regexp
	PatternMsg   Text
	Options      []Option
	Minimum      *int64
	Maximum      *int64
	MustBeTrue   bool   // boolean with const true: a confirmation
	DateMin      string // "today" or YYYY-MM-DD
	DateMax      string
	Widget       string // text | email | date | number | textarea | select | radio | checkbox
	Autocomplete string
	InputMode    string
}

// Default returns the form of the embedded schema.json. The schema ships
// with the service, so a broken one is a programming error.
func Default() *Form {
	f, err := Parse(schemaJSON)
	if err != nil {
		panic("form: embedded schema.json: " + err.Error())
	}
	return f
}

// Field returns the field with the given id.
func (f *Form) Field(id string) (*Field, bool) {
	fl, ok := f.byID[id]
	return fl, ok
}

// Fields returns every field in form order.
func (f *Form) Fields() []*Field {
	var out []*Field
	for _, g := range f.Groups {
		out = append(out, g.Fields...)
	}
	return out
}

// node is one schema object. Properties keep their order through props.
type node struct {
	raw      map[string]json.RawMessage
	props    []string
	propsRaw map[string]json.RawMessage
}

var (
	groupIDRe = regexp.MustCompile(`^G[0-9]{8}$`)
	fieldIDRe = regexp.MustCompile(`^F[0-9]{8}$`)
	dateRe    = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

// Keywords the interpreter understands, per level.
var (
	annotations = []string{"$schema", "$id", "$comment", "title", "description", "x-title-en", "x-description-en", "examples"}
	rootWords   = []string{"type", "properties", "required", "additionalProperties"}
	groupWords  = rootWords
	fieldWords  = []string{"type", "format", "minLength", "maxLength", "pattern", "enum", "const", "minimum", "maximum",
		"x-enum-titles", "x-enum-titles-en", "x-pattern-message", "x-pattern-message-en",
		"x-date-min", "x-date-max", "x-widget", "x-autocomplete", "x-inputmode"}
)

// Parse interprets a JSON Schema document as a form.
func Parse(data []byte) (*Form, error) {
	root, err := parseNode(data, rootWords)
	if err != nil {
		return nil, fmt.Errorf("schema root: %w", err)
	}
	if t := root.str("type"); t != "object" {
		return nil, fmt.Errorf("schema root: type must be object, not %q", t)
	}
	f := &Form{ID: root.str("$id"), Title: root.text("title"), byID: map[string]*Field{}}
	for _, gid := range root.props {
		if !groupIDRe.MatchString(gid) {
			return nil, fmt.Errorf("group %q: id must be G and 8 digits", gid)
		}
		g, err := parseGroup(gid, root.prop(gid))
		if err != nil {
			return nil, err
		}
		for _, fl := range g.Fields {
			if _, dup := f.byID[fl.ID]; dup {
				return nil, fmt.Errorf("field %s appears twice", fl.ID)
			}
			f.byID[fl.ID] = fl
		}
		f.Groups = append(f.Groups, g)
	}
	if len(f.byID) == 0 {
		return nil, errors.New("schema has no fields")
	}
	return f, nil
}

func parseGroup(id string, data json.RawMessage) (*Group, error) {
	n, err := parseNode(data, groupWords)
	if err != nil {
		return nil, fmt.Errorf("group %s: %w", id, err)
	}
	if t := n.str("type"); t != "object" {
		return nil, fmt.Errorf("group %s: type must be object, not %q (nested fields are not supported)", id, t)
	}
	required, err := n.strings("required")
	if err != nil {
		return nil, fmt.Errorf("group %s: %w", id, err)
	}
	g := &Group{ID: id, Title: n.text("title"), Description: n.text("description")}
	for _, fid := range n.props {
		if !fieldIDRe.MatchString(fid) {
			return nil, fmt.Errorf("group %s: field %q: id must be F and 8 digits", id, fid)
		}
		fl, err := parseField(fid, n.prop(fid))
		if err != nil {
			return nil, err
		}
		fl.Group = id
		fl.Required = slices.Contains(required, fid)
		g.Fields = append(g.Fields, fl)
	}
	for _, r := range required {
		if !slices.Contains(n.props, r) {
			return nil, fmt.Errorf("group %s: required field %s is not a property", id, r)
		}
	}
	return g, nil
}

func parseField(id string, data json.RawMessage) (*Field, error) {
	n, err := parseNode(data, fieldWords)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", id, err)
	}
	fl := &Field{
		ID: id, Type: n.str("type"), Format: n.str("format"),
		Title: n.text("title"), Description: n.text("description"),
		PatternMsg:   Text{n.str("x-pattern-message"), n.str("x-pattern-message-en")},
		DateMin:      n.str("x-date-min"),
		DateMax:      n.str("x-date-max"),
		Widget:       n.str("x-widget"),
		Autocomplete: n.str("x-autocomplete"),
		InputMode:    n.str("x-inputmode"),
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("field %s: %s", id, fmt.Sprintf(format, args...))
	}
	if fl.Title.DE == "" {
		return nil, fail("title is missing")
	}
	if err := n.decode("minLength", &fl.MinLength); err != nil {
		return nil, fail("%v", err)
	}
	if err := n.decode("maxLength", &fl.MaxLength); err != nil {
		return nil, fail("%v", err)
	}
	if err := n.decode("minimum", &fl.Minimum); err != nil {
		return nil, fail("%v", err)
	}
	if err := n.decode("maximum", &fl.Maximum); err != nil {
		return nil, fail("%v", err)
	}
	if p := n.str("pattern"); p != "" {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fail("pattern: %v", err)
		}
		fl.Pattern = re
	}
	for _, d := range []string{fl.DateMin, fl.DateMax} {
		if d != "" && d != "today" && !dateRe.MatchString(d) {
			return nil, fail("x-date-min/x-date-max must be today or YYYY-MM-DD, not %q", d)
		}
	}
	enum, err := n.strings("enum")
	if err != nil {
		return nil, fail("%v", err)
	}
	de, err := n.strings("x-enum-titles")
	if err != nil {
		return nil, fail("%v", err)
	}
	en, err := n.strings("x-enum-titles-en")
	if err != nil {
		return nil, fail("%v", err)
	}
	if len(de) != len(enum) || (len(en) != 0 && len(en) != len(enum)) {
		return nil, fail("x-enum-titles must label every enum value")
	}
	for i, v := range enum {
		o := Option{Value: v, Label: Text{DE: de[i]}}
		if len(en) > 0 {
			o.Label.EN = en[i]
		}
		fl.Options = append(fl.Options, o)
	}
	// The widget is chosen before maxLength gets its default, so only an
	// explicit long maxLength makes a textarea.
	if fl.Widget, err = widget(fl); err != nil {
		return nil, fail("%v", err)
	}
	switch fl.Type {
	case "string":
		switch fl.Format {
		case "":
		case "date", "email":
		default:
			return nil, fail("format %q is not supported", fl.Format)
		}
		if fl.MaxLength <= 0 || fl.MaxLength > DefaultMaxLength*10 {
			fl.MaxLength = DefaultMaxLength
		}
		if fl.MinLength > fl.MaxLength {
			return nil, fail("minLength is larger than maxLength")
		}
	case "integer":
		fl.MaxLength = 20
		fl.InputMode = "numeric"
	case "boolean":
		if raw, ok := n.raw["const"]; ok {
			if string(bytes.TrimSpace(raw)) != "true" {
				return nil, fail("only const true is supported")
			}
			fl.MustBeTrue = true
		}
	default:
		return nil, fail("type %q is not supported", fl.Type)
	}
	if _, ok := n.raw["const"]; ok && fl.Type != "boolean" {
		return nil, fail("const is only supported for booleans")
	}
	return fl, nil
}

// widget picks the HTML control for a field, honouring x-widget.
func widget(fl *Field) (string, error) {
	var auto string
	switch {
	case fl.Type == "boolean":
		auto = "checkbox"
	case len(fl.Options) > 0 && len(fl.Options) <= 4:
		auto = "radio"
	case len(fl.Options) > 0:
		auto = "select"
	case fl.Type == "integer":
		auto = "number"
	case fl.Format == "date":
		auto = "date"
	case fl.Format == "email":
		auto = "email"
	case fl.MaxLength > 200:
		auto = "textarea"
	default:
		auto = "text"
	}
	switch w := fl.Widget; {
	case w == "":
		return auto, nil
	case (w == "select" || w == "radio") && len(fl.Options) > 0:
		return w, nil
	case (w == "text" || w == "textarea") && fl.Type == "string" && len(fl.Options) == 0 && fl.Format == "":
		return w, nil
	default:
		return "", fmt.Errorf("x-widget %q does not fit this field", w)
	}
}

// parseNode decodes one schema object, keeping the order of its
// properties and rejecting keywords outside allowed and the annotations.
func parseNode(data []byte, allowed []string) (*node, error) {
	n := &node{}
	if err := json.Unmarshal(data, &n.raw); err != nil {
		return nil, err
	}
	for k := range n.raw {
		if k != "properties" && !slices.Contains(allowed, k) && !slices.Contains(annotations, k) {
			return nil, fmt.Errorf("keyword %q is not supported", k)
		}
	}
	if raw, ok := n.raw["properties"]; ok {
		if !slices.Contains(allowed, "properties") {
			return nil, errors.New("properties are not allowed here")
		}
		keys, err := objectKeys(raw)
		if err != nil {
			return nil, fmt.Errorf("properties: %w", err)
		}
		n.props = keys
		if err := json.Unmarshal(raw, &n.propsRaw); err != nil {
			return nil, fmt.Errorf("properties: %w", err)
		}
	}
	if raw, ok := n.raw["additionalProperties"]; ok && string(bytes.TrimSpace(raw)) != "false" {
		return nil, errors.New("additionalProperties may only be false")
	}
	return n, nil
}

// objectKeys returns the keys of a JSON object in document order.
func objectKeys(data []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("want an object")
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := t.(string)
		if slices.Contains(keys, key) {
			return nil, fmt.Errorf("duplicate key %q", key)
		}
		keys = append(keys, key)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

func (n *node) prop(key string) json.RawMessage { return n.propsRaw[key] }

func (n *node) str(key string) string {
	var s string
	_ = json.Unmarshal(n.raw[key], &s)
	return s
}

func (n *node) text(key string) Text {
	return Text{DE: n.str(key), EN: n.str("x-" + key + "-en")}
}

func (n *node) strings(key string) ([]string, error) {
	var s []string
	if err := n.decode(key, &s); err != nil {
		return nil, err
	}
	return s, nil
}

func (n *node) decode(key string, v any) error {
	raw, ok := n.raw[key]
	if !ok {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}
