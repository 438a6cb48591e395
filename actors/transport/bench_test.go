package transport_test

// Benchmarks of the transport actors through the embedded broker: they
// measure the real path (pipeline, outbox, actors), so they keep it.

import (
	"context"
	"encoding/json"
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
	st     *kafka.Stages
	sys    *actor.ActorSystem
	sub    *transport.Subsystem
	client *kgo.Client
	cancel context.CancelFunc
	// heapBefore is the live Go heap just before the actors start, with the
	// broker and the pipelines already built.
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
	e.sys = actors.NewSystem(log)

	// The subsystem is built (no actor yet) before its pipelines, which
	// need its topology; the heap is measured once both exist.
	e.sub = transport.New(e.sys, transport.Deps{Clock: clock.Real{}, Log: log, Metrics: e.m}, tenants)
	e.st, err = kafka.NewStages(ctx, e.sub.Topology(), kafka.PipelineConfig{Bootstrap: e.broker.Bootstrap(),
		TransactionalID: "transport-bench-" + uuid.NewString(), MaxInFlight: 200000}, e.names, log, e.m)
	require.NoError(b, err)
	e.heapBefore = liveHeap()
	start := time.Now()
	require.NoError(b, e.sub.Start(e.st.Emitter()))
	require.NoError(b, e.st.Start(ctx))
	// Actors start as their partitions are assigned (group join and
	// changelog restore included in the figure).
	for kind, n := range wantActors {
		kafkatest.Eventually(b, 2*time.Minute, "actors started", func() bool { return e.gauge(kind) >= float64(n) })
	}
	startup := time.Since(start)

	e.client, err = kgo.NewClient(kgo.SeedBrokers(strings.Split(e.broker.Bootstrap(), ",")...), kgo.ProducerLinger(0),
		kgo.MaxBufferedRecords(1<<17))
	require.NoError(b, err)
	b.Cleanup(func() {
		e.client.Close()
		cctx, ccancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer ccancel()
		for _, pl := range e.st.Pipelines() {
			pl.StopConsuming()
		}
		_ = e.st.Close(cctx)
		e.sub.Stop()
		e.sys.Shutdown()
		cancel()
	})
	kafkatest.Eventually(b, time.Minute, "partitions assigned", func() bool { return e.st.Ingress.Assigned() > 0 })
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

// BenchmarkScheduledRoutes runs 1,000 scheduled routes in each of 4 tenants
// (the sample's boat/train/cabin/genie/subway shapes in seconds instead of
// minutes) on the embedded broker and reports:
//
//   - startup-ms: Start until every route actor has started (the group
//     join and the changelog restore of its partitions included);
//   - B/route: Go heap growth from before the actors start to 2 s later (start-up
//     effects committed and trimmed from the broker), per route;
//   - timer-p50-ms / timer-p99-ms: TimerLateness{kind=route} over 20 s;
//   - departed-p50-ms / departed-p99-ms: DEPARTED record timestamp minus the
//     timetable's departure instant (records carry the instant their
//     transition was decided, so this is the timer's lateness).
//
// Run it with:
//
//	go test -run '^$' -bench BenchmarkScheduledRoutes -benchtime 1x ./actors/transport/
func BenchmarkScheduledRoutes(b *testing.B) {
	if testing.Short() {
		b.Skip("takes about 40 s of real time")
	}
	const tenants, perTenant, window = 4, 1000, 20 * time.Second
	plan := loadgen.NewPlan(loadgen.PlanConfig{Tenants: tenants, Routes: perTenant})
	var cfg []config.Tenant
	for _, t := range plan.Tenants {
		cfg = append(cfg, config.Tenant{Tenant: t.Tenant, Routes: t.Routes})
	}
	for b.Loop() {
		e, startup := startLoadEnv(b, cfg, map[string]int{"route": tenants * perTenant})
		status := e.reader(b, messages.EventTopicTransportStatus)
		// The group has joined; the start-up effects queued before it are
		// committed with its first transaction.
		kafkatest.Eventually(b, 30*time.Second, "partitions assigned", func() bool { return e.st.Ingress.Assigned() > 0 })
		e.trimLog(b) // the broker's copy of them is not the actors' memory
		heap0, heap1 := e.heapBefore, liveHeap()
		before := e.lateness(b, "route")
		from := time.Now()
		deps := loadgen.NewDepartures(plan)
		late := &loadgen.Lateness{}
		ctx, cancel := context.WithTimeout(context.Background(), window)
		for ctx.Err() == nil {
			fs := status.PollFetches(ctx)
			seen := time.Now()
			fs.EachRecord(func(r *kgo.Record) {
				ev, err := loadgen.DecodeEffect(messages.EventTopicTransportStatus, r.Value)
				if err == nil {
					ev.Stamp, ev.Seen = r.Timestamp, seen
					deps.Observe(ev, late)
				}
			})
		}
		cancel()
		timers := e.lateness(b, "route").Sub(before).Summary()
		dep := late.Window(from, time.Now())["route departure (DEPARTED stamp)"]

		perRoute := float64(heap1-heap0) / float64(tenants*perTenant)
		b.ReportMetric(ms(startup), "startup-ms")
		b.ReportMetric(perRoute, "B/route")
		b.ReportMetric(ms(timers.P50), "timer-p50-ms")
		b.ReportMetric(ms(timers.P99), "timer-p99-ms")
		b.ReportMetric(ms(dep.P50), "departed-p50-ms")
		b.ReportMetric(ms(dep.P99), "departed-p99-ms")
		b.Logf("%d routes: start-up %s, heap +%.1f MiB (%.0f B/route); over %s: %d timer fires p50 %.2f ms p99 %.2f ms p99.9 %.2f ms; %d DEPARTED p50 %.0f ms p99 %.0f ms max %.0f ms",
			tenants*perTenant, startup.Round(time.Millisecond), float64(heap1-heap0)/(1<<20), perRoute, window,
			timers.Count, ms(timers.P50), ms(timers.P99), ms(timers.P999), dep.Count, ms(dep.P50), ms(dep.P99), ms(dep.Max))
	}
}

// BenchmarkInstanceRides boards 100,000 riders at once on 1,000 instance
// routes (4 tenants × 250, capacity 20, 20 s boarding window, 20 s travel)
// through the embedded broker, and reports:
//
//   - starts/s: STARTs handled per second, from the first START produced
//     to the last STARTED seen by a read_committed consumer;
//   - B/ride: Go heap growth per live ride once all are aboard (the
//     broker's copy of the records trimmed first);
//   - arrival-p50-ms / arrival-p99-ms: COMPLETED record timestamp minus the
//     instance's ArrivalAt (the timer's lateness: records carry the
//     instant their transition was decided);
//   - timer-p50-ms / timer-p99-ms: TimerLateness{kind=instance-route} over
//     the arrivals (boarding-close and arrival fires).
//
// Run it with:
//
//	go test -run '^$' -bench BenchmarkInstanceRides -benchtime 1x ./actors/transport/
func BenchmarkInstanceRides(b *testing.B) {
	if testing.Short() {
		b.Skip("takes about 90 s of real time")
	}
	const tenants, perTenant, riders = 4, 250, 100_000
	const boarding, travel = 20 * time.Second, 20 * time.Second
	plan := loadgen.NewPlan(loadgen.PlanConfig{Tenants: tenants, InstanceRoutes: perTenant, RideCapacity: 20,
		RideBoarding: boarding, RideTravel: travel})
	var cfg []config.Tenant
	for _, t := range plan.Tenants {
		cfg = append(cfg, config.Tenant{Tenant: t.Tenant, InstanceRoutes: t.InstanceRoutes})
	}
	for b.Loop() {
		e, _ := startLoadEnv(b, cfg, map[string]int{"instance-route": tenants * perTenant})
		events := e.reader(b, messages.EventTopicInstanceTransport)
		kafkatest.Eventually(b, 30*time.Second, "partitions assigned", func() bool { return e.st.Ingress.Assigned() > 0 })
		e.trimLog(b)
		heap0 := liveHeap()

		// Produce every START as fast as the client goes.
		produced := time.Now()
		for c := uint32(1); c <= riders; c++ {
			tp := plan.Tenants[int(c)%tenants]
			route := tp.InstanceRoutes[int(c/tenants)%perTenant].ID
			cmd := loadgen.RideStart(tp.Tenant, c, route)
			e.client.Produce(context.Background(), &kgo.Record{Topic: string(messages.CommandTopicInstanceTransport),
				Key: cmd.Key, Value: cmd.Value, Headers: kafkatest.Headers(tp.Tenant)}, nil)
		}
		var first, last time.Time
		started, completed := 0, 0
		stamps := map[uuid.UUID][]time.Time{} // instance → COMPLETED stamps
		poll := func(until func() bool, timeout time.Duration) {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			for !until() && ctx.Err() == nil {
				fs := events.PollFetches(ctx)
				now := time.Now()
				fs.EachRecord(func(r *kgo.Record) {
					var ev struct {
						Type string `json:"type"`
						Body struct {
							InstanceID uuid.UUID `json:"instanceId"`
						} `json:"body"`
					}
					require.NoError(b, json.Unmarshal(r.Value, &ev))
					switch ev.Type {
					case messages.TypeStarted:
						if started == 0 {
							first = now
						}
						started++
						last = now
					case messages.TypeCompleted:
						completed++
						stamps[ev.Body.InstanceID] = append(stamps[ev.Body.InstanceID], r.Timestamp)
					}
				})
			}
		}
		poll(func() bool { return started >= riders }, boarding+travel)
		require.Equal(b, riders, started, "every START answered before the first arrival")

		// All aboard: where are they, and what do they cost?
		arrival := map[uuid.UUID]time.Time{}
		aboard := 0
		for _, t := range plan.Tenants {
			for _, r := range t.InstanceRoutes {
				ins, err := e.sub.Instances(context.Background(), t.Tenant, r.ID)
				require.NoError(b, err)
				for _, in := range ins {
					arrival[in.ID] = in.ArrivalAt
					aboard += len(in.Riders)
				}
			}
		}
		kafkatest.Eventually(b, 30*time.Second, "inputs committed", func() bool { return inFlight(e) == 0 })
		e.trimLog(b)
		heap1 := liveHeap()

		before := e.lateness(b, "instance-route")
		poll(func() bool { return completed >= riders }, boarding+travel+time.Minute)
		timers := e.lateness(b, "instance-route").Sub(before).Summary()
		var late []time.Duration
		for id, ss := range stamps {
			for _, s := range ss {
				late = append(late, s.Sub(arrival[id]))
			}
		}
		arr := loadgen.Summarize(late)

		perRide := float64(heap1-heap0) / riders
		rate := float64(riders) / last.Sub(produced).Seconds()
		b.ReportMetric(rate, "starts/s")
		b.ReportMetric(perRide, "B/ride")
		b.ReportMetric(ms(arr.P50), "arrival-p50-ms")
		b.ReportMetric(ms(arr.P99), "arrival-p99-ms")
		b.ReportMetric(ms(timers.P50), "timer-p50-ms")
		b.ReportMetric(ms(timers.P99), "timer-p99-ms")
		b.Logf("%d STARTs: all STARTED %s after the first was produced (%.0f/s; %.0f/s from the first STARTED); %d aboard %d instances at once; heap +%.1f MiB (%.0f B/ride)",
			riders, last.Sub(produced).Round(time.Millisecond), rate, float64(riders-1)/last.Sub(first).Seconds(),
			aboard, len(arrival), float64(heap1-heap0)/(1<<20), perRide)
		b.Logf("arrivals: %d COMPLETED, stamp − ArrivalAt p50 %.0f ms p99 %.0f ms max %.0f ms; TimerLateness{instance-route} %d fires p50 %.2f ms p99 %.2f ms p99.9 %.2f ms",
			completed, ms(arr.P50), ms(arr.P99), ms(arr.Max), timers.Count, ms(timers.P50), ms(timers.P99), ms(timers.P999))
	}
}

// inFlight is the pipeline's records read and not yet committed.
func inFlight(e *loadEnv) float64 {
	h, err := loadgen.GatherSum(e.m.Registry, "transitquest_inputs_in_flight")
	if err != nil {
		return -1
	}
	return h
}
