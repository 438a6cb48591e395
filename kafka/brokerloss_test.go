package kafka_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
)

// The broker goes away mid-run and comes back on the same address with its
// data: while it is gone nothing is committed; afterwards every input has
// exactly the effects an undisturbed run gives it — nothing lost, nothing
// emitted twice.
func TestBrokerLossLosesNothingAndDuplicatesNothing(t *testing.T) {
	b := kafkatest.StartPersistentBroker(t)
	gate := make(chan struct{})
	_, m, _ := startGatedPipeline(t, b, "broker-loss", gate)
	in := b.Client(t)
	route := uuid.New()
	const perBatch = 300
	produce := func(from, to uint32) {
		for c := from; c < to; c++ {
			b.Produce(t, in, messages.CommandTopicInstanceTransport, messages.IntKey(c), start(c, route), kafkatest.Tenant)
		}
	}
	committed := func() int64 {
		return b.CommittedTotal(t, group, messages.CommandTopicInstanceTransport)
	}
	produce(1, perBatch+1)
	// Every input of the first batch has been read and is being worked on
	// when the broker goes away; the effects are handed over while it is
	// down, so their transactions fail until it is back.
	kafkatest.Eventually(t, 30*time.Second, "first batch read", func() bool {
		return testutil.ToFloat64(m.Consumed.WithLabelValues(string(messages.CommandTopicInstanceTransport))) == perBatch
	})
	b.Stop()
	close(gate)
	kafkatest.Eventually(t, 60*time.Second, "transactions failing while the broker is down", func() bool {
		return testutil.ToFloat64(m.TxnFailures.WithLabelValues("abort"))+testutil.ToFloat64(m.TxnFailures.WithLabelValues("retriable")) >= 2
	})
	assert.Equal(t, int64(0), int64(testutil.ToFloat64(m.Produced.WithLabelValues(string(messages.CommandTopicCharacter)))))
	b.Start(t)
	produce(perBatch+1, 2*perBatch+1)

	out := b.NewReader(t, false, messages.CommandTopicCharacter, messages.EventTopicInstanceTransport)
	out.WaitCount(120*time.Second, 2*2*perBatch)
	recs := out.Drain(time.Second)
	perKind := map[string]int{}
	for _, r := range recs {
		var env struct {
			Type        string `json:"type"`
			CharacterID uint32 `json:"characterId"`
		}
		require.NoError(t, json.Unmarshal(r.Value, &env))
		perKind[fmt.Sprintf("%s/%d", env.Type, env.CharacterID)]++
	}
	assert.Len(t, perKind, 2*2*perBatch, "a warp and a STARTED for every input")
	for k, n := range perKind {
		require.Equal(t, 1, n, "%s emitted once", k)
	}
	kafkatest.Eventually(t, 30*time.Second, "every input committed", func() bool { return committed() == 2*perBatch })
}
