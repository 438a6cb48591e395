package config

import (
	"encoding/json"
	"fmt"
	"strings"
)

// importKeys are the members of a tenant's "imports" object, one per
// reference file format.
var importKeys = []string{"routeSeeds", "tenantRoutes", "tenantVessels", "tenantInstanceRoutes"}

// imports reads the "imports" object: which reference files to load.
func (l *tenantLoader) imports(m map[string]json.RawMessage) map[string]string {
	raw := m["imports"]
	if !present(raw) {
		return nil
	}
	at := origin{l.file, l.label + ".imports"}
	members, unknown, err := splitObject(raw, importKeys...)
	if err != nil {
		l.report(at, jsonReason(err))
		return nil
	}
	for _, k := range unknown {
		l.report(at, fmt.Sprintf("unknown field %q (want one of %s)", k, strings.Join(importKeys, ", ")))
	}
	paths := map[string]string{}
	for _, k := range importKeys { // in order, for a deterministic report
		v, ok := members[k]
		if !ok {
			continue
		}
		var p string
		if err := json.Unmarshal(v, &p); err != nil || p == "" {
			l.report(origin{l.file, l.label + ".imports." + k}, "want a non-empty path string")
			continue
		}
		paths[k] = p
	}
	return paths
}
