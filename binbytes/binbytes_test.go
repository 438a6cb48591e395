package binbytes_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/binbytes"
)

// uvarintEdges are the values around every varint length boundary, plus
// the 32-bit limit Uint32 enforces.
var uvarintEdges = []uint64{
	0, 1, 127, 128, 255, 256, 16383, 16384, 1<<21 - 1, 1 << 21,
	math.MaxUint32 - 1, math.MaxUint32, math.MaxUint32 + 1,
	1<<56 - 1, 1 << 56, 1<<63 - 1, 1 << 63, math.MaxUint64 - 1, math.MaxUint64,
}

var varintEdges = []int64{
	0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, -8193,
	math.MaxInt32, math.MinInt32, math.MaxInt64 - 1, math.MaxInt64, math.MinInt64 + 1, math.MinInt64,
}

func TestUvarintRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	values := append([]uint64(nil), uvarintEdges...)
	for range 1000 {
		values = append(values, r.Uint64()>>r.IntN(64)) // every length, not just 10-byte ones
	}
	// All values in one buffer: each read must stop exactly at its end.
	var b []byte
	for _, v := range values {
		b = binbytes.AppendUvarint(b, v)
	}
	rd := binbytes.NewReader(b)
	for _, v := range values {
		require.Equal(t, v, rd.Uvarint())
	}
	require.NoError(t, rd.Err())
	require.Zero(t, rd.Len())
}

func TestVarintRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	values := append([]int64(nil), varintEdges...)
	for range 1000 {
		values = append(values, r.Int64()>>r.IntN(64)*int64(1-2*r.IntN(2)))
	}
	var b []byte
	for _, v := range values {
		b = binbytes.AppendVarint(b, v)
	}
	rd := binbytes.NewReader(b)
	for _, v := range values {
		require.Equal(t, v, rd.Varint())
	}
	require.NoError(t, rd.Err())
	require.Zero(t, rd.Len())
}

func TestUint32RoundTrip(t *testing.T) {
	values := []uint32{0, 1, 127, 128, 1<<31 - 1, 1 << 31, math.MaxUint32 - 1, math.MaxUint32}
	var b []byte
	for _, v := range values {
		b = binbytes.AppendUvarint(b, uint64(v))
	}
	rd := binbytes.NewReader(b)
	for _, v := range values {
		require.Equal(t, v, rd.Uint32())
	}
	require.NoError(t, rd.Err())
	require.Zero(t, rd.Len())
}

func TestStringRoundTrip(t *testing.T) {
	values := []string{
		"", "a", "kerning_city_pq", "quest \"with\" <odd> & ü", "nul\x00inside", "\xff\xfe not utf-8",
		strings.Repeat("x", 127), strings.Repeat("y", 128), // the length prefix grows to two bytes
		strings.Repeat("long ü ", 20000),
	}
	var b []byte
	for _, v := range values {
		b = binbytes.AppendString(b, v)
	}
	rd := binbytes.NewReader(b)
	for _, v := range values {
		require.Equal(t, v, rd.String())
	}
	require.NoError(t, rd.Err())
	require.Zero(t, rd.Len())
}

func TestUUIDRoundTrip(t *testing.T) {
	values := []uuid.UUID{uuid.Nil, uuid.Max, uuid.MustParse("11111111-2222-4333-8444-555555555555")}
	for range 10 {
		values = append(values, uuid.New())
	}
	var b []byte
	for _, v := range values {
		b = binbytes.AppendUUID(b, v)
	}
	require.Len(t, b, 16*len(values)) // raw bytes, no prefix
	rd := binbytes.NewReader(b)
	for _, v := range values {
		require.Equal(t, v, rd.UUID())
	}
	require.NoError(t, rd.Err())
	require.Zero(t, rd.Len())
}

func TestByteBytesAndRest(t *testing.T) {
	rd := binbytes.NewReader([]byte{0, 255, 1, 2, 3, 4, 5})
	require.Equal(t, byte(0), rd.Byte())
	require.Equal(t, byte(255), rd.Byte())
	require.Equal(t, []byte{1, 2}, rd.Bytes(2))
	require.Equal(t, []byte{}, rd.Bytes(0))
	require.Equal(t, 3, rd.Len())
	require.Equal(t, []byte{3, 4, 5}, rd.Rest())
	require.Zero(t, rd.Len())
	require.NoError(t, rd.Err()) // Rest consumes, it does not fail
	require.Empty(t, rd.Rest())
}

func TestAppendKeepsPrefix(t *testing.T) {
	prefix := []byte("head")
	b := binbytes.AppendString(append([]byte(nil), prefix...), "s")
	b = binbytes.AppendUvarint(b, 300)
	b = binbytes.AppendVarint(b, -3)
	b = binbytes.AppendUUID(b, uuid.Max)
	require.Equal(t, prefix, b[:len(prefix)])
	rd := binbytes.NewReader(b[len(prefix):])
	require.Equal(t, "s", rd.String())
	require.Equal(t, uint64(300), rd.Uvarint())
	require.Equal(t, int64(-3), rd.Varint())
	require.Equal(t, uuid.Max, rd.UUID())
	require.NoError(t, rd.Err())
}

// field is one typed value of a mixed record: how to write it, and how to
// read it back as a comparable value.
type field struct {
	name  string
	write func([]byte) []byte
	read  func(*binbytes.Reader) any
	want  any
	zero  any
}

// mixedRecord has one field of every kind, with multi-byte encodings, so
// that cuts fall inside varints, strings and UUIDs.
func mixedRecord() []field {
	id := uuid.MustParse("11111111-2222-4333-8444-555555555555")
	return []field{
		{"byte", func(b []byte) []byte { return append(b, 7) }, func(r *binbytes.Reader) any { return r.Byte() }, byte(7), byte(0)},
		{"uvarint", func(b []byte) []byte { return binbytes.AppendUvarint(b, math.MaxUint64) }, func(r *binbytes.Reader) any { return r.Uvarint() }, uint64(math.MaxUint64), uint64(0)},
		{"varint", func(b []byte) []byte { return binbytes.AppendVarint(b, math.MinInt64) }, func(r *binbytes.Reader) any { return r.Varint() }, int64(math.MinInt64), int64(0)},
		{"uint32", func(b []byte) []byte { return binbytes.AppendUvarint(b, math.MaxUint32) }, func(r *binbytes.Reader) any { return r.Uint32() }, uint32(math.MaxUint32), uint32(0)},
		{"string", func(b []byte) []byte { return binbytes.AppendString(b, strings.Repeat("s", 130)) }, func(r *binbytes.Reader) any { return r.String() }, strings.Repeat("s", 130), ""},
		{"empty string", func(b []byte) []byte { return binbytes.AppendString(b, "") }, func(r *binbytes.Reader) any { return r.String() }, "", ""},
		{"uuid", func(b []byte) []byte { return binbytes.AppendUUID(b, id) }, func(r *binbytes.Reader) any { return r.UUID() }, id, uuid.Nil},
		{"count", func(b []byte) []byte { return append(binbytes.AppendUvarint(b, 2), 1, 2) }, func(r *binbytes.Reader) any {
			n := r.Count(1)
			return string(r.Bytes(n))
		}, "\x01\x02", ""},
		{"last byte", func(b []byte) []byte { return append(b, 9) }, func(r *binbytes.Reader) any { return r.Byte() }, byte(9), byte(0)},
	}
}

// TestTruncationIsSticky cuts a mixed record at every length: the fields
// wholly before the cut read back, the field the cut falls in and every
// later one read as zero, and Err reports a truncation.
func TestTruncationIsSticky(t *testing.T) {
	fields := mixedRecord()
	var full []byte
	var ends []int // where each field's encoding ends
	for _, f := range fields {
		full = f.write(full)
		ends = append(ends, len(full))
	}
	for cut := 0; cut <= len(full); cut++ {
		// A copy without spare capacity: nothing past the cut is reachable.
		in := append([]byte(nil), full[:cut]...)
		rd := binbytes.NewReader(in)
		for i, f := range fields {
			got := f.read(rd)
			if ends[i] <= cut {
				require.NoError(t, rd.Err(), "cut %d field %s", cut, f.name)
				require.Equal(t, f.want, got, "cut %d field %s", cut, f.name)
				continue
			}
			require.ErrorIs(t, rd.Err(), binbytes.ErrShort, "cut %d field %s", cut, f.name)
			require.Equal(t, f.zero, got, "cut %d field %s", cut, f.name)
			require.Zero(t, rd.Len(), "cut %d field %s", cut, f.name)
		}
		if cut == len(full) {
			require.NoError(t, rd.Err())
			require.Zero(t, rd.Len())
		}
	}
}

// TestFailIsSticky: after a failed read, even one that is not a
// truncation, the rest of the input is dropped and the first error stays.
func TestFailIsSticky(t *testing.T) {
	b := binbytes.AppendUvarint(nil, math.MaxUint32+1)
	b = binbytes.AppendString(b, "still here")
	b = append(b, 42)
	rd := binbytes.NewReader(b)
	require.Zero(t, rd.Uint32())
	first := rd.Err()
	require.Error(t, first)
	require.Zero(t, rd.Len(), "a failed read drops what is left")
	require.Empty(t, rd.String())
	require.Zero(t, rd.Byte())
	require.Zero(t, rd.Uvarint())
	require.Zero(t, rd.Varint())
	require.Equal(t, uuid.Nil, rd.UUID())
	require.Nil(t, rd.Bytes(0))
	require.Same(t, first, rd.Err(), "later failures do not replace the first error")

	// Fail itself: the first error wins, and reads stop although input is left.
	rd = binbytes.NewReader([]byte{1, 2, 3})
	mine, other := errors.New("mine"), errors.New("other")
	rd.Fail(mine)
	rd.Fail(other)
	require.Same(t, mine, rd.Err())
	require.Zero(t, rd.Byte())
	require.Zero(t, rd.Len())
	require.Empty(t, rd.Rest())
}

func TestBadVarints(t *testing.T) {
	// Eleven continuation bytes overflow 64 bits: an error, not a wrap.
	long := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}
	rd := binbytes.NewReader(long)
	require.Zero(t, rd.Uvarint())
	require.Error(t, rd.Err())
	require.Zero(t, rd.Len())

	rd = binbytes.NewReader(long)
	require.Zero(t, rd.Varint())
	require.Error(t, rd.Err())

	for _, in := range [][]byte{nil, {}, {0x80}, {0xff, 0xff}} {
		rd = binbytes.NewReader(in)
		require.Zero(t, rd.Uvarint(), "%x", in)
		require.ErrorIs(t, rd.Err(), binbytes.ErrShort, "%x", in)
		rd = binbytes.NewReader(in)
		require.Zero(t, rd.Varint(), "%x", in)
		require.ErrorIs(t, rd.Err(), binbytes.ErrShort, "%x", in)
	}
}

func TestUint32RefusesWiderValues(t *testing.T) {
	for _, v := range []uint64{math.MaxUint32 + 1, 1 << 40, math.MaxUint64} {
		rd := binbytes.NewReader(append(binbytes.AppendUvarint(nil, v), 5))
		require.Zero(t, rd.Uint32(), "%d", v)
		require.Error(t, rd.Err(), "%d", v)
		require.Zero(t, rd.Byte(), "sticky after %d", v)
	}
}

// TestCountIsBoundedByInput: a length larger than the rest of the input
// could hold fails before the caller allocates for it.
func TestCountIsBoundedByInput(t *testing.T) {
	cases := []struct {
		n    uint64
		rest int
		min  int
		ok   bool
	}{
		{0, 0, 1, true},
		{3, 3, 1, true},
		{4, 3, 1, false},
		{3, 12, 4, true},
		{3, 11, 4, false},  // 11 bytes cannot hold three 4-byte elements
		{2, 11, 4, true},   // they can hold two, with bytes to spare
		{1, 15, 16, false}, // one UUID needs 16
		{1, 16, 16, true},
		{2, 2, 0, true}, // min below 1 counts as 1
		{3, 2, 0, false},
		{3, 2, -5, false},
		{math.MaxUint64, 100, 1, false},
		{math.MaxInt64 + 1, 100, 1, false},
	}
	for _, c := range cases {
		b := append(binbytes.AppendUvarint(nil, c.n), make([]byte, c.rest)...)
		rd := binbytes.NewReader(b)
		got := rd.Count(c.min)
		if c.ok {
			require.NoError(t, rd.Err(), "%+v", c)
			require.Equal(t, int(c.n), got, "%+v", c)
			require.Equal(t, c.rest, rd.Len(), "Count consumes only the length: %+v", c)
			continue
		}
		require.ErrorIs(t, rd.Err(), binbytes.ErrShort, "%+v", c)
		require.Zero(t, got, "%+v", c)
		require.Zero(t, rd.Len(), "%+v", c)
	}

	// A truncated length is an error too.
	rd := binbytes.NewReader([]byte{0x80})
	require.Zero(t, rd.Count(1))
	require.ErrorIs(t, rd.Err(), binbytes.ErrShort)
}

func TestStringRefusesLongLength(t *testing.T) {
	b := append(binbytes.AppendUvarint(nil, 5), "four"...)
	rd := binbytes.NewReader(b)
	require.Empty(t, rd.String())
	require.ErrorIs(t, rd.Err(), binbytes.ErrShort)

	rd = binbytes.NewReader(binbytes.AppendUvarint(nil, math.MaxUint64))
	require.Empty(t, rd.String())
	require.ErrorIs(t, rd.Err(), binbytes.ErrShort)
}

// TestBytesSharesInputWithClippedCapacity: Bytes does not copy, but an
// append to its result must not write over the input that follows.
func TestBytesSharesInputWithClippedCapacity(t *testing.T) {
	in := []byte{10, 11, 12, 13, 14}
	rd := binbytes.NewReader(in)
	rd.Byte()
	got := rd.Bytes(2)
	require.Equal(t, []byte{11, 12}, got)
	require.Equal(t, 2, cap(got), "capacity clipped to the length")
	require.Same(t, &in[1], unsafe.SliceData(got), "shares the input's memory")

	in[1] = 99 // a change to the input shows through
	require.Equal(t, byte(99), got[0])

	grown := append(got, 77) // must reallocate rather than overwrite in[3]
	require.Equal(t, []byte{99, 12, 77}, grown)
	require.Equal(t, byte(13), in[3])
	require.Equal(t, []byte{13, 14}, rd.Bytes(2))
	require.NoError(t, rd.Err())

	// Out-of-range lengths fail without panicking.
	for _, n := range []int{-1, 1} {
		rd := binbytes.NewReader(nil)
		require.Nil(t, rd.Bytes(n), "%d", n)
		require.ErrorIs(t, rd.Err(), binbytes.ErrShort, "%d", n)
	}
	rd = binbytes.NewReader([]byte{1, 2})
	require.Nil(t, rd.Bytes(3))
	require.ErrorIs(t, rd.Err(), binbytes.ErrShort)
	require.Zero(t, rd.Len())
}

// TestStringCopies: a String, unlike Bytes, does not change with the input.
func TestStringCopies(t *testing.T) {
	in := binbytes.AppendString(nil, "abc")
	rd := binbytes.NewReader(in)
	s := rd.String()
	in[1] = 'X'
	require.Equal(t, "abc", s)
}

// An optional count keeps nil apart from empty, and is bounded by what is
// left as Count is: nil, empty and three elements read back as written;
// a corrupt count fails with ErrShort instead of reading as a length.
func TestOptionalCount(t *testing.T) {
	var b []byte
	b = binbytes.AppendOptionalCount(b, true, 0)
	b = binbytes.AppendOptionalCount(b, false, 0)
	b = binbytes.AppendOptionalCount(b, false, 3)
	b = append(b, 1, 2, 3)
	rd := binbytes.NewReader(b)
	n, ok := rd.OptionalCount(1)
	require.False(t, ok, "nil")
	require.Zero(t, n)
	n, ok = rd.OptionalCount(1)
	require.True(t, ok, "empty")
	require.Zero(t, n)
	n, ok = rd.OptionalCount(1)
	require.True(t, ok)
	require.Equal(t, 3, n)
	require.NoError(t, rd.Err())
	require.Equal(t, 3, rd.Len(), "only the count is consumed")

	// Three 4-byte elements do not fit in 11 bytes.
	rd = binbytes.NewReader(append(binbytes.AppendOptionalCount(nil, false, 3), make([]byte, 11)...))
	n, ok = rd.OptionalCount(4)
	require.False(t, ok)
	require.Zero(t, n)
	require.ErrorIs(t, rd.Err(), binbytes.ErrShort)

	// After a failed read it reads nothing.
	n, ok = binbytes.NewReader(nil).OptionalCount(1)
	require.False(t, ok)
	require.Zero(t, n)
}
