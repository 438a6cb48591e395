package route

import (
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func kinds(es []Effect) []schedule.TransitionKind {
	out := make([]schedule.TransitionKind, len(es))
	for i, e := range es {
		out[i] = e.Transition.Kind
	}
	return out
}

func instants(trs []schedule.Transition) []time.Time {
	out := make([]time.Time, len(trs))
	for i, tr := range trs {
		out[i] = tr.At
	}
	return out
}

// TestLateWithinCatchUp: a late timer applies every due transition in order.
func TestLateWithinCatchUp(t *testing.T) {
	tt := boatTimetable(t)
	m, _ := New(tt, orbisEllinia.ID, at(0, 0, 30))

	// BoardingClosed (00:04, 100 s late, no effect) then Departed (40 s late).
	effs, skipped := m.Tick(at(0, 5, 40))
	assert.Empty(t, skipped)
	assert.Equal(t, []schedule.TransitionKind{schedule.Departed}, kinds(effs))

	// Exactly MaxCatchUp late is still applied.
	effs, skipped = m.Tick(at(0, 16, 0))
	assert.Empty(t, skipped)
	assert.Equal(t, []schedule.TransitionKind{schedule.Arrived, schedule.BoardingOpened}, kinds(effs))

	// Repeating the same Tick, or ticking early, does nothing.
	for _, now := range []time.Time{at(0, 16, 0), at(0, 18, 0)} {
		effs, skipped = m.Tick(now)
		assert.Empty(t, effs)
		assert.Empty(t, skipped)
	}
}

// TestMaxCatchUpSkips: after a long stall the stale effects are dropped and
// reported, but the vessel docked now is still announced.
func TestMaxCatchUpSkips(t *testing.T) {
	tt := boatTimetable(t)
	m, _ := New(tt, orbisEllinia.ID, at(0, 1, 0))

	effs, skipped := m.Tick(at(1, 3, 0)) // an hour late
	// 00:05 dep, 00:15 arr+open, 00:20 dep, 00:30 arr+open, 00:35 dep, 00:45 arr+open, 00:50 dep, 01:00 arr.
	assert.Equal(t, []time.Time{
		at(0, 5, 0), at(0, 15, 0), at(0, 15, 0), at(0, 20, 0), at(0, 30, 0), at(0, 30, 0),
		at(0, 35, 0), at(0, 45, 0), at(0, 45, 0), at(0, 50, 0), at(1, 0, 0),
	}, instants(skipped))
	// The 01:00 boarding (3 min late) is still docked at 01:03: announced.
	require.Len(t, effs, 1)
	assert.Equal(t, schedule.BoardingOpened, effs[0].Transition.Kind)
	assert.Equal(t, at(1, 0, 0), effs[0].Transition.At)
	assert.Equal(t, []messages.Record{arrived(orbisEllinia)}, effs[0].Records)

	// Back on time afterwards.
	effs, skipped = m.Tick(at(1, 5, 0))
	assert.Empty(t, skipped)
	assert.Equal(t, []schedule.TransitionKind{schedule.Departed}, kinds(effs))
}

// TestLateArrivedNoLongerDocked: an ARRIVED whose vessel has left is skipped.
func TestLateArrivedNoLongerDocked(t *testing.T) {
	tt := boatTimetable(t)
	m, _ := New(tt, orbisEllinia.ID, at(0, 10, 0))
	effs, skipped := m.Tick(at(0, 20, 30))
	assert.Equal(t, []schedule.TransitionKind{schedule.Departed}, kinds(effs), "30 s late: applied")
	require.Len(t, skipped, 2)
	assert.Equal(t, schedule.Arrived, skipped[0].Kind)
	assert.Equal(t, schedule.BoardingOpened, skipped[1].Kind)
}

func TestMaxCatchUpOptions(t *testing.T) {
	tt := boatTimetable(t)

	// Disabled: an hour late still emits everything, in order.
	m, _ := New(tt, orbisEllinia.ID, at(0, 10, 0), WithMaxCatchUp(0))
	effs, skipped := m.Tick(at(1, 10, 0))
	assert.Empty(t, skipped)
	want := expectedRows(orbisEllinia, tt.Trips(orbisEllinia.ID, testDay), at(1, 10, 0))[2:] // from 00:15 on
	assert.Equal(t, want, rows(effs))

	// Tight: 11 s late is too late for a 10 s limit.
	m, _ = New(tt, orbisEllinia.ID, at(0, 4, 30), WithMaxCatchUp(10*time.Second))
	effs, skipped = m.Tick(at(0, 5, 11))
	assert.Empty(t, effs)
	require.Len(t, skipped, 1)
	assert.Equal(t, schedule.Departed, skipped[0].Kind)
}
