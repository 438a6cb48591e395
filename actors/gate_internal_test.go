package actors

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/clock"
)

// The gate releases what is due at each instant, in deadline order and in
// the order held on ties, from one timer armed at the earliest deadline;
// what one fire releases carries one stamp.
func TestGateReleasesInDeadlineOrder(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	clk := clock.NewFake(t0)
	g := NewGate(clk, zaptest.NewLogger(t))
	defer g.Stop()
	var got []string
	stamps := map[string]time.Time{}
	add := func(name string, at time.Duration) {
		h := &hold{at: t0.Add(at), releases: []func(time.Time) error{func(stamp time.Time) error {
			got, stamps[name] = append(got, name), stamp
			return nil
		}}}
		require.True(t, g.hold(h))
	}
	add("late", 2*time.Second)
	add("first", time.Second)
	add("second", time.Second)
	assert.Equal(t, 1, clk.Pending(), "one timer, whatever is held")
	clk.Advance(time.Second)
	assert.Equal(t, []string{"first", "second"}, got)
	assert.Equal(t, stamps["first"], stamps["second"], "released together")
	clk.Advance(time.Second)
	assert.Equal(t, []string{"first", "second", "late"}, got)
	assert.Zero(t, clk.Pending(), "nothing held, nothing armed")
}

// An actor settling its hold before the deadline cancels it (the gate then
// skips it); at or after the deadline it releases it itself, once.
func TestGateSettleCancelsEarlyAndReleasesDue(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	clk := clock.NewFake(t0)
	g := NewGate(clk, zaptest.NewLogger(t))
	defer g.Stop()
	released := map[string]int{}
	add := func(name string) *hold {
		h := &hold{at: t0.Add(time.Second), before: name,
			releases: []func(time.Time) error{func(time.Time) error { released[name]++; return nil }}}
		require.True(t, g.hold(h))
		return h
	}
	early, due := add("early"), add("due")
	assert.True(t, g.settle(early, t0.Add(time.Second-time.Nanosecond)), "cancelled: undo")
	assert.Equal(t, "early", early.before, "a cancelled hold keeps the snapshot to undo to")
	assert.False(t, g.settle(due, t0.Add(time.Second)), "released by the actor: keep")
	assert.Nil(t, due.before, "a released hold lets go of what it carried")
	assert.Nil(t, due.releases)
	clk.Advance(time.Second)
	assert.Equal(t, map[string]int{"due": 1}, released)
}

// Stop cancels what is held and refuses more.
func TestGateStopCancelsWhatItHolds(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	clk := clock.NewFake(t0)
	g := NewGate(clk, zaptest.NewLogger(t))
	h := &hold{at: t0.Add(time.Second), releases: []func(time.Time) error{func(time.Time) error { t.Error("released after Stop"); return nil }}}
	require.True(t, g.hold(h))
	g.Stop()
	assert.False(t, g.open())
	assert.False(t, g.hold(&hold{at: t0}))
	clk.Advance(time.Second)
	assert.True(t, g.settle(h, t0.Add(time.Second)), "cancelled by Stop: undo")
	var nilGate *Gate
	assert.False(t, nilGate.open())
	nilGate.Stop()
}

// A hold is locked while its effects are submitted, and an actor settling
// it takes that lock: a release in progress on the gate's goroutine ends
// before the actor goes on, so what it emits next cannot reach the outbox
// ahead of the held effects.
func TestGateSettleWaitsForAReleaseInProgress(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	clk := clock.NewFake(t0)
	g := NewGate(clk, zaptest.NewLogger(t))
	defer g.Stop()
	h := &hold{at: t0.Add(time.Second)}
	lockedWhileSubmitting := false
	h.releases = []func(time.Time) error{func(time.Time) error {
		lockedWhileSubmitting = !h.mu.TryLock()
		if !lockedWhileSubmitting {
			h.mu.Unlock()
		}
		return nil
	}}
	require.True(t, g.hold(h))
	clk.Advance(time.Second)
	assert.True(t, lockedWhileSubmitting, "the hold is locked while its effects are submitted")
	assert.False(t, g.settle(h, t0.Add(time.Second)), "released: kept")
}
