package messages

import (
	"encoding/binary"

	"github.com/google/uuid"
)

// IntKey encodes an integer key as the reference does: the uint32 in
// little-endian order followed by four zero bytes.
func IntKey(v uint32) []byte {
	k := make([]byte, 8)
	binary.LittleEndian.PutUint32(k, v)
	return k
}

// UUIDKey encodes a UUID key as its 36-character text.
func UUIDKey(id uuid.UUID) []byte {
	return []byte(id.String())
}
