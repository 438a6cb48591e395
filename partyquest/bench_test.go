package partyquest

import (
	"encoding/binary"
	"encoding/json"
	"runtime"
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
)

// BenchmarkUpdateStageState drives 10,000 live instances with
// UPDATE_STAGE_STATE round robin, as the load test does, and reports the
// per-instance footprint: JSON bytes of State (the changelog record) and
// retained heap bytes per machine.
func BenchmarkUpdateStageState(b *testing.B) {
	const n = 10_000
	def := sample(b, "kerning_city_pq")
	party := []Character{alice, bob, carol}

	ids := make([]uuid.UUID, n)
	cmds := make([]messages.PartyQuestCommand, n)
	for i := range ids {
		binary.BigEndian.PutUint64(ids[i][8:], uint64(i+1))
		cmds[i] = messages.PartyQuestCommand{WorldID: 1, CharacterID: party[i%3].ID, Type: messages.TypeUpdateStageState,
			StageState: &messages.UpdateStageStateBody{InstanceID: ids[i],
				ItemCounts: map[uint32]uint32{4001007: 1}, MonsterKills: map[uint32]uint32{9300003: 1}}}
	}

	// Only the machines (and their first update) are inside the heap window.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	machines := make([]*Machine, n)
	for i := range machines {
		machines[i], _ = New(ids[i], &def, Registration{WorldID: 1, ChannelID: 2, PartyID: uint32(i + 1), Characters: party}, NewSeededRandom(uint64(i)), t0)
	}
	// One update each so every stage map exists: the steady state is measured.
	for i, m := range machines {
		if _, err := m.Handle(cmds[i], t0); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	state, _ := json.Marshal(machines[0].State())

	now := t0.Add(time.Second)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		k := i % n
		if _, err := machines[k].Handle(cmds[k], now); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(state)), "state-json-B/instance")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-B/instance")
	runtime.KeepAlive(cmds)
}

// BenchmarkRegisterAmongRegistering registers a new party while 50,000
// parties' instances are registering, as in the load test (every REGISTER
// carries a fresh partyId and awaits its members): the join search looks
// at the sender's own party only. It reports the registrar's heap per
// registering instance.
func BenchmarkRegisterAmongRegistering(b *testing.B) {
	const n = 50_000
	def := testDef()
	def.FieldLock = "none"
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := NewRegistrar(NewSeededRandom(1))
	for i := range n {
		c := Character{ID: uint32(i + 1), WorldID: 1, ChannelID: 1}
		if d := r.Register(RegisterRequest{Definition: def, Sender: c, PartyID: uint32(i + 1)}); d.Kind != DecisionCreate {
			b.Fatalf("setup: %+v", d)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ResetTimer() // clears metrics reported before it
	for i := range b.N {
		c := Character{ID: uint32(n + i + 1), WorldID: 1, ChannelID: 1}
		d := r.Register(RegisterRequest{Definition: def, Sender: c, PartyID: uint32(n + i + 1)})
		r.Ended(d.InstanceID)
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-B/registering")
}

// benchState is the benchmarks' state: an active instance (three members,
// a stage with items and kills counted) without its definition.
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

// BenchmarkStateJSON encodes an active instance's state (three members, a
// stage with items and kills counted) without its definition, as the actor
// writes its changelog record after every change.
func BenchmarkStateJSON(b *testing.B) {
	st := benchState(b)
	for _, enc := range []struct {
		name string
		f    func() ([]byte, error)
	}{
		{"encoding/json", func() ([]byte, error) { return json.Marshal(st) }},
		{"AppendJSON", func() ([]byte, error) { return st.AppendJSON(nil) }},
	} {
		b.Run(enc.name, func(b *testing.B) {
			var n int
			b.ReportAllocs()
			for b.Loop() {
				raw, err := enc.f()
				if err != nil {
					b.Fatal(err)
				}
				n = len(raw)
			}
			b.ReportMetric(float64(n), "B/state")
		})
	}
}
