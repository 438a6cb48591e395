// Package binbytes writes and reads the compact binary records the service
// keeps of its own state (the changelog): unsigned and signed varints,
// length-prefixed strings and byte strings, raw UUIDs. It has no schema:
// each record type writes its fields in a fixed order behind a version byte
// of its own, and reads them back with a Reader.
package binbytes

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// AppendUvarint appends v as an unsigned varint.
func AppendUvarint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

// AppendVarint appends v as a signed (zig-zag) varint.
func AppendVarint(b []byte, v int64) []byte { return binary.AppendVarint(b, v) }

// AppendString appends s behind its length.
func AppendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// AppendUUID appends u's 16 bytes.
func AppendUUID(b []byte, u uuid.UUID) []byte { return append(b, u[:]...) }

// ErrShort is the error of a read past the end of the input.
var ErrShort = errors.New("binary record: truncated")

// Reader reads what the Append functions wrote, in the same order. The
// first failed read sets Err; every later read returns zero values, so a
// decoder reads all its fields and checks Err once.
type Reader struct {
	b   []byte
	err error
}

// NewReader returns a reader at the start of b.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

// Err is the first read's error, or nil.
func (r *Reader) Err() error { return r.err }

// Len is the number of bytes not read yet.
func (r *Reader) Len() int { return len(r.b) }

// Rest returns the bytes not read yet and consumes them.
func (r *Reader) Rest() []byte {
	b := r.b
	r.b = nil
	return b
}

// Fail sets Err (unless a read failed already) and stops every later read.
func (r *Reader) Fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.b = nil
}

// Byte reads one byte.
func (r *Reader) Byte() byte {
	if len(r.b) < 1 {
		r.Fail(ErrShort)
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

// Uvarint reads an unsigned varint.
func (r *Reader) Uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.Fail(varintError(n))
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Varint reads a signed varint.
func (r *Reader) Varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.Fail(varintError(n))
		return 0
	}
	r.b = r.b[n:]
	return v
}

// varintError is the error of a varint read that returned n <= 0: the
// input ended inside it (0), or it runs past 64 bits (corrupt, not short).
func varintError(n int) error {
	if n == 0 {
		return fmt.Errorf("binary record: varint: %w", ErrShort)
	}
	return errors.New("binary record: varint overflows 64 bits")
}

// Uint32 reads an unsigned varint that must fit 32 bits.
func (r *Reader) Uint32() uint32 {
	v := r.Uvarint()
	if v > 1<<32-1 {
		r.Fail(fmt.Errorf("binary record: %d overflows 32 bits", v))
		return 0
	}
	return uint32(v)
}

// Count reads a length written by AppendUvarint and checks it against
// what is left, at least min bytes per element, so a corrupt length
// cannot make the caller allocate more than the input could hold.
func (r *Reader) Count(min int) int {
	return r.bounded(r.Uvarint(), min)
}

// AppendOptionalCount appends the length of a slice or map that may be nil,
// so a reader keeps nil apart from empty: n+1, or 0 for nil.
func AppendOptionalCount(b []byte, isNil bool, n int) []byte {
	if isNil {
		return append(b, 0)
	}
	return binary.AppendUvarint(b, uint64(n)+1)
}

// OptionalCount reads what AppendOptionalCount wrote, bounded as Count
// bounds a length; ok is false for nil (and after a failed read).
func (r *Reader) OptionalCount(min int) (n int, ok bool) {
	v := r.Uvarint()
	if v == 0 || r.err != nil {
		return 0, false
	}
	n = r.bounded(v-1, min)
	return n, r.err == nil
}

// bounded checks a length v against what is left, at least min bytes per
// element (min below 1 counts as 1).
func (r *Reader) bounded(v uint64, min int) int {
	if r.err != nil {
		return 0
	}
	if min < 1 {
		min = 1
	}
	if v > uint64(len(r.b)/min) {
		r.Fail(fmt.Errorf("binary record: %d elements in %d bytes: %w", v, len(r.b), ErrShort))
		return 0
	}
	return int(v)
}

// Bytes reads n bytes; the result shares the input's memory.
func (r *Reader) Bytes(n int) []byte {
	if n < 0 || n > len(r.b) {
		r.Fail(ErrShort)
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

// String reads a string written by AppendString.
func (r *Reader) String() string {
	n := r.Count(1)
	return string(r.Bytes(n))
}

// UUID reads 16 bytes as a UUID.
func (r *Reader) UUID() uuid.UUID {
	var u uuid.UUID
	copy(u[:], r.Bytes(16))
	return u
}
