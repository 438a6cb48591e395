package config

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gamehost/transitquest/tenant"
	"github.com/google/uuid"
)

// tenantKeys are the members of a tenant object.
var tenantKeys = []string{
	"id", "region", "majorVersion", "minorVersion",
	"routes", "vessels", "instanceRoutes", "spawnPortals",
	"partyQuestDefinitions", "imports",
}

// tenantLoader loads one tenant object of the config file.
type tenantLoader struct {
	file   string // the config file, as passed to Load
	dir    string // its folder, the base of relative paths
	label  string // "tenants[i]", the prefix of every Record
	tenant tenant.Tenant
	b      *builder
	add    func(Problem)
	// fail records a fatal issue: Load then returns an error and the
	// service refuses to start.
	fail func(at origin, reason string)
}

func (l *tenantLoader) report(at origin, reason string) {
	l.add(Problem{File: at.file, Record: at.record, Reason: reason})
}

// usable resolves a path named by the configuration member record and
// checks that it is an existing folder (dir) or file; when it is not, that
// is fatal and ok is false.
func (l *tenantLoader) usable(record, p string, dir bool) (path string, ok bool) {
	path = l.resolve(p)
	if reason, ok := checkPath(path, dir); !ok {
		l.fail(origin{l.file, record}, reason)
		return path, false
	}
	return path, true
}

// resolve makes a path from the config file relative to that file's folder.
func (l *tenantLoader) resolve(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(l.dir, p)
}

// at labels a record of the config file: "tenants[0].routes[3] name".
func (l *tenantLoader) at(section string, i int, name string) origin {
	rec := fmt.Sprintf("%s.%s[%d]", l.label, section, i)
	if name != "" {
		rec += " " + name
	}
	return origin{l.file, rec}
}

// resourceAt labels an element of an imported JSON:API list:
// "tenants[0] data[2] name" (the id when there is no name).
func (l *tenantLoader) resourceAt(path string, i int, name, id string) origin {
	rec := fmt.Sprintf("%s data[%d]", l.label, i)
	if name == "" {
		name = id
	}
	if name != "" {
		rec += " " + name
	}
	return origin{path, rec}
}

// header reads the tenant's identity. A tenant without a valid non-nil id
// or a region is skipped whole: nothing could be keyed to it.
func (l *tenantLoader) header(m map[string]json.RawMessage) (tenant.Tenant, error) {
	var h struct {
		ID           string `json:"id"`
		Region       string `json:"region"`
		MajorVersion uint16 `json:"majorVersion"`
		MinorVersion uint16 `json:"minorVersion"`
	}
	fields := []struct {
		key string
		dst any
	}{{"id", &h.ID}, {"region", &h.Region}, {"majorVersion", &h.MajorVersion}, {"minorVersion", &h.MinorVersion}}
	for _, f := range fields {
		if raw, ok := m[f.key]; ok {
			if err := json.Unmarshal(raw, f.dst); err != nil {
				return tenant.Tenant{}, fmt.Errorf("%s: %s", f.key, jsonReason(err))
			}
		}
	}
	t := tenant.Tenant{Region: h.Region, MajorVersion: h.MajorVersion, MinorVersion: h.MinorVersion}
	id, err := parseID("id", h.ID)
	if err != nil {
		return t, err
	}
	if id == uuid.Nil {
		return t, fmt.Errorf("id is missing or nil")
	}
	t.ID = id
	if strings.TrimSpace(h.Region) == "" {
		return t, fmt.Errorf("region is missing or empty")
	}
	return t, nil
}

// load reads one tenant object: identity first (the tenant is skipped when
// it is bad), then our own records, then the imports in a fixed order, so
// "the later duplicate" is well defined: routes, routeSeeds, tenantRoutes,
// vessels, tenantVessels, instanceRoutes, tenantInstanceRoutes.
func (l *tenantLoader) load(raw json.RawMessage, shared *definitionSet) (Tenant, bool) {
	m, unknown, err := splitObject(raw, tenantKeys...)
	if err != nil {
		l.report(origin{l.file, l.label}, "tenant: "+jsonReason(err))
		return Tenant{}, false
	}
	t, err := l.header(m)
	if err != nil {
		l.report(origin{l.file, l.label}, "tenant skipped: "+err.Error())
		return Tenant{}, false
	}
	l.tenant = t
	for _, k := range unknown {
		l.report(origin{l.file, l.label}, fmt.Sprintf("unknown field %q (want one of %s)", k, strings.Join(tenantKeys, ", ")))
	}

	l.b = newBuilder(l.report)
	imports := l.imports(m)
	// Sections are loaded kind by kind so the import order above holds.
	l.records(m, "routes", l.ownRoute)
	if p, ok := imports["routeSeeds"]; ok {
		l.importRouteSeeds("routeSeeds", p)
	}
	if p, ok := imports["tenantRoutes"]; ok {
		l.importTenantRoutes("tenantRoutes", p)
	}
	l.records(m, "vessels", l.ownVessel)
	if p, ok := imports["tenantVessels"]; ok {
		l.importTenantVessels("tenantVessels", p)
	}
	l.records(m, "instanceRoutes", l.ownInstanceRoute)
	if p, ok := imports["tenantInstanceRoutes"]; ok {
		l.importTenantInstanceRoutes("tenantInstanceRoutes", p)
	}

	out := Tenant{Tenant: t}
	out.Routes, out.Vessels, out.InstanceRoutes = l.b.finish()
	if raw, ok := m["spawnPortals"]; ok && present(raw) {
		out.SpawnPortals = l.parseSpawnPortals(raw)
	}
	out.QuestDefinitions = l.definitions(m, shared)
	return out, true
}
