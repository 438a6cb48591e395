package ride

import (
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
)

func TestShutdownWarpsEveryRiderHomeWithoutEvents(t *testing.T) {
	r := testRoute()
	r.Capacity = 2
	m, _ := newTestMachine(t, r)
	start(t, m, 1, 7, 2, t0)
	start(t, m, 3, 8, 4, t0)
	start(t, m, 5, 9, 6, t0)
	m.Tick(t0.Add(time.Minute)) // both phases are covered: #1, #2 in transit
	start(t, m, 1, 10, 2, t0.Add(time.Minute))

	ended, out := m.Shutdown()

	assert.Equal(t, []uint32{7, 8, 9, 10}, ended)
	assert.Equal(t, []messages.Record{
		wantWarp(1, 7, 2, startMap, uuid.Nil),
		wantWarp(3, 8, 4, startMap, uuid.Nil),
		wantWarp(5, 9, 6, startMap, uuid.Nil),
		wantWarp(1, 10, 2, startMap, uuid.Nil),
	}, out, "no CANCELLED, as in the reference")
	assert.Empty(t, m.Instances())
	assert.Equal(t, State{Instances: []Instance{}}, m.State())
	_, ok := m.NextDeadline()
	assert.False(t, ok)
	checkInvariants(t, m)

	ended, out = m.Shutdown()
	assert.Empty(t, ended, "nobody is warped twice")
	assert.Empty(t, out)
}
