package actors

import (
	"container/heap"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// Holder is Effects that can encode a timer's effects ahead of their
// instant and submit them later (kafka.Emitter). Effects without it are
// emitted at release as they are.
type Holder interface {
	Hold(t tenant.Tenant, recs []messages.Record) (release func(at time.Time) error, err error)
}

// The service's effects encode what they hold when it is held.
var _ Holder = (*kafka.Emitter)(nil)

// Gate releases timer effects prepared ahead of their deadline (see
// ShellConfig.Lead), each at its deadline, from one timer: a thousand
// routes due at one instant prepare their departures over the lead before
// it, one after another as the cores allow, and the gate hands them all to
// the outbox at the instant, a few microseconds each, instead of a
// thousand actors each waking, deciding and encoding then. A prepared
// fire is speculative: any message its actor handles before the release
// cancels it, and the actor decides again (see shell.settle), so no input
// is ever ordered after a transition it preceded.
//
// A subsystem makes one gate for its actors and stops it when it stops.
type Gate struct {
	clk clock.Clock
	log *zap.Logger

	mu      sync.Mutex
	waiting holdQueue
	timer   clock.Timer
	armedAt time.Time
	stopped atomic.Bool // set under mu; read without it by open
}

// NewGate returns a gate on clk with nothing held.
func NewGate(clk clock.Clock, log *zap.Logger) *Gate {
	return &Gate{clk: clk, log: log}
}

// Hold states: a hold is settled exactly once, by the gate or its actor
// (released) or by its actor or the gate's stop (cancelled).
const (
	holdPending = iota
	holdReleased
	holdCancelled
)

// hold is one prepared fire's effects, waiting for their deadline.
type hold struct {
	at time.Time
	// releases submit the effects the fire emitted (EmitDue), in order,
	// stamped with the instant they are released.
	releases []func(at time.Time) error
	after    []func() // OnRelease's, run after the releases
	late     prometheus.Observer
	// mu guards state, and is held while the effects are submitted: an
	// actor settling its hold waits for a release in progress, so nothing
	// it emits next can reach the outbox ahead of the held effects.
	mu    sync.Mutex
	state int
	seq   uint64
	// before is the actor's snapshot before it prepared: restored when its
	// hold is cancelled.
	before any
}

// cancel settles a pending hold as never to be released, and reports
// whether it did (false: the gate released it first).
func (h *hold) cancel() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.state != holdPending {
		return false
	}
	h.state = holdCancelled
	h.releases, h.after = nil, nil // before stays, for the undo
	return true
}

// hold queues h for release at h.at, or releases it at once when that has
// passed (its fire was prepared late); false when the gate has stopped
// (nothing is held).
func (g *Gate) hold(h *hold) bool {
	g.mu.Lock()
	if g.stopped.Load() {
		g.mu.Unlock()
		return false
	}
	if now := g.clk.Now(); !h.at.After(now) {
		g.mu.Unlock()
		g.releaseNow(h, now, time.Now())
		return true
	}
	h.seq = g.waiting.seq
	g.waiting.seq++
	heap.Push(&g.waiting, h)
	g.armLocked()
	g.mu.Unlock()
	return true
}

// open reports whether the gate takes holds (a nil gate takes none).
func (g *Gate) open() bool { return g != nil && !g.stopped.Load() }

// armLocked keeps the timer at the earliest held deadline.
func (g *Gate) armLocked() {
	if len(g.waiting.hs) == 0 {
		if g.timer != nil {
			g.timer.Stop()
			g.timer = nil
		}
		return
	}
	next := g.waiting.hs[0].at
	if g.timer != nil {
		if g.armedAt.Equal(next) {
			return
		}
		g.timer.Stop()
	}
	g.armedAt = next
	g.timer = g.clk.At(next, g.fire)
}

// fire releases every hold that is due, in deadline order, all stamped
// with the instant the gate released them (the wall clock's, as every
// record's stamp), which is never before their deadline: the transitions
// of one instant are released together, and handing them to the outbox
// one by one is not part of their decision.
func (g *Gate) fire() {
	g.mu.Lock()
	if g.stopped.Load() {
		g.mu.Unlock()
		return
	}
	now, stamp := g.clk.Now(), time.Now()
	var due []*hold
	for len(g.waiting.hs) > 0 && !g.waiting.hs[0].at.After(now) {
		due = append(due, heap.Pop(&g.waiting).(*hold))
	}
	g.timer = nil
	g.armLocked()
	g.mu.Unlock()
	for _, h := range due {
		g.releaseNow(h, now, stamp) // false: its actor got there first
	}
}

// releaseNow submits h's effects stamped at stamp, unless it is settled
// already, and reports whether it did; now is the gate's clock's instant.
func (g *Gate) releaseNow(h *hold, now, stamp time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.state != holdPending {
		return false
	}
	h.state = holdReleased
	if h.late != nil {
		h.late.Observe(now.Sub(h.at).Seconds())
	}
	for _, release := range h.releases {
		if err := release(stamp); err != nil {
			notEmittedLog(g.log, "held timer effects not emitted", err)
		}
	}
	for _, f := range h.after {
		f()
	}
	// The actor keeps its last hold until its next message: what the hold
	// carried must not stay alive with it (a quest instance waiting for its
	// next stage kept its previous snapshot and its encoded records).
	h.releases, h.after, h.before = nil, nil, nil
	return true
}

// settle settles h for its actor, which is about to handle a message at
// now: a hold already due is released here (the gate's timer is late), one
// not yet due is cancelled, so the message is handled before the
// transition it precedes. It reports whether h ended cancelled (here, or
// by Stop): the actor then restores h.before.
func (g *Gate) settle(h *hold, now time.Time) bool {
	if now.Before(h.at) {
		h.cancel()
	} else {
		g.releaseNow(h, now, time.Now())
	}
	h.mu.Lock() // a release in progress on the gate's goroutine ends first
	defer h.mu.Unlock()
	return h.state == holdCancelled
}

// Stop cancels what is held and stops the timer; holds offered afterwards
// are refused. The effects cancelled here are never committed: their
// actors are stopping with the subsystem, and whoever runs them next
// restores the state last committed and decides them again.
func (g *Gate) Stop() {
	if g == nil {
		return
	}
	g.mu.Lock()
	g.stopped.Store(true)
	if g.timer != nil {
		g.timer.Stop()
		g.timer = nil
	}
	held := g.waiting.hs
	g.waiting.hs = nil
	g.mu.Unlock()
	for _, h := range held {
		h.cancel()
	}
}

// holdQueue orders holds by deadline, then by the order they were held.
type holdQueue struct {
	hs  []*hold
	seq uint64
}

func (q *holdQueue) Len() int { return len(q.hs) }
func (q *holdQueue) Less(i, j int) bool {
	a, b := q.hs[i], q.hs[j]
	if !a.at.Equal(b.at) {
		return a.at.Before(b.at)
	}
	return a.seq < b.seq
}
func (q *holdQueue) Swap(i, j int) { q.hs[i], q.hs[j] = q.hs[j], q.hs[i] }
func (q *holdQueue) Push(x any)    { q.hs = append(q.hs, x.(*hold)) }
func (q *holdQueue) Pop() any {
	n := len(q.hs) - 1
	h := q.hs[n]
	q.hs[n] = nil
	q.hs = q.hs[:n]
	return h
}

// add prepares recs, a timer's effects for tenant t, for release with h
// (encoded now when env.Effects is a Holder); false when they cannot be
// prepared, and the caller emits them at once, where the failure is
// reported.
func (h *hold) add(env Env, t tenant.Tenant, recs []messages.Record) bool {
	hd, ok := env.Effects.(Holder)
	if !ok {
		// Stamped by Emit itself, at the release.
		h.releases = append(h.releases, func(time.Time) error { return env.Effects.Emit(t, kafka.Trace{}, recs, nil, nil) })
		return true
	}
	release, err := hd.Hold(t, recs)
	if err != nil {
		return false
	}
	h.releases = append(h.releases, release)
	return true
}
