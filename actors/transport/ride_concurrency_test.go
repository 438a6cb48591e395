package transport_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/transport/ride"
)

// 10,000 STARTs for one route of capacity 6 arrive at once, spread over
// every partition: no instance ever holds more than 6 riders, every
// character is in exactly one instance, and every STARTED has its warp.
func TestTenThousandStartsNeverExceedCapacity(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 records through the broker")
	}
	route := subway
	route.Capacity = 6
	route.BoardingWindow, route.Travel = time.Hour, time.Hour
	e := start(t, clock.Real{}, config.Tenant{Tenant: kafkatest.Tenant, InstanceRoutes: []ride.Route{route}})
	const n = 10000
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for c := uint32(1); c <= n; c++ {
		raw, _ := json.Marshal(messages.CharacterEvent[messages.StartTransportBody]{CharacterID: c, Type: messages.TypeStart,
			Body: messages.StartTransportBody{RouteID: route.ID, ChannelID: 1}})
		wg.Add(1)
		e.produce(&kgo.Record{Topic: string(messages.CommandTopicInstanceTransport),
			Key: messages.IntKey(c), Value: raw, Headers: kafkatest.Headers(kafkatest.Tenant)},
			func(err error) {
				if err != nil {
					errs <- err
				}
				wg.Done()
			})
	}
	wg.Wait()
	close(errs)
	require.NoError(t, <-errs)

	events := e.reader(messages.EventTopicInstanceTransport)
	warps := e.reader(messages.CommandTopicCharacter)
	started := events.WaitCount(120*time.Second, n)
	moved := warps.WaitCount(60*time.Second, n)

	instances, err := e.sub.Instances(context.Background(), kafkatest.Tenant, route.ID)
	require.NoError(t, err)
	seen := map[uint32]int{}
	for _, in := range instances {
		assert.LessOrEqual(t, len(in.Riders), 6, "instance %s", in.ID)
		for _, r := range in.Riders {
			seen[r.CharacterID]++
		}
	}
	assert.Len(t, seen, n, "every character boarded")
	for c, k := range seen {
		if k != 1 {
			t.Fatalf("character %d is in %d instances", c, k)
		}
	}
	assert.Len(t, instances, (n+5)/6, "instances filled to capacity in order")

	// Each STARTED matches a warp into the same instance.
	into := map[uint32]string{}
	for _, o := range decode(t, moved) {
		into[o.Character] = o.Body["instance"].(string)
	}
	require.Len(t, into, n)
	for _, o := range decode(t, started) {
		require.Equal(t, "STARTED", o.Type)
		assert.Equal(t, into[o.Character], o.Body["instanceId"], "character %d", o.Character)
	}
	assert.Len(t, events.Drain(300*time.Millisecond), n, "no duplicate STARTED")
}
