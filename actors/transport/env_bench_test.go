package transport_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/loadgen"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
)

// loadEnv is the transport subsystem on the embedded broker (12 partitions
// per topic, as the service runs it), built for measurements: no logging,
// a real clock, and a franz-go client playing the rest of the game server.
type loadEnv struct {
	broker *kafka.Embedded
	names  messages.TopicNames
	m      *metrics.Metrics
	pl     *kafka.Pipeline
	sys    *actor.ActorSystem
	sub    *transport.Subsystem
	client *kgo.Client
	cancel context.CancelFunc
	// heapBefore is the live Go heap just before transport.New, with the
	// broker and the pipeline already built.
	heapBefore uint64
}

// startLoadEnv starts the broker and the pipeline, then the subsystem,
// returning how long transport.New took until every actor had started.
func startLoadEnv(b *testing.B, tenants []config.Tenant, wantActors map[string]int) (*loadEnv, time.Duration) {
	b.Helper()
	e := &loadEnv{names: messages.TopicNamesFromEnv(func(string) string { return "" }), m: metrics.New()}
	var topics []string
	for _, t := range messages.AllTopics {
		topics = append(topics, string(t))
	}
	var err error
	e.broker, err = kafka.StartEmbedded(kafka.EmbeddedConfig{Topics: topics})
	require.NoError(b, err)
	b.Cleanup(e.broker.Close)
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	log := zap.NewNop()
	e.pl, err = kafka.NewPipeline(ctx, kafka.PipelineConfig{Bootstrap: e.broker.Bootstrap(), Group: transport.Group,
		TransactionalID: "transport-bench-" + uuid.NewString(), LatestTopics: []messages.Topic{messages.EventTopicMapStatus},
		MaxInFlight: 200000}, e.names, log, e.m)
	require.NoError(b, err)
	e.sys = actors.NewSystem(log)

	e.heapBefore = liveHeap()
	start := time.Now()
	e.sub = transport.New(e.sys, transport.Deps{Clock: clock.Real{}, Log: log, Metrics: e.m}, tenants)
	err = e.sub.Start(e.pl.Emitter(), nil)
	require.NoError(b, err)
	for kind, n := range wantActors {
		kafkatest.Eventually(b, 2*time.Minute, "actors started", func() bool { return e.gauge(kind) >= float64(n) })
	}
	startup := time.Since(start)

	e.sub.Topology().Route(e.pl.Router())
	require.NoError(b, e.pl.Start(ctx))
	e.client, err = kgo.NewClient(kgo.SeedBrokers(strings.Split(e.broker.Bootstrap(), ",")...), kgo.ProducerLinger(0),
		kgo.MaxBufferedRecords(1<<17))
	require.NoError(b, err)
	b.Cleanup(func() {
		e.client.Close()
		cctx, ccancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer ccancel()
		e.pl.StopConsuming()
		_ = e.pl.Close(cctx)
		e.sub.Stop()
		e.sys.Shutdown()
		cancel()
	})
	kafkatest.Eventually(b, time.Minute, "partitions assigned", func() bool { return e.pl.Assigned() > 0 })
	return e, startup
}

// gauge reads LiveActors{kind}.
func (e *loadEnv) gauge(kind string) float64 {
	var m dto.Metric
	if err := e.m.LiveActors.WithLabelValues(kind).Write(&m); err != nil {
		return 0
	}
	return m.GetGauge().GetValue()
}

// lateness is the TimerLateness histogram of kind now.
func (e *loadEnv) lateness(b *testing.B, kind string) loadgen.Hist {
	b.Helper()
	hs, err := loadgen.GatherHistograms(e.m.Registry, "transitquest_timer_lateness_seconds", "kind")
	require.NoError(b, err)
	return hs[kind]
}

// reader consumes topics read_committed from their current end.
func (e *loadEnv) reader(b *testing.B, topics ...messages.Topic) *kgo.Client {
	b.Helper()
	names := make([]string, len(topics))
	for i, t := range topics {
		names[i] = e.names.Name(t)
	}
	listed, err := kadm.NewClient(e.client).ListEndOffsets(context.Background(), names...)
	require.NoError(b, err)
	offs := map[string]map[int32]kgo.Offset{}
	listed.Each(func(o kadm.ListedOffset) {
		if offs[o.Topic] == nil {
			offs[o.Topic] = map[int32]kgo.Offset{}
		}
		offs[o.Topic][o.Partition] = kgo.NewOffset().At(o.Offset)
	})
	c, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(e.broker.Bootstrap(), ",")...), kgo.ConsumePartitions(offs),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.FetchMaxWait(100*time.Millisecond))
	require.NoError(b, err)
	b.Cleanup(c.Close)
	return c
}

// trimLog deletes every record of every topic, so the broker's memory does
// not count in heap measurements of the actors.
func (e *loadEnv) trimLog(b *testing.B) {
	b.Helper()
	adm := kadm.NewClient(e.client)
	ctx := context.Background()
	var names []string
	for _, t := range messages.AllTopics {
		names = append(names, e.names.Name(t))
	}
	ends, err := adm.ListEndOffsets(ctx, names...)
	require.NoError(b, err)
	offs := kadm.Offsets{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			offs.Add(kadm.Offset{Topic: o.Topic, Partition: o.Partition, At: o.Offset})
		}
	})
	_, err = adm.DeleteRecords(ctx, offs)
	require.NoError(b, err)
}

// liveHeap is the Go heap in use after two collections.
func liveHeap() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
