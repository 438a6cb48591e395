package ride

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// roundTrip sends a state through encoding/json, as the changelog does.
func roundTrip(t testing.TB, s State) State {
	t.Helper()
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var back State
	require.NoError(t, json.Unmarshal(b, &back))
	return back
}

func TestStateJSONShape(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	start(t, m, 1, 7, 2, t0.Add(123456789*time.Nanosecond))

	b, err := json.Marshal(m.State())

	require.NoError(t, err)
	assert.JSONEq(t, `{"instances":[{
		"id":"00000000-0000-0000-0000-000000000001",
		"riders":[{"characterId":7,"worldId":1,"channelId":2}],
		"boardingUntil":"2025-03-14T09:27:53.123456789Z",
		"arrivalAt":"2025-03-14T09:29:53.123456789Z",
		"createdAt":"2025-03-14T09:26:53.123456789Z",
		"phase":"boarding"}]}`, string(b))
	empty, err := json.Marshal(New(testRoute(), nil).State())
	require.NoError(t, err)
	assert.JSONEq(t, `{"instances":[]}`, string(empty))
}

func TestStateRoundTripAndRestoreBehaveIdentically(t *testing.T) {
	r := testRoute()
	r.Capacity = 2
	orig, g := newTestMachine(t, r)
	// A monotonic reading on now must not make the two machines differ.
	base := time.Now().Truncate(time.Second)
	start(t, orig, 1, 1, 1, base)
	start(t, orig, 1, 2, 1, base.Add(time.Second))
	start(t, orig, 1, 3, 1, base.Add(2*time.Second))
	orig.Tick(base.Add(time.Minute)) // #1 in transit
	start(t, orig, 1, 4, 1, base.Add(70*time.Second))
	orig.Exit(1, 4, instanceID(3), base.Add(71*time.Second)) // #3 released
	start(t, orig, 1, 5, 1, base.Add(72*time.Second))

	saved := roundTrip(t, orig.State())
	assert.Equal(t, orig.State(), saved)
	require.NoError(t, saved.Check())
	g2 := *g
	restored := Restore(r, g2.next, saved)
	assert.Equal(t, orig.State(), restored.State())
	checkInvariants(t, restored)

	// Drive both with the same inputs; every output must match.
	ops := []func(m *Machine) any{
		func(m *Machine) any {
			b, out, err := m.Start(2, 6, 3, base.Add(73*time.Second))
			return []any{b, out, err}
		},
		func(m *Machine) any {
			b, out, err := m.Start(2, 2, 3, base.Add(74*time.Second))
			return []any{b, out, err}
		},
		func(m *Machine) any { d, ok := m.NextDeadline(); return []any{d.UTC(), ok} },
		func(m *Machine) any { ended, out := m.Tick(base.Add(2 * time.Minute)); return []any{ended, out} },
		func(m *Machine) any { ok, out := m.Logout(1, 5, base.Add(121*time.Second)); return []any{ok, out} },
		func(m *Machine) any { ended, out := m.Tick(base.Add(3 * time.Minute)); return []any{ended, out} },
		func(m *Machine) any {
			b, out, err := m.Start(2, 7, 3, base.Add(181*time.Second))
			return []any{b, out, err}
		},
		func(m *Machine) any { ended, out := m.Shutdown(); return []any{ended, out} },
	}
	for i, op := range ops {
		assert.Equal(t, op(orig), op(restored), "op %d", i)
		assert.Equal(t, orig.State(), restored.State(), "state after op %d", i)
		checkInvariants(t, restored)
	}
}

// Deadlines that passed while the service was down are reported at once and
// applied by the first Tick.
func TestRestoreWithMissedDeadlines(t *testing.T) {
	m, g := newTestMachine(t, testRoute())
	start(t, m, 1, 7, 2, t0)
	restored := Restore(testRoute(), g.next, roundTrip(t, m.State()))

	at, ok := restored.NextDeadline()
	assert.True(t, ok)
	assert.Equal(t, t0.Add(time.Minute), at)
	ended, out := restored.Tick(t0.Add(time.Hour))
	assert.Equal(t, []uint32{7}, ended)
	assert.Equal(t, map[string]int{"CHANGE_MAP": 1, "COMPLETED": 1}, countTypes(out))
}

func TestStateIsADeepCopy(t *testing.T) {
	m, _ := newTestMachine(t, testRoute())
	start(t, m, 1, 7, 2, t0)
	s := m.State()
	s.Instances[0].Riders[0].CharacterID = 99
	s.Instances[0].Phase = PhaseInTransit
	inst := m.Instances()
	inst[0].Riders[0].WorldID = 9

	assert.Equal(t, []Rider{{7, 1, 2}}, m.Instances()[0].Riders)
	assert.Equal(t, PhaseBoarding, m.Instances()[0].Phase)

	// Restore does not alias the saved state either.
	saved := m.State()
	r := Restore(testRoute(), nil, saved)
	saved.Instances[0].Riders[0].CharacterID = 99
	_, ok := r.Riding(7)
	assert.True(t, ok)
	assert.Equal(t, uint32(7), r.Instances()[0].Riders[0].CharacterID)
}

func TestRestoreRepairsInconsistentState(t *testing.T) {
	a, b, c := instanceID(1), instanceID(2), instanceID(3)
	inst := func(id uuid.UUID, phase Phase, chars ...uint32) Instance {
		in := Instance{ID: id, Phase: phase, CreatedAt: t0, BoardingUntil: t0.Add(time.Minute), ArrivalAt: t0.Add(3 * time.Minute)}
		for _, ch := range chars {
			in.Riders = append(in.Riders, Rider{CharacterID: ch})
		}
		return in
	}
	cases := []struct {
		name  string
		state State
		check string
		want  []Instance
	}{
		{"nil id", State{[]Instance{inst(uuid.Nil, PhaseBoarding, 1), inst(a, PhaseBoarding, 2)}},
			"instance #0 has a nil id", []Instance{inst(a, PhaseBoarding, 2)}},
		{"empty instance", State{[]Instance{inst(a, PhaseBoarding), inst(b, PhaseBoarding, 2)}},
			"instance 00000000-0000-0000-0000-000000000001 has no riders", []Instance{inst(b, PhaseBoarding, 2)}},
		{"unknown phase", State{[]Instance{inst(a, "docked", 1)}},
			`instance 00000000-0000-0000-0000-000000000001 has unknown phase "docked"`, []Instance{inst(a, PhaseInTransit, 1)}},
		{"repeated id", State{[]Instance{inst(a, PhaseBoarding, 1), inst(a, PhaseBoarding, 2)}},
			"instance id 00000000-0000-0000-0000-000000000001 is used by #0 and #1", []Instance{inst(a, PhaseBoarding, 1)}},
		{"zero character", State{[]Instance{inst(a, PhaseBoarding, 0, 1)}},
			"instance 00000000-0000-0000-0000-000000000001 has a rider with character id 0", []Instance{inst(a, PhaseBoarding, 1)}},
		{"character twice", State{[]Instance{inst(a, PhaseBoarding, 1, 1), inst(b, PhaseBoarding, 1, 2), inst(c, PhaseBoarding, 2)}},
			"character 1 rides instance 00000000-0000-0000-0000-000000000001 twice",
			[]Instance{inst(a, PhaseBoarding, 1), inst(b, PhaseBoarding, 2)}},
		{"character in two instances", State{[]Instance{inst(a, PhaseBoarding, 1), inst(b, PhaseBoarding, 1)}},
			"character 1 rides instances 00000000-0000-0000-0000-000000000001 and 00000000-0000-0000-0000-000000000002",
			[]Instance{inst(a, PhaseBoarding, 1)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.EqualError(t, tc.state.Check(), tc.check)
			m := Restore(testRoute(), nil, tc.state)
			assert.Equal(t, tc.want, m.Instances())
			checkInvariants(t, m)
		})
	}
}

// A capacity lowered between save and restore keeps everyone aboard but lets
// no one else in.
func TestRestoreOverCapacityKeepsRiders(t *testing.T) {
	m, g := newTestMachine(t, testRoute())
	for c := uint32(1); c <= 3; c++ {
		start(t, m, 0, c, 0, t0)
	}
	smaller := testRoute()
	smaller.Capacity = 2
	r := Restore(smaller, g.next, m.State())

	assert.Len(t, r.Instances()[0].Riders, 3)
	b, _ := start(t, r, 0, 4, 0, t0.Add(time.Second))
	assert.Equal(t, Boarding{InstanceID: instanceID(2), Created: true}, b)
	_, out := r.Tick(t0.Add(time.Hour))
	assert.Equal(t, map[string]int{"CHANGE_MAP": 4, "COMPLETED": 4}, countTypes(out), "all four arrive")
}
