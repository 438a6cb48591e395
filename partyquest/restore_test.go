package partyquest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type step func(m *Machine) ([]messages.Record, error)

func handle(c messages.PartyQuestCommand, at time.Duration) step {
	return func(m *Machine) ([]messages.Record, error) { return m.Handle(c, t0.Add(at)) }
}

func tick(at time.Duration) step {
	return func(m *Machine) ([]messages.Record, error) { return m.Tick(t0.Add(at)), nil }
}

func join(c Character, at time.Duration) step {
	return func(m *Machine) ([]messages.Record, error) { return m.Join(c, t0.Add(at)) }
}

// roundTrip saves the state as the changelog would and restores it.
func roundTrip(t *testing.T, m *Machine, rnd Random) *Machine {
	t.Helper()
	b, err := json.Marshal(m.State())
	require.NoError(t, err)
	var s State
	require.NoError(t, json.Unmarshal(b, &s))
	require.Equal(t, m.State(), s, "State survives JSON unchanged")
	require.NoError(t, s.Check())
	return Restore(s, rnd)
}

// requireSameFuture restores at every point of a script and checks the
// restored machine answers the rest exactly like the original.
func requireSameFuture(t *testing.T, create func(Random) *Machine, steps []step) {
	for k := 0; k <= len(steps); k++ {
		rnd := &stepRandom{}
		orig := create(rnd)
		for _, s := range steps[:k] {
			_, _ = s(orig)
		}
		twinRnd := *rnd // same position in the random sequence
		twin := roundTrip(t, orig, &twinRnd)
		for i, s := range steps[k:] {
			r1, e1 := s(orig)
			r2, e2 := s(twin)
			require.Equal(t, r1, r2, "restored at %d, step %d", k, k+i)
			require.Equal(t, e1, e2, "restored at %d, step %d", k, k+i)
			require.Equal(t, orig.State(), twin.State())
			d1, ok1 := orig.NextDeadline()
			d2, ok2 := twin.NextDeadline()
			require.Equal(t, ok1, ok2)
			require.True(t, d1.Equal(d2))
		}
	}
}

func TestRestoreBehavesIdenticallyKerning(t *testing.T) {
	def := sample(t, "kerning_city_pq")
	create := func(rnd Random) *Machine {
		m, _ := New(instID, &def, Registration{WorldID: 1, ChannelID: 2, PartyID: 7, Characters: []Character{alice, bob, carol}}, rnd, t0)
		return m
	}
	steps := []step{
		handle(update(alice.ID, map[uint32]uint32{4001007: 4}, nil), time.Second),
		handle(cmd("STAGE_CLEAR_ATTEMPT", bob.ID), 2*time.Second),
		handle(update(carol.ID, map[uint32]uint32{4001007: 6}, map[uint32]uint32{1: 1}), 3*time.Second),
		handle(cmd("STAGE_ADVANCE", alice.ID), 4*time.Second), // refused: still active
		handle(cmd("STAGE_CLEAR_ATTEMPT", bob.ID), 5*time.Second),
		handle(cmd("STAGE_ADVANCE", alice.ID), 6*time.Second), // into the rope puzzle (combination)
		tick(306 * time.Second), // its 300 s limit: next puzzle
		handle(cmd("STAGE_CLEAR_ATTEMPT", bob.ID), 307*time.Second),
		tick(400 * time.Second), // clearing: stage limit at 606 s not yet
		tick(606 * time.Second), // advance from clearing into the boss
		handle(cmd("FORFEIT", 999), 607*time.Second),
		tick(1800 * time.Second), // global limit
		tick(1900 * time.Second),
	}
	requireSameFuture(t, create, steps)
}

func TestRestoreBehavesIdenticallyTimedInstanceLocked(t *testing.T) {
	def := sample(t, "sharenian_trial")
	create := func(rnd Random) *Machine {
		m, _ := New(instID, &def, Registration{WorldID: 1, ChannelID: 2, AffinityID: 55, Characters: []Character{alice}}, rnd, t0)
		return m
	}
	steps := []step{
		join(bob, time.Second),
		join(bob, 2*time.Second),
		tick(120 * time.Second), // window: start
		join(carol, 121*time.Second),
		handle(cmd("STAGE_CLEAR_ATTEMPT", alice.ID), 122*time.Second),
		handle(cmd("STAGE_ADVANCE", bob.ID), 123*time.Second),
		handle(update(alice.ID, map[uint32]uint32{4001027: 4, 4001028: 4}, nil), 124*time.Second),
		handle(cmd("STAGE_CLEAR_ATTEMPT", alice.ID), 125*time.Second),
		tick(2000 * time.Second),
		func(m *Machine) ([]messages.Record, error) { return m.Shutdown(), nil },
	}
	requireSameFuture(t, create, steps)
}

func TestRestoreCopiesItsInput(t *testing.T) {
	m := newActive(t, testDef())
	accept(t, m, update(alice.ID, map[uint32]uint32{4001: 1}, nil), t0)
	s := m.State()
	r := Restore(s, &stepRandom{})
	s.StageState.ItemCounts[4001] = 99
	s.Characters[0].ID = 1
	require.Equal(t, uint32(1), r.State().StageState.ItemCounts[4001])
	require.Equal(t, alice, r.Members()[0])
}

func TestStateCheck(t *testing.T) {
	good := newActive(t, testDef()).State()
	require.NoError(t, good.Check())
	bad := good
	bad.State = "dancing"
	require.ErrorContains(t, bad.Check(), "unknown state")
	bad = good
	bad.CurrentStageIndex = 3
	require.ErrorContains(t, bad.Check(), "stage index")
	bad = good
	bad.ID = uuid.Nil
	require.ErrorContains(t, bad.Check(), "nil")
	bad = good
	bad.Definition = nil // a record whose definition was not found with it
	require.ErrorContains(t, bad.Check(), "no definition")
}

// Instances share their definition: a machine neither copies it nor
// writes through it.
func TestMachinesShareTheirDefinition(t *testing.T) {
	def := testDef()
	a, _ := New(uuid.New(), &def, Registration{WorldID: 1, ChannelID: 2, Characters: []Character{alice}}, &stepRandom{}, t0)
	b := Restore(a.State(), &stepRandom{})
	assert.Same(t, &def, a.State().Definition)
	assert.Same(t, &def, b.State().Definition)
	assert.Equal(t, testDef(), def, "New and Restore left it as it was")
}

func TestStateJSONShape(t *testing.T) {
	def := testDef()
	def.FieldLock = definition.FieldLockInstance
	m := newActive(t, def)
	b, err := json.Marshal(m.State())
	require.NoError(t, err)
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &raw))
	for _, k := range []string{"id", "questId", "definition", "worldId", "channelId", "partyId", "affinityId", "characters",
		"state", "currentStageIndex", "registeredAt", "startedAt", "stageStartedAt", "fieldInstances", "stageState",
		"completedEmitted", "runEndsAt"} {
		require.Contains(t, raw, k)
	}
	require.NotContains(t, raw, "registrationEndsAt", "zero deadlines are omitted")
	require.Equal(t, `"2026-03-14T12:00:00Z"`, string(raw["startedAt"]))
}
