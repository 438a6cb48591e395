package config

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	idA = "11111111-1111-4111-8111-111111111111"
	idB = "22222222-2222-4222-8222-222222222222"
	idC = "33333333-3333-4333-8333-333333333333"
	idD = "44444444-4444-4444-8444-444444444444"
)

func TestOwnFormatRecords(t *testing.T) {
	path := writeConfig(t, oneTenant(`
		"routes": [`+validRoute(idA, "a", `"boardingWindow":"1500ms"`)+`],
		"instanceRoutes": [{"id":"`+idB+`","name":"train","startMapId":103000100,"transitMapId":103000302,
			"destinationMapId":103000310,"capacity":6,"boardingWindow":"10s","travel":"30s"}],
		"spawnPortals": {"101000300": 3}`))
	cfg, problems, err := Load(path)
	require.NoError(t, err)
	require.Empty(t, problems)
	tn := cfg.Tenants[0]
	require.Len(t, tn.Routes, 1)
	r := tn.Routes[0]
	assert.Equal(t, uuid.MustParse(idA), r.ID)
	assert.Equal(t, 1500*time.Millisecond, r.BoardingWindow)
	assert.Equal(t, []uint32{200090000}, r.EnRouteMapIDs)
	assert.Equal(t, uint32(200000111), r.ObservationMapID)
	require.Len(t, tn.InstanceRoutes, 1)
	assert.Equal(t, uint32(6), tn.InstanceRoutes[0].Capacity)
	assert.Equal(t, map[uint32]uint32{101000300: 3}, tn.SpawnPortals)
}

func TestBadRecordIsSkippedAndTheRestLoads(t *testing.T) {
	path := writeConfig(t, oneTenant(`"routes": [
		`+validRoute(idA, "good-1")+`,
		`+validRoute(idB, "no-pre-departure", `"preDeparture":"0s"`)+`,
		`+validRoute(idC, "good-2")+`]`))
	cfg, problems, err := Load(path)
	require.NoError(t, err)
	require.Len(t, problems, 1)
	p := problems[0]
	assert.Equal(t, path, p.File)
	assert.Equal(t, "tenants[0].routes[1] no-pre-departure", p.Record)
	assert.Equal(t, "pre-departure duration must be positive", p.Reason)
	assert.False(t, p.Warning)
	assert.Contains(t, p.String(), path+": tenants[0].routes[1] no-pre-departure: pre-departure")

	var names []string
	for _, r := range cfg.Tenants[0].Routes {
		names = append(names, r.Name)
	}
	assert.Equal(t, []string{"good-1", "good-2"}, names)
}

func TestUnknownFieldsAreReported(t *testing.T) {
	path := writeConfig(t, `{
		"tenants": [{"id":"`+sampleTenantID+`","region":"GMS","rootes":[],
			"routes": [`+validRoute(idA, "typo", `"travell":"10m"`)+`, `+validRoute(idB, "fine")+`],
			"imports": {"routeSeed": "x"}}]}`)
	cfg, problems, err := Load(path)
	require.NoError(t, err)
	assert.Len(t, problems, 3)
	assert.Contains(t, problemFor(t, problems, "tenants[0]").Reason, `unknown field "rootes"`)
	assert.Contains(t, problemFor(t, problems, "tenants[0].routes[0]").Reason, `unknown field "travell"`)
	assert.Contains(t, problemFor(t, problems, "tenants[0].imports").Reason, `unknown field "routeSeed"`)

	// An unknown tenant member costs nothing else; an unknown record member
	// costs that record.
	require.Len(t, cfg.Tenants, 1)
	require.Len(t, cfg.Tenants[0].Routes, 1)
	assert.Equal(t, "fine", cfg.Tenants[0].Routes[0].Name)
}

func TestBadDurations(t *testing.T) {
	cases := map[string]struct {
		member string
		reason string
	}{
		"unparsable":   {`"travel":"10 minutes"`, `travel: time: unknown unit " minutes" in duration "10 minutes"`},
		"number":       {`"travel":10`, `travel: want a Go duration string such as "4m", got 10`},
		"missing unit": {`"travel":"10"`, `travel: time: missing unit in duration "10"`},
		"null":         {`"travel":null`, `travel is required (a Go duration such as "4m")`},
		"zero":         {`"travel":"0s"`, `travel duration must be positive`},
		"negative":     {`"travel":"-10m"`, `travel duration must be positive`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			path := writeConfig(t, oneTenant(`"routes":[`+validRoute(idA, "r", c.member)+`]`))
			cfg, problems, err := Load(path)
			require.NoError(t, err)
			assert.Equal(t, c.reason, problemFor(t, problems, "tenants[0].routes[0]").Reason)
			assert.Empty(t, cfg.Tenants[0].Routes)
		})
	}
}

func TestEveryFieldErrorOfARecordIsReportedAtOnce(t *testing.T) {
	path := writeConfig(t, oneTenant(`"vessels":[{"id":"nope","name":"v","routeA":"`+idA+`","routeB":"also-nope","turnaround":"soon"}]`))
	_, problems, err := Load(path)
	require.NoError(t, err)
	reason := problemFor(t, problems, "tenants[0].vessels[0]").Reason
	assert.Contains(t, reason, `id "nope" is not a UUID`)
	assert.Contains(t, reason, `routeB "also-nope" is not a UUID`)
	assert.Contains(t, reason, `turnaround: time: invalid duration "soon"`)
}

func TestDomainValidationReportsAllReasons(t *testing.T) {
	path := writeConfig(t, oneTenant(`"routes":[`+validRoute(idA, "", `"enRouteMapIds":[]`, `"cycleInterval":"0s"`)+`]`))
	_, problems, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, "route name must not be empty; at least one en-route map ID is required; cycle interval must be positive",
		problemFor(t, problems, "tenants[0].routes[0]").Reason)
}

func TestWrongJSONTypeInARecord(t *testing.T) {
	path := writeConfig(t, oneTenant(`"instanceRoutes":[{"id":"`+idA+`","name":"x","capacity":-1,"boardingWindow":"1s","travel":"1s"}]`))
	_, problems, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, "capacity: cannot use JSON number -1 as uint32", problemFor(t, problems, "tenants[0].instanceRoutes[0] x").Reason)
}

// Members shared by several formats live in embedded structs; the reason
// still names the member as written, not the Go struct holding it.
func TestWrongJSONTypeInASharedRouteMember(t *testing.T) {
	path := writeConfig(t, oneTenant(`"routes":[`+validRoute(idA, "r", `"startMapId":-1`)+`]`))
	_, problems, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, "startMapId: cannot use JSON number -1 as uint32", problemFor(t, problems, "tenants[0].routes[0]").Reason)
}

func TestDuplicateIDsRejectTheLaterRecord(t *testing.T) {
	path := writeConfig(t, oneTenant(`
		"routes": [`+validRoute(idA, "first")+`, `+validRoute(idA, "second")+`, `+validRoute(idB, "b")+`],
		"instanceRoutes": [{"id":"`+idB+`","name":"same id as route b","startMapId":1,"transitMapId":2,
			"destinationMapId":3,"capacity":1,"boardingWindow":"1s","travel":"1s"}]`))
	cfg, problems, err := Load(path)
	require.NoError(t, err)
	require.Len(t, problems, 2)
	assert.Equal(t, "duplicate id "+idA+" (first used by tenants[0].routes[0] first in "+path+")",
		problemFor(t, problems, "tenants[0].routes[1] second").Reason)
	assert.Contains(t, problemFor(t, problems, "tenants[0].instanceRoutes[0]").Reason, "duplicate id "+idB)

	tn := cfg.Tenants[0]
	require.Len(t, tn.Routes, 2)
	assert.Equal(t, "first", tn.Routes[0].Name)
	assert.Empty(t, tn.InstanceRoutes)
}

// An invalid record does not claim its id: a later valid record with that id
// loads.
func TestInvalidRecordDoesNotClaimItsID(t *testing.T) {
	path := writeConfig(t, oneTenant(`"routes": [`+validRoute(idA, "bad", `"travel":"0s"`)+`, `+validRoute(idA, "good")+`]`))
	cfg, problems, err := Load(path)
	require.NoError(t, err)
	require.Len(t, problems, 1)
	require.Len(t, cfg.Tenants[0].Routes, 1)
	assert.Equal(t, "good", cfg.Tenants[0].Routes[0].Name)
}

func TestVessels(t *testing.T) {
	vessel := func(id, a, b, turnaround string) string {
		return `{"id":"` + id + `","name":"v","routeA":"` + a + `","routeB":"` + b + `","turnaround":"` + turnaround + `"}`
	}
	t.Run("valid", func(t *testing.T) {
		path := writeConfig(t, oneTenant(`"routes":[`+validRoute(idA, "a")+`,`+validRoute(idB, "b")+`],
			"vessels":[`+vessel(idC, idA, idB, "5m")+`]`))
		cfg, problems, err := Load(path)
		require.NoError(t, err)
		require.Empty(t, problems)
		tn := cfg.Tenants[0]
		require.Len(t, tn.Vessels, 1)
		assert.Equal(t, uuid.MustParse(idA), tn.Vessels[0].RouteA)
		assert.Equal(t, uuid.MustParse(idB), tn.Vessels[0].RouteB)
		assert.Equal(t, 5*time.Minute, tn.Vessels[0].Turnaround)
		assert.Len(t, tn.Routes, 2)
	})
	t.Run("missing route rejects the vessel and withholds its other leg", func(t *testing.T) {
		path := writeConfig(t, oneTenant(`"routes":[`+validRoute(idA, "a")+`,`+validRoute(idD, "independent")+`],
			"vessels":[`+vessel(idC, idA, idB, "5m")+`]`))
		cfg, problems, err := Load(path)
		require.NoError(t, err)
		require.Len(t, problems, 2)
		assert.Equal(t, "route B "+idB+" is not a loaded route of this tenant", problemFor(t, problems, "tenants[0].vessels[0]").Reason)
		assert.Contains(t, problemFor(t, problems, "tenants[0].routes[0] a").Reason, "withheld")
		tn := cfg.Tenants[0]
		assert.Empty(t, tn.Vessels)
		require.Len(t, tn.Routes, 1)
		assert.Equal(t, "independent", tn.Routes[0].Name)
	})
	t.Run("invalid vessel withholds both legs", func(t *testing.T) {
		path := writeConfig(t, oneTenant(`"routes":[`+validRoute(idA, "a")+`,`+validRoute(idB, "b")+`],
			"vessels":[`+vessel(idC, idA, idB, "0s")+`]`))
		cfg, problems, err := Load(path)
		require.NoError(t, err)
		assert.Equal(t, "turnaround delay must be positive", problemFor(t, problems, "tenants[0].vessels[0]").Reason)
		assert.Len(t, problems, 3)
		assert.Empty(t, cfg.Tenants[0].Routes)
	})
	t.Run("route in two vessels", func(t *testing.T) {
		path := writeConfig(t, oneTenant(`"routes":[`+validRoute(idA, "a")+`,`+validRoute(idB, "b")+`,`+validRoute(idD, "d")+`],
			"vessels":[`+vessel(idC, idA, idB, "1m")+`,`+vessel("55555555-5555-4555-8555-555555555555", idB, idD, "1m")+`]`))
		cfg, problems, err := Load(path)
		require.NoError(t, err)
		assert.Equal(t, "route A "+idB+" already belongs to vessel tenants[0].vessels[0] v", problemFor(t, problems, "tenants[0].vessels[1]").Reason)
		assert.Contains(t, problemFor(t, problems, "tenants[0].routes[2] d").Reason, "withheld")
		tn := cfg.Tenants[0]
		assert.Len(t, tn.Vessels, 1)
		assert.Len(t, tn.Routes, 2, "a and b, legs of the accepted vessel")
	})
	t.Run("undecodable vessel still withholds its legs", func(t *testing.T) {
		path := writeConfig(t, oneTenant(`"routes":[`+validRoute(idA, "a")+`,`+validRoute(idB, "b")+`],
			"vessels":[{"id":"`+idC+`","routeA":"`+idA+`","routeB":"`+idB+`","turnarround":"1m"}]`))
		cfg, problems, err := Load(path)
		require.NoError(t, err)
		assert.Contains(t, problemFor(t, problems, "tenants[0].vessels[0]").Reason, `unknown field "turnarround"`)
		assert.Len(t, problems, 3)
		assert.Empty(t, cfg.Tenants[0].Routes)
	})
	t.Run("same route twice", func(t *testing.T) {
		path := writeConfig(t, oneTenant(`"routes":[`+validRoute(idA, "a")+`], "vessels":[`+vessel(idC, idA, idA, "1m")+`]`))
		_, problems, err := Load(path)
		require.NoError(t, err)
		assert.Equal(t, "route A and route B must be different routes", problemFor(t, problems, "tenants[0].vessels[0]").Reason)
	})
}

func TestSpawnPortals(t *testing.T) {
	path := writeConfig(t, oneTenant(`"spawnPortals":{"101000300":2,"abc":1,"200000100":-1,"103000000":null,"240000100":0}`))
	cfg, problems, err := Load(path)
	require.NoError(t, err)
	assert.Len(t, problems, 3)
	assert.Equal(t, "key must be a decimal map id", problemFor(t, problems, `tenants[0].spawnPortals["abc"]`).Reason)
	problemFor(t, problems, `tenants[0].spawnPortals["200000100"]`)
	problemFor(t, problems, `tenants[0].spawnPortals["103000000"]`)
	assert.Equal(t, map[uint32]uint32{101000300: 2, 240000100: 0}, cfg.Tenants[0].SpawnPortals)
}

func TestBadSectionShapes(t *testing.T) {
	path := writeConfig(t, oneTenant(`"routes":{}, "spawnPortals":[], "imports":"routes", "partyQuestDefinitions":7`))
	cfg, problems, err := Load(path)
	require.NoError(t, err)
	assert.Len(t, problems, 4)
	assert.Equal(t, "want an array", problemFor(t, problems, "tenants[0].routes").Reason)
	problemFor(t, problems, "tenants[0].spawnPortals")
	problemFor(t, problems, "tenants[0].imports")
	problemFor(t, problems, "tenants[0].partyQuestDefinitions")
	assert.Len(t, cfg.Tenants, 1)
}
