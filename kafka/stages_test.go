package kafka_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
)

// A subsystem's two stages commit through one producer: its transactions
// carry both groups' offsets, each sent with its own group's metadata, so
// each group's committed offsets reach the end of what it read.
func TestStagesSharingAProducerCommitBothGroups(t *testing.T) {
	b := kafkatest.StartBroker(t)
	kafkatest.RequireExactlyOnce(t, b, "reads both groups' committed offsets back")
	startCounters(t, b, "shared-1")
	in := b.Client(t)
	const n = 40
	for i := 0; i < n; i++ {
		b.Produce(t, in, messages.CommandTopicInstanceTransport, []byte(strconv.Itoa(i)),
			map[string]string{"counter": fmt.Sprintf("c%02d", i%8)}, kafkatest.Tenant)
	}
	b.NewReader(t, false, messages.EventTopicTransportStatus).WaitCount(30*time.Second, n)
	// The internal records' offsets: a partition's commit is one past its
	// last record (the transaction marker after it is read by nobody).
	next := map[int32]int64{}
	for _, r := range b.NewReader(t, false, messages.InternalTopicTransport).WaitCount(30*time.Second, n) {
		next[r.Partition] = max(next[r.Partition], r.Offset+1)
	}
	kafkatest.Eventually(t, 30*time.Second, "both groups committed everything they read", func() bool {
		if b.CommittedTotal(t, "placement", messages.CommandTopicInstanceTransport) != n {
			return false
		}
		for p, want := range next {
			if b.Committed(t, "placement actors", messages.InternalTopicTransport, p) != want {
				return false
			}
		}
		return true
	})
	require.NotEmpty(t, next)
}
