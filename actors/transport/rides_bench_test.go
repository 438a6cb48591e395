package transport_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/loadgen"
	"github.com/gamehost/transitquest/messages"
)

// BenchmarkInstanceRides boards 100,000 riders at once on 1,000 instance
// routes (4 tenants × 250, capacity 20, 20 s boarding window, 20 s travel)
// through the embedded broker, and reports:
//
//   - starts/s: STARTs handled per second, from the first START produced
//     to the last STARTED seen by a read_committed consumer;
//   - B/ride: Go heap growth per live ride once all are aboard (the
//     broker's copy of the records trimmed first);
//   - arrival-p50-ms / arrival-p99-ms: COMPLETED record timestamp minus the
//     instance's ArrivalAt (timer lateness plus the outbox's produce delay);
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
		kafkatest.Eventually(b, 30*time.Second, "partitions assigned", func() bool { return e.pl.Assigned() > 0 })
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
