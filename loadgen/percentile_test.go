package loadgen

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func durations(ms ...int) []time.Duration {
	out := make([]time.Duration, len(ms))
	for i, m := range ms {
		out[i] = time.Duration(m) * time.Millisecond
	}
	return out
}

func TestPercentileNearestRank(t *testing.T) {
	s := durations(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	assert.Equal(t, 5*time.Millisecond, Percentile(s, 0.5))
	assert.Equal(t, 10*time.Millisecond, Percentile(s, 0.99))
	assert.Equal(t, 1*time.Millisecond, Percentile(s, 0.01))
	assert.Equal(t, 10*time.Millisecond, Percentile(s, 1))
	assert.Equal(t, time.Duration(0), Percentile(nil, 0.5))
}

func TestPercentileLargeSet(t *testing.T) {
	s := make([]time.Duration, 1000)
	for i := range s {
		s[i] = time.Duration(i+1) * time.Microsecond
	}
	assert.Equal(t, 500*time.Microsecond, Percentile(s, 0.5))
	assert.Equal(t, 990*time.Microsecond, Percentile(s, 0.99))
	assert.Equal(t, 999*time.Microsecond, Percentile(s, 0.999))
}

func TestSummarizeSortsACopy(t *testing.T) {
	in := durations(9, 1, 5, 3, 7)
	s := Summarize(in)
	assert.Equal(t, Summary{Count: 5, Mean: 5 * time.Millisecond, P50: 5 * time.Millisecond, P99: 9 * time.Millisecond,
		P999: 9 * time.Millisecond, Max: 9 * time.Millisecond}, s)
	assert.Equal(t, durations(9, 1, 5, 3, 7), in, "input untouched")
	assert.Equal(t, Summary{}, Summarize(nil))
}

func TestHistQuantileInterpolates(t *testing.T) {
	h := Hist{Count: 100, Sum: 5, Buckets: []Bucket{{0.001, 50}, {0.002, 90}, {0.004, 100}}}
	assert.InDelta(t, 0.001, h.Quantile(0.5), 1e-12)
	assert.InDelta(t, 0.0015, h.Quantile(0.7), 1e-12)
	assert.InDelta(t, 0.0036, h.Quantile(0.98), 1e-12)
	assert.True(t, math.IsNaN(Hist{}.Quantile(0.5)))
	// Above the last bound the bound itself is the answer (a lower limit).
	over := Hist{Count: 10, Buckets: []Bucket{{0.001, 5}}}
	assert.Equal(t, 0.001, over.Quantile(0.99))
	assert.Equal(t, uint64(5), over.Over(0.001))
}

func TestHistSubIsTheWindow(t *testing.T) {
	before := Hist{Count: 10, Sum: 1, Buckets: []Bucket{{0.001, 10}, {0.002, 10}}}
	after := Hist{Count: 30, Sum: 3, Buckets: []Bucket{{0.001, 10}, {0.002, 30}}}
	w := after.Sub(before)
	assert.Equal(t, Hist{Count: 20, Sum: 2, Buckets: []Bucket{{0.001, 0}, {0.002, 20}}}, w)
	s := w.Summary()
	assert.Equal(t, uint64(20), s.Count)
	assert.Equal(t, 1500*time.Microsecond, s.P50)
	assert.Equal(t, 100*time.Millisecond, s.Mean)
}
