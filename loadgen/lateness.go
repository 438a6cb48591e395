package loadgen

import (
	"sort"
	"sync"
	"time"
)

// The kinds of record-based timer lateness: each is measured on the effect
// record the timer's firing produces.
const (
	LateQuestStage    = "quest stage limit (STAGE_ADVANCED stamp)"
	LateRideArrival   = "ride arrival (COMPLETED stamp)"
	LateRouteDeparted = "route departure (DEPARTED stamp)"
)

// Lateness collects timer lateness samples by kind, computed from records:
// the record's timestamp minus the instant the timetable or the ride said.
type Lateness struct {
	mu     sync.Mutex
	byKind map[string][]latenessSample
}

type latenessSample struct {
	at time.Time
	d  time.Duration
}

// Add records one sample of kind observed at at.
func (l *Lateness) Add(kind string, at time.Time, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byKind == nil {
		l.byKind = map[string][]latenessSample{}
	}
	l.byKind[kind] = append(l.byKind[kind], latenessSample{at, d})
}

// Window summarises each kind's samples observed in [from, to), by kind name.
func (l *Lateness) Window(from, to time.Time) map[string]Summary {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]Summary{}
	for k, ss := range l.byKind {
		var ds []time.Duration
		for _, s := range ss {
			if !s.at.Before(from) && s.at.Before(to) {
				ds = append(ds, s.d)
			}
		}
		if len(ds) > 0 {
			out[k] = Summarize(ds)
		}
	}
	return out
}

// sortedKeys lists a map's keys in order, for stable reports.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
