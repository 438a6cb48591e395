package actors

import (
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/metrics"
)

// Behavior is the logic of one domain actor: a thin adapter from mailbox
// messages to a pure state machine. The Shell around it owns supervision,
// the timer and the state snapshot that survives restarts.
type Behavior interface {
	// Start runs on the first start (restored == false) and after every
	// restart, once the snapshot has been restored (restored == true).
	Start(ctx actor.Context, restored bool)
	// Handle processes one user message.
	Handle(ctx actor.Context, msg any)
	// Tick runs when the deadline given by NextDeadline is reached.
	Tick(ctx actor.Context, now time.Time)
	// NextDeadline is when Tick must run next.
	NextDeadline() (time.Time, bool)
	// Snapshot is the state to keep outside the actor instance; it must not
	// share mutable memory with the live state.
	Snapshot() any
	// Restore rebuilds the live state from a snapshot after a restart.
	Restore(snapshot any)
	// GiveUp is told about a message that made the actor panic on every
	// attempt; it must settle it (e.g. dead-letter the input it carries).
	GiveUp(ctx actor.Context, msg any, cause any)
}

// ShellConfig configures the shells of one actor kind.
type ShellConfig struct {
	Kind        string
	Clock       clock.Clock
	Log         *zap.Logger
	Metrics     *metrics.Metrics
	MaxAttempts int // attempts at one message before GiveUp (default 3)
}

// cell is what survives a restart of one actor: its last good state, the
// message it was handling when it panicked, and its timer (whose generation
// counter must keep growing across instances so stale fires stay stale).
type cell struct {
	snapshot any
	started  bool // a Start has completed and snapshot holds its state
	counted  bool // counted in the live-actors gauge
	inflight any
	attempts int
	cause    any
	timer    *Timer
	parked   bool // a timer fire was given up: wait for the next message before re-arming
}

// Props returns the props of one supervised domain actor. Each call makes a
// new cell, so call it once per actor identity.
func Props(cfg ShellConfig, behavior func() Behavior) *actor.Props {
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 3
	}
	c := &cell{}
	return actor.PropsFromProducer(func() actor.Actor {
		return &shell{cfg: cfg, cell: c, b: behavior()}
	})
}

type shell struct {
	cfg  ShellConfig
	cell *cell
	b    Behavior
}

// Receive implements actor.Actor.
func (s *shell) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		s.started(ctx)
	case *actor.Restarting:
		s.cell.timer.Stop()
		s.cfg.Metrics.ActorRestarts.WithLabelValues(s.cfg.Kind).Inc()
	case *actor.Stopping:
		s.cell.timer.Stop()
	case *actor.Stopped:
		s.cfg.Metrics.LiveActors.WithLabelValues(s.cfg.Kind).Dec()
	case actor.SystemMessage, actor.AutoReceiveMessage:
	case TimerFired:
		if s.cell.timer.Accept(m) {
			s.cfg.Metrics.TimerLateness.WithLabelValues(s.cfg.Kind).Observe(s.cfg.Clock.Now().Sub(m.Due).Seconds())
			s.run(ctx, m)
		}
	default:
		s.cell.parked = false
		s.run(ctx, m)
	}
}

func (s *shell) started(ctx actor.Context) {
	if s.cell.timer == nil {
		self, root := ctx.Self(), ctx.ActorSystem().Root
		s.cell.timer = NewTimer(s.cfg.Clock, func(f TimerFired) { root.Send(self, f) })
	}
	if !s.cell.counted {
		s.cfg.Metrics.LiveActors.WithLabelValues(s.cfg.Kind).Inc()
		s.cell.counted = true
	}
	// Restored only once a Start has completed: a first Start that panicked
	// left no snapshot, so it is simply run again as a first start.
	restored := s.cell.started
	if restored {
		s.b.Restore(s.cell.snapshot)
	}
	s.b.Start(ctx, restored)
	s.cell.snapshot = s.b.Snapshot()
	s.cell.started = true
	if msg := s.cell.inflight; msg != nil {
		if s.cell.attempts >= s.cfg.MaxAttempts {
			s.cfg.Log.Error("giving up on a message that keeps crashing the actor",
				zap.String("kind", s.cfg.Kind), zap.String("actor", ctx.Self().Id),
				zap.String("message", fmt.Sprintf("%T", msg)), zap.Int("attempts", s.cell.attempts),
				zap.Any("panic", s.cell.cause))
			s.cell.inflight, s.cell.attempts = nil, 0
			if _, isTimer := msg.(TimerFired); isTimer {
				s.cell.parked = true
			} else {
				s.b.GiveUp(ctx, msg, s.cell.cause)
				s.cell.snapshot = s.b.Snapshot()
			}
		} else {
			s.run(ctx, msg)
			return
		}
	}
	s.rearm()
}

// run handles one message. A panic is logged and re-raised so the
// supervisor restarts this actor from its last good snapshot; the message
// is remembered in the cell and retried after the restart.
func (s *shell) run(ctx actor.Context, msg any) {
	s.cell.inflight = msg
	s.cell.attempts++
	defer func() {
		if r := recover(); r != nil {
			s.cell.cause = r
			s.cfg.Log.Error("actor panicked; restarting it from its last good state",
				zap.String("kind", s.cfg.Kind), zap.String("actor", ctx.Self().Id),
				zap.String("message", fmt.Sprintf("%T", msg)), zap.Int("attempt", s.cell.attempts),
				zap.Any("panic", r), zap.Stack("stack"))
			panic(r)
		}
	}()
	if _, ok := msg.(TimerFired); ok {
		s.b.Tick(ctx, s.cfg.Clock.Now())
	} else {
		s.b.Handle(ctx, msg)
	}
	s.cell.snapshot = s.b.Snapshot()
	s.cell.inflight, s.cell.attempts, s.cell.cause = nil, 0, nil
	s.rearm()
}

func (s *shell) rearm() {
	if s.cell.parked {
		return
	}
	if at, ok := s.b.NextDeadline(); ok {
		s.cell.timer.Arm(at)
	} else {
		s.cell.timer.Stop()
	}
}
