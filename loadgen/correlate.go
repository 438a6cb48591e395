package loadgen

import (
	"sync"
	"time"
)

// Pending is a command waiting for its effect.
type Pending struct {
	SentAt    time.Time
	Kind      string // e.g. "ride START"
	Commands  int    // commands completed by the effect (pipelined ones included)
	Character uint32 // the sender, to hand a timeout back to its scenario
}

// Correlator holds the send instant of every command whose effect has not
// been seen yet, keyed by correlation id. It is safe for concurrent use.
type Correlator struct {
	mu      sync.Mutex
	pending map[string]Pending
}

// NewCorrelator returns an empty correlator.
func NewCorrelator() *Correlator { return &Correlator{pending: map[string]Pending{}} }

// Expect records that the effect id is awaited. A second Expect for the same
// id replaces the first (the older command is then never matched).
func (c *Correlator) Expect(id string, p Pending) {
	c.mu.Lock()
	c.pending[id] = p
	c.mu.Unlock()
}

// Resolve removes and returns the command awaiting id.
func (c *Correlator) Resolve(id string) (Pending, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pending[id]
	if ok {
		delete(c.pending, id)
	}
	return p, ok
}

// Forget drops every pending command of a character (after its command was
// dead-lettered) and returns how many there were.
func (c *Correlator) Forget(character uint32) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for id, p := range c.pending {
		if p.Character == character {
			delete(c.pending, id)
			n++
		}
	}
	return n
}

// Expired removes and returns the commands sent before now-timeout.
func (c *Correlator) Expired(now time.Time, timeout time.Duration) []Pending {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Pending
	for id, p := range c.pending {
		if now.Sub(p.SentAt) > timeout {
			out = append(out, p)
			delete(c.pending, id)
		}
	}
	return out
}

// Len is the number of commands in flight.
func (c *Correlator) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending)
}
