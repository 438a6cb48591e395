package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/loadgen"
)

// -out writes the text report, report.json and the chart side by side.
func TestWrite(t *testing.T) {
	t0 := time.Unix(1000, 0)
	w := loadgen.Window{From: t0, To: t0.Add(2 * time.Second), Completed: 300}
	rep := loadgen.Report{Command: "go run ./cmd/loadgen", Mode: "in-process", Start: t0, Window: w, Series: []loadgen.Window{w}}
	dir := filepath.Join(t.TempDir(), "run")
	require.NoError(t, write(dir, rep))
	for _, name := range []string{"report.txt", "report.png"} {
		_, err := os.Stat(filepath.Join(dir, name))
		assert.NoError(t, err, name)
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	require.NoError(t, err)
	var j map[string]any
	require.NoError(t, json.Unmarshal(b, &j))
	assert.InDelta(t, 150.0, j["throughput_commands_per_s"], 1e-9)
	assert.Nil(t, j["baseline"])
}
