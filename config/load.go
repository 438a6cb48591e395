package config

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Load reads the config file at path and every file it imports.
//
// Every record that is invalid (undecodable, unknown field, bad duration,
// failing its domain Validate, repeated id, vessel naming a missing route)
// is reported as a Problem and skipped; the rest loads. A tenant without a
// valid id or region, or repeating an earlier tenant, is skipped whole.
// The error is non-nil only when path cannot be read or is not a JSON
// object whose "tenants" member is an array.
func Load(path string, opts ...Option) (Config, []Problem, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, nil, fmt.Errorf("config: %w", err)
	}
	top, unknown, err := splitObject(b, "tenants")
	if err != nil {
		return Config{}, nil, fmt.Errorf("config: %s: %s", path, jsonReason(err))
	}
	var problems []Problem
	add := func(p Problem) { problems = append(problems, p) }
	for _, k := range unknown {
		add(Problem{File: path, Record: k, Reason: fmt.Sprintf("unknown field %q (want \"tenants\")", k)})
	}
	var raws []json.RawMessage
	if present(top["tenants"]) {
		if err := json.Unmarshal(top["tenants"], &raws); err != nil {
			return Config{}, nil, fmt.Errorf("config: %s: \"tenants\" must be an array", path)
		}
	}
	if len(raws) == 0 {
		add(Problem{File: path, Record: "tenants", Reason: "no tenants configured"})
	}

	// The shared definitions directory is read once and its problems
	// reported once, whatever the number of tenants.
	var shared *definitionSet
	if o.definitionsPath != "" {
		s := loadDefinitions(o.definitionsPath)
		s.report(DefinitionsPathEnv, add)
		shared = &s
	}

	var cfg Config
	seen := map[string]string{} // tenant key → label of the first tenant
	for i, raw := range raws {
		l := &tenantLoader{file: path, dir: filepath.Dir(path), label: fmt.Sprintf("tenants[%d]", i), add: add}
		t, ok := l.load(raw, shared)
		if !ok {
			continue
		}
		if first, dup := seen[t.Tenant.Key()]; dup {
			add(Problem{File: path, Record: l.label, Reason: fmt.Sprintf("duplicate tenant %s (first defined by %s)", t.Tenant, first)})
			continue
		}
		seen[t.Tenant.Key()] = l.label
		cfg.Tenants = append(cfg.Tenants, t)
	}
	return cfg, problems, nil
}
