package config

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
)

// parseDuration reads a required Go duration string such as "4m". The raw
// member is inspected here, not by encoding/json, so the reason can name the
// field and show what was written.
func parseDuration(field string, raw json.RawMessage) (time.Duration, error) {
	if !present(raw) {
		return 0, fmt.Errorf("%s is required (a Go duration such as \"4m\")", field)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, fmt.Errorf("%s: want a Go duration string such as \"4m\", got %s", field, raw)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%s: %v", field, err)
	}
	return d, nil
}

// scaled converts an integer count of unit (the reference's minutes or
// seconds) to a Duration. Negative counts pass through so the domain
// Validate reports them with its own wording; overflow is an error.
func scaled(field string, n int64, unit time.Duration) (time.Duration, error) {
	limit := int64(math.MaxInt64 / unit)
	if n > limit || n < -limit {
		return 0, fmt.Errorf("%s: %d is too large", field, n)
	}
	return time.Duration(n) * unit, nil
}

// parseID reads a UUID text field; "" is uuid.Nil so the domain Validate
// reports the missing id with its own wording.
func parseID(field, s string) (uuid.UUID, error) {
	if s == "" {
		return uuid.Nil, nil
	}
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, fmt.Errorf("%s %q is not a UUID: %v", field, s, err)
	}
	return id, nil
}
