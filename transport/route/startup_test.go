package route

import (
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStartupInEachState: only a docked vessel is announced at start-up;
// nothing else is replayed.
func TestStartupInEachState(t *testing.T) {
	vessel := schedule.SharedVessel{ID: uuid.MustParse("11111111-2222-4333-8444-555555555555"),
		RouteA: orbisEllinia.ID, RouteB: elliniaOrbis.ID, Turnaround: time.Minute}
	shared := timetable(t, []schedule.Route{orbisEllinia, elliniaOrbis}, []schedule.SharedVessel{vessel})
	boat := boatTimetable(t)

	cases := []struct {
		name    string
		tt      *schedule.Timetable
		route   schedule.Route
		now     time.Time
		state   schedule.State
		arrived bool
		next    time.Time
	}{
		{"open_entry", boat, orbisEllinia, at(0, 1, 0), schedule.OpenEntry, true, at(0, 4, 0)},
		{"locked_entry", boat, orbisEllinia, at(0, 4, 30), schedule.LockedEntry, true, at(0, 5, 0)},
		{"in_transit", boat, orbisEllinia, at(0, 10, 0), schedule.InTransit, false, at(0, 15, 0)},
		{"out_of_service", boat, orbisEllinia, at(23, 50, 0), schedule.OutOfService, false, testDay.AddDate(0, 0, 1)},
		{"awaiting_return (vessel A)", shared, orbisEllinia, at(0, 20, 0), schedule.AwaitingReturn, false, at(0, 32, 0)},
		{"awaiting_return (vessel B)", shared, elliniaOrbis, at(0, 5, 0), schedule.AwaitingReturn, false, at(0, 16, 0)},
		// Boundaries: transitions at exactly now are pending, and the
		// start-up ARRIVED looks at the state just before now.
		{"at midnight", boat, orbisEllinia, testDay, schedule.OpenEntry, false, testDay},
		{"at an arrival", boat, orbisEllinia, at(0, 15, 0), schedule.OpenEntry, false, at(0, 15, 0)},
		{"at a departure", boat, orbisEllinia, at(0, 5, 0), schedule.InTransit, true, at(0, 5, 0)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, effs := New(c.tt, c.route.ID, c.now)
			assert.Equal(t, c.state, m.State(c.now))
			d, ok := m.NextDeadline()
			require.True(t, ok)
			assert.Equal(t, c.next, d)
			if !c.arrived {
				assert.Empty(t, effs)
				return
			}
			require.Len(t, effs, 1)
			e := effs[0]
			assert.Equal(t, []messages.Record{arrived(c.route)}, e.Records)
			assert.Nil(t, e.Sweep)
			// Synthetic transition: the docked trip, the state just before now.
			s, trip := c.tt.StateAt(c.route.ID, c.now.Add(-1))
			require.True(t, s.Docked())
			assert.Equal(t, schedule.Transition{At: c.now, Kind: schedule.BoardingOpened, Trip: *trip, From: s, To: s}, e.Transition)
		})
	}
}

// TestStartupBoundariesThenTick: the pending transitions at now are applied
// by the first Tick, never lost and never doubled.
func TestStartupBoundariesThenTick(t *testing.T) {
	tt := boatTimetable(t)

	m, start := New(tt, orbisEllinia.ID, at(0, 15, 0))
	assert.Empty(t, start)
	effs, _ := m.Tick(at(0, 15, 0))
	require.Len(t, effs, 2)
	assert.Equal(t, schedule.Arrived, effs[0].Transition.Kind) // trip 0 delivers
	assert.NotNil(t, effs[0].Sweep)
	assert.Equal(t, []messages.Record{arrived(orbisEllinia)}, effs[1].Records) // trip 1 docks

	m, start = New(tt, orbisEllinia.ID, at(0, 5, 0))
	require.Len(t, start, 1) // docked until now
	effs, _ = m.Tick(at(0, 5, 0))
	require.Len(t, effs, 1)
	assert.Equal(t, []messages.Record{departed(orbisEllinia)}, effs[0].Records)
}

// TestStartupWithLocalZone: instants in another zone are the same instants.
func TestStartupWithLocalZone(t *testing.T) {
	tt := boatTimetable(t)
	tokyo := time.FixedZone("JST", 9*3600)
	m, effs := New(tt, orbisEllinia.ID, at(0, 1, 0).In(tokyo))
	require.Len(t, effs, 1)
	assert.Equal(t, time.UTC, effs[0].Transition.At.Location())
	d, _ := m.NextDeadline()
	assert.True(t, d.Equal(at(0, 4, 0)))
}

func TestUnknownRoute(t *testing.T) {
	tt := boatTimetable(t)
	id := uuid.MustParse("99999999-9999-4999-8999-999999999999")
	m, effs := New(tt, id, at(0, 1, 0))
	assert.Empty(t, effs)
	_, ok := m.NextDeadline()
	assert.False(t, ok)
	effs, skipped := m.Tick(at(5, 0, 0))
	assert.Empty(t, effs)
	assert.Empty(t, skipped)
	assert.Equal(t, schedule.OutOfService, m.State(at(0, 1, 0)))
	assert.Equal(t, id, m.RouteID())
}
