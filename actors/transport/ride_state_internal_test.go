package transport

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

// The ride actor's snapshot is a rideCopy kept from the machine's changes.
// It must equal the machine's state after every operation, and every copy
// taken earlier must stay exactly as it was (it is the rollback point).
func TestRideMirrorFollowsTheMachineAndKeepsOldCopies(t *testing.T) {
	route := ride.Route{ID: uuid.MustParse("9d7c1f0e-8a51-4f7e-b0a4-3c2a1d5e6f70"), Name: "mirror",
		StartMapID: 1, TransitMapID: 2, DestinationMapID: 3,
		Capacity: 2, BoardingWindow: 10 * time.Second, Travel: 20 * time.Second}
	var n uint64
	newID := func() uuid.UUID {
		n++
		var id uuid.UUID
		binary.BigEndian.PutUint64(id[8:], n)
		return id
	}
	m := ride.New(route, newID)
	mirror := newMirror(nil)
	type kept struct {
		copy  rideCopy
		state ride.State
	}
	var snaps []kept
	rng := rand.New(rand.NewPCG(3, 9))
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for step := range 6000 {
		c := 1 + rng.Uint32N(400)
		switch op := rng.IntN(10); {
		case op < 5:
			_, _, err := m.Start(0, c, 1, now)
			require.NoError(t, err)
		case op < 7:
			m.Logout(0, c, now)
		default:
			now = now.Add(time.Duration(rng.IntN(3000)) * time.Millisecond)
			m.Tick(now)
		}
		mirror.apply(m.TakeChanges())
		want := m.State()
		require.Equal(t, want, mirror.copy.state(), "step %d", step)
		require.Equal(t, len(want.Instances), mirror.copy.count)
		require.Len(t, mirror.keys, len(want.Instances))
		if step%50 == 0 {
			snaps = append(snaps, kept{mirror.copy, want})
		}
	}
	require.Greater(t, mirror.next, uint64(copyWidth*copyWidth), "keys grew past two trie levels")
	for i, s := range snaps {
		assert.Equal(t, s.state, s.copy.state(), "snapshot #%d changed after it was taken", i)
	}

	// Restoring from an old copy rebuilds the machine in creation order.
	old := snaps[len(snaps)/2]
	back := ride.Restore(route, newID, old.copy.state())
	assert.Equal(t, old.state, back.State())
	assert.Nil(t, back.TakeChanges())
	assert.Equal(t, old.state, newMirror(back.Instances()).copy.state())

	m.Shutdown()
	mirror.apply(m.TakeChanges())
	assert.Nil(t, mirror.copy.root, "released instances leave nothing behind")
	assert.Empty(t, mirror.keys)
	assert.Equal(t, ride.State{Instances: []ride.Instance{}}, mirror.copy.state())
}

func TestStateRecordsAndEndedIn(t *testing.T) {
	tn := tenant.Tenant{}
	route := uuid.MustParse("9d7c1f0e-8a51-4f7e-b0a4-3c2a1d5e6f70")
	a, b := uuid.New(), uuid.New()
	changes := []ride.Change{
		{Instance: ride.Instance{ID: a, Riders: []ride.Rider{{CharacterID: 1}, {CharacterID: 2}}}, Released: true},
		{Instance: ride.Instance{ID: b, Riders: []ride.Rider{{CharacterID: 3}}, Phase: ride.PhaseBoarding}},
	}
	recs, err := stateRecords(tn, route, changes)
	require.NoError(t, err)
	require.Len(t, recs, 2)
	for i, r := range recs {
		assert.Equal(t, messages.ChangelogTopicTransport, r.Topic)
		assert.Contains(t, string(r.Key), route.String()+"/"+changes[i].Instance.ID.String())
	}
	assert.Nil(t, recs[0].Value, "a tombstone for the released instance")
	assert.NotNil(t, recs[1].Value)
	assert.Equal(t, map[uint32]uuid.UUID{1: a, 2: a}, endedIn(changes), "only released instances end rides")

	recs, err = stateRecords(tn, route, nil)
	require.NoError(t, err)
	assert.Empty(t, recs)
}
