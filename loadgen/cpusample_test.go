package loadgen

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCPUWindow(t *testing.T) {
	var c cpuWindow
	c.end() // before the start: ignored
	_, err := c.stats("x")
	assert.Error(t, err)

	c.begin()
	for end := time.Now().Add(20 * time.Millisecond); time.Now().Before(end); {
	}
	c.end()
	c.begin() // after the end: ignored
	st, err := c.stats("this process")
	require.NoError(t, err)
	assert.True(t, st.Measured)
	assert.Equal(t, "this process", st.What)
	assert.GreaterOrEqual(t, st.Over, 20*time.Millisecond)
	assert.Positive(t, st.CPU)

	st = CPUStats{Measured: true, CPU: 3 * time.Second, Over: 2 * time.Second}
	assert.InDelta(t, 1.5, st.Cores(), 1e-9)
	us, ok := st.PerItem(1000)
	assert.True(t, ok)
	assert.InDelta(t, 3000.0, us, 1e-9)
	_, ok = st.PerItem(0)
	assert.False(t, ok)
	_, ok = CPUStats{}.PerItem(10)
	assert.False(t, ok, "not measured")
}
