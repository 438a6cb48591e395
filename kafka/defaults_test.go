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
