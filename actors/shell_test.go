package actors_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/metrics"
)

type (
	inc   struct{}
	boom  struct{ times int } // panics on its first `times` attempts
	get   struct{ reply chan<- int }
	armAt struct{ at time.Time }
)

// counter is a test behavior: a count, a deadline, and a record of what it
// gave up on and when it ticked.
type counter struct {
	failStarts *int // first Starts that panic, shared across instances
	n          int
	deadline   time.Time
	attempts   map[*boom]int
	log        *events
}

type events struct {
	mu      sync.Mutex
	gaveUp  []any
	ticks   []time.Time
	started []bool
}

func (e *events) add(f func()) { e.mu.Lock(); f(); e.mu.Unlock() }

func (c *counter) Start(actor.Context) {
	c.log.add(func() { c.log.started = append(c.log.started, false) })
	if c.failStarts != nil && *c.failStarts > 0 {
		*c.failStarts--
		panic("start failed")
	}
}
func (c *counter) Snapshot() any { return *c }
func (c *counter) Restore(s any) {
	c.log.add(func() { c.log.started = append(c.log.started, true) })
	prev := s.(counter)
	c.n, c.deadline, c.attempts = prev.n, prev.deadline, prev.attempts
}
func (c *counter) NextDeadline() (time.Time, bool) { return c.deadline, !c.deadline.IsZero() }
func (c *counter) Tick(_ actor.Context, now time.Time) {
	c.deadline = time.Time{}
	c.log.add(func() { c.log.ticks = append(c.log.ticks, now) })
}
func (c *counter) GiveUp(_ actor.Context, msg any, _ any) {
	c.log.add(func() { c.log.gaveUp = append(c.log.gaveUp, msg) })
}
func (c *counter) Handle(ctx actor.Context, msg any) {
	switch m := msg.(type) {
	case inc:
		c.n++
	case *boom:
		c.n += 100 // a half-done change the restart must undo
		c.attempts[m]++
		if c.attempts[m] <= m.times {
			panic("boom")
		}
		c.n -= 99
	case get:
		m.reply <- c.n
	case armAt:
		c.deadline = m.at
	}
}

type fixture struct {
	sys *actor.ActorSystem
	sup *actors.Supervisor
	m   *metrics.Metrics
	clk *clock.Fake
}

func newFixture(t *testing.T) *fixture {
	log := zaptest.NewLogger(t)
	sys := actors.NewSystem(log)
	t.Cleanup(sys.Shutdown)
	sup := actors.NewSupervisor(sys, "test")
	return &fixture{sys: sys, sup: sup, m: metrics.New(), clk: clock.NewFake(time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))}
}

func (f *fixture) spawn(t *testing.T, name string) (*actor.PID, *events) {
	ev := &events{}
	cfg := actors.ShellConfig{Kind: "counter", Clock: f.clk, Log: zaptest.NewLogger(t), Metrics: f.m}
	pid, err := f.sup.Spawn(name, cfg, func() actors.Actor {
		return &counter{attempts: map[*boom]int{}, log: ev}
	})
	require.NoError(t, err)
	return pid, ev
}

func (f *fixture) count(t *testing.T, name string) int {
	n, err := actors.Ask(context.Background(), f.sup.Mailbox(name), func(r chan<- int) any { return get{reply: r} })
	require.NoError(t, err)
	return n
}

// A panic restarts the actor from the state it had before the message, the
// message is retried, and a sibling under the same supervisor is untouched.
func TestPanicRestartsWithPriorStateAndRetries(t *testing.T) {
	f := newFixture(t)
	a, evA := f.spawn(t, "a")
	b, _ := f.spawn(t, "b")
	for i := 0; i < 3; i++ {
		f.sys.Root.Send(a, inc{})
		f.sys.Root.Send(b, inc{})
	}
	f.sys.Root.Send(a, &boom{times: 1})
	f.sys.Root.Send(a, inc{})
	assert.Equal(t, 3+1+1, f.count(t, "a"), "3, then the retried message (+1), then the next")
	assert.Equal(t, 3, f.count(t, "b"))
	assert.Equal(t, 1.0, testutil.ToFloat64(f.m.ActorRestarts.WithLabelValues("counter")))
	evA.mu.Lock()
	defer evA.mu.Unlock()
	assert.Equal(t, []bool{false, true}, evA.started, "first start, then one restart")
	assert.Empty(t, evA.gaveUp)
}

// A message that panics on every attempt is given up after a bounded number
// of restarts, so it cannot loop; the actor keeps its state and goes on.
func TestPoisonMessageIsGivenUpAfterBoundedRestarts(t *testing.T) {
	f := newFixture(t)
	a, ev := f.spawn(t, "a")
	f.sys.Root.Send(a, inc{})
	poison := &boom{times: 1 << 30}
	f.sys.Root.Send(a, poison)
	f.sys.Root.Send(a, inc{})
	assert.Equal(t, 2, f.count(t, "a"))
	ev.mu.Lock()
	defer ev.mu.Unlock()
	assert.Equal(t, []any{poison}, ev.gaveUp)
	assert.Equal(t, 3.0, testutil.ToFloat64(f.m.ActorRestarts.WithLabelValues("counter")))
}

// The shell arms the behavior's deadline on the injected clock; the tick
// runs in the mailbox at the due instant, and a re-armed deadline makes the
// earlier fire stale.
func TestTimerFiresAtDeadlineOnInjectedClock(t *testing.T) {
	f := newFixture(t)
	a, ev := f.spawn(t, "a")
	start := f.clk.Now()
	f.sys.Root.Send(a, armAt{at: start.Add(time.Minute)})
	f.count(t, "a") // the arm is processed
	f.sys.Root.Send(a, armAt{at: start.Add(2 * time.Minute)})
	f.count(t, "a")
	f.clk.Advance(time.Minute)
	f.clk.Advance(time.Minute)
	waitFor(t, func() bool { ev.mu.Lock(); defer ev.mu.Unlock(); return len(ev.ticks) == 1 })
	ev.mu.Lock()
	assert.Equal(t, []time.Time{start.Add(2 * time.Minute)}, ev.ticks)
	ev.mu.Unlock()
	assert.Equal(t, 0, f.clk.Pending(), "nothing left armed")
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met")
		}
		time.Sleep(time.Millisecond)
	}
}

// A first Start that panics is run again as a first start (nothing to
// restore yet), and the actor then works normally.
func TestPanicInFirstStartIsRetriedAsAFirstStart(t *testing.T) {
	f := newFixture(t)
	ev := &events{}
	fails := 2
	cfg := actors.ShellConfig{Kind: "counter", Clock: f.clk, Log: zaptest.NewLogger(t), Metrics: f.m}
	pid, err := f.sup.Spawn("flaky", cfg, func() actors.Actor {
		return &counter{attempts: map[*boom]int{}, log: ev, failStarts: &fails}
	})
	require.NoError(t, err)
	f.sys.Root.Send(pid, inc{})
	assert.Equal(t, 1, f.count(t, "flaky"))
	ev.mu.Lock()
	defer ev.mu.Unlock()
	assert.Equal(t, []bool{false, false, false}, ev.started, "never a restore of a state that was never made")
	assert.Equal(t, 1.0, testutil.ToFloat64(f.m.LiveActors.WithLabelValues("counter")))
}

// An actor told to stop drains its mailbox; a message that panics during
// the drain restarts it from its snapshot as anywhere else (the new
// incarnation finds its cell among the stopping ones), and the rest of
// the mailbox is still handled.
func TestPanicWhileStoppingRestartsAndDrains(t *testing.T) {
	f := newFixture(t)
	a, ev := f.spawn(t, "a")
	reply := make(chan int, 1)
	f.sys.Root.Send(a, inc{})
	f.sys.Root.Send(a, inc{})
	f.sys.Root.Send(a, &boom{times: 1})
	f.sys.Root.Send(a, get{reply: reply})
	f.sup.Stop([]byte("a"))
	select {
	case n := <-reply:
		assert.Equal(t, 2+1, n)
	case <-time.After(10 * time.Second):
		t.Fatal("the stopping actor did not drain its mailbox after a restart")
	}
	ev.mu.Lock()
	defer ev.mu.Unlock()
	assert.Equal(t, []bool{false, true}, ev.started, "first start, then one restart while stopping")
}
