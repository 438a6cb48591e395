package route

import (
	"slices"
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// testDay is an arbitrary UTC midnight.
var testDay = time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)

// at is testDay plus a clock time.
func at(h, m, s int) time.Time {
	return testDay.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
}

// The two seeded boats of spec §8.1 (W/P/T/C = 4/1/10/15 minutes).
var (
	orbisEllinia = schedule.Route{
		ID:               uuid.MustParse("0b7e3c1a-5d2f-4a6b-9c8d-1e2f3a4b5c6d"),
		Name:             "boat-orbis-ellinia",
		StartMapID:       200000111,
		StagingMapID:     200000112,
		EnRouteMapIDs:    []uint32{200090000, 200090001},
		DestinationMapID: 101000300,
		ObservationMapID: 200000111,
		BoardingWindow:   4 * time.Minute,
		PreDeparture:     1 * time.Minute,
		Travel:           10 * time.Minute,
		CycleInterval:    15 * time.Minute,
	}
	elliniaOrbis = schedule.Route{
		ID:               uuid.MustParse("7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a"),
		Name:             "boat-ellinia-orbis",
		StartMapID:       101000300,
		StagingMapID:     101000301,
		EnRouteMapIDs:    []uint32{200090010, 200090011},
		DestinationMapID: 200000100,
		ObservationMapID: 101000300,
		BoardingWindow:   4 * time.Minute,
		PreDeparture:     1 * time.Minute,
		Travel:           10 * time.Minute,
		CycleInterval:    15 * time.Minute,
	}
	trainOrbisLudi = schedule.Route{
		ID:               uuid.MustParse("2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6e"),
		Name:             "train-orbis-ludibrium",
		StartMapID:       200000121,
		StagingMapID:     200000122,
		EnRouteMapIDs:    []uint32{200090100},
		DestinationMapID: 220000100,
		ObservationMapID: 200000121,
		BoardingWindow:   4 * time.Minute,
		PreDeparture:     1 * time.Minute,
		Travel:           5 * time.Minute,
		CycleInterval:    10 * time.Minute,
	}
)

// timetable builds a timetable that must have no rejected records.
func timetable(t testing.TB, routes []schedule.Route, vessels []schedule.SharedVessel) *schedule.Timetable {
	t.Helper()
	tt, errs := schedule.NewTimetable(routes, vessels)
	require.Empty(t, errs)
	return tt
}

// boatTimetable holds only the Orbis→Ellinia boat, running independently.
func boatTimetable(t testing.TB) *schedule.Timetable {
	return timetable(t, []schedule.Route{orbisEllinia}, nil)
}

// row is an Effect reduced to what the tests compare exactly.
type row struct {
	At      time.Time
	Kind    schedule.TransitionKind
	Trip    uuid.UUID
	Records []messages.Record
	Sweep   *Sweep
}

func rowOf(e Effect) row {
	return row{At: e.Transition.At, Kind: e.Transition.Kind, Trip: e.Transition.Trip.ID, Records: e.Records, Sweep: e.Sweep}
}

func rows(es []Effect) []row {
	out := make([]row, len(es))
	for i, e := range es {
		out[i] = rowOf(e)
	}
	return out
}

// arrived and departed are the exact records the machine must emit.
func arrived(r schedule.Route) messages.Record {
	return messages.TransportStatus(r.ID, messages.TypeArrived, r.ObservationMapID)
}

func departed(r schedule.Route) messages.Record {
	return messages.TransportStatus(r.ID, messages.TypeDeparted, r.ObservationMapID)
}

// expectedRows is what a non-overlapping route must emit for trips, in
// timetable order: ARRIVED at boarding open, staging sweep + DEPARTED at
// departure, en-route sweep at EVERY arrival; only instants before until.
func expectedRows(r schedule.Route, trips []schedule.Trip, until time.Time) []row {
	type keyed struct {
		row
		open time.Time
	}
	var ks []keyed
	add := func(x row, tr schedule.Trip) {
		if x.At.Before(until) {
			ks = append(ks, keyed{x, tr.BoardingOpen})
		}
	}
	for _, tr := range trips {
		add(row{At: tr.BoardingOpen, Kind: schedule.BoardingOpened, Trip: tr.ID,
			Records: []messages.Record{arrived(r)}}, tr)
		add(row{At: tr.Departure, Kind: schedule.Departed, Trip: tr.ID,
			Records: []messages.Record{departed(r)},
			Sweep:   &Sweep{From: []uint32{r.StagingMapID}, To: r.EnRouteMapIDs[0]}}, tr)
		add(row{At: tr.Arrival, Kind: schedule.Arrived, Trip: tr.ID,
			Sweep: &Sweep{From: r.EnRouteMapIDs, To: r.DestinationMapID}}, tr)
	}
	// Timetable order: by instant, then the earlier trip first.
	slices.SortStableFunc(ks, func(a, b keyed) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return a.open.Compare(b.open)
	})
	out := make([]row, len(ks))
	for i, k := range ks {
		out[i] = k.row
	}
	return out
}

// drive steps now to each NextDeadline before until, like the actor's timer,
// and collects the effects; no step may be late, so nothing is skipped.
func drive(t testing.TB, m *Machine, until time.Time) []Effect {
	t.Helper()
	var out []Effect
	for {
		d, ok := m.NextDeadline()
		if !ok || !d.Before(until) {
			return out
		}
		effs, skipped := m.Tick(d)
		require.Empty(t, skipped)
		out = append(out, effs...)
	}
}

// count tallies records by type and sweeps by target map.
type count struct {
	arrived, departed, departSweeps, arriveSweeps int
}

func tally(r schedule.Route, es []Effect) count {
	var c count
	for _, e := range es {
		for _, rec := range e.Records {
			switch rec.Value.(messages.TransportStatusEvent[messages.MapBody]).Type {
			case messages.TypeArrived:
				c.arrived++
			case messages.TypeDeparted:
				c.departed++
			}
		}
		if e.Sweep != nil {
			switch e.Sweep.To {
			case r.DestinationMapID:
				c.arriveSweeps++
			case r.EnRouteMapIDs[0]:
				c.departSweeps++
			}
		}
	}
	return c
}
