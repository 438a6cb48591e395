package kafka_test

import (
	"context"
	"testing"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/metrics"
)

// With the broker gone, an outbox holding a batch finishes by the deadline
// SetDeadline gave it, not after a transactional call's own 30 s timeout,
// and reports the batch uncommitted; after Abort, Submit fails at once.
func TestOutboxWithTheBrokerGoneEndsByItsDeadline(t *testing.T) {
	b := kafkatest.StartPersistentBroker(t)
	p := txnProducer(t, b, "outbox-deadline")
	// The producer outlives the test when its call is abandoned: log nowhere.
	o := kafka.NewOutbox(p, nil, nil, kafka.OutboxConfig{TxnTimeout: 30 * time.Second}, zap.NewNop(), metrics.New())
	go func() { _ = o.Run(context.Background()) }()
	b.Stop()
	// The deadline bounds calls that start after it is set (one already
	// running keeps its own timeout: Pipeline.Close abandons it).
	const bound = 2 * time.Second
	began := time.Now()
	o.SetDeadline(began.Add(bound))
	topic := b.Names.Name("COMMAND_TOPIC_CHARACTER")
	require.NoError(t, o.Submit(kafka.Batch{Records: []kafka.Out{{Topic: topic, Key: []byte("k"), Value: []byte("{}")}}}))
	o.Close()
	select {
	case <-o.Done():
	case <-time.After(bound + 5*time.Second):
		t.Fatal("the outbox ran past its deadline")
	}
	took := time.Since(began)
	t.Logf("outbox finished %s after SetDeadline: %v", took, o.Err())
	assert.Less(t, took, bound+time.Second)
	assert.Error(t, o.Err(), "the batch was not committed")

	o.Abort()
	assert.ErrorIs(t, o.Submit(kafka.Batch{}), kafka.ErrClosed)
}

// txnProducer is a transactional producer on b, transactions initialised.
func txnProducer(t *testing.T, b *kafkatest.Broker, id string) *ck.Producer {
	t.Helper()
	p, err := ck.NewProducer(&ck.ConfigMap{"bootstrap.servers": b.Bootstrap(), "transactional.id": id,
		"enable.metrics.push": false, "go.delivery.reports": false})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, p.InitTransactions(ctx))
	return p
}

// A batch's records carry the instant its operation decided them (At), not
// the instant a transaction produced them (a retried transaction produces
// the same batches, so the same stamps).
func TestOutboxStampsRecordsWithTheBatchInstant(t *testing.T) {
	b := kafkatest.StartBroker(t)
	p := txnProducer(t, b, "outbox-stamp")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	o := kafka.NewOutbox(p, nil, nil, kafka.OutboxConfig{}, zap.NewNop(), metrics.New())
	go func() { _ = o.Run(ctx) }()
	defer p.Close()

	r := b.NewReader(t, false, "COMMAND_TOPIC_CHARACTER")
	at := time.Now().Add(-90 * time.Second).Truncate(time.Millisecond)
	topic := b.Names.Name("COMMAND_TOPIC_CHARACTER")
	require.NoError(t, o.Submit(kafka.Batch{At: at, Records: []kafka.Out{
		{Topic: topic, Partition: ck.PartitionAny, Key: []byte("a"), Value: []byte("{}")},
		{Topic: topic, Partition: ck.PartitionAny, Key: []byte("b"), Value: []byte("{}")}}}))
	require.NoError(t, o.Flush(ctx))
	recs := r.WaitCount(20*time.Second, 2)
	require.Len(t, recs, 2)
	for _, rec := range recs {
		assert.True(t, rec.Timestamp.Equal(at), "timestamp %v, want the batch's %v", rec.Timestamp, at)
	}
	o.Close()
	<-o.Done()
}

// With a Linger, a batch submitted while a transaction waits for more goes
// into that transaction: the second batch is submitted only once the outbox
// has taken the first (without a linger, that one would then be committed
// alone), and both commit in one transaction, whose phases are timed. The linger is long, so a slow
// machine still submits the second within it.
func TestOutboxLingerGathersBatchesIntoOneTransaction(t *testing.T) {
	b := kafkatest.StartBroker(t)
	topic := b.Names.Name("COMMAND_TOPIC_CHARACTER")
	rec := func(k string) kafka.Batch {
		return kafka.Batch{Records: []kafka.Out{{Topic: topic, Partition: ck.PartitionAny, Key: []byte(k), Value: []byte("{}")}}}
	}
	p := txnProducer(t, b, "outbox-linger")
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m := metrics.New()
	o := kafka.NewOutbox(p, nil, nil, kafka.OutboxConfig{Linger: 3 * time.Second}, zap.NewNop(), m)
	go func() { _ = o.Run(ctx) }()
	require.NoError(t, o.Submit(rec("a")))
	require.Eventually(t, func() bool { return o.Queued() == 0 }, 10*time.Second, time.Millisecond, "the outbox takes the first batch")
	require.NoError(t, o.Submit(rec("b")))
	require.NoError(t, o.Flush(ctx))
	var dm dto.Metric
	require.NoError(t, m.TxnDuration.Write(&dm))
	assert.Equal(t, uint64(1), dm.GetHistogram().GetSampleCount(), "transactions committed")
	// Its phases are timed once each and fit inside it.
	var phases float64
	for _, phase := range []string{"produce", "offsets", "commit"} {
		var pm dto.Metric
		require.NoError(t, m.TxnPhase.WithLabelValues(phase).(prometheus.Histogram).Write(&pm))
		assert.Equal(t, uint64(1), pm.GetHistogram().GetSampleCount(), "%s phases timed", phase)
		phases += pm.GetHistogram().GetSampleSum()
	}
	assert.LessOrEqual(t, phases, dm.GetHistogram().GetSampleSum(), "the phases' time against the transaction's")
	o.Close()
	<-o.Done()
}
