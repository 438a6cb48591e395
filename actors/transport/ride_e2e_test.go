package transport_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/transport/ride"
)

var subway = ride.Route{ID: uuid.MustParse("24bb11dd-44aa-48c2-998e-a1f1644b9130"), Name: "kerning-square-train",
	StartMapID: 103000100, TransitMapID: 103000302, DestinationMapID: 103000310, Capacity: 2,
	BoardingWindow: 3 * time.Second, Travel: 2 * time.Second}

// A ride in real time: START → warp into the transit instance + STARTED;
// at arrival every rider is warped to the destination + COMPLETED, once.
func TestRideEndToEnd(t *testing.T) {
	e := start(t, clock.Real{}, config.Tenant{Tenant: kafkatest.Tenant, InstanceRoutes: []ride.Route{subway}})
	warps := e.b.NewReader(t, false, messages.CommandTopicCharacter)
	events := e.b.NewReader(t, false, messages.EventTopicInstanceTransport)
	e.startRide(1, subway.ID)
	e.startRide(2, subway.ID)

	started := decode(t, events.WaitCount(20*time.Second, 2))
	instance := started[0].Body["instanceId"]
	for _, o := range started {
		assert.Equal(t, "STARTED", o.Type)
		assert.Equal(t, messages.IntKey(o.Character), o.Key)
		assert.Equal(t, subway.ID.String(), o.Body["routeId"])
		assert.Equal(t, instance, o.Body["instanceId"], "both join the same boarding instance")
		assert.Equal(t, kafkatest.Headers(kafkatest.Tenant), o.Headers)
	}
	all := decode(t, events.WaitCount(20*time.Second, 4))
	assert.Equal(t, 2, count(all, func(o out) bool { return o.Type == "COMPLETED" && o.Body["instanceId"] == instance }))
	ws := decode(t, warps.WaitCount(10*time.Second, 4))
	for c := uint32(1); c <= 2; c++ {
		assert.Equal(t, 1, count(ws, func(o out) bool {
			return o.Character == c && o.Body["mapId"] == float64(subway.TransitMapID) && o.Body["instance"] == instance
		}), "warp into the transit instance, character %d", c)
		assert.Equal(t, 1, count(ws, func(o out) bool {
			return o.Character == c && o.Body["mapId"] == float64(subway.DestinationMapID) && o.Body["instance"] == uuid.Nil.String()
		}), "warp to the destination, character %d", c)
	}
}

// Leaving the transit map, or logging out, mid-ride cancels that rider only.
func TestRideCancelledByMapExitAndLogout(t *testing.T) {
	long := subway
	long.BoardingWindow, long.Travel = time.Hour, time.Hour
	long.Capacity = 10
	e := start(t, clock.Real{}, config.Tenant{Tenant: kafkatest.Tenant, InstanceRoutes: []ride.Route{long}})
	events := e.b.NewReader(t, false, messages.EventTopicInstanceTransport)
	for c := uint32(1); c <= 3; c++ {
		e.startRide(c, long.ID)
	}
	started := decode(t, events.WaitCount(20*time.Second, 3))
	instance := uuid.MustParse(started[0].Body["instanceId"].(string))

	// Leaving the start map is part of boarding: once the hub has applied
	// that exit, all three are still aboard.
	e.exit(1, 1, long.StartMapID, uuid.Nil)
	e.consumed()
	aboard, err := e.sub.Instances(t.Context(), kafkatest.Tenant, long.ID)
	require.NoError(t, err)
	require.Len(t, aboard, 1)
	assert.Len(t, aboard[0].Riders, 3, "an exit from the start map cancels nothing")

	e.exit(1, 1, long.TransitMapID, instance)
	e.status(messages.TypeLogout, 2, 1, long.TransitMapID)
	got := decode(t, events.WaitCount(20*time.Second, 5))[3:]
	assert.ElementsMatch(t, []string{"1:MAP_EXIT", "2:LOGOUT"}, []string{
		fmt.Sprintf("%d:%s", got[0].Character, got[0].Body["reason"]),
		fmt.Sprintf("%d:%s", got[1].Character, got[1].Body["reason"]),
	})

	// The cancelled rider may ride again; the remaining one is still aboard.
	instances, err := e.sub.Instances(t.Context(), kafkatest.Tenant, long.ID)
	require.NoError(t, err)
	require.Len(t, instances, 1)
	assert.Equal(t, []ride.Rider{{CharacterID: 3, WorldID: 0, ChannelID: 1}}, instances[0].Riders)
}

// A character riding one route cannot start another; the refusal is
// dead-lettered with its reason and the partition keeps flowing.
func TestRideConflictsAreDeadLettered(t *testing.T) {
	other := subway
	other.ID = uuid.MustParse("7f0c8bbf-52c6-4cd8-9a5b-0bd3a8e1f001")
	other.Name = "other"
	long := subway
	long.Travel = time.Hour
	e := start(t, clock.Real{}, config.Tenant{Tenant: kafkatest.Tenant, InstanceRoutes: []ride.Route{long, other}})
	events := e.b.NewReader(t, false, messages.EventTopicInstanceTransport)
	dlq := e.b.NewReader(t, false, messages.DeadLetterTopic)
	e.startRide(5, long.ID)
	events.WaitCount(20*time.Second, 1)
	e.startRide(5, other.ID)
	e.startRide(5, uuid.New())
	e.startRide(5, long.ID) // redelivery of the same ride: a no-op
	e.startRide(6, long.ID)
	events.WaitCount(20*time.Second, 2)
	dead := dlq.WaitCount(20*time.Second, 2)
	reasons := []string{}
	for _, r := range dead {
		v, _ := kafkatest.Header(r, kafka.HeaderDLQReason)
		reasons = append(reasons, string(v))
	}
	assert.Equal(t, []string{"conflict", "unknown_target"}, reasons)
	// Every START is committed, so its effects, if any, are in the stream.
	kafkatest.Eventually(t, 20*time.Second, "all five STARTs committed", func() bool {
		return e.b.CommittedTotal(t, transport.Group, messages.CommandTopicInstanceTransport) == 5
	})
	assert.Len(t, events.Drain(500*time.Millisecond), 2, "the redelivered START emitted nothing")
}
