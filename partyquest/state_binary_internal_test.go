package partyquest

import (
	"encoding/json"
	"testing"

	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
)

// benchState is BenchmarkStateJSON's state: an active instance (three
// members, a stage with items and kills counted) without its definition.
func benchState(b *testing.B) State {
	def := sample(b, "kerning_city_pq")
	m, _ := New(uuid.New(), &def, Registration{WorldID: 1, ChannelID: 2, PartyID: 7, Characters: []Character{alice, bob, carol}}, NewSeededRandom(1), t0)
	if _, err := m.Handle(messages.PartyQuestCommand{WorldID: 1, CharacterID: alice.ID, Type: messages.TypeUpdateStageState,
		StageState: &messages.UpdateStageStateBody{InstanceID: m.ID(), ItemCounts: map[uint32]uint32{4001007: 3, 4001008: 1},
			MonsterKills: map[uint32]uint32{9300003: 5, 9300004: 2}}}, t0); err != nil {
		b.Fatal(err)
	}
	st := m.State()
	st.Definition = nil
	return st
}

// BenchmarkStateBinary encodes and decodes BenchmarkStateJSON's state in
// the binary form; BenchmarkStateJSONDecode is the JSON decode to compare.
func BenchmarkStateBinary(b *testing.B) {
	st := benchState(b)
	raw, err := st.AppendBinary(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := st.AppendBinary(nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(raw)), "B/state")
	})
	b.Run("encode-reuse", func(b *testing.B) { // into a kept buffer, as a writer loop would
		buf := make([]byte, 0, 2*len(raw))
		b.ReportAllocs()
		for b.Loop() {
			if buf, err = st.AppendBinary(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var s State
			if err := s.UnmarshalBinary(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStateJSONDecode decodes the same state from JSON with
// encoding/json, for comparison with BenchmarkStateBinary/decode.
func BenchmarkStateJSONDecode(b *testing.B) {
	st := benchState(b)
	raw, err := st.AppendJSON(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var s State
		if err := json.Unmarshal(raw, &s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(raw)), "B/state")
}
