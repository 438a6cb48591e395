package actors

import (
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/metrics"
)

// ShellConfig configures the shells of one actor kind. A supervisor keeps
// the first configuration it is given for a kind: every actor of the kind
// shares it, and one protoactor Props.
type ShellConfig struct {
	Kind        string
	Clock       clock.Clock
	Log         *zap.Logger
	Metrics     *metrics.Metrics
	MaxAttempts int              // attempts at one message before giving up on it (default 3)
	Dispatcher  actor.Dispatcher // nil: protoactor's default
	// Lead, with a Gate and a Snapshotter actor, fires the timer this long
	// before each deadline: Tick runs then, as of the deadline, and the
	// effects it emits through EmitDue are held by Gate and released at
	// the deadline. A message the actor handles before the release cancels
	// the prepared fire: the actor restores its snapshot from before it,
	// handles the message and decides again. So a burst of deadlines at one
	// instant is worked off over the lead before it, and no transition is
	// ever decided ahead of an input that preceded it. A Tick must change
	// nothing but its snapshotted state and what it emits through EmitDue;
	// what else it does (stopping its actor) goes through OnRelease, and an
	// actor that cannot be rolled back for a fire declines it (Preparer).
	Lead time.Duration
	Gate *Gate
}

// kindShell is what the actors of one kind share under one supervisor:
// their configuration, their protoactor Props and their metrics, resolved
// once. A Props per actor was about 250 bytes of each of 100,000 actors.
type kindShell struct {
	cfg      ShellConfig
	props    *actor.Props
	live     prometheus.Gauge
	resting  prometheus.Gauge
	wakes    prometheus.Counter
	restarts prometheus.Counter
	lateness prometheus.Observer
	cancels  prometheus.Counter
}

func newKindShell(cfg ShellConfig, sup *Supervisor) *kindShell {
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 3
	}
	// A lock-free mailbox holds an idle actor's queues in two list stubs;
	// the default's ring buffer keeps ten slots per actor, most of them
	// empty for the many actors that wait.
	opts := []actor.PropsOption{actor.WithGuardian(sup.strategy), actor.WithMailbox(actor.UnboundedLockfree())}
	if cfg.Dispatcher != nil {
		opts = append(opts, actor.WithDispatcher(cfg.Dispatcher))
	}
	return &kindShell{
		cfg: cfg,
		// A shell finds its cell when it starts (see Supervisor.cellOf):
		// protoactor's producer knows nothing of the actor it makes.
		props:    actor.PropsFromProducer(func() actor.Actor { return &shell{sup: sup} }, opts...),
		live:     cfg.Metrics.LiveActors.WithLabelValues(cfg.Kind),
		resting:  cfg.Metrics.RestingActors.WithLabelValues(cfg.Kind),
		wakes:    cfg.Metrics.ActorWakes.WithLabelValues(cfg.Kind),
		restarts: cfg.Metrics.ActorRestarts.WithLabelValues(cfg.Kind),
		lateness: cfg.Metrics.TimerLateness.WithLabelValues(cfg.Kind),
		cancels:  cfg.Metrics.TimerCancels.WithLabelValues(cfg.Kind),
	}
}

// cell is what survives a restart, and a rest, of one actor: the domain
// actor itself, its last good snapshot, the message it was handling when
// it panicked, and its timer (whose generation counter must keep growing
// across restarts so stale fires stay stale, and which stays armed while
// the actor rests). One protoactor process at a time runs it.
type cell struct {
	kind *kindShell
	name string // in its supervisor
	// newActor makes the domain actor at the first start, and again only
	// if that Start panicked; dropped once a start succeeded, with what it
	// holds.
	newActor func() Actor
	a        Actor // nil until a first Start completed
	snapshot any
	counted  bool // counted in the live-actors gauge
	inflight any
	attempts int
	cause    any
	timer    *Timer
	parked   bool // a timer fire was given up: wait for the next message before re-arming
	// held is the prepared fire whose effects wait in the gate (nil: none);
	// preparing is it while its Tick runs.
	held      *hold
	preparing *hold
}

// shell is the protoactor actor around a domain actor: it owns supervision
// (retry, give up), the timer and the snapshot. protoactor makes a new one
// at every restart; the cell is what they share. A shell whose actor went
// to rest lets go of the cell (nil again): the next incarnation owns it.
type shell struct {
	sup     *Supervisor
	cell    *cell
	retired bool // its actor rests: nothing of the cell is its own any more
}

// cfg is the configuration of the shell's kind.
func (s *shell) cfg() *ShellConfig { return &s.cell.kind.cfg }

// Receive implements actor.Actor.
func (s *shell) Receive(ctx actor.Context) {
	if s.retired {
		return
	}
	if s.cell == nil {
		// Started is every incarnation's first message.
		c := s.sup.cellOf(ctx.Self().Id)
		if c == nil {
			return // not spawned by Spawn: nothing to run
		}
		s.cell = c
	}
	switch m := ctx.Message().(type) {
	case *actor.Started:
		s.started(ctx)
	case *actor.Restarting:
		s.cell.timer.Stop()
		s.cell.kind.restarts.Inc()
	case *actor.Stopping:
		s.cell.timer.Stop()
	case *actor.Stopped:
		s.cell.kind.live.Dec()
		s.sup.forget(ctx.Self().Id, s.cell)
	case actor.SystemMessage, actor.AutoReceiveMessage:
	case restNow:
		s.settle()
		s.rest(ctx)
	case TimerFired:
		s.settle()
		if s.cell.timer.Accept(m) {
			if now := s.cfg().Clock.Now(); s.cell.leads() && now.Before(m.Due) {
				s.prepare(ctx, m)
			} else {
				s.cell.kind.lateness.Observe(now.Sub(m.Due).Seconds())
				s.run(ctx, m)
			}
		}
	default:
		s.settle()
		s.cell.parked = false
		s.run(ctx, m)
	}
}

func (s *shell) started(ctx actor.Context) {
	if s.cell.timer == nil {
		s.cell.timer = s.sup.timerOf(s.cell)
	}
	if !s.cell.counted {
		s.cell.kind.live.Inc()
		s.cell.counted = true
	}
	if s.cell.a == nil {
		// A first start, or a first Start that panicked: nothing to restore
		// yet, so start afresh.
		a := s.cell.newActor()
		if st, ok := a.(Starter); ok {
			st.Start(ctx)
		}
		s.cell.a, s.cell.newActor = a, nil
		s.snapshot()
	} else if sn, ok := s.cell.a.(Snapshotter); ok {
		sn.Restore(s.cell.snapshot)
	}
	if s.cell.preparing != nil {
		// A prepared fire panicked before the gate had its hold: nothing
		// is held; the fire is retried or given up below.
		s.cell.held, s.cell.preparing = nil, nil
	}
	if msg := s.cell.inflight; msg != nil {
		if s.cell.attempts < s.cfg().MaxAttempts {
			if f, ok := msg.(TimerFired); ok && s.cell.leads() && s.cfg().Clock.Now().Before(f.Due) {
				s.prepare(ctx, f) // a prepared fire is retried prepared
				return
			}
			s.run(ctx, msg)
			return
		}
		s.giveUp(ctx, msg)
	}
	s.rearm()
}

// giveUp settles a message that panicked on every attempt. A timer fire
// given up parks the timer until the next message, so a deadline that
// always panics cannot loop.
func (s *shell) giveUp(ctx actor.Context, msg any) {
	s.cfg().Log.Error("giving up on a message that keeps crashing the actor",
		zap.String("kind", s.cfg().Kind), zap.String("actor", ctx.Self().Id),
		zap.String("message", fmt.Sprintf("%T", msg)), zap.Int("attempts", s.cell.attempts),
		zap.Any("panic", s.cell.cause))
	cause := s.cell.cause
	s.cell.inflight, s.cell.attempts, s.cell.cause = nil, 0, nil
	if _, isTimer := msg.(TimerFired); isTimer {
		s.cell.parked = true
		return
	}
	if g, ok := s.cell.a.(GiveUpper); ok {
		g.GiveUp(ctx, msg, cause)
		s.snapshot()
	}
}

// run handles one message. A panic is logged and re-raised so the
// supervisor restarts this actor; the message is remembered in the cell and
// retried after the restart.
func (s *shell) run(ctx actor.Context, msg any) {
	s.cell.inflight = msg
	s.cell.attempts++
	defer func() {
		if r := recover(); r != nil {
			s.cell.cause = r
			s.cfg().Log.Error("actor panicked; restarting it",
				zap.String("kind", s.cfg().Kind), zap.String("actor", ctx.Self().Id),
				zap.String("message", fmt.Sprintf("%T", msg)), zap.Int("attempt", s.cell.attempts),
				zap.Any("panic", r), zap.Stack("stack"))
			panic(r)
		}
	}()
	if _, ok := msg.(TimerFired); ok {
		if t, ok := s.cell.a.(Timed); ok {
			now := s.cfg().Clock.Now()
			if h := s.cell.preparing; h != nil {
				now = h.at // as of the deadline it prepares
			}
			t.Tick(ctx, now)
		}
	} else {
		s.cell.a.Handle(ctx, msg)
	}
	s.snapshot()
	s.cell.inflight, s.cell.attempts, s.cell.cause = nil, 0, nil
	s.rearm()
}

func (s *shell) snapshot() {
	if sn, ok := s.cell.a.(Snapshotter); ok {
		s.cell.snapshot = sn.Snapshot()
	}
}

// prepare runs a fire ahead of its deadline: Tick as of the deadline, its
// effects held by the gate until then. The snapshot from before is kept to
// undo it if a message comes first (settle).
func (s *shell) prepare(ctx actor.Context, m TimerFired) {
	h := &hold{at: m.Due, late: s.cell.kind.lateness, before: s.cell.snapshot}
	s.cell.held, s.cell.preparing = h, h
	s.run(ctx, m)
	s.cell.preparing = nil
	if !s.cfg().Gate.hold(h) {
		// The gate stopped meanwhile (the subsystem is stopping): undone,
		// and the timer fires at the deadline from now on.
		s.cell.held = nil
		h.cancel()
		s.undo(h)
	}
}

// settle settles the prepared fire still held, before the actor handles
// anything else: a cancelled one is undone, so the message is handled
// before the transition and the timer fires again for it.
func (s *shell) settle() {
	h := s.cell.held
	if h == nil {
		return
	}
	s.cell.held = nil
	if s.cfg().Gate.settle(h, s.cfg().Clock.Now()) {
		s.undo(h)
	}
}

// undo restores the state from before the cancelled prepared fire h and
// re-arms the timer for its deadline.
func (s *shell) undo(h *hold) {
	s.cell.snapshot = h.before
	s.cell.a.(Snapshotter).Restore(h.before)
	s.rearm()
	s.cell.kind.cancels.Inc()
}

// leads reports whether the cell's fires are prepared ahead: its kind has
// a lead and an open gate, its actor can be rolled back, and, if it is a
// Preparer, it agrees.
func (c *cell) leads() bool {
	cfg := &c.kind.cfg
	if cfg.Lead <= 0 || !cfg.Gate.open() {
		return false
	}
	if _, ok := c.a.(Snapshotter); !ok {
		return false
	}
	p, ok := c.a.(Preparer)
	return !ok || p.Preparable()
}

// fireAt is when the cell's timer fires for deadline at: lead before it
// when fires are prepared ahead, but not before a prepared fire still held
// is released, so that fire is settled first.
func (c *cell) fireAt(at time.Time) time.Time {
	if !c.leads() {
		return at
	}
	fire := at.Add(-c.kind.cfg.Lead)
	if h := c.held; h != nil && fire.Before(h.at) {
		fire = h.at
	}
	if fire.After(at) {
		return at
	}
	return fire
}

func (s *shell) rearm() {
	if s.cell.parked {
		return
	}
	if t, ok := s.cell.a.(Timed); ok {
		if at, ok := t.NextDeadline(); ok {
			s.cell.timer.Arm(at, s.cell.fireAt(at))
			return
		}
	}
	s.cell.timer.Stop()
}
