package partyquest

import (
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// clearAndAdvance clears the current stage (feeding what testDef and the
// Kerning sample need) and advances.
func clearAndAdvance(t *testing.T, m *Machine, now time.Time) []messages.Record {
	t.Helper()
	accept(t, m, update(alice.ID, map[uint32]uint32{4001: 2, 4001007: 10, 4001008: 10}, map[uint32]uint32{9300: 3, 9300003: 1}), now)
	require.NotEmpty(t, accept(t, m, cmd("STAGE_CLEAR_ATTEMPT", alice.ID), now))
	return accept(t, m, cmd("STAGE_ADVANCE", alice.ID), now)
}

func TestKerningRunCompletesThenBonusEnds(t *testing.T) {
	def := sample(t, "kerning_city_pq")
	party := []Character{alice, bob, carol}
	m, _ := New(instID, &def, Registration{WorldID: 1, ChannelID: 2, PartyID: 7, Characters: party}, &stepRandom{}, t0)
	kev := func(typ string, body any) messages.Record {
		switch b := body.(type) {
		case messages.StageBody:
			return ev(1, "kerning_city_pq", typ, b)
		default:
			return ev(1, "kerning_city_pq", typ, empty)
		}
	}
	warps := func(mapID uint32) []messages.Record {
		return []messages.Record{warp(alice, mapID, uuid.Nil), warp(bob, mapID, uuid.Nil), warp(carol, mapID, uuid.Nil)}
	}
	now := t0
	for i, mapID := range []uint32{103000801, 103000802, 103000804} {
		now = now.Add(time.Minute)
		recs := clearAndAdvance(t, m, now)
		require.Equal(t, append(warps(mapID), kev("STAGE_ADVANCED", stage(uint32(i+1), mapID))), recs)
		if def.Stages[i+1].Type == definition.StageCombinationPuzzle {
			c, _ := def.Stages[i+1].Combination()
			require.Len(t, m.State().StageState.Combination, c.Length)
		}
	}
	// Leaving the boss (last non-bonus stage): COMPLETED, then into the bonus.
	now = now.Add(time.Minute)
	recs := clearAndAdvance(t, m, now)
	want := append([]messages.Record{kev("COMPLETED", nil)}, warps(103000805)...)
	require.Equal(t, append(want, kev("STAGE_ADVANCED", stage(4, 103000805))), recs)

	at, _ := m.NextDeadline()
	require.Equal(t, now.Add(60*time.Second), at, "bonus limit")
	recs = m.Tick(at)
	require.Equal(t, append(warps(103000890), kev("INSTANCE_DESTROYED", nil)), recs)
	require.Equal(t, StateCompleted, m.Phase())
}

func TestAdvancingOutOfTheLastBonusEndsTheRunWithoutASecondCompleted(t *testing.T) {
	m := inStage1(t, testDef())
	clearAndAdvance(t, m, t0.Add(10*time.Second)) // into the bonus
	require.Equal(t, []messages.Record{
		warp(alice, 900, uuid.Nil),
		warp(bob, 900, uuid.Nil),
		tev("INSTANCE_DESTROYED", empty),
	}, clearAndAdvance(t, m, t0.Add(11*time.Second)))
	require.Equal(t, StateCompleted, m.Phase())
}

func TestWithoutBonusTheRunEndsAtOnce(t *testing.T) {
	def := testDef()
	def.Stages = def.Stages[:2]
	m := inStage1(t, def)
	require.Equal(t, []messages.Record{
		tev("COMPLETED", empty),
		warp(alice, 900, uuid.Nil),
		warp(bob, 900, uuid.Nil),
		tev("INSTANCE_DESTROYED", empty),
	}, clearAndAdvance(t, m, t0.Add(10*time.Second)))
	require.Equal(t, StateCompleted, m.Phase())
	require.True(t, m.Done())
}

func TestForfeitAfterCompletionIsNotAFailure(t *testing.T) {
	m := inStage1(t, testDef())
	clearAndAdvance(t, m, t0.Add(10*time.Second))
	recs := accept(t, m, cmd("FORFEIT", bob.ID), t0.Add(11*time.Second))
	require.Equal(t, []messages.Record{
		warp(alice, 900, uuid.Nil),
		warp(bob, 900, uuid.Nil),
		tev("INSTANCE_DESTROYED", empty),
	}, recs)
	require.Equal(t, StateCompleted, m.Phase())
}

func TestBonusInTheMiddleIsAnOrdinaryStage(t *testing.T) {
	def := testDef()
	// items, bonus (mid, 30 s), kills, trailing bonus
	def.Stages = []definition.Stage{def.Stages[0], def.Stages[2], def.Stages[1], def.Stages[2]}
	for i := range def.Stages {
		def.Stages[i].Index = uint32(i)
	}
	m := newActive(t, def)
	clearAndAdvance(t, m, t0) // into the mid bonus
	recs := m.Tick(t0.Add(30 * time.Second))
	require.Equal(t, tev("STAGE_ADVANCED", stage(2, 200, 201)), recs[len(recs)-1], "the stage limit advances a mid bonus stage")
	require.False(t, m.State().CompletedEmitted)
}
