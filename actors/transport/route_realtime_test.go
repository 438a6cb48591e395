package transport_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
)

var ferry = schedule.Route{ID: uuid.MustParse("9a1d8a52-1b7e-4d1e-8f57-0c4b7a7f0a01"), Name: "quick-ferry",
	StartMapID: 200000111, StagingMapID: 200000112, EnRouteMapIDs: []uint32{200090000, 200090001},
	DestinationMapID: 101000300, ObservationMapID: 200000111,
	BoardingWindow: time.Second, PreDeparture: time.Second, Travel: 2 * time.Second, CycleInterval: 4 * time.Second}

// A route with second-scale durations in real time. The test client plays
// the channel server: characters waiting in the staging room are warped
// aboard at departure, and aboard at arrival are warped to the destination,
// each exactly once.
func TestScheduledRouteEndToEnd(t *testing.T) {
	e := start(t, clock.Real{}, config.Tenant{Tenant: kafkatest.Tenant, Routes: []schedule.Route{ferry}})
	status := e.reader(messages.EventTopicTransportStatus)
	warps := e.reader(messages.CommandTopicCharacter)
	e.enter(11, 1, ferry.StagingMapID, uuid.Nil)
	e.enter(12, 2, ferry.StagingMapID, uuid.Nil)
	e.enter(13, 1, ferry.StartMapID, uuid.Nil) // on the dock, not boarding

	aboard := func(rs []*kgo.Record) bool {
		return count(decode(t, rs), func(o out) bool { return o.Body["mapId"] == float64(ferry.EnRouteMapIDs[0]) }) == 2
	}
	boarding := decode(t, warps.WaitFor(20*time.Second, aboard))
	for _, o := range boarding {
		assert.Equal(t, messages.IntKey(o.Character), o.Key)
		assert.Equal(t, uuid.Nil.String(), o.Body["instance"])
		// The channel server moves them aboard.
		e.exit(o.Character, byte(o.Body["channelId"].(float64)), ferry.StagingMapID, uuid.Nil)
		e.enter(o.Character, byte(o.Body["channelId"].(float64)), ferry.EnRouteMapIDs[0], uuid.Nil)
	}
	landed := func(rs []*kgo.Record) bool {
		return count(decode(t, rs), func(o out) bool { return o.Body["mapId"] == float64(ferry.DestinationMapID) }) == 2
	}
	for _, o := range decode(t, warps.WaitFor(20*time.Second, landed)) {
		if o.Body["mapId"] == float64(ferry.DestinationMapID) {
			e.exit(o.Character, byte(o.Body["channelId"].(float64)), ferry.EnRouteMapIDs[0], uuid.Nil)
			e.enter(o.Character, byte(o.Body["channelId"].(float64)), ferry.DestinationMapID, uuid.Nil)
		}
	}
	// Once the channel server has moved them ashore, two more departures
	// (and the arrival between them) pass without anybody being warped again.
	e.consumed()
	ashore := time.Now()
	status.WaitFor(30*time.Second, func(rs []*kgo.Record) bool {
		later := 0
		for _, r := range rs {
			if r.Timestamp.After(ashore) && decode(t, []*kgo.Record{r})[0].Type == messages.TypeDeparted {
				later++
			}
		}
		return later >= 2
	})
	ws := decode(t, warps.Drain(time.Second))
	require.Len(t, ws, 4, "two boarding warps and two landing warps, nothing more")
	for _, c := range []uint32{11, 12} {
		assert.Equal(t, 2, count(ws, func(o out) bool { return o.Character == c }))
	}
	for _, o := range decode(t, status.WaitCount(time.Second, 1)) {
		assert.Equal(t, []byte(ferry.ID.String()), o.Key)
		assert.Equal(t, ferry.ID, o.RouteID)
		assert.Equal(t, map[string]any{"mapId": float64(ferry.ObservationMapID)}, o.Body)
		assert.Equal(t, kafkatest.Headers(kafkatest.Tenant), o.Headers)
	}
}
