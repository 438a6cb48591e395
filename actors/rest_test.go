package actors_test

import (
	"context"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/actors"
)

// resting is a counter that can rest: Rest drops its count, which only
// Restore brings back.
type resting struct{ counter }

func (r *resting) Rest() bool {
	r.n = -1000
	return true
}

// peekCount asks for the count; a resting actor answers it from its
// snapshot.
type peekCount struct{ reply chan<- int }

func (r *resting) Peek(snapshot any, msg any) bool {
	q, ok := msg.(peekCount)
	if ok {
		q.reply <- snapshot.(counter).n
	}
	return ok
}

// block holds the actor's mailbox until its channel closes.
type block chan struct{}

func (r *resting) Handle(ctx actor.Context, msg any) {
	if b, ok := msg.(block); ok {
		<-b
		return
	}
	r.counter.Handle(ctx, msg)
}

func (f *fixture) spawnResting(t *testing.T, name string) *events {
	ev := &events{}
	cfg := actors.ShellConfig{Kind: "resting", Clock: f.clk, Log: zaptest.NewLogger(t), Metrics: f.m}
	_, err := f.sup.Spawn(name, cfg, func() actors.Actor {
		return &resting{counter{attempts: map[*boom]int{}, log: ev}}
	})
	require.NoError(t, err)
	return ev
}

func (f *fixture) tell(t *testing.T, name string, msg any) {
	t.Helper()
	require.True(t, f.sup.Tell([]byte(name), msg), "actor %s registered", name)
}

func (f *fixture) gauge(kind string) (live, resting float64) {
	return testutil.ToFloat64(f.m.LiveActors.WithLabelValues(kind)), testutil.ToFloat64(f.m.RestingActors.WithLabelValues(kind))
}

// restNow sweeps twice (the first clears the mark of the last message)
// and waits until kind has want resting actors.
func (f *fixture) rest(t *testing.T, kind string, want float64) {
	t.Helper()
	f.sup.Sweep()
	f.sup.Sweep()
	waitFor(t, func() bool { _, r := f.gauge(kind); return r == want })
}

// An actor told nothing for a sweep period rests: its process stops, it
// stays registered, and the next message wakes it with the state of its
// last snapshot.
func TestIdleActorRestsAndWakesWithItsState(t *testing.T) {
	f := newFixture(t)
	ev := f.spawnResting(t, "a")
	for range 3 {
		f.tell(t, "a", inc{})
	}
	f.rest(t, "resting", 1)
	live, _ := f.gauge("resting")
	assert.Zero(t, live, "a resting actor is not running")
	assert.True(t, f.sup.Has([]byte("a")))

	assert.Equal(t, 3, f.count(t, "a"), "woken with its snapshot, not the dropped state")
	live, rest := f.gauge("resting")
	assert.Equal(t, []float64{1, 0}, []float64{live, rest})
	assert.Equal(t, 1.0, testutil.ToFloat64(f.m.ActorWakes.WithLabelValues("resting")))
	f.tell(t, "a", inc{})
	assert.Equal(t, 4, f.count(t, "a"))
	ev.mu.Lock()
	defer ev.mu.Unlock()
	assert.Equal(t, []bool{false, true}, ev.started, "a first start, then one restore when woken")
}

// A resting actor's timer stays armed and wakes it when due; the tick runs
// in the woken actor's mailbox.
func TestTimerWakesARestingActor(t *testing.T) {
	f := newFixture(t)
	ev := f.spawnResting(t, "a")
	due := f.clk.Now().Add(time.Minute)
	f.tell(t, "a", armAt{at: due})
	f.rest(t, "resting", 1)
	require.Equal(t, 1, f.clk.Pending(), "the timer stays armed while the actor rests")

	f.clk.Advance(time.Minute)
	waitFor(t, func() bool { ev.mu.Lock(); defer ev.mu.Unlock(); return len(ev.ticks) == 1 })
	ev.mu.Lock()
	assert.Equal(t, []time.Time{due}, ev.ticks)
	ev.mu.Unlock()
	live, rest := f.gauge("resting")
	assert.Equal(t, []float64{1, 0}, []float64{live, rest})
}

// A message told after the actor was asked to rest, but before it
// answered, keeps it awake: nothing is handled by a process that has let
// go of its state.
func TestMessageToldWhileAskedToRestKeepsItAwake(t *testing.T) {
	f := newFixture(t)
	ev := f.spawnResting(t, "a")
	hold := make(block)
	f.tell(t, "a", hold)
	f.sup.Sweep()
	f.sup.Sweep() // the ask to rest waits behind hold
	f.tell(t, "a", inc{})
	close(hold)
	assert.Equal(t, 1, f.count(t, "a"))
	live, rest := f.gauge("resting")
	assert.Equal(t, []float64{1, 0}, []float64{live, rest})
	assert.Zero(t, testutil.ToFloat64(f.m.ActorWakes.WithLabelValues("resting")))
	ev.mu.Lock()
	defer ev.mu.Unlock()
	assert.Equal(t, []bool{false}, ev.started, "never restored")
}

// An actor that is not a Rester keeps running, however often it is asked
// to rest.
func TestActorThatCannotRestKeepsRunning(t *testing.T) {
	f := newFixture(t)
	f.spawn(t, "a")
	f.tell(t, "a", inc{})
	f.sup.Sweep()
	f.sup.Sweep()
	assert.Equal(t, 1, f.count(t, "a"), "handled after the ask to rest")
	f.sup.Sweep()
	f.sup.Sweep()
	live, rest := f.gauge("counter")
	assert.Equal(t, []float64{1, 0}, []float64{live, rest})
}

// Stopping a resting actor, alone or with its supervisor, stops its timer:
// nothing of it fires afterwards.
func TestStoppingRestingActorsStopsTheirTimers(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"a", "b"} {
		f.spawnResting(t, name)
		f.tell(t, name, armAt{at: f.clk.Now().Add(time.Minute)})
	}
	f.rest(t, "resting", 2)
	f.sup.Stop([]byte("a"))
	assert.False(t, f.sup.Has([]byte("a")))
	assert.Equal(t, 1, f.clk.Pending())
	f.sup.StopAll()
	assert.Zero(t, f.clk.Pending())
	_, rest := f.gauge("resting")
	assert.Zero(t, rest)
	assert.False(t, f.sup.Tell([]byte("b"), inc{}), "gone with its supervisor")
}

// A resting actor answers what Peek accepts from its snapshot and stays
// resting; anything else wakes it.
func TestRestingActorAnswersAPeekWithoutWaking(t *testing.T) {
	f := newFixture(t)
	f.spawnResting(t, "a")
	f.tell(t, "a", inc{})
	f.tell(t, "a", inc{})
	f.rest(t, "resting", 1)
	n, err := actors.Ask(context.Background(), f.sup.Mailbox("a"), func(r chan<- int) any { return peekCount{reply: r} })
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	_, rest := f.gauge("resting")
	assert.Equal(t, 1.0, rest, "still resting")
	assert.Zero(t, testutil.ToFloat64(f.m.ActorWakes.WithLabelValues("resting")))
}

// An actor woken before a sweep passed was put to rest too soon: it waits
// twice as many idle sweeps before its next rest, so an actor whose inputs
// come a little slower than the sweep period does not rest and wake for
// each one.
func TestAnActorWokenSoonAfterRestingWaitsLongerNextTime(t *testing.T) {
	f := newFixture(t)
	f.spawnResting(t, "a")
	f.tell(t, "a", inc{})
	f.rest(t, "resting", 1)
	assert.Equal(t, 1, f.count(t, "a"), "woken at once")

	f.sup.Sweep() // clears the mark of the count
	f.sup.Sweep() // one idle sweep: enough before, not now
	// Asked to rest, the actor would let go of its process before this
	// reply, sent past the registry so as not to count as a message.
	reply := make(chan int, 1)
	f.sys.Root.Send(actors.PIDOf(f.sup, "a"), get{reply: reply})
	select {
	case n := <-reply:
		assert.Equal(t, 1, n)
	case <-time.After(5 * time.Second):
		t.Fatal("the actor rested after one idle sweep")
	}
	f.sup.Sweep() // the second idle sweep
	waitFor(t, func() bool { _, r := f.gauge("resting"); return r == 1 })
}

// An actor registered at rest starts no process: a peek reads its
// snapshot, its timer is armed at the deadline given, and its first
// message wakes it restored from the snapshot, never started afresh.
func TestActorSpawnedAtRestWakesFromItsSnapshot(t *testing.T) {
	f := newFixture(t)
	ev := &events{}
	cfg := actors.ShellConfig{Kind: "resting", Clock: f.clk, Log: zaptest.NewLogger(t), Metrics: f.m}
	due := f.clk.Now().Add(time.Minute)
	snap := counter{n: 7, deadline: due, attempts: map[*boom]int{}}
	a := &resting{counter{attempts: map[*boom]int{}, log: ev}}
	require.NoError(t, f.sup.SpawnResting("a", cfg, a, snap, due, true))
	require.Error(t, f.sup.SpawnResting("a", cfg, a, snap, due, true), "the name is taken")
	live, rest := f.gauge("resting")
	assert.Equal(t, []float64{0, 1}, []float64{live, rest})
	assert.Nil(t, actors.PIDOf(f.sup, "a"), "no process")
	require.Equal(t, 1, f.clk.Pending(), "its timer is armed")

	reply := make(chan int, 1)
	f.tell(t, "a", peekCount{reply: reply})
	assert.Equal(t, 7, <-reply)
	assert.Nil(t, actors.PIDOf(f.sup, "a"), "a peek does not wake it")

	assert.Equal(t, 7, f.count(t, "a"))
	f.clk.Advance(time.Minute)
	waitFor(t, func() bool { ev.mu.Lock(); defer ev.mu.Unlock(); return len(ev.ticks) == 1 })
	ev.mu.Lock()
	defer ev.mu.Unlock()
	assert.Equal(t, []bool{true}, ev.started, "restored, not started")
	assert.Equal(t, []time.Time{due}, ev.ticks)
}

// Its timer alone wakes an actor registered at rest; one that cannot rest
// is refused.
func TestTimerWakesAnActorSpawnedAtRest(t *testing.T) {
	f := newFixture(t)
	ev := &events{}
	cfg := actors.ShellConfig{Kind: "resting", Clock: f.clk, Log: zaptest.NewLogger(t), Metrics: f.m}
	due := f.clk.Now().Add(time.Second)
	a := &resting{counter{attempts: map[*boom]int{}, log: ev}}
	require.NoError(t, f.sup.SpawnResting("a", cfg, a, counter{deadline: due}, due, true))
	f.clk.Advance(time.Second)
	waitFor(t, func() bool { ev.mu.Lock(); defer ev.mu.Unlock(); return len(ev.ticks) == 1 })
	live, rest := f.gauge("resting")
	assert.Equal(t, []float64{1, 0}, []float64{live, rest})

	err := f.sup.SpawnResting("b", cfg, &counter{}, counter{}, time.Time{}, false)
	require.ErrorContains(t, err, "cannot rest")
	assert.False(t, f.sup.Has([]byte("b")))
}
