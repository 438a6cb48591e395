package transport_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/transport/ride"
)

var subway = ride.Route{ID: uuid.MustParse("24bb11dd-44aa-48c2-998e-a1f1644b9130"), Name: "kerning-square-train",
	StartMapID: 103000100, TransitMapID: 103000302, DestinationMapID: 103000310, Capacity: 2,
	BoardingWindow: 3 * time.Second, Travel: 2 * time.Second}

// A ride in real time through the broker: START → warp into the transit instance + STARTED;
// at arrival every rider is warped to the destination + COMPLETED, once.
func TestRideEndToEnd(t *testing.T) {
	e := startOn(t, broker, clock.Real{}, config.Tenant{Tenant: kafkatest.Tenant, InstanceRoutes: []ride.Route{subway}})
	warps := e.reader(messages.CommandTopicCharacter)
	events := e.reader(messages.EventTopicInstanceTransport)
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
