package kafka

import (
	"testing"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/stretchr/testify/require"
)

// TestClientDefaultsYieldToExtraConfig: the defaults are applied, except
// those KAFKA_EXTRA_CONFIG names, and the client channels are sized down.
func TestClientDefaultsYieldToExtraConfig(t *testing.T) {
	m := ck.ConfigMap{"bootstrap.servers": "b:9092"}
	setDefaults(m, ck.ConfigMap{"transaction.timeout.ms": "30000"}, producerDefaults())
	require.Equal(t, 10_000, m["go.events.channel.size"])
	require.Equal(t, 1_000, m["go.produce.channel.size"])
	require.NotContains(t, m, "transaction.timeout.ms", "the extra config's value is set elsewhere, not overwritten")

	c := ck.ConfigMap{}
	setDefaults(c, nil, consumerDefaults())
	require.Equal(t, 8192, c["queued.max.messages.kbytes"])
	require.Equal(t, defaultSessionTimeoutMs, c["session.timeout.ms"])
}

// TestPollWaitsLongOnlyWhenNothingIsPending: the long Poll is for a quiet
// loop with nothing it must look at between polls; anything paused,
// restoring or in flight keeps the short one.
func TestPollWaitsLongOnlyWhenNothingIsPending(t *testing.T) {
	pl := &Pipeline{tracker: NewTracker()}
	require.Equal(t, busyPollMs, pl.pollWait(quietPolls-1), "not quiet long enough")
	require.Equal(t, idlePollMs, pl.pollWait(quietPolls))

	pl.paused = true
	require.Equal(t, busyPollMs, pl.pollWait(quietPolls), "a paused partition waits for its resume")
	pl.paused = false

	pl.restoring = map[int32]bool{3: true}
	require.Equal(t, busyPollMs, pl.pollWait(quietPolls), "a partition waits for its state")
	pl.restoring = nil

	pl.tracker.Assign("t", 0)
	_, ok := pl.tracker.Begin("t", 0, 7)
	require.True(t, ok)
	require.Equal(t, busyPollMs, pl.pollWait(quietPolls), "the in-flight gauge is set between polls")
}

// TestPipelineClientConfigs: a pipeline's producer and consumer settings,
// which the floor's stand-in runs too, with KAFKA_EXTRA_CONFIG over the
// defaults and the instance id only when static membership sets it.
func TestPipelineClientConfigs(t *testing.T) {
	cfg := PipelineConfig{Bootstrap: "b:9092", TransactionalID: "r1-transport", Group: "g",
		Extra: ck.ConfigMap{"transaction.timeout.ms": 30000, "session.timeout.ms": 6000}}
	p := ProducerConfig(cfg)
	require.Equal(t, "b:9092", p["bootstrap.servers"])
	require.Equal(t, "r1-transport", p["transactional.id"])
	require.Equal(t, "murmur2_random", p["partitioner"], "the partitions the Java client would pick")
	require.Equal(t, false, p["go.delivery.reports"])
	require.Equal(t, 30000, p["transaction.timeout.ms"], "the extra config wins over the default")
	require.Equal(t, 10_000, p["go.events.channel.size"])

	c := ConsumerConfig(cfg)
	require.Equal(t, "g", c["group.id"])
	require.Equal(t, "read_committed", c["isolation.level"])
	require.Equal(t, false, c["enable.auto.commit"])
	require.Equal(t, 6000, c["session.timeout.ms"], "the extra config wins over the default")
	require.Equal(t, 8192, c["queued.max.messages.kbytes"])
	require.NotContains(t, c, "group.instance.id")
	cfg.GroupInstanceID = "r1-transport-g"
	require.Equal(t, "r1-transport-g", ConsumerConfig(cfg)["group.instance.id"])
}
