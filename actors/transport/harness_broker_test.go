package transport_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
)

// startBroker is the broker backend of the harness: the transport subsystem
// routed by a real pipeline on the embedded broker, with a second client
// playing the channel servers.
func startBroker(t *testing.T, s setup) *env {
	t.Helper()
	require.NotNil(t, s.clk, "the broker backend needs a clock")
	b := kafkatest.StartBroker(t)
	log := zaptest.NewLogger(t)
	if s.logHook != nil {
		hook := s.logHook
		log = log.WithOptions(zap.Hooks(func(en zapcore.Entry) error { hook(en); return nil }))
	}
	m := metrics.New()
	ctx, cancel := context.WithCancel(context.Background())
	pl, err := kafka.NewPipeline(ctx, kafka.PipelineConfig{Bootstrap: b.Bootstrap(), Group: transport.Group,
		TransactionalID: "transport-test-" + uuid.NewString(), LatestTopics: []messages.Topic{messages.EventTopicMapStatus},
		MaxRecordBytes: maxRecordBytes, Outbox: kafka.OutboxConfig{TxnTimeout: 5 * time.Second}}, b.Names, log, m)
	require.NoError(t, err)
	sys := actors.NewSystem(log)
	sub := transport.New(sys, transport.Deps{Clock: s.clk, Log: log, Metrics: m, NewID: s.newID}, s.tenants)
	sub.Topology().Route(pl.Router())
	require.NoError(t, sub.Start(pl.Emitter(), s.restored))
	require.NoError(t, pl.Start(ctx))
	// Map status starts at the latest offset: nothing may be sent before
	// the partitions are assigned.
	kafkatest.Eventually(t, 20*time.Second, "partitions assigned", func() bool { return pl.Assigned() == 4*kafkatest.Partitions })
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		pl.StopConsuming()
		_ = pl.Close(cctx)
		sub.Stop()
		sys.Shutdown()
		cancel()
	})
	return &env{t: t, backend: broker, b: b, sub: sub, pl: pl, client: b.Client(t), m: m}
}
