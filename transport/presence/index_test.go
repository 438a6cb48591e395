package presence

import (
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnterExit(t *testing.T) {
	x := New()
	x.Enter(7, loc(0, 1, staging))
	got, ok := x.Where(7)
	require.True(t, ok)
	assert.Equal(t, loc(0, 1, staging), got)
	assert.Equal(t, 1, x.Len())

	// Moving leaves the old field.
	x.Enter(7, loc(0, 1, ship))
	assert.Empty(t, x.Occupants(0, 1, staging, [16]byte{}))
	assert.Equal(t, []Occupant{{7, 0, 1}}, x.Occupants(0, 1, ship, [16]byte{}))

	// Exit of the current field removes.
	x.Exit(7, loc(0, 1, ship))
	_, ok = x.Where(7)
	assert.False(t, ok)
	assert.Equal(t, 0, x.Len())
	assert.Empty(t, x.checkInvariants())
}

func TestOutOfOrderExitKeepsNewerEnter(t *testing.T) {
	x := New()
	x.Enter(7, loc(0, 1, staging))
	x.Enter(7, loc(0, 1, ship))           // ENTER of the new map first ...
	x.Exit(7, loc(0, 1, staging))         // ... then the late EXIT of the old one
	x.Exit(8, loc(0, 1, staging))         // unknown character: ignored
	x.Exit(7, Location{0, 1, ship, inst}) // other instance of the same map: not where 7 is
	got, ok := x.Where(7)
	require.True(t, ok)
	assert.Equal(t, loc(0, 1, ship), got)
	assert.Empty(t, x.checkInvariants())
}

func TestEnterIsIdempotent(t *testing.T) {
	x := New()
	x.Enter(7, loc(0, 1, ship))
	x.Enter(7, loc(0, 1, ship))
	assert.Equal(t, 1, x.Len())
	assert.Len(t, x.Occupants(0, 1, ship, [16]byte{}), 1)
	assert.Empty(t, x.checkInvariants())
}

func TestLoginLogout(t *testing.T) {
	x := New()
	x.Login(1, Location{0, 2, ship, inst})
	x.Login(2, loc(1, 3, cabin))
	x.Login(1, loc(0, 2, staging)) // relogin elsewhere moves it
	assert.Equal(t, 2, x.Len())
	assert.Empty(t, x.Occupants(0, 2, ship, inst))

	x.Logout(1)
	x.Logout(1) // twice: harmless
	x.Logout(99)
	_, ok := x.Where(1)
	assert.False(t, ok)
	assert.Equal(t, 1, x.Len())
	assert.Empty(t, x.checkInvariants())
}

func TestOccupantsSortedAndPerField(t *testing.T) {
	x := New()
	for _, id := range []uint32{30, 10, 20} {
		x.Enter(id, loc(0, 1, ship))
	}
	x.Enter(40, Location{0, 1, ship, inst}) // same map, other instance
	x.Enter(50, loc(0, 2, ship))            // same map, other channel
	x.Enter(60, loc(1, 1, ship))            // same map, other world
	assert.Equal(t, []Occupant{{10, 0, 1}, {20, 0, 1}, {30, 0, 1}}, x.Occupants(0, 1, ship, [16]byte{}))
	assert.Equal(t, []Occupant{{40, 0, 1}}, x.Occupants(0, 1, ship, inst))
	assert.Equal(t, []Occupant{{60, 1, 1}}, x.Occupants(1, 1, ship, [16]byte{}))
	assert.Empty(t, x.Occupants(9, 9, ship, [16]byte{}))
}

// TestRandomOperations checks the O(1) swap-remove bookkeeping against a
// plain model map over many random operations.
func TestRandomOperations(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := New()
	model := map[uint32]Location{}
	maps := []uint32{staging, ship, cabin, dest}
	randLoc := func() Location {
		l := loc(byte(r.IntN(2)), byte(r.IntN(3)), maps[r.IntN(len(maps))])
		if r.IntN(4) == 0 {
			l.Instance = inst
		}
		return l
	}
	for i := 0; i < 20000; i++ {
		c := uint32(r.IntN(300))
		switch r.IntN(4) {
		case 0, 1:
			l := randLoc()
			x.Enter(c, l)
			model[c] = l
		case 2:
			l := randLoc()
			if r.IntN(2) == 0 {
				l = model[c] // often exit the right field
			}
			x.Exit(c, l)
			if m, ok := model[c]; ok && m == l {
				delete(model, c)
			}
		case 3:
			x.Logout(c)
			delete(model, c)
		}
	}
	require.Empty(t, x.checkInvariants())
	require.Equal(t, len(model), x.Len())
	for c, l := range model {
		got, ok := x.Where(c)
		require.True(t, ok)
		require.Equal(t, l, got)
	}
}

func TestCrowdLeavingShrinksField(t *testing.T) {
	x := New()
	for id := uint32(0); id < 1000; id++ {
		x.Enter(id, loc(0, 1, staging))
	}
	for id := uint32(0); id < 990; id++ {
		x.Enter(id, loc(0, 1, ship))
	}
	assert.LessOrEqual(t, cap(x.fields[loc(0, 1, staging)]), 64)
	assert.Len(t, x.Occupants(0, 1, staging, [16]byte{}), 10)
	assert.Empty(t, x.checkInvariants())
}

// Count sees the shared copies of the maps on every channel, once per map,
// and not private instances.
func TestCountSharedCopiesOnEveryChannel(t *testing.T) {
	x := New()
	x.Enter(1, Location{WorldID: 0, ChannelID: 1, MapID: 100})
	x.Enter(2, Location{WorldID: 0, ChannelID: 2, MapID: 100})
	x.Enter(3, Location{WorldID: 0, ChannelID: 1, MapID: 200})
	x.Enter(4, Location{WorldID: 0, ChannelID: 1, MapID: 100, Instance: uuid.New()})
	x.Enter(5, Location{WorldID: 0, ChannelID: 1, MapID: 300})
	assert.Equal(t, 3, x.Count([]uint32{100, 200, 100}))
	x.Exit(1, Location{WorldID: 0, ChannelID: 1, MapID: 100})
	assert.Equal(t, 1, x.Count([]uint32{100}))
}
