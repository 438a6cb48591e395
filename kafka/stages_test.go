package kafka_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
)

// A subsystem's two stages commit through one producer: one
// transactional id per replica and subsystem, whose transactions carry
// both groups' offsets, each sent with its own group's metadata, so each
// group's committed offsets reach the end of what it read.
func TestStagesSharingAProducerCommitBothGroups(t *testing.T) {
	b := kafkatest.StartBroker(t)
	kafkatest.RequireExactlyOnce(t, b, "reads both groups' committed offsets back")
	var mu sync.Mutex
	ids := map[string]bool{}
	b.Cluster().ControlKey(int16(kmsg.InitProducerID), func(r kmsg.Request) (kmsg.Response, error, bool) {
		b.Cluster().KeepControl()
		if id := r.(*kmsg.InitProducerIDRequest).TransactionalID; id != nil {
			mu.Lock()
			ids[*id] = true
			mu.Unlock()
		}
		return nil, nil, false // then answered as usual
	})
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
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, map[string]bool{"shared-1-counters": true}, ids, "one transactional producer for both stages")
}

// A stage sharing an outbox whose owner never started (a failed start)
// reports its effects uncommitted at once, instead of waiting out the
// shutdown's deadline for commits nobody will make.
func TestSharingStageDrainsAtOnceWhenItsOwnerNeverStarted(t *testing.T) {
	b := kafkatest.StartBroker(t)
	st, _ := newCounters(t, b, "shared-unstarted")
	require.NoError(t, st.Actors.Start(context.Background())) // ingress, the owner, never starts
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.ErrorIs(t, st.Actors.Drain(ctx), kafka.ErrUncommitted)
	assert.NoError(t, ctx.Err(), "answered before the deadline, not by it")
}
