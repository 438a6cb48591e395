package partyquest_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/binbytes"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/partyquest/definition"
)

type State = partyquest.State

var allStates = []partyquest.InstanceState{
	partyquest.StateRegistering, partyquest.StateActive, partyquest.StateClearing,
	partyquest.StateCompleted, partyquest.StateFailed,
}

// stateTimes are a state's six times, to compare or rewrite them together.
func stateTimes(s *State) []*time.Time {
	return []*time.Time{&s.RegisteredAt, &s.StartedAt, &s.StageStartedAt,
		&s.RegistrationEndsAt, &s.RunEndsAt, &s.StageEndsAt}
}

// gen draws random states that reach every field's edge cases.
type gen struct {
	r *rand.Rand
	// utc makes every time UTC (the JSON comparison needs it).
	utc bool
}

func (g gen) u32() uint32 {
	switch g.r.IntN(6) {
	case 0:
		return 0
	case 1:
		return math.MaxUint32
	case 2:
		return []uint32{1, 127, 128, 16383, 16384, 1<<28 - 1, 1 << 28}[g.r.IntN(7)]
	default:
		return g.r.Uint32() >> g.r.IntN(32) // every varint length
	}
}

func (g gen) u8() byte { return byte(g.r.UintN(256)) }

// chance is true one time in n.
func (g gen) chance(n int) bool { return g.r.IntN(n) == 0 }

func (g gen) id() uuid.UUID {
	if g.chance(10) {
		return uuid.Nil
	}
	var u uuid.UUID
	for i := range u {
		u[i] = g.u8()
	}
	return u
}

func (g gen) str() string {
	switch g.r.IntN(8) {
	case 0:
		return ""
	case 1:
		return "quest \"with\" <odd> & ü \\ \t\u2028 \x00"
	case 2:
		return strings.Repeat("long_pq_", 1+g.r.IntN(60)) // length prefix of 1 or 2 bytes
	case 3:
		return "bad \xff\xfe utf-8" // binary keeps bytes as they are
	default:
		return []string{"kerning_city_pq", "sharenian_trial", "x"}[g.r.IntN(3)]
	}
}

var zones = []*time.Location{
	time.FixedZone("IST", 5*3600+1800), time.FixedZone("PST", -8*3600),
	time.FixedZone("UTC", 0), // named UTC, but not time.UTC
	time.FixedZone("odd", -(12*3600 + 59)),
}

func (g gen) time() time.Time {
	var t time.Time
	ns := int(g.r.Int64N(1e9))
	if g.chance(3) {
		ns = 0
	}
	switch g.r.IntN(9) {
	case 0, 1:
		return time.Time{} // the zero time: "not set"
	case 2:
		t = time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC) // one nanosecond after zero
	case 3:
		t = time.Date(1, time.Month(1+g.r.IntN(12)), 1+g.r.IntN(28), g.r.IntN(24), 0, 0, ns, time.UTC)
	case 4:
		t = time.Date(3000, time.Month(1+g.r.IntN(12)), 1+g.r.IntN(28), g.r.IntN(24), g.r.IntN(60), 59, ns, time.UTC)
	case 5:
		t = time.Unix(0, 0).UTC().Add(time.Duration(g.r.IntN(3)-1) * time.Nanosecond) // around the epoch, both sides
	case 6:
		t = time.Date(1969, 12, 31, 23, 59, 59, ns, time.UTC) // negative Unix seconds with nanoseconds
	default:
		t = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC).Add(time.Duration(g.r.Int64N(int64(400 * 24 * time.Hour))))
		t = t.Add(time.Duration(ns) - time.Duration(t.Nanosecond()))
	}
	if !g.utc && g.chance(2) {
		t = t.In(zones[g.r.IntN(len(zones))])
	}
	return t
}

// shape picks nil, empty or filled, so nil-vs-empty is tested everywhere.
func (g gen) shape(max int) (isNil bool, n int) {
	switch g.r.IntN(4) {
	case 0:
		return true, 0
	case 1:
		return false, 0
	default:
		return false, 1 + g.r.IntN(max)
	}
}

func (g gen) counts() map[uint32]uint32 {
	isNil, n := g.shape(40) // past the encoder's 16-key stack buffer too
	if isNil {
		return nil
	}
	m := make(map[uint32]uint32, n)
	for range n {
		m[g.u32()] = g.u32()
	}
	return m
}

func (g gen) state() State {
	s := State{
		ID: g.id(), QuestID: g.str(), WorldID: g.u8(), ChannelID: g.u8(),
		PartyID: g.u32(), AffinityID: g.u32(),
		State:     allStates[g.r.IntN(len(allStates))],
		Destroyed: g.chance(2), CompletedEmitted: g.chance(2),
		CurrentStageIndex: g.u32(),
	}
	if isNil, n := g.shape(6); !isNil {
		s.Characters = make([]partyquest.Character, n)
		for i := range s.Characters {
			s.Characters[i] = partyquest.Character{ID: g.u32(), WorldID: g.u8(), ChannelID: g.u8(), Level: g.u32()}
		}
	}
	for _, t := range stateTimes(&s) {
		*t = g.time()
	}
	if isNil, n := g.shape(8); !isNil {
		s.FieldInstances = make([]uuid.UUID, n)
		for i := range s.FieldInstances {
			s.FieldInstances[i] = g.id()
		}
	}
	s.StageState.ItemCounts = g.counts()
	s.StageState.MonsterKills = g.counts()
	if isNil, n := g.shape(10); !isNil {
		s.StageState.Combination = make([]uint32, n)
		for i := range s.StageState.Combination {
			s.StageState.Combination[i] = g.u32()
		}
	}
	s.StageState.Attempts = g.u32()
	return s
}

// inUTC is s with every time moved to UTC: what the binary form reads back.
func inUTC(s State) State {
	for _, t := range stateTimes(&s) {
		*t = t.UTC()
	}
	return s
}

func allUTC(s State) bool {
	for _, t := range stateTimes(&s) {
		if t.Location() != time.UTC {
			return false
		}
	}
	return true
}

func encode(t testing.TB, s State) []byte {
	t.Helper()
	b, err := s.AppendBinary(nil)
	require.NoError(t, err)
	return b
}

func decode(t testing.TB, b []byte) State {
	t.Helper()
	var s State
	require.NoError(t, s.UnmarshalBinary(b))
	return s
}

// requireRoundTrip checks that got is want read back from binary: the same
// instants, in UTC, and everything else (nil-vs-empty included) identical.
func requireRoundTrip(t testing.TB, want, got State, name string) {
	t.Helper()
	wt, gt := stateTimes(&want), stateTimes(&got)
	for i := range wt {
		require.True(t, wt[i].Equal(*gt[i]), "%s: time %d: %v != %v", name, i, *wt[i], *gt[i])
		require.Equal(t, time.UTC, gt[i].Location(), "%s: time %d", name, i)
	}
	// DeepEqual tells nil from empty slices and maps; inUTC makes the times
	// comparable field by field (no monotonic reading, location nil).
	require.Equal(t, inUTC(want), got, name)
}

// TestStateBinaryRoundTripProperty encodes and decodes thousands of random
// states, and pins the binary form to the JSON form's meaning.
func TestStateBinaryRoundTripProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 3))
	jsonChecked := 0
	for i := range 5000 {
		g := gen{r: r, utc: i%2 == 0}
		orig := g.state()
		enc := encode(t, orig)
		got := decode(t, enc)
		requireRoundTrip(t, orig, got, fmt.Sprintf("state %d", i))

		// The decoded state is canonical: it encodes to the same bytes.
		require.Equal(t, enc, encode(t, got), "state %d", i)

		// Binary means what JSON means: the binary-decoded state writes
		// the JSON the original writes after a JSON round trip. (Only for
		// UTC times and valid UTF-8: JSON keeps a time's zone offset and
		// replaces invalid bytes, both on purpose.)
		if !allUTC(orig) || !utf8.ValidString(orig.QuestID) {
			continue
		}
		jsonChecked++
		raw, err := orig.AppendJSON(nil)
		require.NoError(t, err)
		var viaJSON State
		require.NoError(t, json.Unmarshal(raw, &viaJSON))
		want, err := viaJSON.AppendJSON(nil)
		require.NoError(t, err)
		have, err := got.AppendJSON(nil)
		require.NoError(t, err)
		require.Equal(t, string(want), string(have), "state %d", i)
		require.Equal(t, viaJSON, got, "state %d: the two forms decode to the same value", i)
	}
	t.Logf("%d states, %d also compared with their JSON form", 5000, jsonChecked)
	require.Greater(t, jsonChecked, 1000)
}

// TestStateBinaryEdgeStates covers by hand what the generator reaches by
// chance: the emptiest state, every instance state, and the extremes.
func TestStateBinaryEdgeStates(t *testing.T) {
	var states []State
	for _, st := range allStates {
		states = append(states, State{State: st})
	}
	full := State{
		ID: uuid.Max, QuestID: strings.Repeat("q", 1000), WorldID: 255, ChannelID: 255,
		PartyID: math.MaxUint32, AffinityID: math.MaxUint32,
		Characters: []partyquest.Character{{ID: math.MaxUint32, WorldID: 255, ChannelID: 255, Level: math.MaxUint32}, {}},
		State:      partyquest.StateClearing, Destroyed: true, CompletedEmitted: true,
		CurrentStageIndex: math.MaxUint32,
		RegisteredAt:      time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		StartedAt:         time.Date(3000, 12, 31, 23, 59, 59, 999999999, time.UTC),
		StageStartedAt:    time.Date(2026, 3, 14, 12, 0, 0, 0, time.FixedZone("IST", 19800)),
		// Before year 1 in UTC, though year 1 where it was written.
		RegistrationEndsAt: time.Date(1, 1, 1, 0, 0, 0, 0, time.FixedZone("east", 3600)),
		RunEndsAt:          time.Unix(-1, 999999999),
		StageEndsAt:        time.Unix(0, 0),
		FieldInstances:     []uuid.UUID{uuid.Nil, uuid.Max},
		StageState: partyquest.StageState{
			ItemCounts:   map[uint32]uint32{0: 0, math.MaxUint32: math.MaxUint32, 1: 2},
			MonsterKills: map[uint32]uint32{},
			Combination:  []uint32{},
			Attempts:     math.MaxUint32,
		},
	}
	nowish := full
	nowish.StartedAt = time.Now() // has a monotonic reading, which is dropped
	states = append(states, full, nowish)
	for i, s := range states {
		requireRoundTrip(t, s, decode(t, encode(t, s)), fmt.Sprintf("state %d", i))
	}
}

// TestStateBinaryStream: AppendBinary appends to what b holds, and
// ReadBinary stops at the end of its state, so records can follow one
// another.
func TestStateBinaryStream(t *testing.T) {
	g := gen{r: rand.New(rand.NewPCG(5, 6))}
	prefix := []byte("prefix")
	b := append([]byte(nil), prefix...)
	var states []State
	for range 20 {
		s := g.state()
		states = append(states, s)
		var err error
		b, err = s.AppendBinary(b)
		require.NoError(t, err)
	}
	require.Equal(t, prefix, b[:len(prefix)])
	r := binbytes.NewReader(b[len(prefix):])
	for i, s := range states {
		requireRoundTrip(t, s, partyquest.ReadBinary(r), fmt.Sprintf("state %d", i))
		require.NoError(t, r.Err())
	}
	require.Zero(t, r.Len())
}

// TestStateBinaryIsDeterministic: maps are written in key order, so one
// state has one encoding whatever order its maps iterate or were built in.
func TestStateBinaryIsDeterministic(t *testing.T) {
	keys := make([]uint32, 50)
	for i := range keys {
		keys[i] = uint32(i*i*7919 + i) // not inserted in ascending order below
	}
	build := func(order []int) map[uint32]uint32 {
		m := make(map[uint32]uint32)
		for _, i := range order {
			m[keys[i]] = uint32(i)
		}
		return m
	}
	r := rand.New(rand.NewPCG(7, 8))
	s := State{State: partyquest.StateActive, QuestID: "kerning_city_pq"}
	s.StageState.ItemCounts = build(r.Perm(len(keys)))
	s.StageState.MonsterKills = build(r.Perm(len(keys))[:20])
	want := encode(t, s)
	for range 100 {
		require.Equal(t, want, encode(t, s))
		// The same contents built in another order.
		other := s
		other.StageState.ItemCounts = build(r.Perm(len(keys)))
		require.Equal(t, want, encode(t, other))
	}
}

// representative is an active instance as the actor keeps it: four
// members, one field instance per stage, a stage with items and kills.
func representative() State {
	t0 := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	return State{
		ID:      uuid.MustParse("11111111-2222-4333-8444-555555555555"),
		QuestID: "kerning_city_pq", WorldID: 1, ChannelID: 2, PartyID: 7, AffinityID: 7,
		Characters: []partyquest.Character{
			{ID: 101, WorldID: 1, ChannelID: 2, Level: 25}, {ID: 102, WorldID: 1, ChannelID: 3, Level: 27},
			{ID: 103, WorldID: 1, ChannelID: 2, Level: 22}, {ID: 104, WorldID: 1, ChannelID: 2},
		},
		State:             partyquest.StateActive,
		CurrentStageIndex: 2,
		RegisteredAt:      t0,
		StartedAt:         t0.Add(1500 * time.Millisecond),
		StageStartedAt:    t0.Add(3*time.Minute + 123456789),
		RunEndsAt:         t0.Add(10 * time.Minute),
		FieldInstances: []uuid.UUID{
			uuid.MustParse("00000000-0000-4000-8000-000000000001"), uuid.MustParse("00000000-0000-4000-8000-000000000002"),
			uuid.MustParse("00000000-0000-4000-8000-000000000003"), uuid.MustParse("00000000-0000-4000-8000-000000000004"),
			uuid.MustParse("00000000-0000-4000-8000-000000000005"),
		},
		StageState: partyquest.StageState{
			ItemCounts:   map[uint32]uint32{4001007: 3, 4001008: 1, 4001022: 12},
			MonsterKills: map[uint32]uint32{9300003: 5, 9300004: 2},
			Combination:  []uint32{},
		},
	}
}

func TestStateBinaryIsCompact(t *testing.T) {
	s := representative()
	bin := encode(t, s)
	js, err := s.AppendJSON(nil)
	require.NoError(t, err)
	t.Logf("representative state: binary %d bytes, JSON %d bytes (%.1f%%)", len(bin), len(js), 100*float64(len(bin))/float64(len(js)))
	require.Less(t, 3*len(bin), len(js), "binary form should be under a third of the JSON form")
	requireRoundTrip(t, s, decode(t, bin), "representative")
}

func TestStateBinaryRefuses(t *testing.T) {
	prefix := []byte{9, 9}
	withDef := representative()
	withDef.Definition = &definition.Definition{QuestID: "kerning_city_pq"}
	unknown := representative()
	unknown.State = "paused"
	empty := representative()
	empty.State = "" // the zero value is not a state either
	for name, s := range map[string]State{"definition": withDef, "unknown state": unknown, "no state": empty} {
		b, err := s.AppendBinary(append([]byte(nil), prefix...))
		require.Error(t, err, name)
		require.Equal(t, prefix, b, "%s: nothing appended", name)
	}
}

// rawState is a valid encoding assembled field by field with binbytes, so a
// test can break exactly one field; the fields follow the layout's order.
type rawState struct {
	version      byte
	id           []byte
	questID      []byte
	worldChannel []byte
	party        []byte
	affinity     []byte
	characters   []byte // count, then each member
	code, flags  byte
	stageIndex   []byte
	timeMask     byte
	times        []byte // per set time: varint seconds, uvarint nanoseconds
	fields       []byte // field instances, count first
	items        []byte
	kills        []byte
	combination  []byte
	attempts     []byte
	trailing     []byte
}

var (
	rawID    = uuid.MustParse("11111111-2222-4333-8444-555555555555")
	rawField = uuid.MustParse("00000000-0000-4000-8000-000000000001")
	rawT1    = time.Date(2026, 3, 14, 12, 0, 0, 500, time.UTC)
	rawT3    = time.Date(1960, 1, 2, 3, 4, 5, 6, time.UTC) // before the epoch
)

// rawWant is the state newRaw encodes.
func rawWant() State {
	return State{
		ID: rawID, QuestID: "kerning_city_pq", WorldID: 1, ChannelID: 2, PartyID: 7, AffinityID: 300,
		Characters: []partyquest.Character{{ID: 101, WorldID: 1, ChannelID: 2, Level: 25}},
		State:      partyquest.StateClearing, CompletedEmitted: true, CurrentStageIndex: 1,
		RegisteredAt: rawT1, StageStartedAt: rawT3,
		FieldInstances: []uuid.UUID{rawField},
		StageState: partyquest.StageState{
			ItemCounts: map[uint32]uint32{9: 1, 4001007: 3}, MonsterKills: nil, Combination: []uint32{}, Attempts: 4,
		},
	}
}

// uv is a list of unsigned varints.
func uv(vs ...uint64) []byte {
	var b []byte
	for _, v := range vs {
		b = binbytes.AppendUvarint(b, v)
	}
	return b
}

// timeBytes is one set time as the layout writes it.
func timeBytes(sec int64, nsec uint64) []byte {
	return binbytes.AppendUvarint(binbytes.AppendVarint(nil, sec), nsec)
}

func newRaw() rawState {
	return rawState{
		version:      1,
		id:           rawID[:],
		questID:      binbytes.AppendString(nil, "kerning_city_pq"),
		worldChannel: []byte{1, 2},
		party:        uv(7),
		affinity:     uv(300),
		// Counts are written plus one, so that 0 can stand for nil.
		characters: append(append(uv(1+1, 101), 1, 2), uv(25)...),
		code:       3, // clearing
		flags:      2, // completed emitted
		stageIndex: uv(1),
		timeMask:   1<<0 | 1<<2, // registeredAt, stageStartedAt
		times: append(timeBytes(rawT1.Unix(), uint64(rawT1.Nanosecond())),
			timeBytes(rawT3.Unix(), uint64(rawT3.Nanosecond()))...),
		fields:      binbytes.AppendUUID(uv(1+1), rawField),
		items:       uv(2+1, 9, 1, 4001007, 3), // keys ascending
		kills:       uv(0),                     // nil map
		combination: uv(0 + 1),                 // empty slice
		attempts:    uv(4),
	}
}

func (r rawState) bytes() []byte {
	b := []byte{r.version}
	for _, part := range [][]byte{r.id, r.questID, r.worldChannel, r.party, r.affinity, r.characters,
		{r.code, r.flags}, r.stageIndex, {r.timeMask}, r.times, r.fields, r.items, r.kills,
		r.combination, r.attempts, r.trailing} {
		b = append(b, part...)
	}
	return b
}

// TestStateBinaryLayout pins the layout the corruption tests edit: the
// hand-assembled record is exactly what AppendBinary writes.
func TestStateBinaryLayout(t *testing.T) {
	raw := newRaw().bytes()
	require.Equal(t, raw, encode(t, rawWant()))
	requireRoundTrip(t, rawWant(), decode(t, raw), "raw")
}

func TestStateBinaryRefusesCorruptInput(t *testing.T) {
	t1 := timeBytes(rawT1.Unix(), uint64(rawT1.Nanosecond()))
	cases := map[string]func(*rawState){
		"version 0":        func(r *rawState) { r.version = 0 },
		"version 2":        func(r *rawState) { r.version = 2 },
		"version 255":      func(r *rawState) { r.version = 255 },
		"state code 0":     func(r *rawState) { r.code = 0 },
		"state code 6":     func(r *rawState) { r.code = 6 },
		"state code 255":   func(r *rawState) { r.code = 255 },
		"flag bit 2":       func(r *rawState) { r.flags |= 4 },
		"flag bit 7":       func(r *rawState) { r.flags |= 0x80 },
		"time mask bit 6":  func(r *rawState) { r.timeMask |= 1 << 6 },
		"time mask bit 7":  func(r *rawState) { r.timeMask |= 1 << 7 },
		"1e9 nanoseconds":  func(r *rawState) { r.times = append(timeBytes(0, 1e9), r.times[len(t1):]...) },
		"huge nanoseconds": func(r *rawState) { r.times = append(timeBytes(0, math.MaxUint64), r.times[len(t1):]...) },
		"2nd time 1e9 ns":  func(r *rawState) { r.times = slices.Concat(t1, timeBytes(rawT3.Unix(), 1e9)) },
		"item keys repeat": func(r *rawState) { r.items = uv(2+1, 9, 1, 9, 3) },
		"item keys descend": func(r *rawState) {
			r.items = uv(2+1, 4001007, 3, 9, 1)
		},
		"kill keys descend":     func(r *rawState) { r.kills = uv(3+1, 1, 1, 3, 1, 2, 1) },
		"kill keys repeat 0":    func(r *rawState) { r.kills = uv(2+1, 0, 1, 0, 1) },
		"trailing zero":         func(r *rawState) { r.trailing = []byte{0} },
		"trailing state":        func(r *rawState) { r.trailing = newRaw().bytes() },
		"party id 33 bits":      func(r *rawState) { r.party = uv(1 << 32) },
		"affinity max uint64":   func(r *rawState) { r.affinity = uv(math.MaxUint64) },
		"character id 33 bits":  func(r *rawState) { r.characters = append(append(uv(1+1, 1<<32), 1, 2), uv(25)...) },
		"stage index 33 bits":   func(r *rawState) { r.stageIndex = uv(1 << 32) },
		"attempts 33 bits":      func(r *rawState) { r.attempts = uv(1 << 32) },
		"combination 33 bits":   func(r *rawState) { r.combination = uv(1+1, 1<<32) },
		"item count 33 bits":    func(r *rawState) { r.items = uv(1+1, 9, 1<<32) },
		"item map too long":     func(r *rawState) { r.items = uv(1<<40 + 1) },
		"field UUIDs too many":  func(r *rawState) { r.fields = uv(2 + 1) }, // what is left cannot hold two UUIDs
		"characters max count":  func(r *rawState) { r.characters = uv(math.MaxUint64) },
		"characters too many":   func(r *rawState) { r.characters = uv(1<<20 + 1) },
		"quest id too long":     func(r *rawState) { r.questID = uv(1 << 20) },
		"quest id max length":   func(r *rawState) { r.questID = uv(math.MaxUint64) },
		"varint over 64 bits":   func(r *rawState) { r.stageIndex = bytes11() },
		"time seconds over 64b": func(r *rawState) { r.times = append(bytes11(), r.times[len(t1):]...) },
	}
	for name, edit := range cases {
		raw := newRaw()
		edit(&raw)
		in := raw.bytes()
		// A failed decode leaves its target untouched.
		s := rawWant()
		err := s.UnmarshalBinary(in)
		require.Error(t, err, name)
		requireRoundTrip(t, rawWant(), s, name)
		t.Logf("%s: %v", name, err)

		// ReadBinary reports through the reader, and returns the zero State.
		r := binbytes.NewReader(in)
		got := partyquest.ReadBinary(r)
		if raw.trailing != nil {
			require.NoError(t, r.Err(), name) // ReadBinary leaves what follows to its caller
			continue
		}
		require.Error(t, r.Err(), name)
		require.Equal(t, State{}, got, name)
	}
}

// bytes11 is a varint of eleven bytes: more than 64 bits.
func bytes11() []byte {
	return []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}
}

// TestStateBinaryRefusesTruncation cuts valid encodings at every length:
// each cut is an error (a truncation), never a panic or a partial state.
func TestStateBinaryRefusesTruncation(t *testing.T) {
	encodings := [][]byte{newRaw().bytes(), encode(t, representative())}
	g := gen{r: rand.New(rand.NewPCG(9, 10))}
	for range 200 {
		encodings = append(encodings, encode(t, g.state()))
	}
	cuts := 0
	for i, enc := range encodings {
		for cut := range len(enc) {
			in := append([]byte(nil), enc[:cut]...)
			var s State
			err := s.UnmarshalBinary(in)
			require.ErrorIs(t, err, binbytes.ErrShort, "encoding %d cut at %d of %d", i, cut, len(enc))
			require.Equal(t, State{}, s)
			cuts++
		}
	}
	t.Logf("%d truncations", cuts)
}

// FuzzStateBinary: no input makes UnmarshalBinary panic, and whatever it
// accepts encodes again and decodes to the same state (canonical bytes
// from then on).
func FuzzStateBinary(f *testing.F) {
	f.Add(newRaw().bytes())
	f.Add(encode(f, representative()))
	f.Add(encode(f, State{State: partyquest.StateRegistering}))
	g := gen{r: rand.New(rand.NewPCG(11, 12))}
	for range 5 {
		f.Add(encode(f, g.state()))
	}
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, data []byte) {
		var s State
		if err := s.UnmarshalBinary(data); err != nil {
			require.Equal(t, State{}, s)
			return
		}
		require.Nil(t, s.Definition)
		enc, err := s.AppendBinary(nil)
		require.NoError(t, err, "a decoded state must encode")
		again := decode(t, enc)
		require.Equal(t, s, again)
		require.Equal(t, enc, encode(t, again), "re-encoding is stable")
		// The only non-canonical inputs are padded varints and a time
		// marked set at the zero instant; re-encoding drops both, so it
		// is shorter, or else the input itself.
		if len(enc) >= len(data) {
			require.Equal(t, data, enc)
		}
	})
}
