package messages

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEnvelopeEncodesAsEncodingJSONDoes(t *testing.T) {
	for _, e := range []Envelope{
		{Type: "command", Body: json.RawMessage(`{"worldId":1,"type":"START","body":{"a":"b\"c"}}`)},
		{Type: "create", Body: json.RawMessage(`[1,2]`)},
		{Type: "odd \"type\" <&>", Body: json.RawMessage(`"x"`)},
		{Type: "ended", Body: json.RawMessage(`null`)},
	} {
		want, err := json.Marshal(e)
		require.NoError(t, err)
		require.Equal(t, string(want), string(e.Encode()))
		got, err := DecodeEnvelope(e.Encode())
		require.NoError(t, err)
		require.Equal(t, e.Type, got.Type)
		require.JSONEq(t, string(e.Body), string(got.Body))
	}
	require.Equal(t, `{"type":"x","body":null}`, string(Envelope{Type: "x"}.Encode()))
}

func TestDecodeEnvelopeReadsOtherFormsAsJSON(t *testing.T) {
	for raw, want := range map[string]Envelope{
		`{ "type": "command", "body": {"a":1} }`:   {Type: "command", Body: json.RawMessage(`{"a":1}`)},
		`{"body":{"a":1},"type":"command"}`:        {Type: "command", Body: json.RawMessage(`{"a":1}`)},
		`{"type":"com\u006dand","body":{"a":1}}`:   {Type: "command", Body: json.RawMessage(`{"a":1}`)},
		`{"type":"command","body":{"a":1}}` + "\n": {Type: "command", Body: json.RawMessage(`{"a":1}`)},
	} {
		got, err := DecodeEnvelope([]byte(raw))
		require.NoError(t, err, raw)
		require.Equal(t, want.Type, got.Type, raw)
		require.JSONEq(t, string(want.Body), string(got.Body), raw)
	}
	for _, bad := range []string{``, `{`, `{"type":"command","body":}`, `{"type":"","body":{}}`, `not json`} {
		_, err := DecodeEnvelope([]byte(bad))
		require.Error(t, err, bad)
	}
}

func BenchmarkEnvelopeRoundTrip(b *testing.B) {
	e := Envelope{Type: "command", Body: json.RawMessage(`{"worldId":1,"characterId":1001,"type":"STAGE_CLEAR_ATTEMPT","body":{"instanceId":"6f1c1d1e-8d8a-4a8b-9a2e-2c1f0b9c7d11"}}`)}
	for range b.N {
		if _, err := DecodeEnvelope(e.Encode()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEnvelopeRoundTripEncodingJSON is the same round trip through
// encoding/json, as before Encode and sliceEnvelope.
func BenchmarkEnvelopeRoundTripEncodingJSON(b *testing.B) {
	e := Envelope{Type: "command", Body: json.RawMessage(`{"worldId":1,"characterId":1001,"type":"STAGE_CLEAR_ATTEMPT","body":{"instanceId":"6f1c1d1e-8d8a-4a8b-9a2e-2c1f0b9c7d11"}}`)}
	for range b.N {
		raw, err := json.Marshal(e)
		if err != nil {
			b.Fatal(err)
		}
		var got Envelope
		if err := json.Unmarshal(raw, &got); err != nil {
			b.Fatal(err)
		}
	}
}
