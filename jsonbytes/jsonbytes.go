// Package jsonbytes appends JSON tokens to byte slices, for the few hot
// encodings the service writes by hand (internal envelopes, changelog
// records, actor identities) rather than through encoding/json's
// reflection. Each writes exactly what encoding/json would. Its Reader is
// the other direction: the fast path of a few hot decoders, for a strict
// subset of JSON, with encoding/json deciding everything else.
package jsonbytes

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Appender is a value that appends its own JSON: exactly the bytes
// encoding/json writes for it, without reflection. The emitter and the
// changelog use it when a value has it. A struct that embeds an Appender
// and adds fields must define its own AppendJSON: the promoted one would
// leave those fields out.
type Appender interface {
	AppendJSON(b []byte) ([]byte, error)
}

// AppendValue appends v by its own AppendJSON when it has one, and through
// encoding/json otherwise.
func AppendValue(b []byte, v any) ([]byte, error) {
	if a, ok := v.(Appender); ok {
		return a.AppendJSON(b)
	}
	raw, err := json.Marshal(v)
	return append(b, raw...), err
}

// AppendString appends s as a JSON string. Plain text is copied; anything
// encoding/json would escape goes through it.
func AppendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// AppendUUID appends id in its canonical text form (uuid.UUID.String),
// without quotes.
func AppendUUID(b []byte, id uuid.UUID) []byte {
	const hex = "0123456789abcdef"
	for i, c := range id {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hex[c>>4], hex[c&0xf])
	}
	return b
}

// AppendQuotedUUID appends id as a JSON string.
func AppendQuotedUUID(b []byte, id uuid.UUID) []byte {
	b = append(b, '"')
	b = AppendUUID(b, id)
	return append(b, '"')
}

// AppendArray appends xs as a JSON array (nil as null, as encoding/json
// writes a nil slice), each element by appendOne.
func AppendArray[T any](b []byte, xs []T, appendOne func([]byte, T) []byte) []byte {
	if xs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendOne(b, x)
	}
	return append(b, ']')
}

// AppendTime appends t as time.Time's MarshalJSON does (RFC 3339 with
// nanoseconds); MarshalJSON itself handles what it would refuse.
func AppendTime(b []byte, t time.Time) ([]byte, error) {
	if y := t.Year(); y < 0 || y > 9999 {
		raw, err := t.MarshalJSON()
		return append(b, raw...), err
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}
