package messages

import (
	"encoding/json"
	"fmt"
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

// DecodeEnvelope reads an internal-topic value.
func DecodeEnvelope(b []byte) (Envelope, error) {
	var e Envelope
	if err := json.Unmarshal(b, &e); err != nil {
		return e, Reject(ReasonBadJSON, "internal envelope: %v", err)
	}
	if e.Type == "" {
		return e, Reject(ReasonUnknownType, "internal envelope without a type")
	}
	return e, nil
}
