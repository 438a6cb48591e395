package actors_test

import (
	"fmt"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/prometheus/client_golang/prometheus/testutil"
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

// restingSleeper is a sleeper that rests: its snapshot is a record's
// worth of bytes, as a quest instance's is.
type restingSleeper struct {
	sleeper
	record []byte
	rested chan<- struct{} // told of every rest, when not nil
}

func (s *restingSleeper) Snapshot() any { return s.record }
func (s *restingSleeper) Restore(any)   {}
func (s *restingSleeper) Rest() bool {
	if s.rested != nil {
		s.rested <- struct{}{}
	}
	return true
}
func (s *restingSleeper) Peek(_ any, _ any) bool { return false }

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// idleShell is the shell configuration of the idle benchmarks' actors.
func idleShell(kind string, m *metrics.Metrics) actors.ShellConfig {
	return actors.ShellConfig{Kind: kind, Clock: clock.Real{}, Log: zap.NewNop(), Metrics: m,
		Dispatcher: actors.NewWorkers(actors.Throughput)}
}

// measureIdle runs start, which starts n actors and returns once they
// wait, then reports the heap per actor it added and the process's CPU
// over the next 5 s (idle-cores); stop ends them.
func measureIdle(b *testing.B, n int, start func() (stop func())) {
	const idle = 5 * time.Second
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	stop := start()
	runtime.GC()
	runtime.ReadMemStats(&after)
	t0 := cpuTime()
	time.Sleep(idle) // measuring idleness: nothing to wait for
	used := cpuTime() - t0
	b.ReportMetric(used.Seconds()/idle.Seconds(), "idle-cores")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(n), "heap-B/actor")
	stop()
}

// BenchmarkIdleArmedTimers spawns 100,000 supervised actors, each with its
// timer armed an hour ahead on the real clock, then measures the process's
// CPU while they wait: the actor runtime's idle cost (idle-cores), and the
// heap per waiting actor. Run with -benchtime 1x.
func BenchmarkIdleArmedTimers(b *testing.B) {
	const n = 100_000
	for range b.N {
		measureIdle(b, n, func() func() {
			sys := actors.NewSystem(zap.NewNop())
			sup := actors.NewSupervisor(sys, "idle")
			cfg := idleShell("idle", metrics.New())
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
			return sup.StopAll
		})
	}
}

// BenchmarkIdleRestingActors is BenchmarkIdleArmedTimers with actors that
// rest once spawned, each keeping a 550-byte snapshot (a quest instance's
// state record) and its armed timer: the heap per resting actor, record
// included, and the idle CPU with a sweep every second. Run with
// -benchtime 1x.
func BenchmarkIdleRestingActors(b *testing.B) {
	const n = 100_000
	for range b.N {
		measureIdle(b, n, func() func() {
			sys := actors.NewSystem(zap.NewNop())
			ps := actors.NewPartitions(sys, "idle")
			ps.Assign(1, []int32{0})
			m := metrics.New()
			cfg := idleShell("idle", m)
			due := time.Now().Add(time.Hour)
			for i := range n {
				record := make([]byte, 550)
				if err := ps.Spawn([]byte(fmt.Sprint(i)), cfg, func() actors.Actor {
					return &restingSleeper{sleeper: sleeper{due: due}, record: record}
				}); err != nil {
					b.Fatal(err)
				}
			}
			ps.Sweep()
			ps.Sweep()
			resting := m.RestingActors.WithLabelValues("idle")
			for testutil.ToFloat64(resting) < n { // a benchmark's setup, not a test: polling is fine
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(2 * time.Second) // the rested processes finish stopping
			ps.RestIdle(clock.Real{}, time.Second)
			return ps.StopAll
		})
	}
}

// BenchmarkRestAndWake is one actor's rest and wake: asked to rest by a
// sweep, then woken by a message it answers, restoring a 550-byte
// snapshot. It is the price of passivation per input that finds its actor
// resting (the domain's own restore comes on top).
func BenchmarkRestAndWake(b *testing.B) {
	sys := actors.NewSystem(zap.NewNop())
	defer sys.Shutdown()
	sup := actors.NewSupervisor(sys, "wake")
	cfg := idleShell("wake", metrics.New())
	record, rested := make([]byte, 550), make(chan struct{}, 1)
	if _, err := sup.Spawn("a", cfg, func() actors.Actor {
		return &restingSleeper{sleeper: sleeper{due: time.Now().Add(time.Hour)}, record: record, rested: rested}
	}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		// Enough sweeps for the actor's patience, which its quick wakes
		// raise to the most.
		for range 34 {
			sup.Sweep()
		}
		<-rested
		done := make(chan struct{})
		sup.Tell([]byte("a"), done)
		<-done
	}
	b.StopTimer()
	sup.StopAll()
}

// mover is an actor whose every message moves its deadline, as a quest
// instance's commands move its stage or run deadline.
type mover struct{ due time.Time }

func (m *mover) Handle(_ actor.Context, msg any) {
	m.due = m.due.Add(time.Millisecond)
	if r, ok := msg.(chan struct{}); ok {
		close(r)
	}
}
func (m *mover) NextDeadline() (time.Time, bool) { return m.due, true }
func (m *mover) Tick(actor.Context, time.Time)   {}

// BenchmarkRearm is one message to an actor that moves its deadline: the
// timer's share is what re-arming allocates and costs (every command of a
// quest instance re-arms it).
func BenchmarkRearm(b *testing.B) {
	sys := actors.NewSystem(zap.NewNop())
	defer sys.Shutdown()
	sup := actors.NewSupervisor(sys, "rearm")
	cfg := idleShell("rearm", metrics.New())
	if _, err := sup.Spawn("a", cfg, func() actors.Actor { return &mover{due: time.Now().Add(time.Hour)} }); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		done := make(chan struct{})
		sup.Tell([]byte("a"), done)
		<-done
	}
	b.StopTimer()
	sup.StopAll()
}

// burster is an actor with one deadline that spends work when it fires,
// as a route's departure does (encoding and emitting its records).
type burster struct {
	due  time.Time
	work time.Duration
	late chan<- time.Duration
}

func (a *burster) Handle(actor.Context, any) {}
func (a *burster) NextDeadline() (time.Time, bool) {
	return a.due, !a.due.IsZero()
}
func (a *burster) Tick(_ actor.Context, now time.Time) {
	late := now.Sub(a.due)
	for t0 := time.Now(); time.Since(t0) < a.work; { // busy, as encoding is
	}
	a.due = time.Time{}
	a.late <- late
}

// BenchmarkSameInstantTimers arms 4,000 actors across 12 supervisors (a
// partition's each) at one instant, as routes on one timetable are, each
// spending 20 us when it fires, and reports the lateness of their ticks:
// the timers' share of a departure burst, without Kafka. Run with
// -benchtime 1x.
func BenchmarkSameInstantTimers(b *testing.B) {
	const n, sups, work = 4000, 12, 20 * time.Microsecond
	for range b.N {
		sys := actors.NewSystem(zap.NewNop())
		cfg := idleShell("burst", metrics.New())
		late := make(chan time.Duration, n)
		due := time.Now().Add(2 * time.Second)
		var all []*actors.Supervisor
		for s := range sups {
			all = append(all, actors.NewSupervisor(sys, fmt.Sprint("burst", s)))
		}
		for i := range n {
			if _, err := all[i%sups].Spawn(fmt.Sprint(i), cfg, func() actors.Actor {
				return &burster{due: due, work: work, late: late}
			}); err != nil {
				b.Fatal(err)
			}
		}
		lat := make([]time.Duration, 0, n)
		for range n {
			lat = append(lat, <-late)
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[n/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[n*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(lat[n-1].Microseconds())/1000, "max-ms")
		for _, s := range all {
			s.StopAll()
		}
		sys.Shutdown()
	}
}
