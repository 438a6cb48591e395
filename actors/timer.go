package actors

import (
	"time"

	"github.com/gamehost/transitquest/clock"
)

// TimerFired is delivered to an actor's own mailbox when its timer is due.
type TimerFired struct {
	Gen uint64
	Due time.Time // the deadline (the fire may come ahead of it)
}

// Timer is an actor's single timer. Arming replaces the previous deadline;
// every fire carries a generation so a fire that raced a re-arm, a cancel or
// a restart is recognised as stale and ignored. It uses clock.AfterFunc (a
// plain timer) rather than protoactor's scheduler or ReceiveTimeout, which
// race at the library version we can use. Only the owning actor calls it,
// or its supervisor, under its lock, while the actor has no process (at
// rest).
type Timer struct {
	clk  clock.Clock
	send func(TimerFired)
	gen  uint64
	t    clock.Timer
	due  time.Time
	fire time.Time
}

// NewTimer returns a disarmed timer delivering fires through send (the
// supervisor's Tell, which wakes a resting actor).
func NewTimer(clk clock.Clock, send func(TimerFired)) *Timer {
	return &Timer{clk: clk, send: send}
}

// Arm sets the deadline to at and fires at fire (at itself, or before it
// when the fire is prepared ahead; in the past fires at once); re-arming
// the same instants is a no-op.
func (t *Timer) Arm(at, fire time.Time) {
	if t.t != nil && t.due.Equal(at) && t.fire.Equal(fire) {
		return
	}
	t.Stop()
	t.gen++
	gen, due := t.gen, at
	t.due, t.fire = at, fire
	t.t = t.clk.At(fire, func() { t.send(TimerFired{Gen: gen, Due: due}) })
}

// Stop cancels the pending deadline, if any.
func (t *Timer) Stop() {
	if t.t != nil {
		t.t.Stop()
		t.t = nil
		t.gen++
	}
}

// Accept reports whether f is the fire of the current deadline, and disarms
// the timer if so.
func (t *Timer) Accept(f TimerFired) bool {
	if t.t == nil || f.Gen != t.gen {
		return false
	}
	t.t = nil
	return true
}
