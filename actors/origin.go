package actors

import (
	"errors"

	"github.com/asynkron/protoactor-go/actor"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// Origin is where an operation came from: a consumed record, whose offset
// commits together with the operation's effects, or a caller waiting for
// the commit (REST). Timer-driven effects have no origin: see EmitTimer.
type Origin struct {
	Tenant tenant.Tenant
	Trace  kafka.Trace
	In     *kafka.Input
	// Reply, when not nil, gets nil once the effects are committed, or the
	// error that refused or failed the operation. It must have room for one
	// value, so an actor never blocks on it.
	Reply chan<- error
}

// FromInput is the origin of a consumed record.
func FromInput(in *kafka.Input) Origin {
	return Origin{Tenant: in.Tenant, Trace: in.Trace, In: in}
}

// Emit commits recs together with the origin's input (recs may be empty:
// the input is then just completed), or answers the caller after the
// commit.
func (o Origin) Emit(env Env, recs []messages.Record) {
	var done func()
	if o.Reply != nil {
		reply := o.Reply
		done = func() { reply <- nil }
	}
	if o.In == nil && len(recs) == 0 {
		if done != nil {
			done()
		}
		return
	}
	if err := env.Effects.Emit(o.Tenant, o.Trace, recs, o.In, done); err != nil {
		// Either the outbox is closed (the input is read again by the
		// partition's next owner) or the effects did not encode (Emit
		// dead-lettered the input).
		notEmitted(env, "effects not emitted", err, o.Tenant)
		if o.Reply != nil {
			o.Reply <- err
		}
	}
}

// Reject refuses the operation: a record is dead-lettered with the reason,
// a caller gets the error.
func (o Origin) Reject(env Env, err error) {
	switch {
	case o.In != nil:
		env.Effects.Reject(o.In, err)
	case o.Reply != nil:
		o.Reply <- err
	}
}

// EmitDue emits the effects of a Tick. In a fire prepared ahead of its
// deadline (ShellConfig.Lead) they are held and released at the deadline,
// unless a message to the actor comes first; otherwise it is EmitTimer
// with no done. Actors whose kind has a lead emit their Ticks' effects
// through it.
func EmitDue(ctx actor.Context, env Env, t tenant.Tenant, recs []messages.Record) {
	if len(recs) == 0 {
		return
	}
	if h := preparing(ctx); h != nil && h.add(env, t, recs) {
		return
	}
	EmitTimer(env, t, recs, nil)
}

// OnRelease runs f once the effects a Tick emitted through EmitDue are
// released: at once outside a prepared fire, at the release in one (on the
// gate's goroutine, so f must be safe there), never if the fire is undone.
// It is for what a Tick does besides changing its state and emitting, that
// a roll-back could not undo, such as stopping its actor.
func OnRelease(ctx actor.Context, f func()) {
	if h := preparing(ctx); h != nil {
		h.after = append(h.after, f)
		return
	}
	f()
}

// preparing is the hold of the fire ctx's actor is preparing ahead of its
// deadline, or nil (not in a Tick, not prepared ahead, or not a shell's
// context: a test calling an actor directly).
func preparing(ctx actor.Context) *hold {
	if ctx == nil {
		return nil
	}
	if s, ok := ctx.Actor().(*shell); ok && s.cell != nil {
		return s.cell.preparing
	}
	return nil
}

// EmitTimer emits effects that no input caused (timers, shutdown); done
// runs once they are committed, or at once when there is nothing to commit
// or the emit failed, so a shutdown never waits forever.
func EmitTimer(env Env, t tenant.Tenant, recs []messages.Record, done func()) {
	if len(recs) == 0 {
		if done != nil {
			done()
		}
		return
	}
	if err := env.Effects.Emit(t, kafka.Trace{}, recs, nil, done); err != nil {
		notEmitted(env, "timer effects not emitted", err, t)
		if done != nil {
			done()
		}
	}
}

// notEmitted logs effects that were not emitted. After the outbox closed
// (shutdown) that is expected of every actor still working, possibly tens
// of thousands at once, and the service logs one line about it: a debug
// line each keeps the stop of the actors fast.
func notEmitted(env Env, msg string, err error, t tenant.Tenant) {
	notEmittedLog(env.Log, msg, err, zap.Stringer("tenant", t))
}

// notEmittedLog is notEmitted on log, with fields.
func notEmittedLog(log *zap.Logger, msg string, err error, fields ...zap.Field) {
	fields = append(fields, zap.Error(err))
	if errors.Is(err, kafka.ErrClosed) {
		log.Debug(msg, fields...)
		return
	}
	log.Error(msg, fields...)
}
