package loadgen

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/messages"
)

// checkScan asserts the scanner's contract on one input: when it answers
// true, encoding/json accepts the input and decodes the very same fields.
func checkScan(t testing.TB, value []byte) bool {
	var fast effectWire
	if !scanEffect(value, &fast) {
		return false
	}
	var slow effectWire
	if err := json.Unmarshal(value, &slow); err != nil {
		t.Fatalf("scanner accepted what encoding/json refuses (%v): %q", err, value)
	}
	if fast != slow {
		t.Fatalf("scanner and encoding/json disagree on %q:\n%+v\n%+v", value, fast, slow)
	}
	return true
}

// effectSamples are the project's golden records plus the forms the service
// writes for the loadgen's topics.
func effectSamples(t testing.TB) [][]byte {
	files, err := filepath.Glob("../messages/testdata/golden/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		out = append(out, b)
	}
	for _, s := range []string{
		`{"transactionId":"00000000-0000-0000-0000-000000000001","worldId":0,"characterId":4194305,"type":"STARTED","body":{"routeId":"5b1d3f8e-2c4a-4e6b-9a7d-1f2e3d4c5b6a","instanceId":"9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4"}}`,
		`{"worldId":0,"instanceId":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","questId":"q","type":"STAGE_CLEARED","body":{"stageIndex":1,"channelId":1,"mapIds":[1,2],"fieldInstances":["a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"]}}`,
		`{"worldId":0,"instanceId":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","questId":"q","type":"INSTANCE_CREATED","body":{"partyId":4294967295,"channelId":1}}`,
		`{"worldId":0,"instanceId":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","questId":"q","type":"FAILED","body":{"reason":"FORFEIT"}}`,
		`{"routeId":"5b1d3f8e-2c4a-4e6b-9a7d-1f2e3d4c5b6a","type":"DEPARTED","body":{"tripId":"5b1d3f8e-2c4a-4e6b-9a7d-1f2e3d4c5b6a","x":[{"a":[true,false,null]},-1.5e+3,0,"\u00e9\n"]}}`,
		`{"worldId":0,"characterId":7,"type":"UPDATE_STAGE_STATE","body":{"instanceId":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","itemCounts":{"4001007":1}}}`,
		` { "TYPE" : "x" , "CharacterID" : 3 , "type":"y", "body":{"stageindex":2}, "body":{"reason":"r"} } `,
		`{}`, `{"body":{}}`,
		// forms the scanner leaves to encoding/json
		`null`, `{"type":null}`, `{"characterId":"3"}`, `{"characterId":3.0}`, `{"characterId":-1}`, `{"characterId":4294967296}`,
		`{"characterId":01}`, `{"type":"a\"b"}`, `{"type":"é"}`, `{"body":null}`, `{"body":[]}`, `{"instanceId":"nope"}`,
		`{"instanceId":"{a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}"}`, `{"typ\u0065":"x"}`, `{"x":1}x`, `{"x":[1,]}`, `{"x":01}`,
		`{"x":"\q"}`, `{"x":tru}`, `{"x":1.}`, `{"x":1e}`, `{"x":-}`, "{\"x\":\"\x01\"}", `{"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

func TestScanEffectAgreesWithJSON(t *testing.T) {
	accepted := 0
	for _, v := range effectSamples(t) {
		if checkScan(t, v) {
			accepted++
		}
		for i := range v { // every truncation, and every single-byte change to a few bytes
			checkScan(t, v[:i])
			for _, c := range []byte{'"', '}', ',', '\\', '0', 'x', ' '} {
				m := append([]byte(nil), v...)
				m[i] = c
				checkScan(t, m)
			}
		}
	}
	assert.GreaterOrEqual(t, accepted, 30, "the plain forms take the fast path")
}

// The service's own forms take the fast path, and DecodeEffect reads them.
func TestDecodeEffectFastPath(t *testing.T) {
	v := []byte(`{"transactionId":"00000000-0000-0000-0000-000000000001","worldId":0,"characterId":9,"type":"CANCELLED","body":{"routeId":"5b1d3f8e-2c4a-4e6b-9a7d-1f2e3d4c5b6a","instanceId":"9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4","reason":"MAP_EXIT"}}`)
	require.True(t, checkScan(t, v))
	e, err := DecodeEffect(messages.EventTopicInstanceTransport, v)
	require.NoError(t, err)
	assert.Equal(t, uint32(9), e.Character)
	assert.Equal(t, "MAP_EXIT", e.Reason)
	assert.Equal(t, "9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4", e.Instance.String())
	_, err = DecodeEffect(messages.EventTopicInstanceTransport, []byte(`{"characterId":"9"}`))
	assert.Error(t, err, "still refused, by encoding/json")
}

func FuzzScanEffect(f *testing.F) {
	for _, v := range effectSamples(f) {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v []byte) { checkScan(t, v) })
}

func BenchmarkDecodeEffect(b *testing.B) {
	v := []byte(`{"worldId":0,"instanceId":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","questId":"loadgen_pq","type":"STAGE_CLEARED","body":{"stageIndex":1,"channelId":1,"mapIds":[300000001],"fieldInstances":["a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"]}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeEffect(messages.EventTopicPartyQuestStatus, v); err != nil {
			b.Fatal(err)
		}
	}
}
