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
	require.Nil(t, s.state, "the broker backend restores from its own changelog")
	m := metrics.New()
	ctx, cancel := context.WithCancel(context.Background())
	sys := actors.NewSystem(log)
	sub := transport.New(sys, transport.Deps{Clock: s.clk, Log: log, Metrics: m, NewID: s.newID}, s.tenants)
	st, err := kafka.NewStages(ctx, sub.Topology(), kafka.PipelineConfig{Bootstrap: b.Bootstrap(),
		TransactionalID: "transport-test-" + uuid.NewString(), MaxRecordBytes: maxRecordBytes,
		Outbox: kafka.OutboxConfig{TxnTimeout: 5 * time.Second}}, b.Names, log, m)
	require.NoError(t, err)
	require.NoError(t, sub.Start(st.Emitter()))
	require.NoError(t, st.Start(ctx))
	// Map status starts at the latest offset: nothing may be sent before
	// the contract partitions are assigned, and the actors start with
	// their internal partitions.
	kafkatest.Eventually(t, 20*time.Second, "partitions assigned", func() bool {
		return st.Ingress.Assigned() == 4*kafkatest.Partitions && len(st.Actors.Owned()) == kafkatest.Partitions
	})
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		for _, pl := range st.Pipelines() {
			pl.StopConsuming()
		}
		_ = st.Close(cctx)
		sub.Stop()
		sys.Shutdown()
		cancel()
	})
	return &env{t: t, backend: broker, b: b, sub: sub, st: st, client: b.Client(t), m: m}
}
