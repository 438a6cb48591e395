package metrics_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
)

// A real pipeline's Lag, exported by the collector: while the handler holds
// the first of five records of a partition, that partition lags by four;
// once it lets go, the lag drains to zero.
func TestLagOfARealPipeline(t *testing.T) {
	b := kafkatest.StartBroker(t)
	const group = "lag-test"
	ctx, cancel := context.WithCancel(context.Background())
	pl, err := kafka.NewPipeline(ctx, kafka.PipelineConfig{Bootstrap: b.Bootstrap(), Group: group, TransactionalID: "lag-test",
		Outbox: kafka.OutboxConfig{TxnTimeout: 5 * time.Second}}, b.Names, zaptest.NewLogger(t), metrics.New())
	require.NoError(t, err)
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		_ = pl.Close(cctx)
		cancel()
	})
	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	letGo := func() { once.Do(func() { close(release) }) }
	t.Cleanup(letGo) // runs before Close: the poll loop must not stay blocked
	em := pl.Emitter()
	var first sync.Once
	pl.Router().Handle(messages.CommandTopicInstanceTransport, func(in *kafka.Input) error {
		first.Do(func() { close(held); <-release }) // blocks the poll loop on the first record
		return em.Emit(in.Tenant, in.Trace, nil, in, nil)
	})

	key := messages.IntKey(9)
	in := b.Client(t)
	for i := 0; i < 5; i++ {
		b.Produce(t, in, messages.CommandTopicInstanceTransport, key, `{}`, kafkatest.Tenant)
	}
	c := metrics.NewLagCollector()
	c.Add(group, pl.Lag)
	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(c))
	require.NoError(t, pl.Start(ctx))

	partition := strconv.Itoa(int(kafka.PartitionFor(key, kafkatest.Partitions)))
	lagIs := func(want float64) func() bool {
		return func() bool {
			fams, err := reg.Gather()
			require.NoError(t, err)
			for _, f := range fams {
				for _, m := range f.GetMetric() {
					labels := map[string]string{}
					for _, lp := range m.GetLabel() {
						labels[lp.GetName()] = lp.GetValue()
					}
					if labels["group"] == group && labels["topic"] == string(messages.CommandTopicInstanceTransport) &&
						labels["partition"] == partition {
						return m.GetGauge().GetValue() == want
					}
				}
			}
			return false
		}
	}
	<-held
	kafkatest.Eventually(t, 20*time.Second, "lag of 4 behind the held record", lagIs(4))
	letGo()
	kafkatest.Eventually(t, 20*time.Second, "lag drained", lagIs(0))
	require.Positive(t, testutil.CollectAndCount(c))
}
