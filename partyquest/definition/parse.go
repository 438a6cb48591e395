package definition

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Decode reads one definition file: a single JSON object, unknown keys
// ignored (as in the reference), wrong value types rejected. Stage properties
// must be a JSON object and are stored compacted, so a definition survives a
// JSON round trip byte for byte. Decode does not validate; Parse does.
func Decode(b []byte) (Definition, error) {
	var d Definition
	if err := json.Unmarshal(b, &d); err != nil {
		return Definition{}, fmt.Errorf("failed to parse JSON: %w", err)
	}
	for i := range d.Stages {
		p := d.Stages[i].Properties
		if len(p) == 0 {
			continue
		}
		if string(p) == "null" {
			d.Stages[i].Properties = nil
			continue
		}
		if p[0] != '{' {
			return Definition{}, fmt.Errorf("failed to parse JSON: stages[%d].properties must be an object", i)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, p); err != nil {
			return Definition{}, fmt.Errorf("failed to parse JSON: stages[%d].properties: %w", i, err)
		}
		d.Stages[i].Properties = json.RawMessage(buf.Bytes())
	}
	return d, nil
}

// Parse decodes and validates one definition file. Validation errors are
// joined into the returned error; warnings are returned for the log.
func Parse(b []byte) (Definition, []string, error) {
	d, err := Decode(b)
	if err != nil {
		return Definition{}, nil, err
	}
	errs, warnings := Validate(d)
	if len(errs) > 0 {
		return Definition{}, warnings, errors.New("invalid: " + strings.Join(errs, "; "))
	}
	return d, warnings, nil
}
