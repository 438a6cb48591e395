package partyquest

import (
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// newClearing is testDef with stage 0 cleared.
func newClearing(t *testing.T) *Machine {
	t.Helper()
	m := newActive(t, testDef())
	accept(t, m, update(alice.ID, map[uint32]uint32{4001: 2}, nil), t0)
	accept(t, m, cmd("STAGE_CLEAR_ATTEMPT", alice.ID), t0)
	require.Equal(t, StateClearing, m.Phase())
	return m
}

func TestClearingAdvance(t *testing.T) {
	m := newClearing(t)
	now := t0.Add(5 * time.Second)
	recs := accept(t, m, cmd("STAGE_ADVANCE", bob.ID), now)
	require.Equal(t, []messages.Record{
		warp(alice, 200, uuid.Nil),
		warp(bob, 200, uuid.Nil),
		tev("STAGE_ADVANCED", stage(1, 200, 201)),
	}, recs)
	s := m.State()
	require.Equal(t, StateActive, s.State)
	require.Equal(t, uint32(1), s.CurrentStageIndex)
	require.Equal(t, now, s.StageStartedAt)
	require.Equal(t, t0, s.StartedAt, "advancing does not touch the run start")
	require.Equal(t, StageState{}, s.StageState, "fresh stage state")
	require.Equal(t, now.Add(60*time.Second), s.StageEndsAt)
}

func TestClearingRefusals(t *testing.T) {
	m := newClearing(t)
	for _, typ := range []string{"START", "STAGE_CLEAR_ATTEMPT"} {
		requireRejected(t, m, messages.ReasonWrongState, func() ([]messages.Record, error) { return m.Handle(cmd(typ, alice.ID), t0) })
	}
	requireRejected(t, m, messages.ReasonWrongState, func() ([]messages.Record, error) {
		return m.Handle(update(alice.ID, map[uint32]uint32{4001: 1}, nil), t0)
	})
	requireRejected(t, m, messages.ReasonNotMember, func() ([]messages.Record, error) { return m.Handle(cmd("STAGE_ADVANCE", carol.ID), t0) })
	requireRejected(t, m, messages.ReasonWrongState, func() ([]messages.Record, error) { return m.Join(carol, t0) })
}

func TestClearingForfeit(t *testing.T) {
	m := newClearing(t)
	recs := accept(t, m, cmd("FORFEIT", alice.ID), t0)
	require.Equal(t, tev("FAILED", messages.FailedBody{Reason: "forfeit"}), recs[0])
	require.Equal(t, tev("INSTANCE_DESTROYED", empty), recs[len(recs)-1])
	require.True(t, m.Done())
}

func TestDestroyedMachineRefusesEverything(t *testing.T) {
	m := newActive(t, testDef())
	accept(t, m, cmd("FORFEIT", alice.ID), t0)
	for _, typ := range []string{"START", "STAGE_CLEAR_ATTEMPT", "STAGE_ADVANCE", "FORFEIT"} {
		requireRejected(t, m, messages.ReasonWrongState, func() ([]messages.Record, error) { return m.Handle(cmd(typ, alice.ID), t0) })
	}
	requireRejected(t, m, messages.ReasonWrongState, func() ([]messages.Record, error) {
		return m.Handle(update(alice.ID, map[uint32]uint32{4001: 1}, nil), t0)
	})
	requireRejected(t, m, messages.ReasonWrongState, func() ([]messages.Record, error) { return m.Join(alice, t0) })
	require.Nil(t, m.Tick(t0.Add(24*time.Hour)))
	require.Nil(t, m.Shutdown())
	_, ok := m.NextDeadline()
	require.False(t, ok)
}

func TestShutdownDestroysWithoutFailed(t *testing.T) {
	for name, m := range map[string]*Machine{"registering": newTimed(t), "active": newActive(t, testDef()), "clearing": newClearing(t)} {
		t.Run(name, func(t *testing.T) {
			phase := m.Phase()
			recs := m.Shutdown()
			want := []messages.Record{}
			for _, c := range m.Members() {
				want = append(want, warp(c, 900, uuid.Nil))
			}
			want = append(want, tev("INSTANCE_DESTROYED", empty))
			require.Equal(t, want, recs)
			require.True(t, m.Done())
			require.Equal(t, phase, m.Phase(), "shutdown is neither completion nor failure")
		})
	}
}
