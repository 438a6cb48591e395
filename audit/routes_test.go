package audit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/audit"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/transport/route"
)

// routeStream is what transport/route's own machine emits for the train
// from start-up at `from` until `to`, each record stamped 5 ms after its
// due instant: the stream of a correct service.
func routeStream(t *testing.T, from, to time.Time) *stream {
	tt, errs := schedule.NewTimetable(cfg.Tenants[0].Routes, nil)
	require.Empty(t, errs)
	s := &stream{t: t}
	m, effects := route.New(tt, train.ID, from)
	for {
		for _, e := range effects {
			for _, r := range e.Records {
				s.add(r, e.Transition.At.Add(5*time.Millisecond), "")
			}
		}
		at, ok := m.NextDeadline()
		if !ok || at.After(to) {
			return s
		}
		effects, _ = m.Tick(at)
	}
}

func TestTheRouteMachinesOwnStreamPasses(t *testing.T) {
	// Started mid-boarding (t0+2s), so the start-up ARRIVED comes first.
	s := routeStream(t, t0.Add(2*time.Second), t0.Add(3*time.Minute))
	in := s.input(3 * time.Minute)
	in.Starts = []audit.Interval{{From: t0, To: t0.Add(3 * time.Second)}}
	rep := audit.Run(in)
	require.True(t, rep.OK(), rep.Text())
	// Due in [t0+5s, t0+175s]: departures at 5, 15, ... 175 s, dockings at 10, 20, ... 170 s.
	require.Equal(t, 18, rep.Counts["route DEPARTED due in window"], rep.Text())
	require.Equal(t, 17, rep.Counts["route ARRIVED due in window"], rep.Text())
}

func TestDepartedTwiceIsADuplicate(t *testing.T) {
	s := routeStream(t, t0, t0.Add(time.Minute))
	for _, r := range s.recs {
		if string(r.Value) != "" && r.Timestamp.Equal(t0.Add(25*time.Second+5*time.Millisecond)) { // trip 2 departs at 20+5
			r.Offset += 1000
			r.Timestamp = r.Timestamp.Add(300 * time.Millisecond) // a second replica's timer
			s.recs = append(s.recs, r)
		}
	}
	rep := audit.Run(s.input(time.Minute))
	f := requireFinding(t, rep, "DEPARTED twice for one scheduled instant", 1)
	require.Contains(t, f.Examples[0], "due 12:00:25.000: 2 copies")
	require.Equal(t, 1, rep.Violated(audit.Duplicates))
	require.Contains(t, rep.Text(), "FAIL no effect twice: 1 violations")
}

func TestMissingDepartureIsATimerThatNeverFired(t *testing.T) {
	s := routeStream(t, t0, t0.Add(time.Minute))
	var kept []audit.Record
	for _, r := range s.recs {
		if !r.Timestamp.Equal(t0.Add(35*time.Second + 5*time.Millisecond)) {
			kept = append(kept, r)
		}
	}
	s.recs = kept
	rep := audit.Run(s.input(time.Minute))
	f := requireFinding(t, rep, "scheduled DEPARTED never announced", 1)
	require.Contains(t, f.Examples[0], "train-0")
	require.Contains(t, f.Examples[0], "12:00:35.000")
}

func TestMissingTransitionsOutsideTheGraceAreNotRequired(t *testing.T) {
	// Announced only from t0+4s: the ARRIVED due at t0 falls in the grace.
	s := routeStream(t, t0.Add(4*time.Second), t0.Add(time.Minute))
	in := s.input(time.Minute)
	in.Starts = []audit.Interval{{From: t0, To: t0.Add(5 * time.Second)}}
	rep := audit.Run(in)
	require.True(t, rep.OK(), rep.Text())
}

func TestArrivedAgainFromAStartingReplicaIsANote(t *testing.T) {
	s := routeStream(t, t0, t0.Add(time.Minute))
	// A replica restarted at t0+12.5s re-announces the docking of t0+10s.
	s.add(messages.TransportStatus(train.ID, messages.TypeArrived, 100), t0.Add(12500*time.Millisecond), "")
	in := s.input(time.Minute)
	in.Starts = []audit.Interval{{From: t0.Add(11 * time.Second), To: t0.Add(14 * time.Second)}}
	rep := audit.Run(in)
	require.True(t, rep.OK(), rep.Text())
	require.Len(t, rep.Notes, 1, rep.Text())
	require.Equal(t, 1, rep.Notes[0].Count)

	// The same copy with no replica starting is not explained by anything.
	in.Starts = nil
	rep = audit.Run(in)
	requireFinding(t, rep, "ARRIVED at no scheduled instant", 1)
}

func TestArrivedTwiceOnTimeIsADuplicate(t *testing.T) {
	s := routeStream(t, t0, t0.Add(time.Minute))
	s.add(messages.TransportStatus(train.ID, messages.TypeArrived, 100), t0.Add(30*time.Second+20*time.Millisecond), "")
	rep := audit.Run(s.input(time.Minute))
	requireFinding(t, rep, "ARRIVED twice for one scheduled instant", 1)
}

func TestStatusOfAnUnknownRouteIsReported(t *testing.T) {
	s := routeStream(t, t0, t0.Add(time.Minute))
	s.add(messages.TransportStatus(subway.ID, messages.TypeDeparted, 1), t0.Add(5*time.Second), "")
	rep := audit.Run(s.input(time.Minute))
	requireFinding(t, rep, "route status of an unknown tenant or route", 1)
	require.Equal(t, 1, rep.Violated(audit.Records))
}

// without removes the records stamped at the given offsets from t0.
func (s *stream) without(offsets ...time.Duration) {
	var kept []audit.Record
next:
	for _, r := range s.recs {
		for _, o := range offsets {
			if r.Timestamp.Equal(t0.Add(o)) {
				continue next
			}
		}
		kept = append(kept, r)
	}
	s.recs = kept
}

func TestAStartingReplicaCatchesUpOverdueTransitionsOnce(t *testing.T) {
	const ms = time.Millisecond
	s := routeStream(t, t0, t0.Add(time.Minute))
	// Killed at t0+22s, back at t0+37.5s: DEPARTED 25 and 35 and ARRIVED
	// 30 are caught up at once, and ARRIVED 30 (docked) re-announced.
	s.without(25*time.Second+5*ms, 30*time.Second+5*ms, 35*time.Second+5*ms)
	back := t0.Add(37500 * ms)
	s.add(messages.TransportStatus(train.ID, messages.TypeDeparted, 100), back, "")
	s.add(messages.TransportStatus(train.ID, messages.TypeArrived, 100), back, "")
	s.add(messages.TransportStatus(train.ID, messages.TypeDeparted, 100), back.Add(ms), "")
	s.add(messages.TransportStatus(train.ID, messages.TypeArrived, 100), back.Add(2*ms), "")
	in := s.input(time.Minute)
	in.Starts = []audit.Interval{{From: t0.Add(22 * time.Second), To: t0.Add(40 * time.Second)}}
	rep := audit.Run(in)
	require.True(t, rep.OK(), rep.Text())
	require.NotEmpty(t, rep.Notes)

	// The same departure emitted again by the starting replica is still a duplicate.
	s.add(messages.TransportStatus(train.ID, messages.TypeDeparted, 100), back.Add(3*ms), "")
	in.Records = s.recs
	rep = audit.Run(in)
	requireFinding(t, rep, "DEPARTED twice for one scheduled instant", 1)

	// Without the start-up span nothing explains the late records.
	in.Starts = nil
	rep = audit.Run(in)
	require.False(t, rep.OK())
	requireFinding(t, rep, "scheduled DEPARTED never announced", 2)
}

// A replica killed while the vessel was docked announces the docking
// again; its first transaction may be stamped after the departure.
func TestStartUpArrivedStampedAfterTheDepartureIsANote(t *testing.T) {
	s := routeStream(t, t0, t0.Add(time.Minute))
	// Docked 20..25 s; killed at 23 s, first transaction stamped at 26 s.
	s.add(messages.TransportStatus(train.ID, messages.TypeArrived, 100), t0.Add(26*time.Second), "")
	in := s.input(time.Minute)
	in.Starts = []audit.Interval{{From: t0.Add(23 * time.Second), To: t0.Add(29 * time.Second)}}
	require.True(t, audit.Run(in).OK())

	// Killed after the departure: nothing was docked during the start-up.
	in.Starts = []audit.Interval{{From: t0.Add(25500 * time.Millisecond), To: t0.Add(29 * time.Second)}}
	requireFinding(t, audit.Run(in), "ARRIVED at no scheduled instant", 1)
}
