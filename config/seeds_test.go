package config

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Pinned: changing the namespace or the derivation would rename every
// seeded route. The expected values were computed independently of this
// package (RFC 4122 §4.3 SHA-1 over namespace bytes + tenant bytes + name).
func TestSeedRouteIDIsStable(t *testing.T) {
	assert.Equal(t, "fca9cba7-73b2-5a72-975a-e37b0078a3e2", SeedNamespace.String())
	tenantID := uuid.MustParse(sampleTenantID)
	id := SeedRouteID(tenantID, "boat-orbis-ellinia")
	assert.Equal(t, "1a074474-af1b-5af1-8d8d-0ec5f15a8865", id.String())
	assert.Equal(t, uuid.Version(5), id.Version())
	assert.Equal(t, id, SeedRouteID(tenantID, "boat-orbis-ellinia"))
	assert.NotEqual(t, id, SeedRouteID(tenantID, "boat-ellinia-orbis"))
	assert.NotEqual(t, id, SeedRouteID(uuid.MustParse(idA), "boat-orbis-ellinia"), "tenants never share a seeded id")
}

func seedConfig(t *testing.T, tenantID string) string {
	t.Helper()
	abs, err := filepath.Abs("testdata/routes")
	require.NoError(t, err)
	return writeConfig(t, `{"tenants":[{"id":"`+tenantID+`","region":"GMS","imports":{"routeSeeds":"`+abs+`"}}]}`)
}

func TestRouteSeedImport(t *testing.T) {
	cfg, problems, err := Load(seedConfig(t, sampleTenantID))
	require.NoError(t, err)

	// The two subway seeds have preDepartureDurationMinutes 0 (spec §8.1).
	require.Len(t, problems, 2)
	for _, name := range []string{"subway-kc-nlc", "subway-nlc-kc"} {
		p := problemFor(t, problems, "tenants[0] "+name)
		assert.Equal(t, "pre-departure duration must be positive", p.Reason)
		assert.Equal(t, name+".json", filepath.Base(p.File))
	}

	// schema.json and the non-JSON file are not routes; the ten valid seeds
	// load in file-name order.
	tn := cfg.Tenants[0]
	require.Len(t, tn.Routes, 10)
	assert.Equal(t, "airplane-cbd-kc", tn.Routes[0].Name)
	assert.Empty(t, tn.Vessels)

	byName := map[string]int{}
	for i, r := range tn.Routes {
		byName[r.Name] = i
		assert.Equal(t, SeedRouteID(tn.Tenant.ID, r.Name), r.ID)
	}
	boat := tn.Routes[byName["boat-orbis-ellinia"]]
	assert.Equal(t, uint32(200000111), boat.StartMapID)
	assert.Equal(t, uint32(200000112), boat.StagingMapID)
	assert.Equal(t, []uint32{200090000, 200090001}, boat.EnRouteMapIDs)
	assert.Equal(t, uint32(101000300), boat.DestinationMapID)
	assert.Equal(t, uint32(200000111), boat.ObservationMapID)
	// …Minutes integers are minutes.
	assert.Equal(t, 4*time.Minute, boat.BoardingWindow)
	assert.Equal(t, 1*time.Minute, boat.PreDeparture)
	assert.Equal(t, 10*time.Minute, boat.Travel)
	assert.Equal(t, 15*time.Minute, boat.CycleInterval)
}

func TestRouteSeedIDsAreStableAcrossLoads(t *testing.T) {
	path := seedConfig(t, sampleTenantID)
	first, _, err := Load(path)
	require.NoError(t, err)
	second, _, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, first.Tenants[0].Routes, second.Tenants[0].Routes)

	other, _, err := Load(seedConfig(t, idA))
	require.NoError(t, err)
	assert.NotEqual(t, first.Tenants[0].Routes[0].ID, other.Tenants[0].Routes[0].ID)
}

func TestRouteSeedProblems(t *testing.T) {
	path := writeConfig(t, oneTenant(`"imports":{"routeSeeds":"seeds"}`),
		"seeds/a.json", `{"name":"a","enRouteMapIds":[1],"boardingWindowDurationMinutes":4,"preDepartureDurationMinutes":1,"travelDurationMinutes":5,"cycleIntervalMinutes":10}`,
		"seeds/b.json", `{"name":"a","enRouteMapIds":[1],"boardingWindowDurationMinutes":4,"preDepartureDurationMinutes":1,"travelDurationMinutes":5,"cycleIntervalMinutes":10}`,
		"seeds/c.json", `{"name":"c","enRouteMapIds":[1],"boardingWindowDurationMinutes":"4"}`,
		"seeds/d.json", `{"name": `,
		"seeds/e.json", `{"name":"e","enRouteMapIds":[1],"boardingWindowDurationMinutes":4,"preDepartureDurationMinutes":1,"travelDurationMinutes":5,"cycleIntervalMinutes":9223372036854775807}`,
	)
	cfg, problems, err := Load(path)
	require.NoError(t, err)
	require.Len(t, problems, 4, "%v", problems)
	byFile := map[string]Problem{}
	for _, p := range problems {
		byFile[filepath.Base(p.File)] = p
	}
	assert.Contains(t, byFile["b.json"].Reason, "duplicate id", "the same name in one tenant derives the same id")
	assert.Equal(t, "tenants[0] c", byFile["c.json"].Record)
	assert.Equal(t, "failed to parse JSON: boardingWindowDurationMinutes: cannot use JSON string as int64", byFile["c.json"].Reason)
	assert.Equal(t, "tenants[0] d.json", byFile["d.json"].Record, "unparsable: named by its file")
	assert.Equal(t, "cycleIntervalMinutes: 9223372036854775807 is too large", byFile["e.json"].Reason)
	require.Len(t, cfg.Tenants[0].Routes, 1)
	assert.Equal(t, "a", cfg.Tenants[0].Routes[0].Name)
}

func TestMissingSeedDirectory(t *testing.T) {
	path := writeConfig(t, oneTenant(`"imports":{"routeSeeds":"nowhere"}`))
	cfg, _, err := Load(path)
	require.Error(t, err)
	assert.Equal(t, "config: "+path+": tenants[0].imports.routeSeeds: folder "+filepath.Join(filepath.Dir(path), "nowhere")+" does not exist", err.Error())
	assert.Empty(t, cfg.Tenants)
}
