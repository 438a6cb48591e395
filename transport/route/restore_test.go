package route

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRestoreAtEveryPositionContinuesTheWalk: a machine restored at the
// Position of another (through JSON, as the changelog stores it) applies
// exactly the transitions the original has left, from every position of two
// days, for back-to-back, overlapping and midnight-crossing timetables and a
// shared vessel's leg. This is the handover: the new owner neither repeats
// nor misses a transition.
func TestRestoreAtEveryPositionContinuesTheWalk(t *testing.T) {
	vessel := schedule.SharedVessel{ID: uuid.MustParse("11111111-2222-4333-8444-555555555555"),
		RouteA: orbisEllinia.ID, RouteB: elliniaOrbis.ID, Turnaround: time.Minute}
	shared := timetable(t, []schedule.Route{orbisEllinia, elliniaOrbis}, []schedule.SharedVessel{vessel})
	cases := []struct {
		name  string
		tt    *schedule.Timetable
		route uuid.UUID
	}{{"vessel B", shared, elliniaOrbis.ID}}
	for _, r := range []schedule.Route{
		minutes(4, 1, 10, 15), // back-to-back
		minutes(4, 3, 5, 10),  // boarding hidden by a transit
		minutes(4, 1, 10, 7),  // transits overlap, trips cross midnight
		minutes(8, 1, 3, 5),   // boarding opens while another trip is docked
	} {
		cases = append(cases, struct {
			name  string
			tt    *schedule.Timetable
			route uuid.UUID
		}{r.Name, timetable(t, []schedule.Route{r}, nil), r.ID})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, _ := New(c.tt, c.route, testDay.Add(-time.Hour), WithMaxCatchUp(0))
			until := testDay.AddDate(0, 0, 2)
			steps := 0
			for d, ok := m.NextDeadline(); ok && d.Before(until); d, ok = m.NextDeadline() {
				raw, err := json.Marshal(m.Position())
				require.NoError(t, err)
				var pos Position
				require.NoError(t, json.Unmarshal(raw, &pos))
				r := Restore(c.tt, c.route, pos, d, WithMaxCatchUp(0))
				require.Equal(t, m.next, r.next, "restored at %v", pos)
				// Both walk on alike for a while.
				want, _ := m.Tick(d)
				got, _ := r.Tick(d)
				require.Equal(t, rows(want), rows(got), "at %v", d)
				steps++
			}
			assert.Greater(t, steps, 100)
		})
	}
}

// TestRestoredMidDayAnnouncesNoStartUpArrived: restored while the vessel is
// docked, the machine says nothing (the previous owner announced the
// boarding); its next transition is the departure, applied once.
func TestRestoredMidDayAnnouncesNoStartUpArrived(t *testing.T) {
	tt := boatTimetable(t)
	m, effs := New(tt, orbisEllinia.ID, at(0, 0, 30))
	require.Len(t, effs, 1, "a fresh start announces the docked vessel")

	r := Restore(tt, orbisEllinia.ID, m.Position(), at(0, 1, 0))
	d, ok := r.NextDeadline()
	require.True(t, ok)
	assert.Equal(t, at(0, 4, 0), d, "boarding closes next")
	got, skipped := r.Tick(at(0, 5, 0))
	assert.Empty(t, skipped)
	assert.Equal(t, []schedule.TransitionKind{schedule.Departed}, kinds(got))
	got, _ = r.Tick(at(0, 5, 0))
	assert.Empty(t, got, "applied once")
}

// TestRestoredLateCatchesUpOnce: restored after its position's instant,
// the overdue transitions within MaxCatchUp fire on the first Tick, once;
// those older are skipped, except the ARRIVED of a trip still docked.
func TestRestoredLateCatchesUpOnce(t *testing.T) {
	tt := boatTimetable(t)
	m, _ := New(tt, orbisEllinia.ID, at(0, 4, 30))
	pos := m.Position() // the 00:05 departure

	// 30 s late: the departure fires with its sweep.
	r := Restore(tt, orbisEllinia.ID, pos, at(0, 5, 30))
	got, skipped := r.Tick(at(0, 5, 30))
	assert.Empty(t, skipped)
	require.Equal(t, []schedule.TransitionKind{schedule.Departed}, kinds(got))
	assert.Equal(t, []messages.Record{departed(orbisEllinia)}, got[0].Records)

	// 11.5 minutes late: the departure and arrival are stale, the 00:15
	// boarding (90 s ago, still docked) is announced.
	r = Restore(tt, orbisEllinia.ID, pos, at(0, 16, 30))
	got, skipped = r.Tick(at(0, 16, 30))
	assert.Equal(t, []time.Time{at(0, 5, 0), at(0, 15, 0)}, instants(skipped))
	require.Len(t, got, 1)
	assert.Equal(t, schedule.BoardingOpened, got[0].Transition.Kind)
	got, _ = r.Tick(at(0, 16, 30))
	assert.Empty(t, got)
}

// TestRestoreSameInstant: a position between two transitions of one
// instant (an arrival and the next boarding) resumes at the second.
func TestRestoreSameInstant(t *testing.T) {
	tt := boatTimetable(t)
	m, _ := New(tt, orbisEllinia.ID, at(0, 14, 0))
	first := m.next
	require.Equal(t, schedule.Arrived, first.Kind)
	second, ok := tt.NextAfter(first)
	require.True(t, ok)
	require.True(t, second.At.Equal(first.At))
	r := Restore(tt, orbisEllinia.ID, Position{At: second.At, BoardingOpen: second.Trip.BoardingOpen}, at(0, 14, 0))
	assert.Equal(t, second, r.next)
}

// TestRestoreZeroOrChangedTimetable: a zero position starts at now with no
// effects; a position the timetable no longer has resumes at its next
// transition.
func TestRestoreZeroOrChangedTimetable(t *testing.T) {
	tt := boatTimetable(t)
	r := Restore(tt, orbisEllinia.ID, Position{}, at(0, 1, 0))
	d, _ := r.NextDeadline()
	assert.Equal(t, at(0, 4, 0), d)

	r = Restore(tt, orbisEllinia.ID, Position{At: at(0, 6, 0), BoardingOpen: at(0, 1, 0)}, at(0, 6, 0))
	d, _ = r.NextDeadline()
	assert.Equal(t, at(0, 15, 0), d, "the next transition at or after the old one")

	var never Machine
	assert.True(t, never.Position().IsZero())
}
