package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// topKeys are the members of the config file's top-level object.
var topKeys = []string{"tenants"}

// Load reads the config file at path and every file it imports.
//
// Every record that is invalid (undecodable, unknown field, bad duration,
// failing its domain Validate, repeated id, vessel naming a missing route)
// is reported as a Problem and skipped; the rest loads. A tenant without a
// valid id or region, or repeating an earlier tenant, is skipped whole.
//
// The error is non-nil when the configuration as a whole is wrong, and then
// the service must not start: path cannot be read or is not a JSON object,
// the object has a member other than "tenants" (a typo such as "tenant"
// would otherwise start a service without tenants), "tenants" is missing or
// not an array, or a folder or file the configuration names (a tenant's
// partyQuestDefinitions or imports, the WithDefinitionsPath folder) cannot
// be opened, is of the wrong kind, or an imported JSON:API file is not a
// JSON:API list. Load then still reports every fatal issue it found, joined
// on one line, with the problems found along the way, and an empty Config.
func Load(path string, opts ...Option) (Config, []Problem, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, nil, fmt.Errorf("config: %w", err)
	}
	top, unknown, err := splitObject(b, topKeys...)
	if err != nil {
		return Config{}, nil, fmt.Errorf("config: %s: %s", path, jsonReason(err))
	}
	var problems []Problem
	add := func(p Problem) { problems = append(problems, p) }
	var fatal []string
	fail := func(at origin, reason string) {
		s := at.file + ": "
		if at.record != "" {
			s += at.record + ": "
		}
		fatal = append(fatal, oneLine(s+reason))
	}
	for _, k := range unknown {
		fail(origin{file: path}, fmt.Sprintf("unknown top-level field %q (want %s)", k, quoteAll(topKeys)))
	}
	var raws []json.RawMessage
	if !present(top["tenants"]) {
		fail(origin{file: path}, `"tenants" is missing: want {"tenants": [...]}`)
	} else if err := json.Unmarshal(top["tenants"], &raws); err != nil {
		fail(origin{file: path}, `"tenants" must be an array`)
	} else if len(raws) == 0 {
		add(Problem{File: path, Record: "tenants", Reason: "no tenants configured"})
	}

	// The shared definitions directory is read once and its problems
	// reported once, whatever the number of tenants.
	var shared *definitionSet
	if o.definitionsPath != "" {
		if reason, ok := checkPath(o.definitionsPath, true); !ok {
			fail(origin{file: o.definitionsPath, record: DefinitionsPathEnv}, reason)
		} else {
			s := loadDefinitions(o.definitionsPath)
			s.report(DefinitionsPathEnv, add)
			shared = &s
		}
	}

	var cfg Config
	seen := map[string]string{} // tenant key → label of the first tenant
	for i, raw := range raws {
		l := &tenantLoader{file: path, dir: filepath.Dir(path), label: fmt.Sprintf("tenants[%d]", i), add: add, fail: fail}
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
	if len(fatal) > 0 {
		return Config{}, problems, errors.New("config: " + strings.Join(fatal, "; "))
	}
	return cfg, problems, nil
}

// checkPath reports, as a reason naming p, why the folder (dir) or file
// named p by the configuration cannot be used; ok when it can.
func checkPath(p string, dir bool) (reason string, ok bool) {
	fi, err := os.Stat(p)
	kind := "file"
	if dir {
		kind = "folder"
	}
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Sprintf("%s %s does not exist", kind, p), false
	case err != nil:
		return err.Error(), false
	case dir && !fi.IsDir():
		return fmt.Sprintf("%s is not a folder", p), false
	case !dir && fi.IsDir():
		return fmt.Sprintf("%s is a folder, want a file", p), false
	}
	f, err := os.Open(p) // readable too, e.g. not denied by permissions
	if err != nil {
		return err.Error(), false
	}
	f.Close()
	return "", true
}

// quoteAll renders keys as `"a", "b"` for a reason.
func quoteAll(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = fmt.Sprintf("%q", k)
	}
	return strings.Join(q, ", ")
}

// oneLine folds a reason onto one line, so a fatal error is one log line.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}
