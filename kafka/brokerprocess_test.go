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

// The test binary doubles as a kfake broker process (it returns at once
// otherwise).
func init() { kafkatest.BrokerProcessMain() }

// The broker is a process of its own and is killed with SIGKILL while the
// pipeline holds a batch of read inputs whose effects are not committed
// yet; their transactions fail until a new process is started on the same
// port and data directory. Then every input has its effects exactly once
// for a read_committed reader and its offset committed: what the killed
// broker had written survived, the transactions it had open were aborted.
func TestBrokerProcessKilledLosesNothingAndDuplicatesNothing(t *testing.T) {
	kafkatest.CrashTests(t)
	brokerProcessLosesNothing(t, (*kafkatest.Broker).Crash)
}

// The same with the broker process stopped with SIGTERM, as a broker
// restart or upgrade does: every input's effects exactly once.
func TestBrokerProcessRestartedLosesNothingAndDuplicatesNothing(t *testing.T) {
	brokerProcessLosesNothing(t, (*kafkatest.Broker).Stop)
}

func brokerProcessLosesNothing(t *testing.T, stop func(*kafkatest.Broker)) {
	b := kafkatest.StartBrokerProcess(t) // skips on the mock, naming why
	kafkatest.RequireExactlyOnce(t, b, "nothing doubled after a broker crash")
	gate := make(chan struct{})
	_, m, _ := startGatedPipeline(t, b, "broker-process", gate)
	in := b.Client(t)
	route := uuid.New()
	const perBatch = 300
	produce := func(from, to uint32) {
		for c := from; c < to; c++ {
			b.Produce(t, in, messages.CommandTopicInstanceTransport, messages.IntKey(c), start(c, route), kafkatest.Tenant)
		}
	}
	produce(1, perBatch+1)
	kafkatest.Eventually(t, 30*time.Second, "first batch read", func() bool {
		return testutil.ToFloat64(m.Consumed.WithLabelValues(string(messages.CommandTopicInstanceTransport))) == perBatch
	})
	stop(b)
	close(gate)
	kafkatest.Eventually(t, 60*time.Second, "transactions failing while the broker is dead", func() bool {
		return testutil.ToFloat64(m.TxnFailures.WithLabelValues("abort"))+testutil.ToFloat64(m.TxnFailures.WithLabelValues("retriable")) >= 2
	})
	assert.Equal(t, int64(0), int64(testutil.ToFloat64(m.Produced.WithLabelValues(string(messages.CommandTopicCharacter)))))
	b.Start(t)
	produce(perBatch+1, 2*perBatch+1)

	out := b.NewReader(t, false, messages.CommandTopicCharacter, messages.EventTopicInstanceTransport)
	out.WaitCount(120*time.Second, 2*2*perBatch)
	perKind := map[string]int{}
	where := map[string][]string{}
	for _, r := range out.Drain(time.Second) {
		var env struct {
			Type        string `json:"type"`
			CharacterID uint32 `json:"characterId"`
		}
		require.NoError(t, json.Unmarshal(r.Value, &env))
		k := fmt.Sprintf("%s/%d", env.Type, env.CharacterID)
		perKind[k]++
		where[k] = append(where[k], fmt.Sprintf("%s[%d]@%d producer %d/%d", r.Topic, r.Partition, r.Offset, r.ProducerID, r.ProducerEpoch))
	}
	assert.Len(t, perKind, 2*2*perBatch, "a warp and a STARTED for every input")
	var doubled []string
	for k, n := range perKind {
		if n != 1 {
			doubled = append(doubled, fmt.Sprintf("%s: %v", k, where[k]))
		}
	}
	assert.Empty(t, doubled, "effects emitted more than once")
	kafkatest.Eventually(t, 30*time.Second, "every input committed", func() bool {
		return b.CommittedTotal(t, group, messages.CommandTopicInstanceTransport) == 2*perBatch
	})
}
