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
