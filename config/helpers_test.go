package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const sampleTenantID = "083839c6-c47c-42a6-9585-76492795d123"

// writeConfig writes a config file (and extra files, by relative name) into
// a fresh folder and returns the config's path.
func writeConfig(t *testing.T, body string, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	require.Zero(t, len(extra)%2, "extra is name, content pairs")
	for i := 0; i < len(extra); i += 2 {
		p := filepath.Join(dir, extra[i])
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(extra[i+1]), 0o644))
	}
	path := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	return path
}

// oneTenant wraps tenant members (JSON without braces) in a valid tenant.
func oneTenant(members string) string {
	if members != "" {
		members = ", " + members
	}
	return `{"tenants":[{"id":"` + sampleTenantID + `","region":"GMS","majorVersion":83,"minorVersion":1` + members + `}]}`
}

// rejected returns the problems that rejected something.
func rejected(ps []Problem) []Problem {
	var out []Problem
	for _, p := range ps {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// problemFor returns the single problem for record: Record equals it, or
// starts with it followed by a space (the record's name).
func problemFor(t *testing.T, ps []Problem, record string) Problem {
	t.Helper()
	var found []Problem
	for _, p := range ps {
		if p.Record == record || strings.HasPrefix(p.Record, record+" ") {
			found = append(found, p)
		}
	}
	require.Len(t, found, 1, "problems for %q in %v", record, ps)
	return found[0]
}

// validRoute is one route record of our format; fields may be overridden by
// appending JSON members (later keys win in encoding/json).
func validRoute(id, name string, extra ...string) string {
	s := `{"id":"` + id + `","name":"` + name + `","startMapId":200000111,"stagingMapId":200000112,` +
		`"enRouteMapIds":[200090000],"destinationMapId":101000300,"observationMapId":200000111,` +
		`"boardingWindow":"4m","preDeparture":"1m","travel":"10m","cycleInterval":"15m"`
	for _, e := range extra {
		s += "," + e
	}
	return s + "}"
}
