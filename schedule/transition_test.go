package schedule

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// walk collects the transitions strictly after from and before until, the
// way an actor does: NextTransition once, then NextAfter.
func walk(t *testing.T, tt *Timetable, id uuid.UUID, from, until time.Time) []Transition {
	t.Helper()
	var out []Transition
	tr, ok := tt.NextTransition(id, from)
	for ok && tr.At.Before(until) {
		out = append(out, tr)
		tr, ok = tt.NextAfter(tr)
	}
	return out
}

func TestBoatTransitionsBackToBack(t *testing.T) {
	boat := minutesRoute("boat", 4, 1, 10, 15)
	tt, _ := NewTimetable([]Route{boat}, nil)
	trips := tt.Trips(boat.ID, testDay)

	got := walk(t, tt, boat.ID, testDay.Add(-1), at(0, 30, 0))
	type row struct {
		at       time.Time
		kind     TransitionKind
		trip     int
		from, to State
	}
	want := []row{
		{at(0, 0, 0), BoardingOpened, 0, OutOfService, OpenEntry},
		{at(0, 4, 0), BoardingClosed, 0, OpenEntry, LockedEntry},
		{at(0, 5, 0), Departed, 0, LockedEntry, InTransit},
		// Same instant: the earlier trip's Arrived first.
		{at(0, 15, 0), Arrived, 0, InTransit, OpenEntry},
		{at(0, 15, 0), BoardingOpened, 1, InTransit, OpenEntry},
		{at(0, 19, 0), BoardingClosed, 1, OpenEntry, LockedEntry},
		{at(0, 20, 0), Departed, 1, LockedEntry, InTransit},
	}
	require.Len(t, got, len(want))
	for i, w := range want {
		assert.Equal(t, w.at, got[i].At, i)
		assert.Equal(t, w.kind, got[i].Kind, i)
		assert.Equal(t, trips[w.trip], got[i].Trip, i)
		assert.Equal(t, w.from, got[i].From, i)
		assert.Equal(t, w.to, got[i].To, i)
	}

	// NextTransition(after) returns the first transition of the group at the
	// first instant strictly after `after`.
	tr, ok := tt.NextTransition(boat.ID, at(0, 14, 59))
	require.True(t, ok)
	assert.Equal(t, Arrived, tr.Kind)
	tr, _ = tt.NextTransition(boat.ID, at(0, 15, 0))
	assert.Equal(t, BoardingClosed, tr.Kind, "instants equal to `after` are past")
	tr, _ = tt.NextAfter(got[3])
	assert.Equal(t, got[4], tr)
}

func TestMidnightRollover(t *testing.T) {
	boat := minutesRoute("boat", 4, 1, 10, 15)
	tt, _ := NewTimetable([]Route{boat}, nil)
	next := testDay.AddDate(0, 0, 1)

	tr, ok := tt.NextTransition(boat.ID, at(23, 44, 0))
	require.True(t, ok)
	assert.Equal(t, Arrived, tr.Kind)
	assert.Equal(t, at(23, 45, 0), tr.At)
	assert.Equal(t, OutOfService, tr.To)

	tr, ok = tt.NextAfter(tr)
	require.True(t, ok)
	assert.Equal(t, BoardingOpened, tr.Kind)
	assert.Equal(t, next, tr.At)
	assert.Equal(t, OutOfService, tr.From)
	assert.Equal(t, OpenEntry, tr.To)
	assert.Equal(t, tt.Trips(boat.ID, next)[0], tr.Trip)

	tr2, _ := tt.NextTransition(boat.ID, at(23, 50, 0))
	assert.Equal(t, tr, tr2, "asking from the dead period skips to tomorrow")
}

func TestVesselDayStarted(t *testing.T) {
	a := minutesRoute("a", 4, 1, 10, 15)
	b := minutesRoute("b", 4, 1, 10, 15)
	v := SharedVessel{ID: uuid.New(), RouteA: a.ID, RouteB: b.ID, Turnaround: time.Minute}
	tt, errs := NewTimetable([]Route{a, b}, []SharedVessel{v})
	require.Empty(t, errs)

	tr, ok := tt.NextTransition(b.ID, at(23, 58, 0).AddDate(0, 0, -1))
	require.True(t, ok)
	assert.Equal(t, Arrived, tr.Kind)
	tr, _ = tt.NextAfter(tr)
	assert.Equal(t, DayStarted, tr.Kind)
	assert.Equal(t, testDay, tr.At)
	assert.Equal(t, OutOfService, tr.From)
	assert.Equal(t, AwaitingReturn, tr.To)
	assert.Equal(t, tt.Trips(b.ID, testDay)[0], tr.Trip)
	tr, _ = tt.NextAfter(tr)
	assert.Equal(t, BoardingOpened, tr.Kind)
	assert.Equal(t, at(0, 16, 0), tr.At)
	assert.Equal(t, AwaitingReturn, tr.From)

	// Route A has no DayStarted: its boarding opens at midnight.
	tr, _ = tt.NextTransition(a.ID, testDay.Add(-1))
	assert.Equal(t, BoardingOpened, tr.Kind)
	assert.Equal(t, testDay, tr.At)
	// A's arrival leads to awaiting_return while B sails.
	tr, _ = tt.NextTransition(a.ID, at(0, 14, 0))
	assert.Equal(t, Arrived, tr.Kind)
	assert.Equal(t, AwaitingReturn, tr.To)
}

// TestOverlappingTrips: cycle 5 min, trip 15 min. In transit hides the next
// boardings, yet every trip still yields its four transitions.
func TestOverlappingTrips(t *testing.T) {
	r := minutesRoute("busy", 4, 1, 10, 5)
	tt, _ := NewTimetable([]Route{r}, nil)
	trips := tt.Trips(r.ID, testDay)
	require.Equal(t, 285, len(trips)) // opens 0:00..23:40 every 5 min, last arrives 23:55

	for _, tc := range []struct {
		now  time.Time
		want State
		trip int
	}{
		{at(0, 0, 0), OpenEntry, 0},
		{at(0, 4, 0), LockedEntry, 0},
		{at(0, 5, 0), InTransit, 0},  // trip 1's boarding (opens 0:05) is hidden
		{at(0, 10, 0), InTransit, 1}, // latest departure wins
		{at(23, 44, 59), InTransit, 283},
		{at(23, 45, 0), InTransit, 284},
		{at(23, 54, 59), InTransit, 284},
		{at(23, 55, 0), OutOfService, -1},
	} {
		s, trip := tt.StateAt(r.ID, tc.now)
		assert.Equal(t, tc.want, s, tc.now)
		if tc.trip < 0 {
			assert.Nil(t, trip)
		} else if assert.NotNil(t, trip) {
			assert.Equal(t, trips[tc.trip].ID, trip.ID, tc.now)
		}
	}

	got := walk(t, tt, r.ID, at(0, 4, 59), at(0, 5, 1))
	require.Len(t, got, 2)
	assert.Equal(t, Departed, got[0].Kind)
	assert.Equal(t, trips[0], got[0].Trip)
	assert.Equal(t, BoardingOpened, got[1].Kind)
	assert.Equal(t, trips[1], got[1].Trip)
	assert.Equal(t, InTransit, got[1].To, "hidden boarding: To says not docked")
	assert.False(t, got[1].To.Docked())

	// At 0:15 trip 0 arrives, trip 2 departs and trip 3 opens: oldest first.
	got = walk(t, tt, r.ID, at(0, 14, 59), at(0, 15, 1))
	require.Len(t, got, 3)
	assert.Equal(t, []TransitionKind{Arrived, Departed, BoardingOpened}, []TransitionKind{got[0].Kind, got[1].Kind, got[2].Kind})
	assert.Equal(t, []uuid.UUID{trips[0].ID, trips[2].ID, trips[3].ID}, []uuid.UUID{got[0].Trip.ID, got[1].Trip.ID, got[2].Trip.ID})
}

func TestUnknownRoute(t *testing.T) {
	tt, _ := NewTimetable(nil, nil)
	_, ok := tt.NextTransition(uuid.New(), testDay)
	assert.False(t, ok)
	_, ok = tt.NextAfter(Transition{At: testDay, Trip: Trip{RouteID: uuid.New()}})
	assert.False(t, ok)
}

func TestKindString(t *testing.T) {
	assert.Equal(t, "boarding_opened", BoardingOpened.String())
	assert.Equal(t, "arrived", Arrived.String())
	assert.Equal(t, "day_started", DayStarted.String())
	assert.Equal(t, "unknown", TransitionKind(0).String())
	assert.Equal(t, "unknown", TransitionKind(99).String())
}

func TestStateDocked(t *testing.T) {
	assert.True(t, OpenEntry.Docked())
	assert.True(t, LockedEntry.Docked())
	for _, s := range []State{OutOfService, AwaitingReturn, InTransit} {
		assert.False(t, s.Docked(), s)
	}
}
