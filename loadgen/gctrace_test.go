package loadgen

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadGCTrace(t *testing.T) {
	in := `start 1765000000.250
{"level":"error","msg":"a log line in between"}
gc 1 @0.012s 1%: 0.011+1.2+0.003 ms clock, 0.022+0.1/0.9/0.5+0.006 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P
gc 42 @118.892s 4%: 1.0+729+0.005 ms clock, 2.1+142/375/141+0.010 ms cpu, 388->437->172 MB, 484 MB goal, 0 MB stacks, 0 MB globals, 2 P
gc 43 @123.06`
	cycles, err := ReadGCTrace(strings.NewReader(in))
	require.NoError(t, err)
	require.Len(t, cycles, 2, "the log line and the line cut short are skipped")
	start := time.Unix(1765000000, 250_000_000)
	assert.WithinDuration(t, start.Add(12*time.Millisecond), cycles[0].Start, time.Microsecond)
	assert.Equal(t, 1200*time.Microsecond, cycles[0].Mark)
	assert.Equal(t, 100*time.Microsecond, cycles[0].Assist)
	assert.WithinDuration(t, start.Add(118892*time.Millisecond), cycles[1].Start, time.Microsecond)
	assert.Equal(t, 729*time.Millisecond, cycles[1].Mark)
	assert.Equal(t, 142*time.Millisecond, cycles[1].Assist)
	assert.WithinDuration(t, start.Add(119621*time.Millisecond), cycles[1].End(), time.Microsecond)

	none, err := ReadGCTrace(strings.NewReader("start 1765000000\n"))
	require.NoError(t, err)
	assert.NotNil(t, none, "traced without a cycle is not the same as not traced")
	assert.Empty(t, none)

	for _, bad := range []string{"", "gc 1 @0.012s 1%: 0.011+1.2+0.003 ms clock\n", "start soon\n", "start -5\n"} {
		_, err := ReadGCTrace(strings.NewReader(bad))
		assert.Error(t, err, "%q", bad)
	}
}

func TestSummarizeGCLinesSpikesUpWithMarks(t *testing.T) {
	t0 := time.Unix(2000, 0)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	// Ten seconds at 20 ms p99 but for a spike in seconds 3 and 7.
	var series []Window
	for i := range 10 {
		p99 := 20 * time.Millisecond
		if i == 3 || i == 7 {
			p99 = 300 * time.Millisecond
		}
		series = append(series, Window{From: at(float64(i)), To: at(float64(i + 1)), Latency: Summary{Count: 100, P99: p99}})
	}
	w := Window{From: at(0), To: at(10)}
	cycles := []GCCycle{
		{Start: at(-1), Mark: 1500 * time.Millisecond},                                 // began before the window: its mark counts, not its cycle
		{Start: at(2.2), Mark: 500 * time.Millisecond, Assist: 100 * time.Millisecond}, // second 3 is the second after it
		{Start: at(4.5), Mark: time.Second, Assist: 300 * time.Millisecond},            // second 7 is 1.5 s after its mark: not its doing
		{Start: at(10), Mark: time.Second},                                             // after the window
	}
	g := SummarizeGC(cycles, series, w)
	assert.Equal(t, 2, g.Cycles)
	assert.Equal(t, 2300*time.Millisecond, g.Every)
	assert.Equal(t, 500*time.Millisecond, g.MarkP50)
	assert.Equal(t, time.Second, g.MarkMax)
	assert.Equal(t, 200*time.Millisecond, g.AssistMean)
	assert.InDelta(t, 0.2, g.MarkShare, 1e-9, "0.5 + 0.5 + 1 s of 10")
	assert.Equal(t, 2, g.Spikes)
	assert.Equal(t, 1, g.OnMark)

	r := sampleReport()
	_, traced := r.GCSummary()
	require.False(t, traced)
	r.GCCycles = cycles
	var b strings.Builder
	r.Format(&b)
	assert.Contains(t, b.String(), "service collector (gctrace) over the window: 0 cycles;", "no interval without two cycles")
	j := decode(t, r)
	assert.EqualValues(t, 0, obj(t, j, "service_gc")["cycles"], "the sample report's window is elsewhere")
}
