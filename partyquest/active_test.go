package partyquest

import (
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestActiveUpdateStageStateAddsDeltas(t *testing.T) {
	m := newActive(t, testDef())
	require.Nil(t, accept(t, m, update(alice.ID, map[uint32]uint32{4001: 1, 4002: 0}, map[uint32]uint32{9300: 2}), t0))
	require.Nil(t, accept(t, m, update(bob.ID, map[uint32]uint32{4001: 2}, nil), t0))
	ss := m.State().StageState
	require.Equal(t, map[uint32]uint32{4001: 3}, ss.ItemCounts, "deltas add up; a zero delta creates nothing")
	require.Equal(t, map[uint32]uint32{9300: 2}, ss.MonsterKills)

	accept(t, m, update(alice.ID, map[uint32]uint32{4001: ^uint32(0)}, nil), t0)
	require.Equal(t, ^uint32(0), m.State().StageState.ItemCounts[4001], "saturates instead of wrapping")
}

func TestActiveUpdateStageStateIsBounded(t *testing.T) {
	m := newActive(t, testDef())
	big := map[uint32]uint32{}
	for i := range uint32(MaxStageCounters) {
		big[i+1] = 1
	}
	accept(t, m, update(alice.ID, big, nil), t0)
	accept(t, m, update(alice.ID, map[uint32]uint32{1: 5}, nil), t0) // existing key: fine
	requireRejected(t, m, messages.ReasonOversized, func() ([]messages.Record, error) {
		return m.Handle(update(alice.ID, map[uint32]uint32{1: 1, 99999: 1}, nil), t0)
	})
}

func TestActiveClearAttempt(t *testing.T) {
	m := newActive(t, testDef())
	require.Nil(t, accept(t, m, cmd("STAGE_CLEAR_ATTEMPT", alice.ID), t0), "conditions unmet: accepted, nothing emitted")
	s := m.State()
	require.Equal(t, StateActive, s.State)
	require.Equal(t, uint32(1), s.StageState.Attempts)

	accept(t, m, update(bob.ID, map[uint32]uint32{4001: 2}, nil), t0)
	recs := accept(t, m, cmd("STAGE_CLEAR_ATTEMPT", bob.ID), t0)
	require.Equal(t, []messages.Record{tev("STAGE_CLEARED", messages.StageClearedBody{
		StageIndex: 0, ChannelID: 2, MapIDs: []uint32{100}, FieldInstances: []uuid.UUID{},
	})}, recs)
	require.Equal(t, StateClearing, m.Phase())
	require.Equal(t, uint32(2), m.State().StageState.Attempts)
}

func TestActiveRefusals(t *testing.T) {
	m := newActive(t, testDef())
	for _, typ := range []string{"START", "STAGE_ADVANCE"} {
		requireRejected(t, m, messages.ReasonWrongState, func() ([]messages.Record, error) { return m.Handle(cmd(typ, alice.ID), t0) })
	}
	requireRejected(t, m, messages.ReasonNotMember, func() ([]messages.Record, error) { return m.Handle(cmd("STAGE_CLEAR_ATTEMPT", carol.ID), t0) })
	requireRejected(t, m, messages.ReasonNotMember, func() ([]messages.Record, error) {
		return m.Handle(update(carol.ID, map[uint32]uint32{4001: 1}, nil), t0)
	})
	requireRejected(t, m, messages.ReasonWrongState, func() ([]messages.Record, error) { return m.Join(carol, t0) })
	recs, err := m.Join(alice, t0)
	require.NoError(t, err, "a member re-registering is a no-op in any live state")
	require.Nil(t, recs)
}

func TestActiveForfeit(t *testing.T) {
	m := newActive(t, testDef())
	recs := accept(t, m, cmd("FORFEIT", bob.ID), t0.Add(time.Minute))
	require.Equal(t, []messages.Record{
		tev("FAILED", messages.FailedBody{Reason: "forfeit"}),
		warp(alice, 900, uuid.Nil),
		warp(bob, 900, uuid.Nil),
		tev("INSTANCE_DESTROYED", empty),
	}, recs)
	require.True(t, m.Done())
}
