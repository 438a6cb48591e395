package ride

import (
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
)

func TestExitFromOwnInstanceCancelsWithoutWarp(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	start(t, m, 1, 7, 2, t0)
	start(t, m, 1, 8, 2, t0)
	id := instanceID(1)

	removed, out := m.Exit(3, 7, id, t0.Add(time.Second))

	assert.True(t, removed)
	assert.Equal(t, []messages.Record{wantCancelled(3, 7, id, "MAP_EXIT")}, out, "event world, no CHANGE_MAP")
	_, riding := m.Riding(7)
	assert.False(t, riding)
	assert.Equal(t, []Rider{{8, 1, 2}}, m.Instances()[0].Riders, "the others continue")
	checkInvariants(t, m)
}

func TestExitIgnoredUnlessFromTheRideInstance(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	start(t, m, 1, 7, 2, t0)
	before := m.State()

	for name, inst := range map[string]uuid.UUID{
		"start map exit caused by START": uuid.Nil,
		"another instance":               instanceID(99),
	} {
		removed, out := m.Exit(1, 7, inst, t0)
		assert.False(t, removed, name)
		assert.Nil(t, out, name)
	}
	removed, out := m.Exit(1, 8, instanceID(1), t0)
	assert.False(t, removed, "not a rider")
	assert.Nil(t, out)
	assert.Equal(t, before, m.State())
}

func TestLastRiderLeavingReleasesInstance(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	start(t, m, 1, 7, 2, t0)
	start(t, m, 1, 8, 2, t0)

	m.Exit(1, 7, instanceID(1), t0)
	_, ok := m.NextDeadline()
	assert.True(t, ok)

	removed, out := m.Logout(1, 8, t0)
	assert.True(t, removed)
	assert.Equal(t, []messages.Record{wantCancelled(1, 8, instanceID(1), "LOGOUT")}, out)
	_, ok = m.NextDeadline()
	assert.False(t, ok, "no deadline left")
	assert.Empty(t, m.Instances())
	assert.Equal(t, 0, m.Riders())
	checkInvariants(t, m)

	ended, out := m.Tick(t0.Add(time.Hour))
	assert.Empty(t, ended)
	assert.Empty(t, out, "a released instance never arrives")
}

func TestLogout(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	start(t, m, 1, 7, 2, t0)
	start(t, m, 1, 8, 2, t0)

	removed, out := m.Logout(4, 7, t0.Add(time.Second))
	assert.True(t, removed)
	assert.Equal(t, []messages.Record{wantCancelled(4, 7, instanceID(1), "LOGOUT")}, out, "event world, no warp")

	removed, out = m.Logout(4, 7, t0.Add(2*time.Second))
	assert.False(t, removed, "already gone")
	assert.Nil(t, out)
	assert.Len(t, m.Instances()[0].Riders, 1)
	checkInvariants(t, m)
}

// After a cancel the character may ride again: a fresh START is a new ride.
func TestRideAgainAfterCancel(t *testing.T) {
	r := testRoute()
	r.Capacity = 1
	m, _ := newTestMachine(t, r)
	start(t, m, 1, 7, 2, t0)
	m.Logout(1, 7, t0)

	b, out := start(t, m, 1, 7, 2, t0.Add(time.Second))
	assert.Equal(t, Boarding{InstanceID: instanceID(2), Created: true}, b)
	assert.Len(t, out, 2)
	checkInvariants(t, m)
}
