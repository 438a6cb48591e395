package loadgen

import (
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Bucket is one cumulative histogram bucket: Count observations <= UpperBound.
type Bucket struct {
	UpperBound float64
	Count      uint64
}

// Hist is a cumulative histogram (Prometheus style) of seconds.
type Hist struct {
	Buckets []Bucket // ascending bounds, +Inf excluded
	Count   uint64
	Sum     float64
}

// Sub returns h minus an earlier snapshot of the same histogram, i.e. what
// was observed in between.
func (h Hist) Sub(earlier Hist) Hist {
	out := Hist{Count: h.Count - earlier.Count, Sum: h.Sum - earlier.Sum, Buckets: make([]Bucket, len(h.Buckets))}
	for i, b := range h.Buckets {
		out.Buckets[i] = b
		if i < len(earlier.Buckets) {
			out.Buckets[i].Count -= earlier.Buckets[i].Count
		}
	}
	return out
}

// Quantile estimates the q-quantile by linear interpolation inside the
// bucket that holds it, as PromQL's histogram_quantile does. Observations
// above the last bound are reported as that bound (a lower limit). NaN when
// the histogram is empty.
func (h Hist) Quantile(q float64) float64 {
	if h.Count == 0 {
		return math.NaN()
	}
	rank := q * float64(h.Count)
	lower, below := 0.0, uint64(0)
	for _, b := range h.Buckets {
		if float64(b.Count) >= rank {
			inBucket := float64(b.Count - below)
			if inBucket == 0 {
				return b.UpperBound
			}
			return lower + (b.UpperBound-lower)*(rank-float64(below))/inBucket
		}
		lower, below = b.UpperBound, b.Count
	}
	return lower
}

// Over reports how many observations exceeded bound (bound must be a bucket
// bound; otherwise the next larger bound is used).
func (h Hist) Over(bound float64) uint64 {
	for _, b := range h.Buckets {
		if b.UpperBound >= bound {
			return h.Count - b.Count
		}
	}
	return 0
}

// HistSummary is a histogram's quantiles as durations.
type HistSummary struct {
	Count          uint64
	P50, P99, P999 time.Duration
	Mean           time.Duration
}

// Summary converts the histogram's quantiles to durations.
func (h Hist) Summary() HistSummary {
	s := HistSummary{Count: h.Count}
	if h.Count == 0 {
		return s
	}
	d := func(sec float64) time.Duration { return time.Duration(sec * float64(time.Second)) }
	s.P50, s.P99, s.P999 = d(h.Quantile(0.5)), d(h.Quantile(0.99)), d(h.Quantile(0.999))
	s.Mean = d(h.Sum / float64(h.Count))
	return s
}

// GatherHistograms reads every series of histogram family name from g,
// keyed by the value of label (e.g. "kind").
func GatherHistograms(g prometheus.Gatherer, name, label string) (map[string]Hist, error) {
	fams, err := g.Gather()
	if err != nil {
		return nil, err
	}
	out := map[string]Hist{}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			key := ""
			for _, lp := range m.GetLabel() {
				if lp.GetName() == label {
					key = lp.GetValue()
				}
			}
			ph := m.GetHistogram()
			h := Hist{Count: ph.GetSampleCount(), Sum: ph.GetSampleSum()}
			for _, b := range ph.GetBucket() {
				if math.IsInf(b.GetUpperBound(), 1) {
					continue
				}
				h.Buckets = append(h.Buckets, Bucket{UpperBound: b.GetUpperBound(), Count: b.GetCumulativeCount()})
			}
			out[key] = h
		}
	}
	return out, nil
}

// GatherSum sums every series of counter or gauge family name in g.
func GatherSum(g prometheus.Gatherer, name string) (float64, error) {
	fams, err := g.Gather()
	if err != nil {
		return 0, err
	}
	sum := 0.0
	for _, f := range fams {
		if f.GetName() == name {
			for _, m := range f.GetMetric() {
				sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
			}
		}
	}
	return sum, nil
}
