package actors_test

import (
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/metrics"
)

// sleeper is an actor whose one deadline is far away: it only waits.
type sleeper struct{ due time.Time }

func (s *sleeper) Handle(_ actor.Context, msg any) {
	if r, ok := msg.(chan struct{}); ok {
		close(r)
	}
}
func (s *sleeper) NextDeadline() (time.Time, bool) { return s.due, true }
func (s *sleeper) Tick(actor.Context, time.Time)   {}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIdleArmedTimers spawns 100,000 supervised actors, each with its
// timer armed an hour ahead on the real clock, then measures the process's
// CPU while they wait: the actor runtime's idle cost (idle-cores), and the
// heap per waiting actor. Run with -benchtime 1x.
func BenchmarkIdleArmedTimers(b *testing.B) {
	const n = 100_000
	const idle = 5 * time.Second
	for range b.N {
		sys := actors.NewSystem(zap.NewNop())
		sup := actors.NewSupervisor(sys, "idle")
		cfg := actors.ShellConfig{Kind: "idle", Clock: clock.Real{}, Log: zap.NewNop(), Metrics: metrics.New(),
			Dispatcher: actors.NewWorkers(actors.Throughput)}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		due := time.Now().Add(time.Hour)
		for i := range n {
			pid, err := sup.Spawn(fmt.Sprint(i), cfg, func() actors.Actor { return &sleeper{due: due} })
			if err != nil {
				b.Fatal(err)
			}
			if i == n-1 { // mailboxes run in order: the last one answering means all started
				done := make(chan struct{})
				sys.Root.Send(pid, done)
				<-done
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		start := cpuTime()
		time.Sleep(idle) // measuring idleness: nothing to wait for
		used := cpuTime() - start
		b.ReportMetric(used.Seconds()/idle.Seconds(), "idle-cores")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-B/actor")
		sup.StopAll()
	}
}
