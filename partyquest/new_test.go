package partyquest

import (
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestNewInstantStartsInTheSameCall(t *testing.T) {
	def := sample(t, "kerning_city_pq")
	m, recs := New(instID, &def, Registration{WorldID: 1, ChannelID: 2, PartyID: 7, AffinityID: 7,
		Characters: []Character{alice, bob, carol}}, &stepRandom{}, t0)

	require.Equal(t, []messages.Record{
		ev(1, "kerning_city_pq", "INSTANCE_CREATED", messages.InstanceCreatedBody{PartyID: 7, ChannelID: 2}),
		warp(alice, 103000800, uuid.Nil),
		warp(bob, 103000800, uuid.Nil),
		warp(carol, 103000800, uuid.Nil),
		ev(1, "kerning_city_pq", "STARTED", stage(0, 103000800)),
	}, recs)
	s := m.State()
	require.Equal(t, StateActive, s.State)
	require.Equal(t, t0, s.StartedAt)
	require.Equal(t, t0, s.StageStartedAt)
	require.Equal(t, t0, s.RegisteredAt)
	require.Equal(t, t0.Add(1800*time.Second), s.RunEndsAt)
	require.True(t, s.StageEndsAt.IsZero(), "stage 0 has no limit")
	require.Empty(t, s.FieldInstances, "channel lock has no field instances")
	at, ok := m.NextDeadline()
	require.True(t, ok)
	require.Equal(t, t0.Add(1800*time.Second), at)
	require.Empty(t, m.TakeNotes())
}

func TestNewInstantFailingStartRequirementsEndsTheInstance(t *testing.T) {
	def := sample(t, "kerning_city_pq") // party_size gte 3
	m, recs := New(instID, &def, Registration{WorldID: 1, ChannelID: 2, PartyID: 7,
		Characters: []Character{alice, bob}}, &stepRandom{}, t0)
	require.Equal(t, []messages.Record{
		ev(1, "kerning_city_pq", "INSTANCE_CREATED", messages.InstanceCreatedBody{PartyID: 7, ChannelID: 2}),
		ev(1, "kerning_city_pq", "FAILED", messages.FailedBody{Reason: "start_requirements"}),
		warp(alice, 103000890, uuid.Nil),
		warp(bob, 103000890, uuid.Nil),
		ev(1, "kerning_city_pq", "INSTANCE_DESTROYED", empty),
	}, recs)
	require.True(t, m.Done())
	require.Equal(t, StateFailed, m.Phase())
	_, ok := m.NextDeadline()
	require.False(t, ok)
}

func TestNewTimedOpensTheRegistrationWindow(t *testing.T) {
	def := sample(t, "sharenian_trial")
	m, recs := New(instID, &def, Registration{WorldID: 1, ChannelID: 2, AffinityID: 55,
		Characters: []Character{alice}}, &stepRandom{}, t0)
	require.Equal(t, []messages.Record{
		ev(1, "sharenian_trial", "INSTANCE_CREATED", messages.InstanceCreatedBody{PartyID: 0, ChannelID: 2}),
		ev(1, "sharenian_trial", "REGISTRATION_OPENED", messages.RegistrationOpenedBody{Duration: 120}),
	}, recs)
	s := m.State()
	require.Equal(t, StateRegistering, s.State)
	require.Equal(t, uint32(55), s.AffinityID)
	require.Equal(t, []uuid.UUID{fieldUUID(1), fieldUUID(2), fieldUUID(3), fieldUUID(4)}, s.FieldInstances, "instance lock: one field instance per stage")
	at, ok := m.NextDeadline()
	require.True(t, ok)
	require.Equal(t, t0.Add(120*time.Second), at)
}

func TestNewAwaitingMembersHoldsAnInstantQuest(t *testing.T) {
	m, recs := New(instID, ptr(testDef()), Registration{WorldID: 1, ChannelID: 2, PartyID: 7, AffinityID: 7,
		Characters: []Character{alice}, AwaitMembers: true}, &stepRandom{}, t0)
	require.Equal(t, []messages.Record{
		tev("INSTANCE_CREATED", messages.InstanceCreatedBody{PartyID: 7, ChannelID: 2}),
		tev("REGISTRATION_OPENED", messages.RegistrationOpenedBody{Duration: int64(DefaultAwaitMembersWindow / time.Second)}),
	}, recs)
	at, ok := m.NextDeadline()
	require.True(t, ok)
	require.Equal(t, t0.Add(DefaultAwaitMembersWindow), at)
}

func TestNewDeduplicatesCharactersAndNormalisesTime(t *testing.T) {
	local := t0.In(time.FixedZone("X", 3600))
	m, _ := New(instID, ptr(testDef()), Registration{WorldID: 1, ChannelID: 2, Characters: []Character{alice, alice, bob}}, &stepRandom{}, local)
	require.Equal(t, []Character{alice, bob}, m.Members())
	require.Equal(t, time.UTC, m.State().StartedAt.Location())
	require.Equal(t, instID, m.ID())
}

func TestUnknownLevelsAreSkippedWithANote(t *testing.T) {
	def := sample(t, "kerning_city_pq")
	m, _ := New(instID, &def, Registration{WorldID: 1, ChannelID: 2, Characters: []Character{alice, bob, dave}}, &stepRandom{}, t0)
	require.Equal(t, StateActive, m.Phase(), "level conditions skipped, party_size passes")
	require.Equal(t, []string{
		"startRequirements: level_min skipped (levels unknown)",
		"startRequirements: level_max skipped (levels unknown)",
	}, m.TakeNotes())
	require.Empty(t, m.TakeNotes(), "notes are taken once")
}
