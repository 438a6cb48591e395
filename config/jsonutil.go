package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// decodeStrict decodes one record of our own format, rejecting unknown
// fields so a typo such as "travell" is reported instead of silently
// leaving the field at zero.
func decodeStrict(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// splitObject splits a JSON object into its members and reports the keys
// not in known, sorted, so callers can flag typos and keep going.
func splitObject(raw json.RawMessage, known ...string) (map[string]json.RawMessage, []string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, nil, fmt.Errorf("want a JSON object, got JSON %s", te.Value)
		}
		return nil, nil, err
	}
	if m == nil {
		return nil, nil, errors.New("want a JSON object, got null")
	}
	var unknown []string
	for k := range m {
		if !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	return m, unknown, nil
}

// present reports whether a member exists and is not JSON null.
func present(raw json.RawMessage) bool {
	return len(raw) > 0 && string(raw) != "null"
}

// jsonReason rewords encoding/json errors for an operator: field names as
// spelled in the file, no Go type names of our private structs.
func jsonReason(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return fmt.Sprintf("cannot use JSON %s as %s", te.Value, te.Type)
		}
		return fmt.Sprintf("%s: cannot use JSON %s as %s", jsonPath(te.Field), te.Value, te.Type)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, se)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// jsonPath drops from an UnmarshalTypeError's Field the Go names of the
// structs our records embed (encoding/json includes them since Go 1.24), so
// the path names only members the author wrote: "capacity", not
// "rideFields.capacity".
func jsonPath(field string) string {
	parts := strings.Split(field, ".")
	kept := parts[:0]
	for _, p := range parts {
		if !slices.Contains(embeddedRecordStructs, p) {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ".")
}

// joinReasons renders errors (possibly errors.Join trees) on one line.
func joinReasons(errs []error) string {
	var parts []string
	for _, err := range errs {
		if err == nil {
			continue
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			if line != "" {
				parts = append(parts, line)
			}
		}
	}
	return strings.Join(parts, "; ")
}
