package ride

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// live is the change list an owner would see for the machine's current
// copy of the instances with the given ids.
func live(t *testing.T, m *Machine, ids ...uint64) []Change {
	t.Helper()
	var out []Change
	for _, in := range m.Instances() {
		if slices.Contains(ids, idNumber(in)) {
			out = append(out, Change{Instance: in})
		}
	}
	require.Len(t, out, len(ids))
	return out
}

func idNumber(in Instance) uint64 {
	var n uint64
	for _, b := range in.ID[8:] {
		n = n<<8 | uint64(b)
	}
	return n
}

func TestTakeChangesOnStart(t *testing.T) {
	r := testRoute()
	r.Capacity = 2
	m, _ := newTestMachine(t, r)
	assert.Nil(t, m.TakeChanges(), "a new machine has nothing to take")

	start(t, m, 1, 7, 2, t0)
	assert.Equal(t, live(t, m, 1), m.TakeChanges(), "created")
	assert.Nil(t, m.TakeChanges(), "taken once")

	start(t, m, 1, 8, 2, t0)
	got := m.TakeChanges()
	assert.Equal(t, live(t, m, 1), got, "a rider joined")
	require.Len(t, got[0].Instance.Riders, 2)

	start(t, m, 1, 8, 2, t0)
	assert.Nil(t, m.TakeChanges(), "a redelivered START changes nothing")
	_, _, err := m.Start(1, 0, 2, t0)
	require.Error(t, err)
	assert.Nil(t, m.TakeChanges(), "a rejected START changes nothing")

	start(t, m, 1, 9, 2, t0) // full: a second instance
	start(t, m, 1, 10, 2, t0)
	start(t, m, 1, 11, 2, t0) // and a third
	assert.Equal(t, live(t, m, 2, 3), m.TakeChanges(), "each changed instance once, oldest first")
}

func TestTakeChangesOnExitAndLogout(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	start(t, m, 1, 7, 2, t0)
	start(t, m, 1, 8, 2, t0)
	m.TakeChanges()

	removed, _ := m.Exit(1, 7, instanceID(1), t0)
	require.True(t, removed)
	got := m.TakeChanges()
	assert.Equal(t, live(t, m, 1), got, "a rider left")
	assert.Equal(t, []Rider{{CharacterID: 8, WorldID: 1, ChannelID: 2}}, got[0].Instance.Riders)

	removed, _ = m.Exit(1, 7, instanceID(1), t0)
	require.False(t, removed)
	assert.Nil(t, m.TakeChanges(), "nothing to remove")

	removed, _ = m.Logout(1, 8, t0)
	require.True(t, removed)
	got = m.TakeChanges()
	require.Len(t, got, 1)
	assert.True(t, got[0].Released, "the emptied instance is released")
	assert.Equal(t, instanceID(1), got[0].Instance.ID)
	assert.Empty(t, got[0].Instance.Riders, "its last rider left on its own")

	start(t, m, 1, 9, 2, t0)
	m.Logout(1, 9, t0)
	assert.Nil(t, m.TakeChanges(), "created and released in between: never seen, nothing to take")
}

func TestTakeChangesOnTick(t *testing.T) {
	r := testRoute()
	r.Capacity = 1
	m, _ := newTestMachine(t, r)
	start(t, m, 1, 7, 2, t0)
	start(t, m, 1, 8, 2, t0.Add(30*time.Second))
	m.TakeChanges()

	m.Tick(t0.Add(time.Minute - time.Nanosecond))
	assert.Nil(t, m.TakeChanges(), "nothing due")

	m.Tick(t0.Add(time.Minute))
	got := m.TakeChanges()
	assert.Equal(t, live(t, m, 1), got, "boarding closed")
	assert.Equal(t, PhaseInTransit, got[0].Instance.Phase)

	m.Tick(t0.Add(90 * time.Second)) // #2 closes
	m.Tick(t0.Add(3 * time.Minute))  // #1 arrives
	got = m.TakeChanges()
	require.Len(t, got, 2)
	assert.Equal(t, Change{Released: true, Instance: Instance{
		ID: instanceID(1), Riders: []Rider{{CharacterID: 7, WorldID: 1, ChannelID: 2}},
		BoardingUntil: t0.Add(time.Minute), ArrivalAt: t0.Add(3 * time.Minute), CreatedAt: t0, Phase: PhaseInTransit,
	}}, got[0], "released with the riders whose rides it ended")
	assert.Equal(t, live(t, m, 2)[0], got[1], "#2 only changed phase")
}

func TestTakeChangesOnShutdown(t *testing.T) {
	r := testRoute()
	r.Capacity = 1
	m, _ := newTestMachine(t, r)
	start(t, m, 1, 7, 2, t0)
	start(t, m, 1, 8, 2, t0)
	start(t, m, 1, 9, 2, t0)
	m.TakeChanges()
	m.Logout(1, 8, t0)
	before := m.Instances()

	m.Shutdown()
	got := m.TakeChanges()
	require.Len(t, got, 3)
	assert.Equal(t, instanceID(2), got[1].Instance.ID, "creation order")
	assert.Empty(t, got[1].Instance.Riders)
	assert.Equal(t, []Change{{Instance: before[0], Released: true}, {Instance: before[1], Released: true}},
		[]Change{got[0], got[2]})
	m.Shutdown()
	assert.Nil(t, m.TakeChanges(), "a second shutdown changes nothing")
}

func TestTakeChangesSharesNoMemory(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	start(t, m, 1, 7, 2, t0)
	got := m.TakeChanges()
	got[0].Instance.Riders[0].CharacterID = 99
	got[0].Instance.Riders = append(got[0].Instance.Riders, Rider{CharacterID: 100})
	start(t, m, 1, 8, 2, t0)
	assert.Equal(t, []Rider{{CharacterID: 7, WorldID: 1, ChannelID: 2}, {CharacterID: 8, WorldID: 1, ChannelID: 2}},
		m.Instances()[0].Riders)
	checkInvariants(t, m)
}

func TestRestoreLeavesNoChanges(t *testing.T) {
	m, g := newTestMachine(t, testRoute())
	start(t, m, 1, 7, 2, t0)
	start(t, m, 1, 8, 2, t0.Add(time.Minute)) // a second instance
	m.Tick(t0.Add(time.Minute))
	require.NotNil(t, m.State().Instances)

	back := Restore(testRoute(), g.next, m.State())
	assert.Nil(t, back.TakeChanges(), "the owner already holds the restored state")
	back.Logout(1, 7, t0.Add(time.Minute))
	got := back.TakeChanges()
	require.Len(t, got, 1)
	assert.True(t, got[0].Released)
	assert.Equal(t, instanceID(1), got[0].Instance.ID, "restored instances are tracked like any other")
}

// mirror is an owner's copy of the machine kept from TakeChanges alone.
type mirror struct {
	order []uint64 // ids by first appearance
	byID  map[uint64]Instance
}

func (c *mirror) apply(t testing.TB, changes []Change) {
	t.Helper()
	for _, ch := range changes {
		id := idNumber(ch.Instance)
		_, known := c.byID[id]
		if ch.Released {
			require.True(t, known, "release of an instance the owner never saw")
			delete(c.byID, id)
			c.order = slices.DeleteFunc(c.order, func(x uint64) bool { return x == id })
			continue
		}
		if !known {
			c.order = append(c.order, id)
		}
		c.byID[id] = ch.Instance
	}
}

func (c *mirror) instances() []Instance {
	out := []Instance{}
	for _, id := range c.order {
		out = append(out, c.byID[id])
	}
	return out
}
