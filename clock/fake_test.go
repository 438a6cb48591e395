package clock

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// Set steps through the due instants; Jump wakes up at the end at once.
func TestFakeSetStepsAndJumpWakesUpLate(t *testing.T) {
	start := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		move func(*Fake, time.Time)
		want time.Time
	}{
		{"Set", (*Fake).Set, start.Add(time.Minute)},
		{"Jump", (*Fake).Jump, start.Add(time.Hour)},
	} {
		c := NewFake(start)
		var seen time.Time
		c.AfterFunc(time.Minute, func() { seen = c.Now() })
		tc.move(c, start.Add(time.Hour))
		assert.Equal(t, tc.want, seen, tc.name)
		assert.Equal(t, start.Add(time.Hour), c.Now(), tc.name)
		assert.Zero(t, c.Pending(), tc.name)
	}
}

// At schedules an instant: a move between reading the time and scheduling
// does not shift it, and an instant already passed fires at the next move.
func TestFakeAtSchedulesAnInstant(t *testing.T) {
	start := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	c := NewFake(start)
	due := start.Add(time.Minute) // decided at 12:00
	c.Advance(30 * time.Second)   // the clock moves before it is scheduled
	var seen time.Time
	c.At(due, func() { seen = c.Now() })
	c.Advance(30 * time.Second)
	assert.Equal(t, due, seen)

	late := false
	c.At(start, func() { late = true })
	assert.False(t, late)
	c.Advance(0)
	assert.True(t, late)
}
