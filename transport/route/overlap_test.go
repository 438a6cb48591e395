package route

import (
	"fmt"
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// minutes builds a route like orbisEllinia with other W/P/T/C.
func minutes(w, p, tr, c int) schedule.Route {
	r := orbisEllinia
	r.Name = fmt.Sprintf("w%d-p%d-t%d-c%d", w, p, tr, c)
	r.ID = uuid.NewSHA1(uuid.NameSpaceOID, []byte(r.Name))
	r.BoardingWindow = time.Duration(w) * time.Minute
	r.PreDeparture = time.Duration(p) * time.Minute
	r.Travel = time.Duration(tr) * time.Minute
	r.CycleInterval = time.Duration(c) * time.Minute
	return r
}

// TestOverlappingTripsAnnounceOnUncover: with a cycle shorter than the trip,
// trip 1's boarding opens (00:10) while trip 0 is in transit; the vessel is
// seen docked only when trip 0 arrives (00:12), so that Arrived carries the
// ARRIVED after its sweep, and the hidden BoardingOpened announces nothing.
func TestOverlappingTripsAnnounceOnUncover(t *testing.T) {
	r := minutes(4, 3, 5, 10)
	tt := timetable(t, []schedule.Route{r}, nil)
	m, _ := New(tt, r.ID, testDay.Add(-1))
	got := drive(t, m, at(0, 13, 0))

	trips := tt.Trips(r.ID, testDay)
	sweepHome := &Sweep{From: r.EnRouteMapIDs, To: r.DestinationMapID}
	assert.Equal(t, []row{
		{At: at(0, 0, 0), Kind: schedule.BoardingOpened, Trip: trips[0].ID, Records: []messages.Record{arrived(r)}},
		{At: at(0, 7, 0), Kind: schedule.Departed, Trip: trips[0].ID, Records: []messages.Record{departed(r)},
			Sweep: &Sweep{From: []uint32{r.StagingMapID}, To: r.EnRouteMapIDs[0]}},
		{At: at(0, 12, 0), Kind: schedule.Arrived, Trip: trips[0].ID, Records: []messages.Record{arrived(r)}, Sweep: sweepHome},
	}, rows(got))
}

// TestArrivedMatchesDockingEdges: for several timetables, including
// overlapping ones, ARRIVED is emitted exactly at the instants where the
// route becomes docked or the docked trip changes, as seen by StateAt.
func TestArrivedMatchesDockingEdges(t *testing.T) {
	for _, r := range []schedule.Route{
		minutes(4, 1, 10, 15), // back-to-back (every seeded route)
		minutes(4, 1, 15, 40), // gaps (the bruno ferry)
		minutes(4, 3, 5, 10),  // boarding hidden by a transit
		minutes(8, 1, 3, 5),   // boarding opens while another trip is docked
		minutes(4, 1, 10, 7),  // transits overlap
	} {
		t.Run(r.Name, func(t *testing.T) {
			tt := timetable(t, []schedule.Route{r}, nil)
			m, _ := New(tt, r.ID, testDay.Add(-1))
			next := testDay.AddDate(0, 0, 1)
			var got []time.Time
			for _, e := range drive(t, m, next) {
				for _, rec := range e.Records {
					if rec.Value.(messages.TransportStatusEvent[messages.MapBody]).Type == messages.TypeArrived {
						got = append(got, e.Transition.At)
					}
				}
			}
			// All instants are whole minutes, so states are constant per minute.
			var want []time.Time
			var prev uuid.UUID
			for k := 0; k < 24*60; k++ {
				now := testDay.Add(time.Duration(k) * time.Minute)
				s, trip := tt.StateAt(r.ID, now)
				cur := uuid.Nil
				if s.Docked() {
					cur = trip.ID
				}
				if cur != uuid.Nil && cur != prev {
					want = append(want, now)
				}
				prev = cur
			}
			require.NotEmpty(t, want)
			assert.Equal(t, want, got)
		})
	}
}

// TestLateUncoverKeepsArrivedDropsSweep: a late Arrived that uncovers a
// still-docked trip keeps its ARRIVED, loses its sweep, and is reported in
// both lists.
func TestLateUncoverKeepsArrivedDropsSweep(t *testing.T) {
	r := minutes(4, 3, 5, 10)
	tt := timetable(t, []schedule.Route{r}, nil)
	m, _ := New(tt, r.ID, at(0, 8, 0))
	effs, skipped := m.Tick(at(0, 13, 30)) // the 00:12 arrival is 90 s late
	require.Len(t, effs, 1)
	assert.Equal(t, schedule.Arrived, effs[0].Transition.Kind)
	assert.Equal(t, []messages.Record{arrived(r)}, effs[0].Records)
	assert.Nil(t, effs[0].Sweep)
	require.Len(t, skipped, 1)
	assert.Equal(t, effs[0].Transition, skipped[0])
}
