package config

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/transport/ride"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	ferryA = "24bb11dd-44aa-48c2-998e-a1f1644b9130"
	ferryB = "6d3a0f52-1c4e-4b8a-9f27-3e5d7c9b1a20"
	ferry  = "12aba1dd-3799-42a2-991e-f1f1633b9129"
)

// tenantServiceConfig imports only the tenants-service lists of testdata.
func tenantServiceConfig(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs("testdata/tenant")
	require.NoError(t, err)
	return writeConfig(t, oneTenant(`"imports":{
		"tenantRoutes":"`+abs+`/routes.json",
		"tenantVessels":"`+abs+`/vessels.json",
		"tenantInstanceRoutes":"`+abs+`/instance-routes.json"}`))
}

func findRoute(rs []schedule.Route, id string) (schedule.Route, bool) {
	for _, r := range rs {
		if r.ID == uuid.MustParse(id) {
			return r, true
		}
	}
	return schedule.Route{}, false
}

func TestTenantServiceRoutesAreMinutes(t *testing.T) {
	cfg, _, err := Load(tenantServiceConfig(t))
	require.NoError(t, err)
	r, ok := findRoute(cfg.Tenants[0].Routes, ferryA)
	require.True(t, ok)
	assert.Equal(t, "Orbis to Ellinia Ferry", r.Name)
	assert.Equal(t, 4*time.Minute, r.BoardingWindow)
	assert.Equal(t, 1*time.Minute, r.PreDeparture)
	assert.Equal(t, 15*time.Minute, r.Travel)
	assert.Equal(t, 40*time.Minute, r.CycleInterval)
	assert.Equal(t, uint32(0), r.ObservationMapID, "absent observationMapId is 0, as in the reference")
	assert.Equal(t, []uint32{200090000, 200090001}, r.EnRouteMapIDs)
}

func TestTenantServiceVesselTurnaroundIsSeconds(t *testing.T) {
	cfg, _, err := Load(tenantServiceConfig(t))
	require.NoError(t, err)
	tn := cfg.Tenants[0]
	require.Len(t, tn.Vessels, 1)
	v := tn.Vessels[0]
	assert.Equal(t, uuid.MustParse(ferry), v.ID)
	assert.Equal(t, uuid.MustParse(ferryA), v.RouteA)
	assert.Equal(t, uuid.MustParse(ferryB), v.RouteB)
	assert.Equal(t, 300*time.Second, v.Turnaround)

	// The loaded routes and vessel satisfy the schedule package as they are.
	_, errs := schedule.NewTimetable(tn.Routes, tn.Vessels)
	assert.Empty(t, errs)
}

func TestTenantServiceInstanceRoutesAreSeconds(t *testing.T) {
	cfg, _, err := Load(tenantServiceConfig(t))
	require.NoError(t, err)
	require.Len(t, cfg.Tenants[0].InstanceRoutes, 1)
	assert.Equal(t, ride.Route{
		ID:               uuid.MustParse("8c9d0e1f-2a3b-4c4d-9e5f-6a7b8c9d0e1f"),
		Name:             "kerning-square-to-train",
		StartMapID:       103000100,
		TransitMapID:     103000302,
		DestinationMapID: 103000310,
		Capacity:         10,
		BoardingWindow:   time.Second,
		Travel:           10 * time.Second,
	}, cfg.Tenants[0].InstanceRoutes[0])
}

// Unlike the reference, where one bad record emptied the tenant, each bad
// element is reported with its file, position and reason, and only it is
// dropped.
func TestTenantServiceBadRecordsCostOnlyThemselves(t *testing.T) {
	cfg, problems, err := Load(tenantServiceConfig(t))
	require.NoError(t, err)
	abs, _ := filepath.Abs("testdata/tenant")
	routes := filepath.Join(abs, "routes.json")
	vessels := filepath.Join(abs, "vessels.json")
	rides := filepath.Join(abs, "instance-routes.json")
	assert.ElementsMatch(t, []Problem{
		{File: routes, Record: "tenants[0] data[2] not a uuid", Reason: `id "route-1" is not a UUID: invalid UUID length: 7`},
		{File: routes, Record: "tenants[0] data[3] subway-kc-nlc", Reason: "pre-departure duration must be positive"},
		{File: routes, Record: "tenants[0] data[5] 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", Reason: `type "vessels", want "routes"`},
		{File: routes, Record: "tenants[0] data[6] negative map id", Reason: "attributes: startMapId: cannot use JSON number -1 as uint32"},
		{File: vessels, Record: "tenants[0] data[1] bruno copy-paste slip", Reason: "turnaround delay must be positive"},
		{File: vessels, Record: "tenants[0] data[2] bad route reference", Reason: `routeAID "not-a-uuid" is not a UUID: invalid UUID length: 10`},
		{File: rides, Record: "tenants[0] data[1] id copied from a scheduled route", Reason: "duplicate id " + ferryA + " (first used by tenants[0] data[0] Orbis to Ellinia Ferry in " + routes + ")"},
		{File: rides, Record: "tenants[0] data[2] no capacity", Reason: "capacity must be greater than zero"},
	}, problems)

	var names []string
	for _, r := range cfg.Tenants[0].Routes {
		names = append(names, r.Name)
	}
	// The routes named by rejected vessels are legs of the accepted ferry,
	// so none is withheld; the extra-attribute route loads.
	assert.Equal(t, []string{"Orbis to Ellinia Ferry", "Ellinia to Orbis Ferry", "train-orbis-ludibrium"}, names)
}

// An imported list that is missing or is not a JSON:API list is wrong as a
// whole: fatal, naming the import and the file.
func TestTenantServiceFileProblems(t *testing.T) {
	cases := map[string]struct {
		content string
		reason  string
	}{
		"no data":         {`{"errors":[]}`, `not a JSON:API list: no "data" array`},
		"data not a list": {`{"data":{"type":"routes"}}`, `not a JSON:API list: "data" is not an array`},
		"not JSON":        {`<html>`, "not a JSON:API document: invalid JSON at byte 1: invalid character '<' looking for beginning of value"},
		"top-level typo":  {`{"dat":[]}`, `unknown top-level field "dat" (want "data", "errors", "meta", "links", "included", "jsonapi")`},
		"a folder":        {"", "is a folder, want a file"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			extra := []string{"routes.json", c.content}
			if name == "a folder" {
				extra = []string{"routes.json/x", ""}
			}
			path := writeConfig(t, oneTenant(`"imports":{"tenantRoutes":"routes.json"},"routes":[`+validRoute(idA, "own")+`]`), extra...)
			_, problems, err := Load(path)
			require.Error(t, err)
			assert.Empty(t, problems)
			file := filepath.Join(filepath.Dir(path), "routes.json")
			if name == "a folder" {
				assert.Equal(t, "config: "+path+": tenants[0].imports.tenantRoutes: "+file+" "+c.reason, err.Error())
				return
			}
			assert.Equal(t, "config: "+path+": tenants[0].imports.tenantRoutes: "+file+": "+c.reason, err.Error())
		})
	}
	t.Run("missing file", func(t *testing.T) {
		path := writeConfig(t, oneTenant(`"imports":{"tenantVessels":"nope.json"}`))
		_, _, err := Load(path)
		require.Error(t, err)
		assert.Equal(t, "config: "+path+": tenants[0].imports.tenantVessels: file "+filepath.Join(filepath.Dir(path), "nope.json")+" does not exist", err.Error())
	})
	t.Run("empty list, links and meta", func(t *testing.T) {
		path := writeConfig(t, oneTenant(`"imports":{"tenantInstanceRoutes":"ir.json"}`), "ir.json", `{"data":[],"links":{},"meta":{}}`)
		_, problems, err := Load(path)
		require.NoError(t, err)
		assert.Empty(t, problems)
	})
}

// Our own records load first, so an imported record repeating their id is
// the later duplicate.
func TestImportOrderForDuplicates(t *testing.T) {
	path := writeConfig(t, oneTenant(`"routes":[`+validRoute(ferryA, "own")+`],"imports":{"tenantRoutes":"r.json"}`),
		"r.json", `{"data":[{"type":"routes","id":"`+ferryA+`","attributes":{"name":"imported","enRouteMapIds":[1],
			"boardingWindowDuration":1,"preDepartureDuration":1,"travelDuration":1,"cycleInterval":3}}]}`)
	cfg, problems, err := Load(path)
	require.NoError(t, err)
	assert.Contains(t, problemFor(t, problems, "tenants[0] data[0] imported").Reason, "first used by tenants[0].routes[0] own")
	require.Len(t, cfg.Tenants[0].Routes, 1)
	assert.Equal(t, "own", cfg.Tenants[0].Routes[0].Name)
}

// A vessel element that fails to decode still names its legs, so they are
// withheld rather than run on their own cycles.
func TestTenantServiceUndecodableVesselWithholdsItsLegs(t *testing.T) {
	route := func(id, name string) string {
		return `{"type":"routes","id":"` + id + `","attributes":{"name":"` + name + `","enRouteMapIds":[1],
			"boardingWindowDuration":1,"preDepartureDuration":1,"travelDuration":1,"cycleInterval":3}}`
	}
	path := writeConfig(t, oneTenant(`"imports":{"tenantRoutes":"r.json","tenantVessels":"v.json"}`),
		"r.json", `{"data":[`+route(idA, "a")+`,`+route(idB, "b")+`,`+route(idD, "d")+`]}`,
		"v.json", `{"data":[{"type":"vessels","id":"`+idC+`","attributes":{"routeAID":"`+idA+`","routeBID":"`+idB+`","turnaroundDelay":"60"}}]}`)
	cfg, problems, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, "attributes: turnaroundDelay: cannot use JSON string as int64",
		problemFor(t, problems, "tenants[0] data[0] "+idC).Reason)
	assert.Len(t, problems, 3, "the vessel and its two withheld legs")
	require.Len(t, cfg.Tenants[0].Routes, 1)
	assert.Equal(t, "d", cfg.Tenants[0].Routes[0].Name)
}
