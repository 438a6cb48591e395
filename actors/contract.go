package actors

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// Actor is the one thing every domain actor must have: a way to handle a
// message from its mailbox. Everything else an actor may need is a small
// optional interface below, found by type assertion (as franz-go finds its
// hooks), so an actor only writes the methods it uses.
type Actor interface {
	Handle(ctx actor.Context, msg any)
}

// Starter is an actor with work to do when it first starts (not after a
// restart: a restart restores state, see Snapshotter). A first Start that
// panics runs again, on a fresh actor from the same producer.
type Starter interface {
	Start(ctx actor.Context)
}

// Timed is an actor with a timer. The shell arms it at NextDeadline after
// every message and calls Tick in the mailbox once it is due, so timers and
// messages are serialised alike.
type Timed interface {
	NextDeadline() (time.Time, bool)
	Tick(ctx actor.Context, now time.Time)
}

// Preparer is a Timed actor of a kind that prepares its fires ahead of
// their deadlines (ShellConfig.Lead) and that may decline: Preparable,
// asked when its timer is armed and when it fires, false has the fire come
// at the deadline, as without a lead.
type Preparer interface {
	Preparable() bool
}

// Snapshotter is an actor that rolls back on a panic. The shell keeps the
// Snapshot taken after the last message that completed and hands it to
// Restore after a restart, so a half-done change is undone. A snapshot must
// not share mutable memory with the live state (a deep copy or an
// immutable value), or the rollback would keep the half-done change.
//
// An actor that is not a Snapshotter keeps its live state across a restart,
// whatever the panicking message wrote into it. That is the right choice
// only where copying the state after every message would cost more than
// the rare restart it protects and each update is a single map write that
// a panic cannot leave half-done; such an actor says so on its type.
type Snapshotter interface {
	Snapshot() any
	Restore(snapshot any)
}

// Rester is a Snapshotter that may leave memory while idle (passivation).
// When its supervisor's sweep finds it told nothing for a sweep period,
// Rest drops the state Restore rebuilds from the last snapshot (after a
// message that completed) and reports whether it did; its process then
// stops, its timer stays armed, and the next message or timer fire wakes
// it with Restore. Rest runs in the mailbox, under the supervisor's lock:
// it must only let go of memory.
//
// Peek may answer a message told to the resting actor from its snapshot,
// without waking it (a query), and reports whether it did; it runs on the
// teller's goroutine under the supervisor's lock, and must change nothing.
type Rester interface {
	Snapshotter
	Rest() bool
	Peek(snapshot any, msg any) bool
}

// GiveUpper is an actor that must settle a message that made it panic on
// every attempt, e.g. dead-letter the input it carries or answer its asker.
// Without it the message is logged and dropped.
type GiveUpper interface {
	GiveUp(ctx actor.Context, msg any, cause any)
}
