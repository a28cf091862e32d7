package form

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Data returns validated values as a JSON document shaped like the schema:
// an object per group, with integers and booleans typed. It is what the
// store keeps and what a later transport (FIT-Connect) sends.
func (f *Form) Data(v Values) ([]byte, error) {
	doc := map[string]map[string]any{}
	for _, g := range f.Groups {
		obj := map[string]any{}
		for _, fl := range g.Fields {
			s, ok := v[fl.ID]
			if !ok || s == "" {
				continue
			}
			switch fl.Type {
			case "integer":
				i, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					return nil, fmt.Errorf("field %s: %w", fl.ID, err)
				}
				obj[fl.ID] = i
			case "boolean":
				obj[fl.ID] = s == "true"
			default:
				obj[fl.ID] = s
			}
		}
		if len(obj) > 0 {
			doc[g.ID] = obj
		}
	}
	return json.Marshal(doc)
}

// ValuesOf reads a document written by Data back into values. Fields the
// form does not know are dropped.
func (f *Form) ValuesOf(data []byte) (Values, error) {
	var doc map[string]map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("form data: %w", err)
	}
	out := Values{}
	for _, g := range f.Groups {
		for _, fl := range g.Fields {
			switch x := doc[g.ID][fl.ID].(type) {
			case string:
				out[fl.ID] = x
			case float64:
				out[fl.ID] = strconv.FormatFloat(x, 'f', -1, 64)
			case bool:
				out[fl.ID] = strconv.FormatBool(x)
			}
		}
	}
	return out, nil
}
