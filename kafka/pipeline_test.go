package kafka_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
)

const group = "Transport Service"

// startPipeline runs a pipeline whose only handler turns a START command into
// a CHANGE_MAP and a STARTED event, emitted at once: enough to exercise the
// spine without the domain.
func startPipeline(t *testing.T, b *kafkatest.Broker, txnID string) (*kafka.Pipeline, *metrics.Metrics, context.CancelFunc) {
	t.Helper()
	return startGatedPipeline(t, b, txnID, nil)
}

// startGatedPipeline is startPipeline whose handler, when gate is not nil,
// holds each input's effects until the gate closes, like an actor that is
// still working when something goes wrong.
func startGatedPipeline(t *testing.T, b *kafkatest.Broker, txnID string, gate <-chan struct{}) (*kafka.Pipeline, *metrics.Metrics, context.CancelFunc) {
	t.Helper()
	m := metrics.New()
	ctx, cancel := context.WithCancel(context.Background())
	pl, err := kafka.NewPipeline(ctx, kafka.PipelineConfig{
		Bootstrap: b.Bootstrap(), Group: group, TransactionalID: txnID,
		Outbox: kafka.OutboxConfig{TxnTimeout: 5 * time.Second},
	}, b.Names, zaptest.NewLogger(t), m)
	require.NoError(t, err)
	em := pl.Emitter()
	pl.Router().Handle(messages.CommandTopicInstanceTransport, func(in *kafka.Input) error {
		cmd, err := messages.DecodeStartTransport(in.Value)
		if err != nil {
			return err
		}
		instance := uuid.NewSHA1(uuid.Nil, in.Value)
		recs := []messages.Record{
			messages.ChangeMap(cmd.WorldID, cmd.CharacterID, messages.ChangeMapBody{ChannelID: cmd.Body.ChannelID, MapID: 103000302, Instance: instance}),
			messages.RideEvent(cmd.WorldID, cmd.CharacterID, messages.TypeStarted, messages.RideBody{RouteID: cmd.Body.RouteID, InstanceID: instance}),
		}
		if gate == nil {
			return em.Emit(in.Tenant, in.Trace, recs, in, nil)
		}
		go func() {
			<-gate
			_ = em.Emit(in.Tenant, in.Trace, recs, in, nil)
		}()
		return nil
	})
	require.NoError(t, pl.Start(ctx))
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		_ = pl.Close(cctx)
		cancel()
	})
	return pl, m, cancel
}

func start(character uint32, route uuid.UUID) messages.CharacterEvent[messages.StartTransportBody] {
	return messages.CharacterEvent[messages.StartTransportBody]{WorldID: 1, CharacterID: character, Type: messages.TypeStart,
		Body: messages.StartTransportBody{RouteID: route, ChannelID: 2}}
}

func TestSpineEndToEnd(t *testing.T) {
	b := kafkatest.StartBroker(t)
	startPipeline(t, b, "spine-e2e")
	in := b.Client(t)
	route := uuid.MustParse("24bb11dd-44aa-48c2-998e-a1f1644b9130")
	traceparent := "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

	const n = 20
	for c := uint32(1); c <= n; c++ {
		b.Produce(t, in, messages.CommandTopicInstanceTransport, messages.IntKey(c), start(c, route), kafkatest.Tenant,
			kgo.RecordHeader{Key: "traceparent", Value: []byte(traceparent)})
	}
	out := b.NewReader(t, false, messages.CommandTopicCharacter, messages.EventTopicInstanceTransport)
	recs := out.WaitCount(20*time.Second, 2*n)
	require.Len(t, recs, 2*n)

	wantHeaders := append(kafkatest.Headers(kafkatest.Tenant), kgo.RecordHeader{Key: "traceparent", Value: []byte(traceparent)})
	perTopic := map[string]int{}
	for _, r := range recs {
		perTopic[r.Topic]++
		assert.Equal(t, kafka.PartitionFor(r.Key, kafkatest.Partitions), r.Partition, "murmur2 placement of key %x", r.Key)
		assert.Equal(t, wantHeaders, r.Headers, "tenant and trace headers byte for byte")
		require.Len(t, r.Key, 8)
		var env struct {
			WorldID     byte            `json:"worldId"`
			CharacterID uint32          `json:"characterId"`
			Type        string          `json:"type"`
			Body        json.RawMessage `json:"body"`
		}
		require.NoError(t, json.Unmarshal(r.Value, &env))
		assert.Equal(t, messages.IntKey(env.CharacterID), r.Key)
		instance := uuid.NewSHA1(uuid.Nil, mustJSON(t, start(env.CharacterID, route)))
		switch r.Topic {
		case string(messages.CommandTopicCharacter):
			assert.Equal(t, "CHANGE_MAP", env.Type)
			assert.JSONEq(t, fmt.Sprintf(`{"channelId":2,"mapId":103000302,"instance":%q,"portalId":0}`, instance), string(env.Body))
		case string(messages.EventTopicInstanceTransport):
			assert.Equal(t, "STARTED", env.Type)
			assert.JSONEq(t, fmt.Sprintf(`{"routeId":%q,"instanceId":%q}`, route, instance), string(env.Body))
		}
	}
	assert.Equal(t, map[string]int{string(messages.CommandTopicCharacter): n, string(messages.EventTopicInstanceTransport): n}, perTopic)

	// Offsets were committed inside the output transactions: all n inputs are done.
	kafkatest.EventuallyCommitted(t, b, 10*time.Second, "committed offsets to cover every input", func() bool {
		return b.CommittedTotal(t, group, messages.CommandTopicInstanceTransport) == n
	})
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// While the transaction cannot complete, the input's offset does not move,
// and the half of the batch that did reach the log is invisible to
// read_committed readers. After recovery the same input is processed again
// by a fresh process and its whole batch appears exactly once.
func TestFailedTransactionCommitsNothingAndIsRetriedAfterRestart(t *testing.T) {
	b := kafkatest.StartBroker(t)
	kafkatest.RequireExactlyOnce(t, b, "needs kfake fault injection, read_committed hiding the aborted half, "+
		"the input's offset committed with its effects, and fencing by transactional id")
	// Produce to the event topic fails; the CHANGE_MAP half of the batch is
	// written to the log first, then aborted.
	fault := b.Cluster().Fault(kfake.Fault{
		Keys: []kmsg.Key{kmsg.Produce}, Topic: string(messages.EventTopicInstanceTransport),
		Err: kerr.TopicAuthorizationFailed, Count: -1,
	})
	pl1, m1, hardStop := startPipeline(t, b, "spine-fail")
	in := b.Client(t)
	key := messages.IntKey(7)
	b.Produce(t, in, messages.CommandTopicInstanceTransport, key, start(7, uuid.New()), kafkatest.Tenant)
	partition := kafka.PartitionFor(key, kafkatest.Partitions)

	kafkatest.Eventually(t, 20*time.Second, "a failed transaction attempt", func() bool {
		return testutil.ToFloat64(m1.TxnFailures.WithLabelValues("abort")) >= 2
	})
	assert.Equal(t, int64(-1), b.Committed(t, group, messages.CommandTopicInstanceTransport, partition), "input not committed")
	uncommitted := b.NewReader(t, true, messages.CommandTopicCharacter)
	uncommitted.WaitCount(10*time.Second, 1) // the aborted half reached the log...
	committed := b.NewReader(t, false, messages.CommandTopicCharacter, messages.EventTopicInstanceTransport)
	assert.Empty(t, committed.Drain(500*time.Millisecond), "...but read_committed never sees it")

	// Crash: the process dies with its transaction unfinished. (Closing the
	// dead clients only saves the test the broker's session timeout.)
	// The clients are closed (within a bound) so no librdkafka thread of the
	// dead process outlives the test and logs into it.
	hardStop()
	dead, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = pl1.Close(dead)
	fault.Remove()

	// A new process with the same transactional id fences the old one and
	// reads the uncommitted input again.
	startPipeline(t, b, "spine-fail")
	recs := committed.WaitCount(30*time.Second, 2)
	assert.Len(t, committed.Drain(500*time.Millisecond), 2, "each effect exactly once")
	types := map[string]bool{}
	for _, r := range recs {
		types[r.Topic] = true
	}
	assert.Len(t, types, 2, "whole batch visible")
	kafkatest.Eventually(t, 10*time.Second, "input committed after recovery", func() bool {
		return b.Committed(t, group, messages.CommandTopicInstanceTransport, partition) == 1
	})
}

// Hostile records are dead-lettered with their reason, counted, and do not
// hold up the valid records behind them on the same partition.
func TestBadInputIsDeadLetteredWithoutStallingThePartition(t *testing.T) {
	b := kafkatest.StartBroker(t)
	_, m, _ := startPipeline(t, b, "spine-bad")
	in := b.Client(t)
	key := messages.IntKey(42) // same key: one partition, strictly ordered
	route := uuid.New()
	noTenant := &kgo.Record{Topic: string(messages.CommandTopicInstanceTransport), Key: key, Value: mustJSON(t, start(42, route))}
	require.NoError(t, in.ProduceSync(context.Background(), noTenant).FirstErr())
	b.Produce(t, in, messages.CommandTopicInstanceTransport, key, `{"type":"START","body":`, kafkatest.Tenant)
	b.Produce(t, in, messages.CommandTopicInstanceTransport, key, `{"worldId":1,"characterId":42,"type":"TELEPORT","body":{}}`, kafkatest.Tenant)
	b.Produce(t, in, messages.CommandTopicInstanceTransport, key, start(42, route), kafkatest.Tenant)

	dlq := b.NewReader(t, false, messages.DeadLetterTopic)
	dead := dlq.WaitCount(20*time.Second, 3)
	reasons := []string{}
	for _, r := range dead {
		v, ok := kafkatest.Header(r, kafka.HeaderDLQReason)
		require.True(t, ok)
		reasons = append(reasons, string(v))
		assert.Equal(t, key, r.Key)
	}
	assert.Equal(t, []string{"bad_tenant", "bad_json", "unknown_type"}, reasons)
	out := b.NewReader(t, false, messages.CommandTopicCharacter)
	out.WaitCount(10*time.Second, 1)

	topic := string(messages.CommandTopicInstanceTransport)
	for _, reason := range []string{"bad_tenant", "bad_json", "unknown_type"} {
		assert.Equal(t, 1.0, testutil.ToFloat64(m.Rejected.WithLabelValues(topic, reason)), reason)
	}
	kafkatest.EventuallyCommitted(t, b, 10*time.Second, "all four inputs committed", func() bool {
		return b.Committed(t, group, messages.CommandTopicInstanceTransport, kafka.PartitionFor(key, kafkatest.Partitions)) == 4
	})
}

// A record too large to process is dead-lettered as oversized, its copy cut
// to a size the producer accepts, and the partition keeps committing.
func TestOversizedRecordIsDeadLetteredWithinProducerLimits(t *testing.T) {
	b := kafkatest.StartBroker(t)
	startPipeline(t, b, "spine-oversized")
	in := b.Client(t)
	key := messages.IntKey(9)
	big := append([]byte(`{"type":"START","body":"`), bytes.Repeat([]byte("x"), 950_000)...)
	b.Produce(t, in, messages.CommandTopicInstanceTransport, key, big, kafkatest.Tenant)
	b.Produce(t, in, messages.CommandTopicInstanceTransport, key, start(9, uuid.New()), kafkatest.Tenant)

	dead := b.NewReader(t, false, messages.DeadLetterTopic).WaitCount(20*time.Second, 1)
	reason, _ := kafkatest.Header(dead[0], kafka.HeaderDLQReason)
	assert.Equal(t, "oversized", string(reason))
	size, ok := kafkatest.Header(dead[0], kafka.HeaderDLQTruncated)
	require.True(t, ok, "the copy says it was cut")
	assert.Equal(t, strconv.Itoa(len(big)), string(size))
	assert.Less(t, len(dead[0].Value), len(big))
	b.NewReader(t, false, messages.CommandTopicCharacter).WaitCount(20*time.Second, 1)
	kafkatest.EventuallyCommitted(t, b, 10*time.Second, "both inputs committed", func() bool {
		return b.Committed(t, group, messages.CommandTopicInstanceTransport, kafka.PartitionFor(key, kafkatest.Partitions)) == 2
	})
}

// A fatal producer error (the broker no longer knows the transaction: an
// outage longer than the transaction timeout, a broker that lost its
// transaction state) does not stop the pipeline: the outbox renews its
// producer under the same transactional id and retries the uncommitted
// transaction, whose effects then appear once.
func TestFatalProducerErrorRenewsTheProducer(t *testing.T) {
	b := kafkatest.StartBroker(t)
	kafkatest.RequireKfake(t, b, "needs kfake fault injection")
	fault := b.Cluster().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.EndTxn}, Err: kerr.InvalidTxnState, Count: 1})
	defer fault.Remove()
	_, m, _ := startPipeline(t, b, "spine-renew")
	in := b.Client(t)
	const n = 10
	for c := uint32(1); c <= n; c++ {
		b.Produce(t, in, messages.CommandTopicInstanceTransport, messages.IntKey(c), start(c, uuid.New()), kafkatest.Tenant)
	}
	out := b.NewReader(t, false, messages.CommandTopicCharacter, messages.EventTopicInstanceTransport)
	out.WaitCount(60*time.Second, 2*n)
	assert.Len(t, out.Drain(500*time.Millisecond), 2*n, "each effect once")
	assert.GreaterOrEqual(t, testutil.ToFloat64(m.TxnFailures.WithLabelValues("fatal")), 1.0, "the fault was fatal")
}

// An input stays in the in-flight gauge until the transaction that
// completes it has committed, not only until it is handed to that
// transaction: a reader of the gauge must not see it finished while its
// effects can still be lost. The broker holds the transaction's end.
func TestInputStaysInFlightUntilItsTransactionCommits(t *testing.T) {
	b := kafkatest.StartBroker(t)
	kafkatest.RequireKfake(t, b, "needs kfake's request control to hold a transaction's end")
	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	b.Cluster().ControlKey(int16(kmsg.EndTxn), func(kmsg.Request) (kmsg.Response, error, bool) {
		once.Do(func() {
			close(held)
			b.Cluster().SleepControl(func() { <-release })
		})
		return nil, nil, false // then answered as usual
	})
	var freeOnce sync.Once
	free := func() { freeOnce.Do(func() { close(release) }) }
	defer free() // before the pipeline's cleanup closes it
	_, m, _ := startPipeline(t, b, "spine-in-flight")
	in := b.Client(t)
	key := messages.IntKey(5)
	b.Produce(t, in, messages.CommandTopicInstanceTransport, key, start(5, uuid.New()), kafkatest.Tenant)

	select {
	case <-held:
	case <-time.After(20 * time.Second):
		t.Fatal("the input's transaction never ended")
	}
	gauge := m.InFlight.WithLabelValues(group)
	// The poll loop sets the gauge every 100 ms at most while anything is
	// pending: half a second sees it set again several times.
	assert.Never(t, func() bool { return testutil.ToFloat64(gauge) == 0 }, 500*time.Millisecond, 10*time.Millisecond,
		"the gauge let the input go before its transaction committed")

	free()
	kafkatest.Eventually(t, 10*time.Second, "the input settled once committed", func() bool {
		return testutil.ToFloat64(gauge) == 0
	})
	kafkatest.EventuallyCommitted(t, b, 10*time.Second, "its offset committed", func() bool {
		return b.Committed(t, group, messages.CommandTopicInstanceTransport, kafka.PartitionFor(key, kafkatest.Partitions)) == 1
	})
}
