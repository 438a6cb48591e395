package loadgen

import (
	"slices"
	"time"
)

// Summary describes a set of latency samples.
type Summary struct {
	Count int
	Mean  time.Duration
	P50   time.Duration
	P99   time.Duration
	P999  time.Duration
	Max   time.Duration
}

// Percentile returns the nearest-rank q-quantile (0 < q <= 1) of sorted
// samples: the smallest sample such that at least q of all samples are <= it.
// It returns 0 for no samples.
func Percentile(sorted []time.Duration, q float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(q*float64(n) + 0.999999999) // ceil without float noise at exact ranks
	rank = max(1, min(rank, n))
	return sorted[rank-1]
}

// Summarize sorts a copy of samples and returns their summary.
func Summarize(samples []time.Duration) Summary {
	if len(samples) == 0 {
		return Summary{}
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return Summary{
		Count: len(s),
		Mean:  sum / time.Duration(len(s)),
		P50:   Percentile(s, 0.50),
		P99:   Percentile(s, 0.99),
		P999:  Percentile(s, 0.999),
		Max:   s[len(s)-1],
	}
}
