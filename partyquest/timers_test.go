package partyquest

import (
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// inStage1 is testDef advanced into stage 1 (60 s limit) at t0+5s.
func inStage1(t *testing.T, def definition.Definition) *Machine {
	t.Helper()
	m := newActive(t, def)
	accept(t, m, update(alice.ID, map[uint32]uint32{4001: 2}, nil), t0)
	accept(t, m, cmd("STAGE_CLEAR_ATTEMPT", alice.ID), t0)
	accept(t, m, cmd("STAGE_ADVANCE", alice.ID), t0.Add(5*time.Second))
	return m
}

func TestRegistrationWindowStartsAtItsInstant(t *testing.T) {
	m := newTimed(t)
	due := t0.Add(120 * time.Second)
	require.Nil(t, m.Tick(due.Add(-time.Nanosecond)))
	require.Equal(t, StateRegistering, m.Phase())
	require.Equal(t, []messages.Record{warp(alice, 100, uuid.Nil), tev("STARTED", stage(0, 100))}, m.Tick(due))
	require.Equal(t, due, m.State().StartedAt)
}

func TestRegistrationWindowChecksStartRequirements(t *testing.T) {
	def := testDef()
	def.Registration.Mode, def.Registration.Duration = definition.ModeTimed, 120
	def.StartRequirements = []definition.Condition{{Type: "party_size", Operator: "gte", Value: 2}}
	m, _ := New(instID, &def, Registration{WorldID: 1, ChannelID: 2, Characters: []Character{alice}}, &stepRandom{}, t0)
	require.Equal(t, []messages.Record{
		tev("FAILED", messages.FailedBody{Reason: "start_requirements"}),
		warp(alice, 900, uuid.Nil),
		tev("INSTANCE_DESTROYED", empty),
	}, m.Tick(t0.Add(120*time.Second)))
	require.True(t, m.Done())
}

func TestGlobalLimitFailsActiveAndClearing(t *testing.T) {
	want := []messages.Record{
		tev("FAILED", messages.FailedBody{Reason: "time_expired"}),
		warp(alice, 900, uuid.Nil),
		warp(bob, 900, uuid.Nil),
		tev("INSTANCE_DESTROYED", empty),
	}
	due := t0.Add(600 * time.Second)
	for name, m := range map[string]*Machine{"active": newActive(t, testDef()), "clearing": newClearing(t)} {
		t.Run(name, func(t *testing.T) {
			at, ok := m.NextDeadline()
			require.True(t, ok)
			require.Equal(t, due, at)
			require.Nil(t, m.Tick(due.Add(-time.Nanosecond)))
			require.Equal(t, want, m.Tick(due))
			require.Equal(t, StateFailed, m.Phase())
			require.True(t, m.Done())
		})
	}
}

func TestStageLimitAdvancesFromActiveAndClearing(t *testing.T) {
	want := []messages.Record{
		tev("COMPLETED", empty), // leaving stage 1, the last non-bonus stage
		warp(alice, 300, uuid.Nil),
		warp(bob, 300, uuid.Nil),
		tev("STAGE_ADVANCED", stage(2, 300)),
	}
	due := t0.Add(65 * time.Second)
	active := inStage1(t, testDef())
	clearing := inStage1(t, testDef())
	accept(t, clearing, update(alice.ID, nil, map[uint32]uint32{9300: 3}), t0.Add(6*time.Second))
	accept(t, clearing, cmd("STAGE_CLEAR_ATTEMPT", alice.ID), t0.Add(6*time.Second))
	require.Equal(t, StateClearing, clearing.Phase())
	for name, m := range map[string]*Machine{"active": active, "clearing": clearing} {
		t.Run(name, func(t *testing.T) {
			at, _ := m.NextDeadline()
			require.Equal(t, due, at)
			require.Equal(t, want, m.Tick(due))
			s := m.State()
			require.Equal(t, StateActive, s.State)
			require.Equal(t, uint32(2), s.CurrentStageIndex)
			require.True(t, s.CompletedEmitted)
			require.Equal(t, due.Add(30*time.Second), s.StageEndsAt)
		})
	}
}

func TestBonusLimitEndsTheRun(t *testing.T) {
	m := inStage1(t, testDef())
	m.Tick(t0.Add(65 * time.Second))
	due := t0.Add(95 * time.Second)
	require.Nil(t, m.Tick(due.Add(-time.Nanosecond)))
	require.Equal(t, []messages.Record{
		warp(alice, 900, uuid.Nil),
		warp(bob, 900, uuid.Nil),
		tev("INSTANCE_DESTROYED", empty),
	}, m.Tick(due))
	require.Equal(t, StateCompleted, m.Phase())
	require.True(t, m.Done())
}

func TestGlobalLimitWinsATie(t *testing.T) {
	def := testDef()
	def.Duration = 65 // global and stage 1 limits both fall at t0+65s
	m := inStage1(t, def)
	recs := m.Tick(t0.Add(65 * time.Second))
	require.Equal(t, tev("FAILED", messages.FailedBody{Reason: "time_expired"}), recs[0])
	require.True(t, m.Done())
}

func TestTickCatchesUpInDueOrder(t *testing.T) {
	m := inStage1(t, testDef())
	// Stage limit (t0+65s) then global limit (t0+600s) both passed: advance
	// into the bonus, then the run ends; COMPLETED was emitted, so no FAILED.
	require.Equal(t, []messages.Record{
		tev("COMPLETED", empty),
		warp(alice, 300, uuid.Nil),
		warp(bob, 300, uuid.Nil),
		tev("STAGE_ADVANCED", stage(2, 300)),
		warp(alice, 900, uuid.Nil),
		warp(bob, 900, uuid.Nil),
		tev("INSTANCE_DESTROYED", empty),
	}, m.Tick(t0.Add(700*time.Second)))
	require.Equal(t, StateCompleted, m.Phase())
}

func TestSafetyLimitWithoutGlobalDuration(t *testing.T) {
	def := testDef()
	def.Duration = 0
	m := newActive(t, def)
	at, ok := m.NextDeadline()
	require.True(t, ok, "no state is timer-free")
	require.Equal(t, t0.Add(SafetyLimit), at)
}

func TestNextDeadlinePicksTheEarliest(t *testing.T) {
	m := inStage1(t, testDef())
	at, ok := m.NextDeadline()
	require.True(t, ok)
	require.Equal(t, t0.Add(65*time.Second), at, "stage limit before the global limit")
	require.Nil(t, m.Tick(t0.Add(64*time.Second)))
}
