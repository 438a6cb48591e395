package ride

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

const (
	startMap   uint32 = 101000300
	transitMap uint32 = 200090000
	destMap    uint32 = 200000100
)

var (
	routeID = uuid.MustParse("5b0c7c3e-2f52-4a53-9a41-1d0cbb6f1a01")
	t0      = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)
)

// testRoute is a small route: 3 seats, 1 minute of boarding, 2 of travel.
func testRoute() Route {
	return Route{
		ID: routeID, Name: "Ellinia to Orbis",
		StartMapID: startMap, TransitMapID: transitMap, DestinationMapID: destMap,
		Capacity: 3, BoardingWindow: time.Minute, Travel: 2 * time.Minute,
	}
}

// idGen hands out 00000000-0000-0000-0000-00000000000N in order. Copying it
// copies its position, so a restored machine can continue the same sequence.
type idGen struct{ n uint64 }

func (g *idGen) next() uuid.UUID { g.n++; return instanceID(g.n) }

// instanceID is the n-th id of an idGen.
func instanceID(n uint64) uuid.UUID {
	var id uuid.UUID
	binary.BigEndian.PutUint64(id[8:], n)
	return id
}

// newTestMachine is a machine on testRoute with a fresh idGen.
func newTestMachine(t testing.TB, route Route) (*Machine, *idGen) {
	t.Helper()
	g := &idGen{}
	return New(route, g.next), g
}

// start boards a character and requires success.
func start(t testing.TB, m *Machine, world byte, character uint32, channel byte, now time.Time) (Boarding, []messages.Record) {
	t.Helper()
	b, out, err := m.Start(world, character, channel, now)
	require.NoError(t, err)
	return b, out
}

// The want* helpers build expected records by hand from the wire types, so the
// tests do not trust the package's own record builders.

func wantWarp(world byte, character uint32, channel byte, mapID uint32, instance uuid.UUID) messages.Record {
	return messages.Record{
		Topic: messages.CommandTopicCharacter,
		Key:   messages.IntKey(character),
		Value: messages.Command[messages.ChangeMapBody]{
			WorldID: world, CharacterID: character, Type: "CHANGE_MAP",
			Body: messages.ChangeMapBody{ChannelID: channel, MapID: mapID, Instance: instance, PortalID: 0},
		},
	}
}

func wantRide(world byte, character uint32, typ string, instance uuid.UUID) messages.Record {
	return messages.Record{
		Topic: messages.EventTopicInstanceTransport,
		Key:   messages.IntKey(character),
		Value: messages.CharacterEvent[messages.RideBody]{
			WorldID: world, CharacterID: character, Type: typ,
			Body: messages.RideBody{RouteID: routeID, InstanceID: instance},
		},
	}
}

func wantCancelled(world byte, character uint32, instance uuid.UUID, reason string) messages.Record {
	return messages.Record{
		Topic: messages.EventTopicInstanceTransport,
		Key:   messages.IntKey(character),
		Value: messages.CharacterEvent[messages.RideCancelledBody]{
			WorldID: world, CharacterID: character, Type: "CANCELLED",
			Body: messages.RideCancelledBody{RouteID: routeID, InstanceID: instance, Reason: reason},
		},
	}
}

// checkInvariants verifies the machine's internal consistency: the indexes
// agree with the instances, capacity holds, no instance is empty, and the
// queues are exactly what their rules say.
func checkInvariants(t testing.TB, m *Machine) {
	t.Helper()
	seen := map[uint32]bool{}
	n := 0
	var prev *instance
	var earliest time.Time
	for in := m.head; in != nil; in = in.next {
		n++
		require.Same(t, prev, in.prev, "creation list back link")
		if prev != nil {
			require.Less(t, prev.seq, in.seq, "creation order")
		}
		prev = in
		require.NotEmpty(t, in.Riders, "empty instance kept")
		require.LessOrEqual(t, len(in.Riders), int(m.route.Capacity), "capacity")
		require.Contains(t, []Phase{PhaseBoarding, PhaseInTransit}, in.Phase)
		for _, r := range in.Riders {
			require.False(t, seen[r.CharacterID], "character %d twice", r.CharacterID)
			seen[r.CharacterID] = true
			require.Same(t, in, m.riding[r.CharacterID], "directory of %d", r.CharacterID)
		}
		require.GreaterOrEqual(t, in.duePos, 0, "instance missing from deadlines")
		require.Same(t, in, m.deadlines.items[in.duePos])
		require.True(t, in.due.Equal(m.nextDue(in)), "stale due")
		if earliest.IsZero() || in.due.Before(earliest) {
			earliest = in.due
		}
		wantVacant := in.Phase == PhaseBoarding && len(in.Riders) < int(m.route.Capacity)
		require.Equal(t, wantVacant, in.vacantPos >= 0, "vacancy of %s", in.ID)
		if in.vacantPos >= 0 {
			require.Same(t, in, m.vacant.items[in.vacantPos])
		}
	}
	require.Same(t, prev, m.tail)
	require.Equal(t, n, m.count)
	require.Len(t, m.riding, len(seen), "directory has riders of no instance")
	require.Len(t, m.deadlines.items, n)
	at, ok := m.NextDeadline()
	require.Equal(t, n > 0, ok)
	if ok {
		require.True(t, at.Equal(earliest), "NextDeadline %v, earliest %v", at, earliest)
	}
}

// countTypes counts records by CHANGE_MAP and event type.
func countTypes(out []messages.Record) map[string]int {
	c := map[string]int{}
	for _, r := range out {
		switch v := r.Value.(type) {
		case messages.Command[messages.ChangeMapBody]:
			c[v.Type]++
		case messages.CharacterEvent[messages.RideBody]:
			c[v.Type]++
		case messages.CharacterEvent[messages.RideCancelledBody]:
			c[v.Type+"/"+v.Body.Reason]++
		default:
			c["unexpected"]++
		}
	}
	return c
}
