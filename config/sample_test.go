package config

import (
	"testing"
	"time"

	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The sample for `make run` must load without a single rejection. The only
// findings are warnings that package definition raises for the sample
// definitions (e.g. level conditions, checked only when levels are known).
func TestSampleLoadsWithoutRejections(t *testing.T) {
	cfg, problems, err := Load("samples/sample.json")
	require.NoError(t, err)
	assert.Empty(t, rejected(problems))
	require.Len(t, cfg.Tenants, 1)

	want := tenant.Tenant{ID: uuid.MustParse(sampleTenantID), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	tn, ok := cfg.Tenant(want)
	require.True(t, ok)
	assert.Len(t, tn.Routes, 13, "ten §8.1 routes, the two ferry legs and the demo shuttle")
	assert.Len(t, tn.Vessels, 1)
	assert.Len(t, tn.InstanceRoutes, 3)
	assert.Nil(t, tn.SpawnPortals, "portal 0 everywhere")
	assert.NotEmpty(t, tn.QuestDefinitions, "../../partyquest/samples")

	// The whole timetable is acceptable to the schedule package as is.
	tt, errs := schedule.NewTimetable(tn.Routes, tn.Vessels)
	require.Empty(t, errs)
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	trips := map[string]int{}
	for _, r := range tn.Routes {
		trips[r.Name] = len(tt.Trips(r.ID, day))
	}
	// Trips per day as tabulated in spec §8.1.
	assert.Equal(t, 95, trips["boat-orbis-ellinia"])
	assert.Equal(t, 143, trips["train-orbis-ludibrium"])
	assert.Equal(t, 239, trips["airplane-cbd-kc"])
	assert.NotZero(t, trips["Orbis to Ellinia Ferry"])

	for _, r := range tn.InstanceRoutes {
		assert.NoError(t, r.Validate())
	}
}

// The sample's §8.1 routes carry the ids the seed importer would derive, so
// switching between the sample and the seed files keeps route identities.
func TestSampleRouteIDsMatchSeedIDs(t *testing.T) {
	cfg, _, err := Load("samples/sample.json")
	require.NoError(t, err)
	seeds := 0
	for _, r := range cfg.Tenants[0].Routes {
		if r.ID == SeedRouteID(cfg.Tenants[0].Tenant.ID, r.Name) {
			seeds++
		}
	}
	assert.Equal(t, 10, seeds)
}

func TestSampleDurations(t *testing.T) {
	cfg, _, err := Load("samples/sample.json")
	require.NoError(t, err)
	tn := cfg.Tenants[0]
	r := tn.Routes[0]
	assert.Equal(t, "boat-orbis-ellinia", r.Name)
	assert.Equal(t, []time.Duration{4 * time.Minute, time.Minute, 10 * time.Minute, 15 * time.Minute},
		[]time.Duration{r.BoardingWindow, r.PreDeparture, r.Travel, r.CycleInterval})
	assert.Equal(t, 60*time.Second, tn.Vessels[0].Turnaround)
	kst := tn.InstanceRoutes[0]
	assert.Equal(t, "kerning-square-train", kst.Name)
	assert.Equal(t, 10*time.Second, kst.BoardingWindow)
	assert.Equal(t, 30*time.Second, kst.Travel)
	assert.Equal(t, 80*time.Second, kst.MaxLifetime())
}
