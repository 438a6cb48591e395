package transport_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/transport/ride"
)

// Leaving the transit map, or logging out, mid-ride cancels that rider only.
func TestRideCancelledByMapExitAndLogout(t *testing.T) {
	long := subway
	long.BoardingWindow, long.Travel = time.Hour, time.Hour
	long.Capacity = 10
	e := start(t, clock.Real{}, config.Tenant{Tenant: kafkatest.Tenant, InstanceRoutes: []ride.Route{long}})
	events := e.reader(messages.EventTopicInstanceTransport)
	for c := uint32(1); c <= 3; c++ {
		e.startRide(c, long.ID)
	}
	started := decode(t, events.WaitCount(20*time.Second, 3))
	instance := uuid.MustParse(started[0].Body["instanceId"].(string))

	// Leaving the start map is part of boarding: once the directory has applied
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
	events := e.reader(messages.EventTopicInstanceTransport)
	dlq := e.reader(messages.DeadLetterTopic)
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
	// The unknown route is refused by ingress, the conflict by the
	// directory after a hop: their order in the topic may be either.
	assert.ElementsMatch(t, []string{"conflict", "unknown_target"}, reasons)
	// Every START is committed, so its effects, if any, are in the stream.
	kafkatest.Eventually(t, 20*time.Second, "all five STARTs committed", func() bool {
		return e.committed(messages.CommandTopicInstanceTransport) == 5
	})
	assert.Len(t, events.Drain(500*time.Millisecond), 2, "the redelivered START emitted nothing")
}
