package presence

import (
	"testing"

	"github.com/gamehost/transitquest/messages"
	"github.com/stretchr/testify/assert"
)

func TestSweepOverChannelsAndWorlds(t *testing.T) {
	x := New()
	x.ChannelStarted(0, 1)
	x.ChannelStarted(1, 1)
	x.ChannelStarted(0, 2)

	x.Enter(30, loc(1, 1, ship))
	x.Enter(11, loc(0, 1, cabin))
	x.Enter(10, loc(0, 1, ship))
	x.Enter(12, loc(0, 1, ship))
	x.Enter(20, loc(0, 2, cabin))
	x.Enter(21, Location{0, 2, ship, inst}) // instanced copy: never swept
	x.Enter(40, loc(0, 3, ship))            // channel 3 never announced, active by presence
	x.Enter(50, loc(0, 1, staging))         // not a swept map
	x.Enter(60, loc(0, 1, dest))

	got := x.Sweep([]uint32{ship, cabin}, dest, 7)
	want := []messages.Record{
		// world 0 channel 1: ship (sorted), then cabin
		warp(0, 1, 10, dest, 7), warp(0, 1, 12, dest, 7), warp(0, 1, 11, dest, 7),
		// world 0 channel 2: cabin only (ship has only an instanced copy)
		warp(0, 2, 20, dest, 7),
		// world 0 channel 3: active because of character 40
		warp(0, 3, 40, dest, 7),
		// world 1 channel 1
		warp(1, 1, 30, dest, 7),
	}
	assert.Equal(t, want, got)

	// The index is untouched: ENTER/EXIT events will move people.
	where, _ := x.Where(10)
	assert.Equal(t, loc(0, 1, ship), where)
}

func TestSweepNoDuplicates(t *testing.T) {
	x := New()
	x.ChannelStarted(0, 1)
	x.Enter(1, loc(0, 1, ship))
	x.Enter(2, loc(0, 1, cabin))
	got := x.Sweep([]uint32{ship, cabin, ship, cabin}, dest, 0)
	assert.Equal(t, []messages.Record{warp(0, 1, 1, dest, 0), warp(0, 1, 2, dest, 0)}, got)
}

func TestSweepOnlyActiveChannels(t *testing.T) {
	x := New()
	x.ChannelStarted(0, 1)
	x.ChannelShutdown(0, 1)
	assert.Empty(t, x.Sweep([]uint32{ship}, dest, 0), "shut-down channel without characters")

	// A departure sweep of the staging map into the ship.
	x.Enter(5, loc(0, 1, staging))
	assert.Equal(t, []messages.Record{warp(0, 1, 5, ship, 0)}, x.Sweep([]uint32{staging}, ship, 0))
	assert.Empty(t, x.Sweep(nil, dest, 0))
}
