package ride

import (
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBoardingExpiresExactlyAtBoardingUntil(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	start(t, m, 1, 7, 2, t0)

	ended, out := m.Tick(t0.Add(time.Minute - time.Nanosecond))
	assert.Empty(t, ended)
	assert.Empty(t, out)
	assert.Equal(t, PhaseBoarding, m.Instances()[0].Phase)

	ended, out = m.Tick(t0.Add(time.Minute))
	assert.Empty(t, ended)
	assert.Empty(t, out, "no warp and no event")
	assert.Equal(t, PhaseInTransit, m.Instances()[0].Phase)
	at, _ := m.NextDeadline()
	assert.Equal(t, t0.Add(3*time.Minute), at, "next: arrival")
	checkInvariants(t, m)
}

func TestArrivalExactlyAtArrivalAt(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	start(t, m, 1, 7, 2, t0)
	start(t, m, 3, 8, 4, t0.Add(10*time.Second)) // its own world and channel
	m.Tick(t0.Add(time.Minute))
	id := instanceID(1)

	ended, out := m.Tick(t0.Add(3*time.Minute - time.Nanosecond))
	assert.Empty(t, ended)
	assert.Empty(t, out)

	ended, out = m.Tick(t0.Add(3 * time.Minute))
	assert.Equal(t, []uint32{7, 8}, ended)
	assert.Equal(t, []messages.Record{
		wantWarp(1, 7, 2, destMap, uuid.Nil),
		wantRide(1, 7, "COMPLETED", id),
		wantWarp(3, 8, 4, destMap, uuid.Nil),
		wantRide(3, 8, "COMPLETED", id),
	}, out)
	assert.Empty(t, m.Instances())
	_, ok := m.NextDeadline()
	assert.False(t, ok)
	_, riding := m.Riding(7)
	assert.False(t, riding)
	checkInvariants(t, m)

	// The CHARACTER_EXIT that the arrival warp causes is no longer a ride's.
	removed, out := m.Exit(1, 7, id, t0.Add(3*time.Minute))
	assert.False(t, removed)
	assert.Nil(t, out)
}

// One late Tick applies boarding expiry and arrival of the same instance.
func TestLateTickAppliesExpiryAndArrivalTogether(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	start(t, m, 1, 7, 2, t0)

	ended, out := m.Tick(t0.Add(4 * time.Minute))
	assert.Equal(t, []uint32{7}, ended)
	assert.Equal(t, map[string]int{"CHANGE_MAP": 1, "COMPLETED": 1}, countTypes(out))
}

// Not ticked until past MaxLifetime: both arrival and stuck are due, and
// arrival wins.
func TestArrivalWinsOverStuckWhenBothDue(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	start(t, m, 1, 7, 2, t0)

	ended, out := m.Tick(t0.Add(time.Hour))

	assert.Equal(t, []uint32{7}, ended)
	assert.Equal(t, []messages.Record{
		wantWarp(1, 7, 2, destMap, uuid.Nil),
		wantRide(1, 7, "COMPLETED", instanceID(1)),
	}, out)
	checkInvariants(t, m)
}

// Stuck fires when ArrivalAt lies beyond CreatedAt + MaxLifetime: here a
// saved ride is restored under a route whose durations were shortened.
func TestStuckSafetyNet(t *testing.T) {
	m, g := newTestMachine(t, testRoute()) // arrival at t0+3m
	start(t, m, 1, 7, 2, t0)
	start(t, m, 5, 8, 6, t0)
	short := testRoute()
	short.BoardingWindow, short.Travel = 10*time.Second, 20*time.Second // lifetime 1m
	m = Restore(short, g.next, m.State())

	at, _ := m.NextDeadline()
	assert.Equal(t, t0.Add(time.Minute), at, "boarding expiry and stuck both at t0+1m")
	ended, out := m.Tick(t0.Add(time.Minute - time.Nanosecond))
	assert.Empty(t, ended)
	assert.Empty(t, out)

	ended, out = m.Tick(t0.Add(time.Minute))
	assert.Equal(t, []uint32{7, 8}, ended)
	id := instanceID(1)
	assert.Equal(t, []messages.Record{
		wantWarp(1, 7, 2, startMap, uuid.Nil),
		wantCancelled(1, 7, id, "STUCK"),
		wantWarp(5, 8, 6, startMap, uuid.Nil),
		wantCancelled(5, 8, id, "STUCK"),
	}, out)
	assert.Empty(t, m.Instances())
	checkInvariants(t, m)
}

func TestTickHandlesInstancesInDeadlineOrder(t *testing.T) {
	r := testRoute()
	r.Capacity = 1
	m, _ := newTestMachine(t, r)
	start(t, m, 0, 1, 0, t0)
	start(t, m, 0, 2, 0, t0.Add(30*time.Second))
	start(t, m, 0, 3, 0, t0.Add(30*time.Second)) // same deadlines as #2: creation order

	// #1's arrival (t0+3m) comes after #2's and #3's boarding expiry (t0+1m30s).
	at, _ := m.NextDeadline()
	assert.Equal(t, t0.Add(time.Minute), at)
	m.Tick(at)
	at, _ = m.NextDeadline()
	assert.Equal(t, t0.Add(90*time.Second), at)
	m.Tick(at)
	at, _ = m.NextDeadline()
	assert.Equal(t, t0.Add(3*time.Minute), at)

	ended, _ := m.Tick(t0.Add(10 * time.Minute))
	assert.Equal(t, []uint32{1, 2, 3}, ended)
	checkInvariants(t, m)
}

func TestTickWithNothingDue(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	ended, out := m.Tick(t0)
	assert.Nil(t, ended)
	assert.Nil(t, out)

	start(t, m, 0, 1, 0, t0)
	ended, out = m.Tick(t0.Add(time.Second))
	assert.Nil(t, ended)
	assert.Nil(t, out)
	require.Len(t, m.Instances(), 1)
}
