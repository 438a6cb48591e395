package actors

import (
	"container/heap"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gamehost/transitquest/clock"
)

// TimerFired is delivered to an actor's own mailbox when its timer is due.
type TimerFired struct {
	Gen uint64
	Due time.Time
}

// Timer is an actor's single timer. Arming replaces the previous deadline;
// every fire carries a generation so a fire that raced a re-arm, a cancel or
// a restart is recognised as stale and ignored. It uses its own queue of
// plain clock timers rather than protoactor's scheduler or ReceiveTimeout,
// which race at the library version we can use. Only the owning actor calls
// it (or its supervisor, under its lock, while the actor rests).
type Timer struct {
	q    *timerQueue
	name string // the actor's, in its supervisor
	// Guarded by q.mu: the queue reads them when it fires.
	gen   uint64
	due   time.Time
	armed bool // armed and its fire not yet accepted (queued or fired)
	idx   int  // position in q.due; -1 when not queued
}

// Arm sets the deadline to at (in the past fires at once); re-arming the same
// instant is a no-op.
func (t *Timer) Arm(at time.Time) {
	q := t.q
	q.mu.Lock()
	defer q.mu.Unlock()
	if t.armed && t.due.Equal(at) {
		return
	}
	t.gen++
	t.due, t.armed = at, true
	if q.closed {
		return
	}
	if t.idx >= 0 {
		heap.Fix(q, t.idx)
	} else {
		heap.Push(q, t)
	}
	q.scheduleLocked()
}

// Stop cancels the pending deadline, if any.
func (t *Timer) Stop() {
	q := t.q
	q.mu.Lock()
	defer q.mu.Unlock()
	if !t.armed {
		return
	}
	t.armed = false
	t.gen++
	if t.idx >= 0 {
		heap.Remove(q, t.idx)
	}
	// The clock timer stays set for what may have been the earliest: it
	// finds nothing due and sets itself for the next.
}

// Accept reports whether f is the fire of the current deadline, and disarms
// the timer if so.
func (t *Timer) Accept(f TimerFired) bool {
	q := t.q
	q.mu.Lock()
	defer q.mu.Unlock()
	if !t.armed || f.Gen != t.gen {
		return false
	}
	t.armed = false
	return true
}

// timerQueue holds the deadlines of one kind's actors under one supervisor,
// earliest first, behind a single clock timer set at the earliest. A
// runtime timer and two closures per actor, allocated anew at every
// re-arm, were a quarter of an idle actor's heap; here an armed actor
// costs a slot, and a fire delivers every due deadline from one
// goroutine instead of one goroutine per timer.
type timerQueue struct {
	clk     clock.Clock
	pending prometheus.Gauge // the deadlines queued
	deliver func(name string, f TimerFired)

	mu  sync.Mutex
	due []*Timer // a min-heap by due (container/heap)
	// t is the clock timer, set at next (nil: none); seq numbers the
	// clock timers set, so a fire of one replaced meanwhile leaves the
	// current one be.
	t      clock.Timer
	next   time.Time
	seq    uint64
	closed bool
}

func newTimerQueue(clk clock.Clock, pending prometheus.Gauge, deliver func(name string, f TimerFired)) *timerQueue {
	return &timerQueue{clk: clk, pending: pending, deliver: deliver}
}

// timer returns a disarmed timer whose fires go to the actor named name.
func (q *timerQueue) timer(name string) Timer { return Timer{q: q, name: name, idx: -1} }

// scheduleLocked sets the clock timer at the earliest deadline when it is
// not set at or before it already.
func (q *timerQueue) scheduleLocked() {
	if len(q.due) == 0 {
		return
	}
	at := q.due[0].due
	if q.t != nil && !at.Before(q.next) {
		return
	}
	if q.t != nil {
		q.t.Stop()
	}
	q.seq++
	seq := q.seq
	q.next = at
	q.t = q.clk.At(at, func() { q.fire(seq) })
}

// fire delivers every deadline due by now, in order, and sets the clock
// timer for the next one.
func (q *timerQueue) fire(seq uint64) {
	type fired struct {
		name string
		f    TimerFired
	}
	var out []fired
	q.mu.Lock()
	if seq == q.seq {
		q.t = nil
	}
	now := q.clk.Now()
	for len(q.due) > 0 && !q.due[0].due.After(now) {
		t := heap.Pop(q).(*Timer)
		out = append(out, fired{t.name, TimerFired{Gen: t.gen, Due: t.due}})
	}
	if !q.closed {
		q.scheduleLocked()
	}
	q.mu.Unlock()
	for _, d := range out {
		q.deliver(d.name, d.f)
	}
}

// close stops the clock timer and forgets every deadline: the supervisor
// has stopped its actors. Timers armed later are recorded, never queued.
func (q *timerQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	if q.t != nil {
		q.t.Stop()
		q.t = nil
	}
	for _, t := range q.due {
		t.idx = -1
	}
	q.pending.Sub(float64(len(q.due)))
	q.due = nil
}

// heap.Interface, under q.mu.

func (q *timerQueue) Len() int           { return len(q.due) }
func (q *timerQueue) Less(i, j int) bool { return q.due[i].due.Before(q.due[j].due) }
func (q *timerQueue) Swap(i, j int) {
	q.due[i], q.due[j] = q.due[j], q.due[i]
	q.due[i].idx, q.due[j].idx = i, j
}
func (q *timerQueue) Push(x any) {
	t := x.(*Timer)
	t.idx = len(q.due)
	q.due = append(q.due, t)
	q.pending.Inc()
}
func (q *timerQueue) Pop() any {
	n := len(q.due) - 1
	t := q.due[n]
	q.due[n], t.idx = nil, -1
	q.due = q.due[:n]
	q.pending.Dec()
	return t
}
