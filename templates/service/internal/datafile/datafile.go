// Package datafile reads the JSON files that ozg-new writes into this
// service from its answers: internal/service/service.json (what the service
// is), internal/tenant/tenants.json (whom it serves) and
// internal/fitconnect/release.json (the FIT-Connect settings of its
// standards release) and internal/login/release.json (the identity
// providers of its account). `ozg-new update` rewrites them, so change them through
// the answers file rather than by hand.
package datafile

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// MustDecode decodes the embedded file strictly into a T: an unknown key,
// a value of the wrong type or trailing data is an error. The files are
// compiled into the program, so a mistake in one is a build mistake; it
// stops the program at start with the file's name rather than running with
// a value silently missing.
func MustDecode[T any](file string, data []byte) T {
	v, err := Decode[T](data)
	if err != nil {
		panic(fmt.Sprintf("%s (written by ozg-new from the answers file): %v", file, err))
	}
	return v
}

// Decode is MustDecode returning the error.
func Decode[T any](data []byte) (T, error) {
	var v T
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, err
	}
	if dec.More() {
		return v, fmt.Errorf("data after the JSON value")
	}
	return v, nil
}
