package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/loadgen"
)

// -out writes the text report and floor.json side by side, the JSON
// with the run's shape and its latency in milliseconds.
func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	res := loadgen.FloorResult{Sent: 10, Seen: 10, Outputs: 40, Window: time.Second,
		Latency: loadgen.Summary{Count: 10, P50: 20 * time.Millisecond, P99: 30 * time.Millisecond}}
	run := loadgen.FloorRun{FloorConfig: loadgen.FloorConfig{Fanout: 4, Linger: 5 * time.Millisecond}}
	require.NoError(t, write(dir, res, run, "the report\n"))

	text, err := os.ReadFile(filepath.Join(dir, "floor.txt"))
	require.NoError(t, err)
	assert.Equal(t, "the report\n", string(text))
	b, err := os.ReadFile(filepath.Join(dir, "floor.json"))
	require.NoError(t, err)
	var j map[string]any
	require.NoError(t, json.Unmarshal(b, &j))
	assert.InDelta(t, 2.0, j["stages"], 0, "the default shape")
	assert.InDelta(t, 4.0, j["fanout"], 0)
	assert.InDelta(t, 5.0, j["linger_ms"], 0)
	assert.InDelta(t, 30.0, j["latency_ms"].(map[string]any)["p99"], 1e-9)
}

// A profile is written when asked for, and a failure is exit code 1.
func TestProfiled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.pprof")
	assert.Zero(t, profiled(path, func() error { return nil }))
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Positive(t, st.Size(), "the profile was written as the run ended")
	assert.Equal(t, 1, profiled("", func() error { return errors.New("no broker") }))
	assert.Equal(t, 1, profiled(filepath.Join(t.TempDir(), "no", "such", "dir", "cpu.pprof"), func() error { return nil }),
		"a profile that cannot be written fails before the run")
}
