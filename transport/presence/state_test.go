package presence

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStateRoundTrip(t *testing.T) {
	x := New()
	x.ChannelStarted(1, 2)
	x.ChannelStarted(0, 1)
	x.Enter(9, loc(0, 1, ship))
	x.Enter(3, Location{1, 7, cabin, inst})
	x.Enter(5, loc(0, 1, ship))

	s := x.State()
	assert.Equal(t, []uint32{3, 5, 9}, []uint32{s.Characters[0].CharacterID, s.Characters[1].CharacterID, s.Characters[2].CharacterID})
	assert.Equal(t, []Channel{{0, 1}, {1, 2}}, s.Channels)

	b, err := json.Marshal(s)
	require.NoError(t, err)
	assert.Contains(t, string(b), `{"characterId":3,"worldId":1,"channelId":7,"mapId":200090001,"instance":"6f1c2b9e-3d4a-4c5b-8e7f-0a1b2c3d4e5f"}`)

	var back State
	require.NoError(t, json.Unmarshal(b, &back))
	y := Restore(back)
	assert.Equal(t, s, y.State())
	assert.Equal(t, x.ActiveChannels(), y.ActiveChannels())
	assert.Equal(t, x.Occupants(0, 1, ship, [16]byte{}), y.Occupants(0, 1, ship, [16]byte{}))
	assert.Empty(t, y.checkInvariants())
}

func TestEmptyStateJSON(t *testing.T) {
	b, err := json.Marshal(New().State())
	require.NoError(t, err)
	assert.JSONEq(t, `{"characters":[],"channels":[]}`, string(b))
	var back State
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, 0, Restore(back).Len())
}
