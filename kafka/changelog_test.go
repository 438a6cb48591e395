package kafka_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
)

// A changelog read whose broker stops answering fails once its stall bound
// passes, long before its context would end: the restore retries it rather
// than wait for a broker that may be gone.
func TestChangelogReadThatStallsFails(t *testing.T) {
	b := kafkatest.StartBroker(t)
	kafkatest.RequireKfake(t, b, "needs kfake's request control to leave fetches unanswered")
	in := b.Client(t)
	b.Produce(t, in, messages.ChangelogTopicPartyQuest, []byte("k"), map[string]string{"v": "1"}, kafkatest.Tenant)
	b.Cluster().ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		b.Cluster().KeepControl()
		return nil, nil, true // never answered
	})

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := kafka.ReadChangelog(ctx, b.Bootstrap(), b.Names.Name(messages.ChangelogTopicPartyQuest), nil, nil, 500*time.Millisecond)
	require.ErrorIs(t, err, kafka.ErrChangelogStalled)
	assert.NoError(t, ctx.Err(), "the stall bound, not the context, ended it")
}

// A changelog read that keeps making progress is not cut off by its stall
// bound, however long it takes in all: every answer of the broker is
// delayed, and one record per fetch makes the read many times longer than
// the bound.
func TestChangelogReadLongerThanItsStallBoundCompletes(t *testing.T) {
	kafkatest.RequireMock(t, "needs the mock's round-trip delay")
	b := kafkatest.StartBroker(t)
	in := b.Client(t)
	const n = 40 // versions of one key: one partition, one record per fetch
	for i := range n {
		b.Produce(t, in, messages.ChangelogTopicPartyQuest, []byte("k"), map[string]int{"v": i}, kafkatest.Tenant)
	}
	b.SetRoundtrip(t, 100*time.Millisecond)
	const stall = time.Second

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	state, err := kafka.ReadChangelog(ctx, b.Bootstrap(), b.Names.Name(messages.ChangelogTopicPartyQuest), nil,
		ck.ConfigMap{"max.partition.fetch.bytes": 1}, stall)
	require.NoError(t, err)
	assert.Equal(t, map[string][]byte{"k": []byte(fmt.Sprintf(`{"v":%d}`, n-1))}, state, "the latest version")
	t.Logf("read %d records in %s with a %s stall bound", n, time.Since(start), stall)
}

// A stop does not wait for a restore in progress: the restore's context
// ends with it, so the poll loop (on whose goroutine the restore runs)
// ends and the partitions go to their next owner. The restore here never
// finishes by itself.
func TestStopDoesNotWaitForARestore(t *testing.T) {
	b := kafkatest.StartBroker(t)
	restoring := make(chan struct{})
	var once sync.Once
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pl, err := kafka.NewPipeline(ctx, kafka.PipelineConfig{
		Bootstrap: b.Bootstrap(), Group: "restore-stop", TransactionalID: "restore-stop",
		Internal: messages.InternalTopicTransport, Changelog: messages.ChangelogTopicTransport, Owner: &counters{t: t},
		Restore: func(ctx context.Context, _ []int32) (map[string][]byte, error) {
			once.Do(func() { close(restoring) })
			<-ctx.Done()
			return nil, ctx.Err()
		},
	}, b.Names, zaptest.NewLogger(t), metrics.New())
	require.NoError(t, err)
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer ccancel()
		_ = pl.Close(cctx)
	})
	pl.Router().Handle(messages.InternalTopicTransport, func(*kafka.Input) error { return nil })
	require.NoError(t, pl.Start(ctx))
	select {
	case <-restoring:
	case <-time.After(20 * time.Second):
		t.Fatal("timed out waiting for the restore to begin")
	}
	pl.StopConsuming() // returns only once the poll loop has ended
}
