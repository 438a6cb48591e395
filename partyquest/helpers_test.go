package partyquest

import (
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

var (
	t0     = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	instID = uuid.MustParse("11111111-2222-4333-8444-555555555555")
	alice  = Character{ID: 101, WorldID: 1, ChannelID: 2, Level: 25}
	bob    = Character{ID: 102, WorldID: 1, ChannelID: 3, Level: 27}
	carol  = Character{ID: 103, WorldID: 1, ChannelID: 2, Level: 22}
	dave   = Character{ID: 104, WorldID: 1, ChannelID: 2}
)

// stepRandom is a deterministic, copyable Random: UUIDs count up and IntN
// walks a fixed sequence, so two copies produce the same values.
type stepRandom struct{ n uint64 }

func (r *stepRandom) UUID() uuid.UUID {
	r.n++
	return uuid.MustParse(fmt.Sprintf("00000000-0000-4000-8000-%012x", r.n))
}

func (r *stepRandom) IntN(k int) int {
	r.n++
	return int(r.n*7) % k
}

// fieldUUID is the n-th UUID a fresh stepRandom returns.
func fieldUUID(n int) uuid.UUID {
	return uuid.MustParse(fmt.Sprintf("00000000-0000-4000-8000-%012x", n))
}

// sample loads one of the shipped sample definitions.
func sample(t testing.TB, questID string) definition.Definition {
	t.Helper()
	defs, problems := definition.LoadDir("testdata")
	for _, p := range problems {
		require.True(t, p.Warning, p.String())
	}
	for _, d := range defs {
		if d.QuestID == questID {
			return d
		}
	}
	t.Fatalf("no sample %s", questID)
	return definition.Definition{}
}

// testDef is a small party quest: item stage, two-map kill stage with a
// limit, trailing bonus stage; channel lock, 600 s global limit.
func testDef() definition.Definition {
	return definition.Definition{
		QuestID:   "test_pq",
		Name:      "Test PQ",
		FieldLock: definition.FieldLockChannel,
		Duration:  600,
		Registration: definition.Registration{
			Type: definition.RegistrationParty, Mode: definition.ModeInstant,
		},
		Exit: 900,
		Stages: []definition.Stage{
			{Index: 0, Name: "Items", MapIDs: []uint32{100}, Type: definition.StageItemCollection,
				ClearConditions: []definition.Condition{{Type: "item_count", Operator: "gte", Value: 2, ReferenceID: 4001}}},
			{Index: 1, Name: "Kills", MapIDs: []uint32{200, 201}, Type: definition.StageMonsterKilling, Duration: 60,
				ClearConditions: []definition.Condition{{Type: "monster_kill", Operator: "gte", Value: 3, ReferenceID: 9300}}},
			{Index: 2, Name: "Bonus", MapIDs: []uint32{300}, Type: definition.StageBonus, Duration: 30},
		},
	}
}

// newActive starts testDef (possibly modified) with alice and bob at t0.
func newActive(t testing.TB, def definition.Definition) *Machine {
	t.Helper()
	m, _ := New(instID, &def, Registration{WorldID: 1, ChannelID: 2, PartyID: 7, AffinityID: 7,
		Characters: []Character{alice, bob}}, &stepRandom{}, t0)
	require.Equal(t, StateActive, m.Phase())
	return m
}

// newTimed creates a registering timed instance of testDef with alice.
func newTimed(t testing.TB) *Machine {
	t.Helper()
	def := testDef()
	def.Registration.Mode = definition.ModeTimed
	def.Registration.Duration = 120
	m, _ := New(instID, &def, Registration{WorldID: 1, ChannelID: 2, Characters: []Character{alice}}, &stepRandom{}, t0)
	require.Equal(t, StateRegistering, m.Phase())
	return m
}

func ev[E any](world byte, quest, typ string, body E) messages.Record {
	return messages.Record{
		Topic: messages.EventTopicPartyQuestStatus,
		Key:   []byte(instID.String()),
		Value: messages.PartyQuestStatusEvent[E]{WorldID: world, InstanceID: instID, QuestID: quest, Type: typ, Body: body},
	}
}

// tev is an event of testDef's instance (world 1).
func tev[E any](typ string, body E) messages.Record { return ev(1, "test_pq", typ, body) }

func warp(c Character, mapID uint32, inst uuid.UUID) messages.Record {
	key := make([]byte, 8)
	binary.LittleEndian.PutUint32(key, c.ID)
	return messages.Record{
		Topic: messages.CommandTopicCharacter,
		Key:   key,
		Value: messages.Command[messages.ChangeMapBody]{WorldID: c.WorldID, CharacterID: c.ID, Type: "CHANGE_MAP",
			Body: messages.ChangeMapBody{ChannelID: c.ChannelID, MapID: mapID, Instance: inst, PortalID: 0}},
	}
}

func cmd(typ string, from uint32) messages.PartyQuestCommand {
	return messages.PartyQuestCommand{WorldID: 1, CharacterID: from, Type: typ, Instance: &messages.InstanceBody{InstanceID: instID}}
}

func update(from uint32, items, kills map[uint32]uint32) messages.PartyQuestCommand {
	return messages.PartyQuestCommand{WorldID: 1, CharacterID: from, Type: "UPDATE_STAGE_STATE",
		StageState: &messages.UpdateStageStateBody{InstanceID: instID, ItemCounts: items, MonsterKills: kills}}
}

// requireRejected asserts a refusal with reason that left the state alone.
func requireRejected(t *testing.T, m *Machine, reason messages.Reason, call func() ([]messages.Record, error)) {
	t.Helper()
	before := m.State()
	recs, err := call()
	require.Error(t, err)
	var rej *messages.Rejection
	require.ErrorAs(t, err, &rej)
	require.Equal(t, reason, rej.Reason, rej.Detail)
	require.Nil(t, recs)
	require.Equal(t, before, m.State())
}

// accept runs a command that must be accepted.
func accept(t *testing.T, m *Machine, c messages.PartyQuestCommand, now time.Time) []messages.Record {
	t.Helper()
	recs, err := m.Handle(c, now)
	require.NoError(t, err)
	return recs
}

func stage(i uint32, maps ...uint32) messages.StageBody {
	return messages.StageBody{StageIndex: i, MapIDs: maps}
}

var empty = messages.Empty{}

// ptr is d's address, for a definition built by a helper.
func ptr(d definition.Definition) *definition.Definition { return &d }
