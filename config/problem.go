package config

import "fmt"

// Problem is one finding of Load. Unless Warning is set, the record it names
// was rejected and is absent from the Config.
type Problem struct {
	// File is the file holding the record: the config file as passed to
	// Load, or an imported file resolved against the config file's folder.
	File string
	// Record locates the record, starting with its tenant's position in the
	// config file, e.g. "tenants[0].routes[3] boat-orbis-ellinia" or
	// "tenants[0] data[2] Orbis to Ellinia Ferry". Empty for file-level
	// problems outside any tenant.
	Record string
	// Reason says what is wrong.
	Reason string
	// Warning marks a finding that did not stop the record from loading
	// (party-quest definition warnings, shadowed definitions).
	Warning bool
}

// String formats the problem for a log line.
func (p Problem) String() string {
	kind := "rejected"
	if p.Warning {
		kind = "warning"
	}
	return fmt.Sprintf("%s: %s: %s: %s", kind, p.File, p.Record, p.Reason)
}
