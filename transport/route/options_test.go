package route

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSpawnPortals(t *testing.T) {
	tt := boatTimetable(t)
	portals := map[uint32]uint32{200090000: 5, 101000300: 3}
	m, _ := New(tt, orbisEllinia.ID, at(0, 4, 0), WithSpawnPortals(portals), WithMaxCatchUp(0))
	portals[101000300] = 99 // the machine keeps its own copy

	effs, _ := m.Tick(at(0, 15, 0))
	require.Len(t, effs, 3)
	assert.Equal(t, &Sweep{From: []uint32{200000112}, To: 200090000, Portal: 5}, effs[0].Sweep)
	assert.Equal(t, &Sweep{From: []uint32{200090000, 200090001}, To: 101000300, Portal: 3}, effs[1].Sweep)

	// Without the option every portal is 0.
	m, _ = New(tt, orbisEllinia.ID, at(0, 4, 0))
	effs, _ = m.Tick(at(0, 5, 0))
	require.Len(t, effs, 1)
	assert.Zero(t, effs[0].Sweep.Portal)
}

// TestSweepSlicesAreFresh: an effect's From can be changed by its receiver
// without affecting the route or later effects.
func TestSweepSlicesAreFresh(t *testing.T) {
	tt := boatTimetable(t)
	m, _ := New(tt, orbisEllinia.ID, at(0, 14, 0))
	effs, _ := m.Tick(at(0, 15, 0))
	effs[0].Sweep.From[0] = 1
	effs, _ = m.Tick(at(0, 30, 0))
	effs = effs[len(effs)-2:]
	assert.Equal(t, []uint32{200090000, 200090001}, effs[0].Sweep.From)
}
