package definition

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Kubernetes ConfigMap volume: every file is a link into "..data", itself
// a link to a timestamped folder. The definitions behind the links load.
func TestLoadDirFollowsConfigMapLinks(t *testing.T) {
	dir := t.TempDir()
	stamp := filepath.Join(dir, "..2026_01_01_00_00_00.000000001")
	require.NoError(t, os.Mkdir(stamp, 0o755))
	for _, name := range []string{"kerning_city_pq.json", "sharenian_trial.json"} {
		b, err := os.ReadFile(filepath.Join("..", "samples", name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(stamp, name), b, 0o644))
	}
	require.NoError(t, os.Symlink(filepath.Base(stamp), filepath.Join(dir, "..data")))
	for _, name := range []string{"kerning_city_pq.json", "sharenian_trial.json"} {
		require.NoError(t, os.Symlink(filepath.Join("..data", name), filepath.Join(dir, name)))
	}
	require.NoError(t, os.Symlink("nowhere.json", filepath.Join(dir, "dangling.json")))
	defs, problems := LoadDir(dir)
	assert.Len(t, defs, 2)
	for _, p := range problems {
		assert.True(t, p.Warning, "%+v", p)
	}
}
