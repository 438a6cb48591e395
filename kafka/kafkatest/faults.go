package kafkatest

import (
	"testing"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/stretchr/testify/require"
)

// Mock is librdkafka's mock cluster, for fault injection; nil on kfake.
func (b *Broker) Mock() *ck.MockCluster { return b.mock }

// RequireMock skips the test, naming why, on any broker but the mock (a
// fault only its cluster injects, such as a round-trip delay).
func RequireMock(t testing.TB, why string) {
	t.Helper()
	if BrokerKind() != Mock {
		t.Skipf("skipped on the %s broker: %s", BrokerKind(), why)
	}
}

// SetRoundtrip delays every answer of the mock's broker by d (0 removes
// the delay). Call RequireMock first.
func (b *Broker) SetRoundtrip(t testing.TB, d time.Duration) {
	t.Helper()
	require.NotNil(t, b.mock, "a round-trip delay needs the mock broker")
	require.NoError(t, b.mock.SetRoundtripDuration(mockBrokerID, d))
}
