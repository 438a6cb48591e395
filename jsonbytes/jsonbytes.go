// Package jsonbytes appends JSON tokens to byte slices, for the few hot
// encodings the service writes by hand (internal envelopes, changelog
// records, actor identities) rather than through encoding/json's
// reflection. Each writes exactly what encoding/json would. Its Reader is
// the other direction: the fast path of a few hot decoders, for a strict
// subset of JSON, with encoding/json deciding everything else.
package jsonbytes

import (
	"encoding/json"

	"github.com/google/uuid"
)

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
