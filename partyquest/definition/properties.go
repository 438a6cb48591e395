package definition

import (
	"encoding/json"
	"fmt"
	"math"
)

// Combination puzzle property keys and their bounds. A combination is
// Length values, each in [0, Range). Length is capped at 16 because no client
// puzzle has more slots and it bounds the instance state; Range at 100
// because every shipped puzzle uses single digits and larger values are
// typos.
const (
	PropCombinationLength = "combinationLength"
	PropCombinationRange  = "combinationRange"

	DefaultCombinationLength = 3
	DefaultCombinationRange  = 3
	MaxCombinationLength     = 16
	MaxCombinationRange      = 100
)

// Combination is the shape of a combination_puzzle stage's secret.
type Combination struct {
	Length int // number of values
	Range  int // each value is in [0, Range)
}

// Combination reads combinationLength/combinationRange from the stage's
// properties, defaulting each to 3 when absent. A present value must be a
// JSON integer within bounds; anything else is an error, never a panic.
func (s Stage) Combination() (Combination, error) {
	c := Combination{Length: DefaultCombinationLength, Range: DefaultCombinationRange}
	props, err := s.propertyMap()
	if err != nil {
		return c, err
	}
	if c.Length, err = intProperty(props, PropCombinationLength, DefaultCombinationLength, MaxCombinationLength); err != nil {
		return c, err
	}
	if c.Range, err = intProperty(props, PropCombinationRange, DefaultCombinationRange, MaxCombinationRange); err != nil {
		return c, err
	}
	return c, nil
}

// propertyMap splits the properties object into its raw members.
func (s Stage) propertyMap() (map[string]json.RawMessage, error) {
	if len(s.Properties) == 0 || string(s.Properties) == "null" {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(s.Properties, &m); err != nil {
		return nil, fmt.Errorf("properties must be a JSON object: %v", err)
	}
	return m, nil
}

// intProperty reads an optional integer property in [1, maxV].
func intProperty(props map[string]json.RawMessage, key string, def, maxV int) (int, error) {
	raw, ok := props[key]
	if !ok || string(raw) == "null" {
		return def, nil
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return def, fmt.Errorf("properties.%s must be a JSON number, got %s", key, raw)
	}
	if f != math.Trunc(f) || f < 1 || f > float64(maxV) {
		return def, fmt.Errorf("properties.%s must be an integer in 1..%d, got %s", key, maxV, raw)
	}
	return int(f), nil
}
