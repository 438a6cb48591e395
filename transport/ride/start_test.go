package ride

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStartCreatesInstanceThenWarpsAndEmitsStarted(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	now := time.Date(2025, 3, 14, 10, 26, 53, 0, time.FixedZone("CET", 3600)) // stored as UTC

	b, out := start(t, m, 1, 7, 2, now)

	id := instanceID(1)
	assert.Equal(t, Boarding{InstanceID: id, Created: true}, b)
	assert.Equal(t, []messages.Record{
		wantWarp(1, 7, 2, transitMap, id),
		wantRide(1, 7, "STARTED", id),
	}, out)
	assert.Equal(t, []Instance{{
		ID:            id,
		Riders:        []Rider{{CharacterID: 7, WorldID: 1, ChannelID: 2}},
		CreatedAt:     t0,
		BoardingUntil: t0.Add(time.Minute),
		ArrivalAt:     t0.Add(3 * time.Minute),
		Phase:         PhaseBoarding,
	}}, m.Instances())
	got, ok := m.Riding(7)
	assert.True(t, ok)
	assert.Equal(t, id, got)
	at, ok := m.NextDeadline()
	assert.True(t, ok)
	assert.Equal(t, t0.Add(time.Minute), at)
	checkInvariants(t, m)
}

// The exact bytes consumers see, as the reference (§4.3, §4.4) writes them.
func TestStartRecordsOnTheWire(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	_, out := start(t, m, 1, 12345, 2, t0)
	require.Len(t, out, 2)

	key := []byte{0x39, 0x30, 0, 0, 0, 0, 0, 0}
	assert.Equal(t, key, out[0].Key)
	assert.Equal(t, key, out[1].Key)
	warpJSON, err := json.Marshal(out[0].Value)
	require.NoError(t, err)
	assert.JSONEq(t, `{"worldId":1,"characterId":12345,"type":"CHANGE_MAP","body":{"channelId":2,"mapId":200090000,"instance":"00000000-0000-0000-0000-000000000001","portalId":0}}`, string(warpJSON))
	startedJSON, err := json.Marshal(out[1].Value)
	require.NoError(t, err)
	assert.JSONEq(t, `{"transactionId":"00000000-0000-0000-0000-000000000000","worldId":1,"characterId":12345,"type":"STARTED","body":{"routeId":"5b0c7c3e-2f52-4a53-9a41-1d0cbb6f1a01","instanceId":"00000000-0000-0000-0000-000000000001"}}`, string(startedJSON))
}

func TestStartJoinsOldestBoardingInstanceWithRoom(t *testing.T) {
	r := testRoute()
	r.Capacity = 2
	m, _ := newTestMachine(t, r)
	one, two := instanceID(1), instanceID(2)

	b, _ := start(t, m, 0, 1, 1, t0)
	assert.Equal(t, Boarding{InstanceID: one, Created: true}, b)
	b, _ = start(t, m, 0, 2, 1, t0.Add(time.Second))
	assert.Equal(t, Boarding{InstanceID: one}, b, "joins while there is room")
	b, _ = start(t, m, 0, 3, 1, t0.Add(2*time.Second))
	assert.Equal(t, Boarding{InstanceID: two, Created: true}, b, "full: a new instance")
	b, _ = start(t, m, 0, 4, 1, t0.Add(3*time.Second))
	assert.Equal(t, Boarding{InstanceID: two}, b)

	// A seat opens in each; the oldest instance is filled first.
	m.Exit(0, 3, two, t0.Add(4*time.Second))
	m.Exit(0, 1, one, t0.Add(5*time.Second))
	b, out := start(t, m, 0, 5, 1, t0.Add(6*time.Second))
	assert.Equal(t, Boarding{InstanceID: one}, b)
	assert.Equal(t, wantWarp(0, 5, 1, transitMap, one), out[0])
	b, _ = start(t, m, 0, 6, 1, t0.Add(7*time.Second))
	assert.Equal(t, Boarding{InstanceID: two}, b)
	b, _ = start(t, m, 0, 7, 1, t0.Add(8*time.Second))
	assert.Equal(t, Boarding{InstanceID: instanceID(3), Created: true}, b)

	inst := m.Instances()
	require.Len(t, inst, 3)
	assert.Equal(t, []Rider{{2, 0, 1}, {5, 0, 1}}, inst[0].Riders, "boarding order kept")
	assert.Equal(t, t0.Add(time.Minute), inst[0].BoardingUntil, "joining never moves deadlines")
	checkInvariants(t, m)
}

func TestStartRedeliveryIsANoOp(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	first, _ := start(t, m, 1, 7, 2, t0)
	before := m.State()

	b, out, err := m.Start(1, 7, 3, t0.Add(time.Second))

	require.NoError(t, err)
	assert.Nil(t, out)
	assert.Equal(t, Boarding{InstanceID: first.InstanceID, AlreadyRiding: true}, b)
	assert.Equal(t, before, m.State())
}

func TestStartNeverExceedsCapacity(t *testing.T) {
	r := testRoute()
	r.Capacity = 6
	m, _ := newTestMachine(t, r)
	var out []messages.Record
	for c := uint32(1); c <= 10_000; c++ {
		_, recs := start(t, m, 0, c, 1, t0.Add(time.Duration(c)*time.Millisecond))
		out = append(out, recs...)
	}

	counts := countTypes(out)
	assert.Equal(t, map[string]int{"CHANGE_MAP": 10_000, "STARTED": 10_000}, counts)
	members := map[uint32]int{}
	for _, in := range m.Instances() {
		assert.LessOrEqual(t, len(in.Riders), 6)
		for _, rd := range in.Riders {
			members[rd.CharacterID]++
		}
	}
	assert.Len(t, members, 10_000)
	for c, n := range members {
		require.Equal(t, 1, n, "character %d", c)
	}
	assert.Len(t, m.Instances(), 1667) // ⌈10000/6⌉: every instance filled before the next
	checkInvariants(t, m)
}

func TestStartAfterBoardingWindowCreatesNewInstance(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	start(t, m, 0, 1, 1, t0)

	b, _ := start(t, m, 0, 2, 1, t0.Add(time.Minute-time.Nanosecond))
	assert.Equal(t, instanceID(1), b.InstanceID, "still inside the window")

	// At BoardingUntil the instance is closed even though Tick has not run.
	b, _ = start(t, m, 0, 3, 1, t0.Add(time.Minute))
	assert.Equal(t, Boarding{InstanceID: instanceID(2), Created: true}, b)
	assert.Equal(t, PhaseBoarding, m.Instances()[0].Phase, "Start applies no deadline")
	checkInvariants(t, m)

	_, out := m.Tick(t0.Add(time.Minute))
	assert.Empty(t, out, "boarding expiry is silent")
	assert.Equal(t, PhaseInTransit, m.Instances()[0].Phase)

	// Later starters join the newer instance, never the closed one.
	b, _ = start(t, m, 0, 4, 1, t0.Add(time.Minute+time.Second))
	assert.Equal(t, instanceID(2), b.InstanceID)
	checkInvariants(t, m)
}

// An older instance whose window has passed (not yet ticked) is skipped, and
// a younger one with room is still found behind it.
func TestStartSkipsExpiredInstanceButKeepsItForTick(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	start(t, m, 0, 1, 1, t0)                  // #1, window until t0+1m
	start(t, m, 0, 2, 1, t0.Add(time.Minute)) // #2, window until t0+2m
	b, _ := start(t, m, 0, 3, 1, t0.Add(90*time.Second))
	assert.Equal(t, Boarding{InstanceID: instanceID(2)}, b)

	inst := m.Instances()
	assert.Equal(t, PhaseBoarding, inst[0].Phase)
	assert.Len(t, inst[0].Riders, 1)
	checkInvariants(t, m)
	m.Tick(t0.Add(90 * time.Second))
	assert.Equal(t, PhaseInTransit, m.Instances()[0].Phase)
	checkInvariants(t, m)
}

func TestStartRefusals(t *testing.T) {
	var rej *messages.Rejection

	m, _ := newTestMachine(t, testRoute())
	_, out, err := m.Start(0, 0, 1, t0)
	require.ErrorAs(t, err, &rej)
	assert.Equal(t, messages.ReasonMissingField, rej.Reason)
	assert.Nil(t, out)

	bad := testRoute()
	bad.Capacity = 0
	m, _ = newTestMachine(t, bad)
	_, out, err = m.Start(0, 7, 1, t0)
	require.ErrorAs(t, err, &rej)
	assert.Equal(t, messages.ReasonUnknownTarget, rej.Reason)
	assert.Contains(t, rej.Detail, "capacity must be greater than zero")
	assert.Nil(t, out)
	assert.Empty(t, m.Instances())

	m, _ = newTestMachine(t, testRoute())
	m.Shutdown()
	_, out, err = m.Start(0, 7, 1, t0)
	require.ErrorAs(t, err, &rej)
	assert.Equal(t, messages.ReasonWrongState, rej.Reason)
	assert.Nil(t, out)

	m = New(testRoute(), func() uuid.UUID { return uuid.Nil })
	_, out, err = m.Start(0, 7, 1, t0)
	assert.True(t, errors.Is(err, ErrNilInstanceID))
	assert.Nil(t, out)
	_, riding := m.Riding(7)
	assert.False(t, riding)
	checkInvariants(t, m)
}

func TestNewDefaultsToRandomIDs(t *testing.T) {
	m := New(testRoute(), nil)
	b, _ := start(t, m, 0, 1, 1, t0)
	assert.NotEqual(t, uuid.Nil, b.InstanceID)
	assert.Equal(t, testRoute(), m.Route())
}
