package partyquest

import (
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestRegisteringJoin(t *testing.T) {
	m := newTimed(t)
	recs, err := m.Join(bob, t0.Add(time.Second))
	require.NoError(t, err)
	require.Equal(t, []messages.Record{tev("CHARACTER_REGISTERED", messages.CharacterRegisteredBody{CharacterID: bob.ID})}, recs)
	require.Equal(t, []Character{alice, bob}, m.Members())

	recs, err = m.Join(bob, t0.Add(2*time.Second))
	require.NoError(t, err, "a redelivered REGISTER is a no-op")
	require.Nil(t, recs)
	require.Len(t, m.Members(), 2)

	requireRejected(t, m, messages.ReasonMissingField, func() ([]messages.Record, error) { return m.Join(Character{}, t0) })
}

func TestRegisteringStart(t *testing.T) {
	m := newTimed(t)
	now := t0.Add(10 * time.Second)
	recs := accept(t, m, cmd("START", alice.ID), now)
	require.Equal(t, []messages.Record{
		warp(alice, 100, uuid.Nil),
		tev("STARTED", stage(0, 100)),
	}, recs)
	s := m.State()
	require.Equal(t, StateActive, s.State)
	require.Equal(t, now, s.StartedAt)
	require.True(t, s.RegistrationEndsAt.IsZero(), "the window is closed")
	require.Equal(t, now.Add(600*time.Second), s.RunEndsAt)
}

func TestRegisteringRefusals(t *testing.T) {
	m := newTimed(t)
	for _, typ := range []string{"STAGE_CLEAR_ATTEMPT", "STAGE_ADVANCE"} {
		requireRejected(t, m, messages.ReasonWrongState, func() ([]messages.Record, error) { return m.Handle(cmd(typ, alice.ID), t0) })
	}
	requireRejected(t, m, messages.ReasonWrongState, func() ([]messages.Record, error) {
		return m.Handle(update(alice.ID, map[uint32]uint32{4001: 1}, nil), t0)
	})
	requireRejected(t, m, messages.ReasonNotMember, func() ([]messages.Record, error) { return m.Handle(cmd("START", bob.ID), t0) })
	other := cmd("START", alice.ID)
	other.Instance.InstanceID = uuid.New()
	requireRejected(t, m, messages.ReasonUnknownTarget, func() ([]messages.Record, error) { return m.Handle(other, t0) })
	requireRejected(t, m, messages.ReasonUnknownType, func() ([]messages.Record, error) {
		return m.Handle(messages.PartyQuestCommand{CharacterID: alice.ID, Type: "REGISTER", Register: &messages.RegisterBody{QuestID: "test_pq"}}, t0)
	})
	requireRejected(t, m, messages.ReasonUnknownType, func() ([]messages.Record, error) {
		return m.Handle(messages.PartyQuestCommand{CharacterID: alice.ID, Type: "DANCE", Instance: &messages.InstanceBody{InstanceID: instID}}, t0)
	})
	requireRejected(t, m, messages.ReasonMissingField, func() ([]messages.Record, error) {
		return m.Handle(messages.PartyQuestCommand{CharacterID: alice.ID, Type: "START"}, t0)
	})
	requireRejected(t, m, messages.ReasonMissingField, func() ([]messages.Record, error) {
		return m.Handle(messages.PartyQuestCommand{CharacterID: alice.ID, Type: "UPDATE_STAGE_STATE"}, t0)
	})
}

func TestRegisteringForfeit(t *testing.T) {
	m := newTimed(t)
	recs := accept(t, m, cmd("FORFEIT", alice.ID), t0)
	require.Equal(t, []messages.Record{
		tev("FAILED", messages.FailedBody{Reason: "forfeit"}),
		warp(alice, 900, uuid.Nil),
		tev("INSTANCE_DESTROYED", empty),
	}, recs)
	require.True(t, m.Done())
	require.Equal(t, StateFailed, m.Phase())
}

// Commands arrive decoded from the wire; one round through the real decoder.
func TestHandleDecodedCommand(t *testing.T) {
	m := newTimed(t)
	c, err := messages.DecodePartyQuestCommand([]byte(`{"worldId":1,"characterId":101,"type":"START","body":{"instanceId":"` + instID.String() + `"}}`))
	require.NoError(t, err)
	recs := accept(t, m, c, t0)
	require.Len(t, recs, 2)
}
