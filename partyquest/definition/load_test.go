package definition

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoadDirKeepsTheGoodFiles(t *testing.T) {
	dir := t.TempDir()
	a := valid()
	a.QuestID = "a_pq"
	b := valid()
	b.QuestID = "b_pq"
	b.Stages[0].Name = "" // a warning only
	dup := valid()
	dup.QuestID = "a_pq"
	invalid := valid()
	invalid.QuestID = "bad_pq"
	invalid.Stages = nil // dragon_rider_pq style: no stages

	writeFile(t, dir, "b.json", marshal(t, b))
	writeFile(t, dir, "a.json", marshal(t, a))
	writeFile(t, dir, "c_dup.json", marshal(t, dup))
	writeFile(t, dir, "d_broken.json", []byte(`{"questId": "x",`))
	writeFile(t, dir, "e_invalid.json", marshal(t, invalid))
	writeFile(t, dir, "notes.txt", []byte("ignored"))
	writeFile(t, dir, "UPPER.JSON", []byte("ignored: the suffix is case-sensitive"))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "nested.json"), 0o700))
	writeFile(t, filepath.Join(dir, "nested.json"), "deep.json", marshal(t, a))

	defs, problems := LoadDir(dir)
	require.Len(t, defs, 2)
	require.Equal(t, "a_pq", defs[0].QuestID, "file-name order")
	require.Equal(t, "b_pq", defs[1].QuestID)

	require.Equal(t, []LoadProblem{
		{File: "b.json", QuestID: "b_pq", Reason: "stages[0].name is empty", Warning: true},
		{File: "c_dup.json", QuestID: "a_pq", Reason: `duplicate questId "a_pq" (first defined in a.json)`},
		{File: "d_broken.json", Reason: "failed to parse JSON: unexpected end of JSON input"},
		{File: "e_invalid.json", QuestID: "bad_pq", Reason: "invalid: no stages: the quest could never start"},
	}, problems)
	require.Equal(t, "rejected c_dup.json (a_pq): duplicate questId \"a_pq\" (first defined in a.json)", problems[1].String())
}

func TestLoadDirMissingDirectory(t *testing.T) {
	defs, problems := LoadDir(filepath.Join(t.TempDir(), "absent"))
	require.Empty(t, defs)
	require.Len(t, problems, 1)
	require.Contains(t, problems[0].Reason, "failed to read definitions directory")
}

func TestLoadDirUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	dir := t.TempDir()
	writeFile(t, dir, "a.json", marshal(t, valid()))
	require.NoError(t, os.Chmod(filepath.Join(dir, "a.json"), 0))
	_, problems := LoadDir(dir)
	require.Len(t, problems, 1)
	require.Contains(t, problems[0].Reason, "failed to read file")
}

// The shipped samples load cleanly, and samples/ is a copy of testdata/.
func TestSamples(t *testing.T) {
	defs, problems := LoadDir("../testdata")
	for _, p := range problems {
		require.True(t, p.Warning, p.String())
	}
	require.Len(t, defs, 2)
	kerning := defs[0]
	require.Equal(t, "kerning_city_pq", kerning.QuestID)
	require.Len(t, kerning.Stages, 5)
	require.Equal(t, uint32(103000890), kerning.Exit)
	require.Equal(t, 3, kerning.LastRegularStage())
	c, err := kerning.Stages[1].Combination()
	require.NoError(t, err)
	require.Equal(t, Combination{Length: 3, Range: 4}, c)
	trial := defs[1]
	require.True(t, trial.Individual())
	require.True(t, trial.InstanceLocked())
	require.Equal(t, AffinityGuild, trial.Registration.Affinity)

	entries, err := os.ReadDir("../testdata")
	require.NoError(t, err)
	for _, e := range entries {
		want, err := os.ReadFile(filepath.Join("../testdata", e.Name()))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join("../samples", e.Name()))
		require.NoError(t, err, "samples/ must hold a copy of %s", e.Name())
		require.Equal(t, string(want), string(got), e.Name())
	}
}
