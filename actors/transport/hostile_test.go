package transport_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/transport/ride"
)

// hostile builds the i-th hostile record and the reason it must be
// dead-lettered with. Every kind of bad input the service meets.
func hostile(i int, route uuid.UUID) (value []byte, headers []kgo.RecordHeader, reason string) {
	good := kafkatest.Headers(kafkatest.Tenant)
	c := uint32(1_000_000 + i)
	start := func(body string) []byte {
		return []byte(fmt.Sprintf(`{"worldId":0,"characterId":%d,"type":"START","body":%s}`, c, body))
	}
	switch i % 10 {
	case 0:
		return []byte(`{"type":"START","body":`), good, "bad_json"
	case 1:
		return []byte(fmt.Sprintf(`{"worldId":0,"characterId":%d,"type":"TELEPORT","body":{}}`, c)), good, "unknown_type"
	case 2:
		return start(fmt.Sprintf(`{"routeId":%q,"channelId":1}`, route)), nil, "bad_tenant"
	case 3:
		bad := append([]kgo.RecordHeader(nil), good...)
		bad[2].Value = []byte{0, 0, 83} // MAJOR_VERSION of 3 bytes
		return start(fmt.Sprintf(`{"routeId":%q,"channelId":1}`, route)), bad, "bad_tenant"
	case 4:
		return start(`{"routeId":"not-a-uuid","channelId":1}`), good, "bad_body"
	case 5:
		return start(fmt.Sprintf(`{"routeId":%q,"channelId":300}`, route)), good, "bad_body"
	case 6:
		return []byte(fmt.Sprintf(`{"worldId":0,"type":"START","body":{"routeId":%q}}`, route)), good, "missing_field"
	case 7:
		return start(fmt.Sprintf(`{"routeId":%q,"channelId":1}`, uuid.New())), good, "unknown_target"
	case 8:
		return []byte(`[]`), good, "bad_json"
	default:
		if i%1000 == 9 {
			return bytes.Repeat([]byte("x"), 100<<10), good, "oversized"
		}
		return []byte(`null`), good, "bad_json"
	}
}

// 10,000 hostile records mixed with 10,000 valid ones on the same
// partitions: every valid START takes effect exactly once, every hostile
// record is dead-lettered with its reason, and nothing stalls.
func TestHostileRecordsAreDeadLetteredAndValidOnesProcessedOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("20,000 records through the broker")
	}
	route := subway
	route.Capacity, route.BoardingWindow, route.Travel = 50, time.Hour, time.Hour
	e := startOn(t, broker, clock.Real{}, config.Tenant{Tenant: kafkatest.Tenant, InstanceRoutes: []ride.Route{route}})
	const n = 10000
	want := map[string]int{}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var produceErr error
	produce := func(r *kgo.Record) {
		wg.Add(1)
		e.produce(r, func(err error) {
			if err != nil {
				mu.Lock()
				produceErr = err
				mu.Unlock()
			}
			wg.Done()
		})
	}
	topic := string(messages.CommandTopicInstanceTransport)
	for i := 0; i < n; i++ {
		c := uint32(i + 1)
		key := messages.IntKey(c % 64) // valid and hostile interleave on the same keys
		good, _ := json.Marshal(messages.CharacterEvent[messages.StartTransportBody]{CharacterID: c, Type: messages.TypeStart,
			Body: messages.StartTransportBody{RouteID: route.ID, ChannelID: 1}})
		produce(&kgo.Record{Topic: topic, Key: key, Value: good, Headers: kafkatest.Headers(kafkatest.Tenant)})
		v, hs, reason := hostile(i, route.ID)
		want[reason]++
		produce(&kgo.Record{Topic: topic, Key: key, Value: v, Headers: hs})
	}
	wg.Wait()
	require.NoError(t, produceErr)

	dlq := e.reader(messages.DeadLetterTopic)
	events := e.reader(messages.EventTopicInstanceTransport)
	dead := dlq.WaitCount(180*time.Second, n)
	got := map[string]int{}
	for _, r := range dead {
		reason, ok := kafkatest.Header(r, kafka.HeaderDLQReason)
		require.True(t, ok)
		got[string(reason)]++
		off, _ := kafkatest.Header(r, kafka.HeaderDLQOffset)
		assert.NotEmpty(t, off, "origin offset recorded")
	}
	assert.Equal(t, want, got, "every hostile record dead-lettered with its reason")

	started := events.WaitCount(120*time.Second, n)
	characters := map[uint32]int{}
	for _, o := range decode(t, started) {
		characters[o.Character]++
	}
	assert.Len(t, characters, n)
	for c, k := range characters {
		require.Equal(t, 1, k, "character %d started once", c)
	}
	for reason, k := range want {
		assert.Equal(t, float64(k), testutil.ToFloat64(e.m.Rejected.WithLabelValues(topic, reason)), reason)
	}
	// Every record, good or bad, is committed: no partition stalled.
	kafkatest.Eventually(t, 60*time.Second, "all 20,000 inputs committed", func() bool {
		return e.committed(messages.CommandTopicInstanceTransport) == 2*n
	})
}
