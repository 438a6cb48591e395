package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testdata/imports.json uses every importer at once, with paths relative to
// the config file, as an operator would.
func TestEveryImporterTogether(t *testing.T) {
	cfg, problems, err := Load("testdata/imports.json")
	require.NoError(t, err)
	require.Len(t, cfg.Tenants, 1)
	tn := cfg.Tenants[0]

	assert.Len(t, tn.Routes, 13, "10 seeds + 3 tenant-service routes")
	assert.Len(t, tn.Vessels, 1)
	assert.Len(t, tn.InstanceRoutes, 1)
	assert.Equal(t, map[uint32]uint32{101000300: 2, 200000100: 0}, tn.SpawnPortals)
	assert.Equal(t, []string{"clocktower_trial"}, questIDs(tn.QuestDefinitions))

	files := map[string]int{}
	for _, p := range rejected(problems) {
		files[p.File]++
	}
	assert.Equal(t, map[string]int{
		"testdata/routes/subway-kc-nlc.json":        1,
		"testdata/routes/subway-nlc-kc.json":        1,
		"testdata/tenant/routes.json":               4,
		"testdata/tenant/vessels.json":              2,
		"testdata/tenant/instance-routes.json":      2,
		"testdata/partyquests/broken.json":          1,
		"testdata/partyquests/dragon_rider_pq.json": 1,
	}, files)
}
