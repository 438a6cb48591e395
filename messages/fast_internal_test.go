package messages

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The fast paths' one rule: an input they accept, encoding/json accepts
// with the same value. What they decline is decided by encoding/json, so
// rejections and their reasons cannot change.

// agree fails t unless fast declines b or slow accepts b with fast's value.
func agree[T any](t testing.TB, b []byte, fast func([]byte) (T, bool), slow func([]byte) (T, error)) bool {
	t.Helper()
	got, ok := fast(b)
	if !ok {
		return false
	}
	want, err := slow(b)
	if err != nil {
		t.Fatalf("fast path accepted what encoding/json rejects (%v):\n%s", err, b)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fast path and encoding/json disagree on\n%s\nfast: %+v\njson: %+v", b, got, want)
	}
	return true
}

func readGolden(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "golden", name))
	require.NoError(t, err)
	return b
}

var (
	pqGoldens = []string{"pq_register.json", "pq_register_individual.json", "pq_start.json", "pq_stage_clear_attempt.json",
		"pq_stage_advance.json", "pq_forfeit.json", "pq_update_stage_state.json", "pq_update_stage_state_minimal.json"}
	transportGoldens = []string{"start_transport.json"}
)

// TestFastPathsTakeTheContractsExamples keeps the fast paths fast: every
// example command of the contracts goes through them.
func TestFastPathsTakeTheContractsExamples(t *testing.T) {
	for _, g := range pqGoldens {
		require.True(t, agree(t, readGolden(t, g), fastPartyQuestCommand, decodePartyQuestCommandJSON), g)
	}
	for _, g := range transportGoldens {
		require.True(t, agree(t, readGolden(t, g), fastStartTransport, decodeStartTransportJSON), g)
	}
}

// member is one JSON object member as literal text.
type member struct{ key, value string }

// variants writes random objects near the commands peers send: the right
// fields mostly, in any order, with white space, and now and then a value,
// key or framing that is odd, wrong, or right but outside the fast path's
// subset.
type variants struct{ rnd *rand.Rand }

func (v variants) pick(xs ...string) string { return xs[v.rnd.IntN(len(xs))] }

func (v variants) ws() string {
	if v.rnd.IntN(3) > 0 {
		return ""
	}
	return v.pick(" ", "\n  ", "\t", "\r\n")
}

func (v variants) odd() bool { return v.rnd.IntN(12) == 0 }

func (v variants) object(ms []member) string {
	v.rnd.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
	if v.odd() && len(ms) > 0 { // a repeated field
		ms = append(ms, member{ms[0].key, v.uint()})
	}
	if v.odd() { // an unknown field
		ms = append(ms, member{v.pick("extra", "WorldId", "characterid", "Body"), v.pick(`1`, `"x"`, `{}`, `[1]`, `true`)})
	}
	var b strings.Builder
	b.WriteString("{" + v.ws())
	for i, m := range ms {
		if i > 0 {
			b.WriteString(v.ws() + "," + v.ws())
		}
		b.WriteString(`"` + m.key + `"` + v.ws() + ":" + v.ws() + m.value)
	}
	b.WriteString(v.ws() + "}")
	return b.String()
}

// small is a byte-sized number: a worldId or a channelId.
func (v variants) small() string {
	if !v.odd() {
		return v.pick("0", "1", "7", "255")
	}
	return v.uint()
}

func (v variants) uint() string {
	if !v.odd() {
		return v.pick("0", "1", "7", "255", "1234", "103000800", "4294967295")
	}
	return v.pick("256", "4294967296", "01", "-1", "1.0", "1e2", "18446744073709551616", "99999999999999999999",
		"null", `"5"`, "true", "-0", "0.5")
}

// character is a characterId: 0 (missing) only now and then.
func (v variants) character() string {
	if v.odd() {
		return v.uint()
	}
	return v.pick("1", "1234", "4294967295")
}

func (v variants) uuid() string {
	if !v.odd() {
		return v.pick(`"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"`, `"11111111-2222-4333-8444-555555555555"`)
	}
	return v.pick(`"A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D"`, `"{a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}"`,
		`"urn:uuid:a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"`, `"a1b2c3d4e5f64a7b8c9d0e1f2a3b4c5d"`,
		`"00000000-0000-0000-0000-000000000000"`, `"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5"`, `"a1b2c3d4\u002de5f6-4a7b-8c9d-0e1f2a3b4c5d"`,
		`""`, `null`, `7`)
}

func (v variants) str() string {
	if !v.odd() {
		return v.pick(`"PQ1"`, `"henesys_pq"`, `"x y"`)
	}
	return v.pick(`""`, `"P\u0051"`, `"é"`, "\"\xff\"", `"a\"b"`, `null`, `5`, `{}`)
}

func (v variants) counts() string {
	if !v.odd() {
		n := v.rnd.IntN(4)
		ms := make([]member, 0, n)
		for range n {
			ms = append(ms, member{v.pick("4001007", "4001008", "9300000", "0", "4294967295"), v.uint()})
		}
		return v.object(ms)
	}
	return v.pick(`{}`, `null`, `{"01":2}`, `{"+1":2}`, `{"4294967296":1}`, `{"1":2,"1":3}`, `{"x":1}`, `{"1":null}`, `[]`, `{"1":-2}`, `""`)
}

// frame now and then breaks what surrounds a valid object.
func (v variants) frame(s string) string {
	if !v.odd() {
		return v.ws() + s + v.ws()
	}
	switch v.rnd.IntN(5) {
	case 0:
		return s[:v.rnd.IntN(len(s))]
	case 1:
		return s + v.pick("x", "{}", " 1", "\x00")
	case 2:
		return "\ufeff" + s
	case 3:
		return "null"
	default:
		return "[" + s + "]"
	}
}

var pqTypes = append([]string{"start", "UNKNOWN", "", "STARTED"}, pqCommandTypes...)

func (v variants) pqCommand() string {
	typ := v.pick(pqTypes...)
	if v.rnd.IntN(4) > 0 {
		typ = pqCommandTypes[v.rnd.IntN(len(pqCommandTypes))]
	}
	var body []member
	switch {
	case v.odd():
		body = []member{{"instanceId", v.uuid()}, {"questId", v.str()}, {"mapId", v.uint()}}
	case typ == TypeRegister:
		body = []member{{"questId", v.str()}, {"channelId", v.small()}, {"mapId", v.uint()}}
		if v.rnd.IntN(2) == 0 {
			body = append(body, member{"partyId", v.uint()})
		}
	case typ == TypeUpdateStageState:
		body = []member{{"instanceId", v.uuid()}}
		if v.rnd.IntN(3) > 0 {
			body = append(body, member{"itemCounts", v.counts()})
		}
		if v.rnd.IntN(3) > 0 {
			body = append(body, member{"monsterKills", v.counts()})
		}
		if v.odd() { // encoding/json merges a repeated map into the first
			body = append(body, member{"itemCounts", v.counts()}, member{"itemCounts", v.counts()})
		}
	default:
		body = []member{{"instanceId", v.uuid()}}
	}
	bodyText := v.object(body)
	if v.odd() {
		bodyText = v.pick(`null`, `"x"`, `[]`, `{}`)
	}
	top := []member{{"characterId", v.character()}, {"type", `"` + typ + `"`}, {"body", bodyText}}
	if v.rnd.IntN(2) == 0 {
		top = append(top, member{"worldId", v.small()})
	}
	if v.odd() {
		top = top[:len(top)-1]
	}
	return v.frame(v.object(top))
}

func (v variants) startTransport() string {
	body := []member{{"routeId", v.uuid()}, {"channelId", v.small()}}
	if v.odd() {
		body = body[:1]
	}
	bodyText := v.object(body)
	if v.odd() {
		bodyText = v.pick(`null`, `"x"`, `[]`, `{}`)
	}
	top := []member{{"transactionId", v.uuid()}, {"worldId", v.small()}, {"characterId", v.character()},
		{"type", `"START"`}, {"body", bodyText}}
	if v.odd() {
		top[3].value = v.pick(`"start"`, `"STARTED"`, `""`, `null`, `"ST\u0041RT"`)
	}
	if v.odd() {
		top = top[1:]
	}
	return v.frame(v.object(top))
}

// TestFastPathsAgreeWithEncodingJSON runs both decoders over many variants
// of each command; it also checks the variants reach both paths.
func TestFastPathsAgreeWithEncodingJSON(t *testing.T) {
	v := variants{rand.New(rand.NewPCG(11, 1))}
	const n = 20000
	var pqFast, trFast int
	for range n {
		if agree(t, []byte(v.pqCommand()), fastPartyQuestCommand, decodePartyQuestCommandJSON) {
			pqFast++
		}
		if agree(t, []byte(v.startTransport()), fastStartTransport, decodeStartTransportJSON) {
			trFast++
		}
	}
	t.Logf("fast path took %d of %d party-quest and %d of %d transport variants", pqFast, n, trFast, n)
	for _, taken := range []int{pqFast, trFast} {
		require.Greater(t, taken, n/10, "too few variants reach the fast path")
		require.Less(t, taken, n*9/10, "too few variants reach encoding/json")
	}
}

// TestFastPathsAgreeOnTheFuzzCorpora runs the decoders' committed fuzz
// inputs (hostile records and past findings) through the rule.
func TestFastPathsAgreeOnTheFuzzCorpora(t *testing.T) {
	for _, name := range []string{"FuzzDecodePartyQuestCommand", "FuzzDecodeStartTransport"} {
		files, err := filepath.Glob(filepath.Join("testdata", "fuzz", name, "*"))
		require.NoError(t, err)
		require.NotEmpty(t, files, name)
		for _, f := range files {
			text, err := os.ReadFile(f)
			require.NoError(t, err)
			// Go's corpus format: a header line, then []byte("…").
			_, lit, _ := strings.Cut(strings.TrimSpace(string(text)), "\n[]byte(")
			b, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
			require.NoError(t, err, f)
			agree(t, []byte(b), fastPartyQuestCommand, decodePartyQuestCommandJSON)
			agree(t, []byte(b), fastStartTransport, decodeStartTransportJSON)
		}
	}
}

// FuzzFastPathsAgree holds the rule for any input, from the contracts'
// examples.
func FuzzFastPathsAgree(f *testing.F) {
	for _, g := range append(pqGoldens, transportGoldens...) {
		f.Add(readGolden(f, g))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		agree(t, b, fastPartyQuestCommand, decodePartyQuestCommandJSON)
		agree(t, b, fastStartTransport, decodeStartTransportJSON)
	})
}
