package messages

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/gamehost/transitquest/jsonbytes"
)

// Envelope is the value of an internal-topic record: what kind of message
// it is and its body. A contract input forwarded to its actor's owner keeps
// its original bytes as the body, so nothing is decoded twice differently.
type Envelope struct {
	Type string          `json:"type"`
	Body json.RawMessage `json:"body"`
}

// Internal is a record for the actor with identity key on an internal
// topic; body is raw JSON (a forwarded input) or a value to encode.
func Internal(topic Topic, key []byte, typ string, body any) (Record, error) {
	raw, ok := body.(json.RawMessage)
	if !ok {
		b, err := json.Marshal(body)
		if err != nil {
			return Record{}, fmt.Errorf("encode internal %s: %w", typ, err)
		}
		raw = b
	}
	return Record{Topic: topic, Key: key, Value: Envelope{Type: typ, Body: raw}}, nil
}

// Encode is the envelope's JSON, {"type":…,"body":…}, as encoding/json
// writes it, but written directly: encoding/json would validate and
// compact the body, which is JSON already (encoded by this service, or an
// input it decoded), and that cost 3 % of the service's CPU under load.
func (e Envelope) Encode() []byte {
	b := make([]byte, 0, len(`{"type":,"body":}`)+len(e.Type)+2+len(e.Body))
	b = append(b, `{"type":`...)
	b = jsonbytes.AppendString(b, e.Type)
	b = append(b, `,"body":`...)
	if len(e.Body) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, e.Body...)
	}
	return append(b, '}')
}

// envelopePrefix and envelopeBody frame what Encode writes (and what
// encoding/json wrote before it).
const (
	envelopePrefix = `{"type":"`
	envelopeBody   = `","body":`
)

// DecodeEnvelope reads an internal-topic value. The form Encode writes is
// read by slicing it, without a scan of the body, which its own decoder
// checks; anything else is decoded as JSON.
func DecodeEnvelope(b []byte) (Envelope, error) {
	if e, ok := sliceEnvelope(b); ok {
		return e, nil
	}
	var e Envelope
	if err := json.Unmarshal(b, &e); err != nil {
		return e, Reject(ReasonBadJSON, "internal envelope: %v", err)
	}
	if e.Type == "" {
		return e, Reject(ReasonUnknownType, "internal envelope without a type")
	}
	return e, nil
}

// sliceEnvelope reads {"type":"T","body":B} where T is a plain identifier.
func sliceEnvelope(b []byte) (Envelope, bool) {
	if !bytes.HasPrefix(b, []byte(envelopePrefix)) || len(b) == 0 || b[len(b)-1] != '}' {
		return Envelope{}, false
	}
	rest := b[len(envelopePrefix):]
	end := bytes.IndexByte(rest, '"')
	if end <= 0 || bytes.IndexByte(rest[:end], '\\') >= 0 || !bytes.HasPrefix(rest[end:], []byte(envelopeBody)) {
		return Envelope{}, false
	}
	body := rest[end+len(envelopeBody) : len(rest)-1]
	if len(body) == 0 {
		return Envelope{}, false
	}
	return Envelope{Type: string(rest[:end]), Body: json.RawMessage(body)}, true
}
