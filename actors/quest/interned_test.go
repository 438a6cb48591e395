package quest

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
)

func TestCreatesShareOneDecodedDefinition(t *testing.T) {
	def := samples(t)[0]
	raw, err := json.Marshal(def)
	require.NoError(t, err)
	defs := newDefinitions()

	first, err := defs.decode(raw)
	require.NoError(t, err)
	again, err := defs.decode(append(json.RawMessage(nil), raw...)) // another create's copy of the bytes
	require.NoError(t, err)
	require.Same(t, first, again, "one decoded definition for every create that carries it")
	require.Equal(t, def.QuestID, first.def.QuestID)
	ref, err := definitionRef(def)
	require.NoError(t, err)
	require.Equal(t, ref, first.ref)

	owner := instanceKey(tn, [16]byte{1})
	rec, err := first.changelogRecord(tn, owner)
	require.NoError(t, err)
	want, err := changelog.Record(messages.ChangelogTopicPartyQuest, tn, definitionKind, ref, def)
	require.NoError(t, err)
	require.Equal(t, want.Key, rec.Key)
	require.JSONEq(t, string(want.Value.(json.RawMessage)), string(rec.Value.(json.RawMessage)))
	require.Equal(t, owner, rec.Owner)

	_, err = defs.decode(json.RawMessage(`{"questId":`))
	require.Error(t, err, "a definition that does not decode is refused")
}

func TestPersistedEncodesAsEncodingJSONDoes(t *testing.T) {
	def := samples(t)[0]
	m, _ := partyquest.New(uuid.New(), &def, partyquest.Registration{WorldID: 1, ChannelID: 2, PartyID: 9,
		Characters: []partyquest.Character{{ID: 1, WorldID: 1, ChannelID: 2}}}, partyquest.NewSeededRandom(1), t0)
	st := m.State()
	st.Definition = nil
	p := persisted{State: st, DefinitionRef: "kerning_city_pq@0123abcd"}
	want, err := json.Marshal(p)
	require.NoError(t, err)
	got, ok := p.encode(0).(json.RawMessage)
	require.True(t, ok)
	require.Equal(t, string(want), string(got))
	// Sized from the previous record, the same bytes in a buffer that wastes
	// little (it stays alive as the instance's snapshot).
	sized, ok := p.encode(len(got) + 64).(json.RawMessage)
	require.True(t, ok)
	require.Equal(t, string(got), string(sized))
	require.LessOrEqual(t, cap(sized), len(got)+64)
	t.Logf("one-member state record: %d bytes (default buffer %d)", len(got), cap(got))

	rec, err := changelog.Record(messages.ChangelogTopicPartyQuest, tn, changelogKind, st.ID.String(), p.encode(0))
	require.NoError(t, err)
	viaJSON, err := changelog.Record(messages.ChangelogTopicPartyQuest, tn, changelogKind, st.ID.String(), p)
	require.NoError(t, err)
	require.Equal(t, string(viaJSON.Value.(json.RawMessage)), string(rec.Value.(json.RawMessage)))
}
