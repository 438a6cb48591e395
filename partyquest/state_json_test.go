package partyquest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/messages"
)

// TestAppendJSONWritesWhatEncodingJSONWrites compares the two encodings
// byte for byte over the states an instance goes through.
func TestAppendJSONWritesWhatEncodingJSONWrites(t *testing.T) {
	def := sample(t, "kerning_city_pq")
	party := []Character{alice, bob, carol}
	m, _ := New(uuid.New(), &def, Registration{WorldID: 1, ChannelID: 2, PartyID: 7, Characters: party}, NewSeededRandom(1), t0)
	states := []State{m.State()}
	for i, cmd := range []messages.PartyQuestCommand{
		{WorldID: 1, CharacterID: alice.ID, Type: messages.TypeUpdateStageState, StageState: &messages.UpdateStageStateBody{InstanceID: m.ID(),
			ItemCounts: map[uint32]uint32{4001007: 3, 9: 1, 40010070: 2}, MonsterKills: map[uint32]uint32{9300003: 5}}},
	} {
		_, err := m.Handle(cmd, t0.Add(time.Duration(i+1)*time.Second))
		require.NoError(t, err)
		states = append(states, m.State())
	}
	odd := m.State()
	odd.QuestID = "quest \"with\" <odd> & ü"
	odd.FieldInstances = []uuid.UUID{uuid.New(), uuid.New()}
	odd.StageState.Combination = []uint32{3, 1, 2}
	odd.Characters = append([]Character(nil), odd.Characters...)
	odd.Characters[1].Level = 42
	odd.StageState.ItemCounts = map[uint32]uint32{}
	odd.RunEndsAt = time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	odd.StageEndsAt = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	odd.RegistrationEndsAt = time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)
	states = append(states, odd, State{ID: uuid.New(), State: StateFailed, Destroyed: true})
	for _, st := range states {
		stripped := st // as the actor records it: the definition has its own record
		stripped.Definition = nil
		for _, s := range []State{st, stripped} {
			want, err := json.Marshal(s)
			require.NoError(t, err)
			got, err := s.AppendJSON(nil)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
		}
	}
}
