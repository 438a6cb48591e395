package transport_test

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/loadgen"
	"github.com/gamehost/transitquest/messages"
)

// BenchmarkScheduledRoutes runs 1,000 scheduled routes in each of 4 tenants
// (the sample's boat/train/cabin/genie/subway shapes in seconds instead of
// minutes) on the embedded broker and reports:
//
//   - startup-ms: transport.New until every route actor has started;
//   - B/route: Go heap growth from before transport.New to 2 s later (start-up
//     effects committed and trimmed from the broker), per route;
//   - timer-p50-ms / timer-p99-ms: TimerLateness{kind=route} over 20 s;
//   - departed-p50-ms / departed-p99-ms: DEPARTED record timestamp minus the
//     timetable's departure instant (includes the outbox's produce delay).
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
		kafkatest.Eventually(b, 30*time.Second, "partitions assigned", func() bool { return e.pl.Assigned() > 0 })
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
