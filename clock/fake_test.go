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
