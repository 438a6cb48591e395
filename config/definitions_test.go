package config

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func questIDs(ds []definition.Definition) []string {
	var ids []string
	for _, d := range ds {
		ids = append(ids, d.QuestID)
	}
	return ids
}

func TestTenantDefinitions(t *testing.T) {
	abs, err := filepath.Abs("testdata/partyquests")
	require.NoError(t, err)
	path := writeConfig(t, oneTenant(`"partyQuestDefinitions":"`+abs+`"`))
	cfg, problems, err := Load(path)
	require.NoError(t, err)

	defs := cfg.Tenants[0].QuestDefinitions
	require.Equal(t, []string{"clocktower_trial"}, questIDs(defs))
	// Definition files count seconds.
	assert.Equal(t, 15*time.Minute, defs[0].GlobalLimit())
	assert.Equal(t, 2*time.Minute, defs[0].Registration.Window())
	assert.Equal(t, 5*time.Minute, defs[0].Stages[1].Limit())

	assert.Equal(t, Problem{
		File: filepath.Join(abs, "broken.json"), Record: "tenants[0].partyQuestDefinitions broken.json",
		Reason: "failed to parse JSON: unexpected end of JSON input",
	}, problemFor(t, problems, "tenants[0].partyQuestDefinitions broken.json"))
	assert.Equal(t, "invalid: no stages: the quest could never start",
		problemFor(t, problems, "tenants[0].partyQuestDefinitions dragon_rider_pq").Reason)
	warning := problemFor(t, problems, "tenants[0].partyQuestDefinitions clocktower_trial")
	assert.True(t, warning.Warning, "level conditions only warn")
	assert.Len(t, rejected(problems), 2)
}

func TestSharedDefinitionsApplyToEveryTenant(t *testing.T) {
	own, err := filepath.Abs("testdata/partyquests")
	require.NoError(t, err)
	shared, err := filepath.Abs("testdata/partyquests-shared")
	require.NoError(t, err)
	path := writeConfig(t, `{"tenants":[
		{"id":"`+idA+`","region":"GMS","partyQuestDefinitions":"`+own+`"},
		{"id":"`+idB+`","region":"GMS"}]}`)
	cfg, problems, err := Load(path, WithDefinitionsPath(shared))
	require.NoError(t, err)
	require.Len(t, cfg.Tenants, 2)

	// The tenant's own clocktower_trial wins over the shared copy.
	first := cfg.Tenants[0].QuestDefinitions
	assert.Equal(t, []string{"clocktower_trial", "sewer_run"}, questIDs(first))
	assert.Equal(t, "Clocktower Trial", first[0].Name)
	shadow := problemFor(t, problems, "tenants[0] clocktower_trial")
	assert.True(t, shadow.Warning)
	assert.Equal(t, shared, shadow.File)

	second := cfg.Tenants[1].QuestDefinitions
	assert.Equal(t, []string{"clocktower_trial", "sewer_run"}, questIDs(second))
	assert.Equal(t, "Clocktower Trial (shared copy)", second[0].Name)
}

func TestDefinitionsPathFromEnv(t *testing.T) {
	shared, err := filepath.Abs("testdata/partyquests-shared")
	require.NoError(t, err)
	t.Setenv(DefinitionsPathEnv, shared)
	cfg, problems, err := Load(writeConfig(t, oneTenant("")), WithDefinitionsPathFromEnv())
	require.NoError(t, err)
	assert.Empty(t, problems)
	assert.Equal(t, []string{"clocktower_trial", "sewer_run"}, questIDs(cfg.Tenants[0].QuestDefinitions))

	t.Setenv(DefinitionsPathEnv, "")
	cfg, problems, err = Load(writeConfig(t, oneTenant("")), WithDefinitionsPathFromEnv())
	require.NoError(t, err)
	assert.Empty(t, problems)
	assert.Empty(t, cfg.Tenants[0].QuestDefinitions, "unset means no shared directory")
}

func TestSharedDefinitionProblemsAreReportedOnce(t *testing.T) {
	bad, err := filepath.Abs("testdata/partyquests")
	require.NoError(t, err)
	path := writeConfig(t, `{"tenants":[{"id":"`+idA+`","region":"GMS"},{"id":"`+idB+`","region":"GMS"}]}`)
	_, problems, err := Load(path, WithDefinitionsPath(bad))
	require.NoError(t, err)
	assert.Len(t, rejected(problems), 2, "broken.json and dragon_rider_pq, once each")
	for _, p := range problems {
		assert.Contains(t, p.Record, DefinitionsPathEnv)
	}
}

// A tenant whose definitions folder does not exist would run without its
// quests: the configuration is refused, naming the folder.
func TestMissingDefinitionsDirectory(t *testing.T) {
	path := writeConfig(t, oneTenant(`"partyQuestDefinitions":"nope"`))
	cfg, _, err := Load(path)
	require.Error(t, err)
	assert.Equal(t, "config: "+path+": tenants[0].partyQuestDefinitions: folder "+filepath.Join(filepath.Dir(path), "nope")+" does not exist", err.Error())
	assert.Empty(t, cfg.Tenants)
}

func TestDefinitionsPathThatIsAFile(t *testing.T) {
	path := writeConfig(t, oneTenant(`"partyQuestDefinitions":"pq.json"`), "pq.json", `{}`)
	_, _, err := Load(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "tenants[0].partyQuestDefinitions: "+filepath.Join(filepath.Dir(path), "pq.json")+" is not a folder")
}

func TestMissingSharedDefinitionsDirectory(t *testing.T) {
	path := writeConfig(t, oneTenant(""))
	missing := filepath.Join(t.TempDir(), "absent")
	_, _, err := Load(path, WithDefinitionsPath(missing))
	require.Error(t, err)
	assert.Equal(t, "config: "+missing+": "+DefinitionsPathEnv+": folder "+missing+" does not exist", err.Error())
}
