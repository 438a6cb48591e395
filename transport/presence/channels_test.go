package presence

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestChannelRegistry(t *testing.T) {
	x := New()
	assert.Empty(t, x.ActiveChannels())

	x.ChannelStarted(1, 2)
	x.ChannelStarted(0, 3)
	x.ChannelStarted(1, 2) // duplicate STARTED
	x.ChannelStarted(0, 1)
	assert.Equal(t, []Channel{{0, 1}, {0, 3}, {1, 2}}, x.ActiveChannels())
	x.Enter(9, loc(2, 7, ship)) // active by presence, not announced
	assert.Equal(t, []Channel{{0, 1}, {0, 3}, {1, 2}}, x.StartedChannels(), "the registry alone")
	x.Logout(9)

	x.ChannelShutdown(0, 3)
	x.ChannelShutdown(5, 5) // never started: ignored
	assert.Equal(t, []Channel{{0, 1}, {1, 2}}, x.ActiveChannels())
}

func TestChannelActiveByPresence(t *testing.T) {
	x := New()
	// Cold start: no channel announced yet, but characters were seen.
	x.Enter(1, loc(0, 4, ship))
	x.Enter(2, loc(0, 4, staging))
	assert.Equal(t, []Channel{{0, 4}}, x.ActiveChannels())

	// STARTED then SHUTDOWN of a channel that still has characters: active.
	x.ChannelStarted(0, 4)
	x.ChannelShutdown(0, 4)
	assert.Equal(t, []Channel{{0, 4}}, x.ActiveChannels())

	// The last character leaves: no longer active.
	x.Logout(1)
	x.Exit(2, loc(0, 4, staging))
	assert.Empty(t, x.ActiveChannels())

	// Moving to another channel moves the activity.
	x.Enter(3, loc(0, 5, ship))
	x.Enter(3, loc(1, 5, ship))
	assert.Equal(t, []Channel{{1, 5}}, x.ActiveChannels())
}
