package audit_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/audit"
	"github.com/gamehost/transitquest/messages"
)

var inst = uuid.MustParse("2b7c3a3e-8f55-4b1e-9d7a-3d9a1c7f0e01")

func started(s *stream, character uint32, at time.Time, trace string) {
	s.add(messages.RideEvent(0, character, messages.TypeStarted, messages.RideBody{RouteID: subway.ID, InstanceID: inst}), at, trace)
}

func completed(s *stream, character uint32, at time.Time) {
	s.add(messages.RideEvent(0, character, messages.TypeCompleted, messages.RideBody{RouteID: subway.ID, InstanceID: inst}), at, "")
}

func cancelled(s *stream, character uint32, at time.Time) {
	s.add(messages.RideEvent(0, character, messages.TypeCancelled, messages.RideCancelledBody{RouteID: subway.ID, InstanceID: inst, Reason: "MAP_EXIT"}), at, "")
}

// arrival is the instance's arrival: created at t0+1s, 2 s boarding, 5 s travel.
var arrival = t0.Add(8 * time.Second)

func TestAFullRidePasses(t *testing.T) {
	s := rideStream(t)
	started(s, 1, t0.Add(time.Second), "")
	started(s, 2, t0.Add(1500*time.Millisecond), "")
	completed(s, 1, arrival.Add(10*time.Millisecond))
	completed(s, 2, arrival.Add(10*time.Millisecond))
	rep := audit.Run(s.input(time.Minute))
	require.True(t, rep.OK(), rep.Text())
	require.Equal(t, 2, rep.Counts["rides started"])
	require.Equal(t, 1, rep.Counts["ride instances"])
}

func TestRideOverCapacity(t *testing.T) {
	s := rideStream(t)
	for c := uint32(1); c <= 3; c++ {
		started(s, c, t0.Add(time.Second), "")
		completed(s, c, arrival)
	}
	rep := audit.Run(s.input(time.Minute))
	f := requireFinding(t, rep, "ride instance over its route's capacity", 1)
	require.Contains(t, f.Examples[0], "3 riders aboard, capacity 2")
}

func TestACancelledRiderFreesItsSeat(t *testing.T) {
	s := rideStream(t)
	started(s, 1, t0.Add(time.Second), "")
	started(s, 2, t0.Add(time.Second), "")
	cancelled(s, 2, t0.Add(1200*time.Millisecond))
	started(s, 3, t0.Add(1500*time.Millisecond), "")
	completed(s, 1, arrival)
	completed(s, 3, arrival)
	rep := audit.Run(s.input(time.Minute))
	require.True(t, rep.OK(), rep.Text())
}

func TestRideEventsTwice(t *testing.T) {
	s := rideStream(t)
	started(s, 1, t0.Add(time.Second), "")
	completed(s, 1, arrival)
	completed(s, 1, arrival.Add(3*time.Second)) // restored and fired again
	started(s, 2, t0.Add(time.Second), "")
	completed(s, 2, arrival)
	cancelled(s, 2, arrival.Add(time.Second))
	rep := audit.Run(s.input(time.Minute))
	requireFinding(t, rep, "ride COMPLETED twice for one character and instance", 1)
	requireFinding(t, rep, "ride ended twice (COMPLETED and CANCELLED)", 1)
}

func TestRideArrivalThatNeverFired(t *testing.T) {
	s := rideStream(t)
	started(s, 1, t0.Add(time.Second), "")
	// A ride started just before the read is not due yet.
	s.add(messages.RideEvent(0, 2, messages.TypeStarted, messages.RideBody{RouteID: subway.ID, InstanceID: uuid.New()}), t0.Add(80*time.Second), "")
	rep := audit.Run(s.input(time.Minute))
	f := requireFinding(t, rep, "ride arrival never fired (STARTED, neither COMPLETED nor CANCELLED)", 1)
	require.Contains(t, f.Examples[0], "character 1")
}

func TestRideArrivalLateIsANote(t *testing.T) {
	s := rideStream(t)
	started(s, 1, t0.Add(time.Second), "")
	completed(s, 1, arrival.Add(4*time.Second))
	rep := audit.Run(s.input(time.Minute))
	require.True(t, rep.OK(), rep.Text())
	require.Len(t, rep.Notes, 1)
	require.Equal(t, audit.Timers, rep.Notes[0].Check)
}

func TestRideOfAnUnknownRoute(t *testing.T) {
	s := rideStream(t)
	s.add(messages.RideEvent(0, 1, messages.TypeStarted, messages.RideBody{RouteID: train.ID, InstanceID: inst}), t0, "")
	requireFinding(t, audit.Run(s.input(time.Minute)), "ride of an unknown tenant or instance route", 1)
	_ = audit.Defaults
}
