package actors_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/actors/actortest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

const lead = 100 * time.Millisecond

var leadTenant = tenant.Tenant{ID: uuid.MustParse("7d6c2b1e-0f4a-4c1d-9b7e-2a3f4e5d6c7b"), Region: "GMS", MajorVersion: 83, MinorVersion: 1}

// stepper counts; each deadline adds one and says so through EmitDue, and
// the ticks it ran (with the instant they were run as of) are logged.
type stepper struct {
	env      actors.Env
	n        int
	deadline time.Time
	ticks    *tickLog
	panics   *atomic.Int32 // Ticks left to panic after their change, shared across restarts
	// beforePanic, when set, runs in a Tick that is about to panic.
	beforePanic func()
}

type tickLog struct {
	mu sync.Mutex
	at []time.Time
}

func (l *tickLog) count() int { l.mu.Lock(); defer l.mu.Unlock(); return len(l.at) }

func (s *stepper) Snapshot() any                   { return *s }
func (s *stepper) Restore(v any)                   { p := v.(stepper); s.n, s.deadline = p.n, p.deadline }
func (s *stepper) NextDeadline() (time.Time, bool) { return s.deadline, !s.deadline.IsZero() }
func (s *stepper) Tick(ctx actor.Context, now time.Time) {
	s.deadline = time.Time{}
	s.n++
	s.ticks.mu.Lock()
	s.ticks.at = append(s.ticks.at, now)
	s.ticks.mu.Unlock()
	actors.EmitDue(ctx, s.env, leadTenant, []messages.Record{{Key: []byte("k"), Value: fmt.Sprintf("n=%d", s.n)}})
	if s.panics.Add(-1) >= 0 {
		if s.beforePanic != nil {
			s.beforePanic()
		}
		panic("tick failed after emitting") // its held effects must go with it
	}
}
func (s *stepper) Handle(_ actor.Context, msg any) {
	switch m := msg.(type) {
	case inc:
		s.n++
	case armAt:
		s.deadline = m.at
	case get:
		m.reply <- s.n
	}
}

type leadFixture struct {
	env         *actortest.Env
	sup         *actors.Supervisor
	ticks       *tickLog
	panics      atomic.Int32
	beforePanic func()
}

func newLeadFixture(t *testing.T, opts ...func(*leadFixture)) *leadFixture {
	env := actortest.NewEnv(t)
	env.Gate = actors.NewGate(env.Clock, env.Log)
	t.Cleanup(env.Gate.Stop)
	f := &leadFixture{env: env, sup: actors.NewSupervisor(env.Sys, "lead"), ticks: &tickLog{}}
	for _, o := range opts {
		o(f)
	}
	_, err := f.sup.Spawn("a", env.LeadShell("stepper", lead), func() actors.Actor {
		return &stepper{env: env.Env, ticks: f.ticks, panics: &f.panics, beforePanic: f.beforePanic}
	})
	require.NoError(t, err)
	return f
}

func (f *leadFixture) send(t *testing.T, msg any) {
	require.True(t, f.sup.Tell([]byte("a"), msg))
}

func (f *leadFixture) count(t *testing.T) int {
	n, err := actors.Ask(context.Background(), f.sup.Mailbox("a"), func(r chan<- int) any { return get{reply: r} })
	require.NoError(t, err)
	return n
}

// prepareAt arms the actor's deadline at due and moves the clock to its
// prepared fire, which it waits for.
func (f *leadFixture) prepareAt(t *testing.T, due time.Time) {
	f.send(t, armAt{at: due})
	require.Equal(t, 0, f.count(t)) // armed
	f.env.FakeClock.Set(due.Add(-lead))
	actortest.Eventually(t, "the fire prepared", func() bool { return f.ticks.count() >= 1 })
}

func (f *leadFixture) values() []any {
	var vs []any
	for _, r := range f.env.Recorder.Records() {
		vs = append(vs, r.Value)
	}
	return vs
}

// A route's fire comes lead before its deadline: Tick runs then, as of the
// deadline, and its effects reach the outbox at the deadline, not before.
func TestLeadPreparesAheadAndReleasesAtTheDeadline(t *testing.T) {
	f := newLeadFixture(t)
	due := actortest.T0.Add(time.Second)
	f.prepareAt(t, due)
	assert.Empty(t, f.env.Recorder.Batches(), "nothing leaves before the deadline")

	f.env.FakeClock.Advance(lead - time.Millisecond)
	assert.Empty(t, f.env.Recorder.Batches())
	f.env.FakeClock.Advance(time.Millisecond)
	assert.Equal(t, []any{"n=1"}, f.values(), "released at the deadline")
	f.ticks.mu.Lock()
	assert.Equal(t, []time.Time{due}, f.ticks.at, "decided as of the deadline")
	f.ticks.mu.Unlock()
	assert.Equal(t, 1, f.count(t), "the released state stays")
	m := f.env.Metrics
	assert.Zero(t, testutil.ToFloat64(m.TimerCancels.WithLabelValues("stepper")))
	var late dto.Metric
	require.NoError(t, m.TimerLateness.WithLabelValues("stepper").(prometheus.Histogram).Write(&late))
	assert.Equal(t, uint64(1), late.GetHistogram().GetSampleCount(), "one fire, observed at its release")
	assert.Zero(t, late.GetHistogram().GetSampleSum(), "released at the deadline itself")
}

// A prepared fire whose Tick panics is retried prepared, from the state
// before it, after the restart: one transition, released at the deadline.
func TestPanicInAPreparedFireIsRetriedPrepared(t *testing.T) {
	f := newLeadFixture(t)
	f.panics.Store(1)
	f.prepareAt(t, actortest.T0.Add(time.Second))
	actortest.Eventually(t, "the retry prepared", func() bool { return f.ticks.count() == 2 })
	assert.Empty(t, f.env.Recorder.Batches(), "nothing leaves before the deadline")
	assert.Equal(t, 1.0, testutil.ToFloat64(f.env.Metrics.ActorRestarts.WithLabelValues("stepper")))

	f.env.FakeClock.Advance(lead)
	assert.Equal(t, []any{"n=1"}, f.values(), "one transition")
	assert.Equal(t, 1, f.count(t))
}

// A prepared fire that panics once its deadline has passed is retried as a
// plain fire: what the failed attempt emitted is dropped with it, never
// released later, and the retry's effects leave at once.
func TestPanicInAPreparedFireRetriedAfterItsDeadline(t *testing.T) {
	due := actortest.T0.Add(time.Second)
	f := newLeadFixture(t, func(lf *leadFixture) {
		lf.beforePanic = func() { lf.env.FakeClock.Set(due) }
	})
	f.panics.Store(1)
	f.prepareAt(t, due)
	actortest.Eventually(t, "the retry", func() bool { return len(f.env.Recorder.Batches()) == 1 })
	assert.Equal(t, 1, f.count(t), "a message after it releases nothing more")
	assert.Equal(t, []any{"n=1"}, f.values(), "one transition, emitted once")
}

// A message that reaches the actor between the prepared fire and its
// deadline is handled before the transition: the fire is undone, the
// message handled, and the transition decided again, once.
func TestMessageBeforeTheDeadlineUndoesThePreparedFire(t *testing.T) {
	f := newLeadFixture(t)
	f.prepareAt(t, actortest.T0.Add(time.Second))

	f.send(t, inc{}) // undoes the fire and counts; the timer is due again at once
	assert.Equal(t, 1, f.count(t), "undone: the message counted before the transition")
	f.env.FakeClock.Advance(0)
	actortest.Eventually(t, "the fire prepared again", func() bool { return f.ticks.count() == 2 })
	assert.Empty(t, f.env.Recorder.Batches(), "the undone fire emitted nothing")
	assert.Equal(t, 1.0, testutil.ToFloat64(f.env.Metrics.TimerCancels.WithLabelValues("stepper")))

	f.env.FakeClock.Advance(lead)
	assert.Equal(t, []any{"n=2"}, f.values(), "one transition, after the message")
	assert.Equal(t, 2, f.count(t))
}

// A gate that stops (its subsystem is stopping) drops what it held: the
// actor undoes the fire when it next runs, and from then on decides at the
// deadline.
func TestStoppedGateUndoesWhatItHeld(t *testing.T) {
	f := newLeadFixture(t)
	f.prepareAt(t, actortest.T0.Add(time.Second))
	f.env.Gate.Stop()

	f.send(t, inc{})
	assert.Equal(t, 1, f.count(t), "the fire undone, the message counted")
	f.env.FakeClock.Advance(lead)
	actortest.Eventually(t, "the fire at the deadline", func() bool { return f.ticks.count() == 2 })
	actortest.Eventually(t, "its effects", func() bool { return len(f.env.Recorder.Batches()) == 1 })
	assert.Equal(t, []any{"n=2"}, f.values())
}
