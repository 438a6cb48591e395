package clock

import (
	"sort"
	"sync"
	"time"
)

// Fake is a manually advanced clock for tests. Callbacks whose due time is
// reached by Advance or Set run synchronously, in due order, on the caller's
// goroutine; callbacks that only send to a mailbox are therefore safe.
type Fake struct {
	mu     sync.Mutex
	now    time.Time
	seq    uint64
	timers []*fakeTimer
}

type fakeTimer struct {
	c    *Fake
	due  time.Time
	seq  uint64
	f    func()
	done bool
}

// NewFake returns a fake clock set to start (converted to UTC).
func NewFake(start time.Time) *Fake { return &Fake{now: start.UTC()} }

// Now returns the fake time.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f at Now()+d. A non-positive d fires at the next Advance
// or Set, even one of zero.
func (c *Fake) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.scheduleLocked(c.now.Add(d), f)
}

// At schedules f at instant t. One not after Now fires at the next
// Advance or Set, even one of zero.
func (c *Fake) At(t time.Time, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.scheduleLocked(t.UTC(), f)
}

func (c *Fake) scheduleLocked(due time.Time, f func()) Timer {
	c.seq++
	t := &fakeTimer{c: c, due: due, seq: c.seq, f: f}
	c.timers = append(c.timers, t)
	return t
}

// Stop cancels the timer.
func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if t.done {
		return false
	}
	t.done = true
	return true
}

// Advance moves time forward by d, firing every timer that falls due.
func (c *Fake) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// Set moves time to t (never backwards), firing every timer due by then in
// due order; a timer scheduled by a callback fires too if it is due by t.
func (c *Fake) Set(t time.Time) {
	t = t.UTC()
	for {
		c.mu.Lock()
		if t.Before(c.now) {
			t = c.now
		}
		next := c.nextDueLocked(t)
		if next == nil {
			c.now = t
			c.mu.Unlock()
			return
		}
		next.done = true
		if next.due.After(c.now) {
			c.now = next.due
		}
		c.mu.Unlock()
		next.f()
	}
}

// Jump moves time to t at once (never backwards), then fires every timer
// due by then, as a process that wakes up late sees it: unlike Set, no
// callback runs at an intermediate instant, so an actor that handles a
// fire while Jump is still firing reads t, not the fire's due time.
func (c *Fake) Jump(t time.Time) {
	c.mu.Lock()
	if t = t.UTC(); t.After(c.now) {
		c.now = t
	}
	c.mu.Unlock()
	c.Set(t)
}

// Pending reports how many timers are armed and not yet fired or stopped.
func (c *Fake) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.timers {
		if !t.done {
			n++
		}
	}
	return n
}

func (c *Fake) nextDueLocked(limit time.Time) *fakeTimer {
	live := c.timers[:0]
	for _, t := range c.timers {
		if !t.done {
			live = append(live, t)
		}
	}
	c.timers = live
	sort.Slice(live, func(i, j int) bool {
		if !live[i].due.Equal(live[j].due) {
			return live[i].due.Before(live[j].due)
		}
		return live[i].seq < live[j].seq
	})
	if len(live) == 0 || live[0].due.After(limit) {
		return nil
	}
	return live[0]
}
