package jsonbytes

import (
	"github.com/google/uuid"
)

// Reader reads a strict subset of JSON: objects, plain ASCII strings
// without escapes, non-negative integers without a sign, fraction or
// exponent, and null. It is the fast path of a decoder whose slow path is
// encoding/json: once a read finds anything outside the subset (or
// anything that is not JSON at all), the reader has failed, every later
// read fails too, and the caller decodes the input with encoding/json
// instead. So the subset never has to explain an error; it only has to
// agree with encoding/json on what it accepts.
type Reader struct {
	b      []byte
	i      int
	failed bool
}

// maxDepth bounds Skip's recursion; deeper input goes to the slow path.
const maxDepth = 8

// NewReader returns a reader at the start of b.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

// Fail marks the reader failed, for a caller that finds a value it does
// not take on the fast path.
func (r *Reader) Fail() {
	r.failed = true
	r.i = len(r.b)
}

func (r *Reader) space() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\r', '\n':
			r.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, or 0 at the end.
func (r *Reader) peek() byte {
	r.space()
	if r.i < len(r.b) {
		return r.b[r.i]
	}
	return 0
}

func (r *Reader) expect(c byte) {
	if r.peek() != c {
		r.Fail()
		return
	}
	r.i++
}

// End checks nothing but white space follows.
func (r *Reader) End() bool {
	if r.peek() != 0 || r.i != len(r.b) {
		r.Fail()
	}
	return !r.failed
}

// Object is the state of one object being read; see Reader.Object.
type Object struct {
	r    *Reader
	more bool
}

// Object starts reading an object. Read its members with Next and one
// value read after each key.
func (r *Reader) Object() Object {
	r.expect('{')
	return Object{r: r}
}

// Next reads the next member's key and its colon. It returns false after
// the closing brace, or when the reader has failed.
func (o *Object) Next() ([]byte, bool) {
	r := o.r
	if r.failed {
		return nil, false
	}
	if r.peek() == '}' {
		r.i++
		return nil, false
	}
	if o.more {
		r.expect(',')
	}
	o.more = true
	key := r.String()
	r.expect(':')
	return key, !r.failed
}

// Members reads an object whose members are among keys, each at most
// once, calling read with each member's key (the element of keys, not a
// copy) to read its value. Any other key fails the reader (encoding/json
// matches keys case-insensitively and skips unknown ones), as does a key
// seen twice (it keeps the last, and merges a repeated object into the
// first).
func (r *Reader) Members(keys []string, read func(key string)) {
	var seen uint64 // bit i: keys[i] was read; at most 64 keys
	obj := r.Object()
	for key, more := obj.Next(); more; key, more = obj.Next() {
		i := index(keys, key)
		if i < 0 || seen&(1<<i) != 0 {
			r.Fail()
			return
		}
		seen |= 1 << i
		read(keys[i])
	}
}

func index(keys []string, key []byte) int {
	for i, k := range keys {
		if string(key) == k {
			return i
		}
	}
	return -1
}

// String reads a string of printable ASCII without escapes and returns its
// bytes, which alias the input.
func (r *Reader) String() []byte {
	r.expect('"')
	start := r.i
	for ; r.i < len(r.b); r.i++ {
		switch c := r.b[r.i]; {
		case c == '"':
			r.i++
			return r.b[start : r.i-1]
		case c < 0x20 || c == '\\' || c >= 0x80:
			// Escapes and non-ASCII text (encoding/json replaces invalid
			// UTF-8) are the slow path's.
			r.Fail()
			return nil
		}
	}
	r.Fail()
	return nil
}

// Uint reads an integer in 0..max.
func (r *Reader) Uint(max uint64) uint64 {
	r.space()
	start := r.i
	var v uint64
	for ; r.i < len(r.b) && r.b[r.i] >= '0' && r.b[r.i] <= '9'; r.i++ {
		if r.i-start == 19 { // past any value a field here can hold
			r.Fail()
			return 0
		}
		v = v*10 + uint64(r.b[r.i]-'0')
	}
	n := r.i - start
	if n == 0 || (n > 1 && r.b[start] == '0') || v > max {
		r.Fail()
		return 0
	}
	if r.i < len(r.b) {
		switch r.b[r.i] {
		case '.', 'e', 'E': // a fraction or exponent: not an integer literal
			r.Fail()
			return 0
		}
	}
	return v
}

// UUID reads a string as uuid.UUID's UnmarshalText does.
func (r *Reader) UUID() uuid.UUID {
	s := r.String()
	if r.failed {
		return uuid.Nil
	}
	id, err := uuid.ParseBytes(s)
	if err != nil {
		r.Fail()
	}
	return id
}

// Null reads a null if one is next, and reports whether it did.
func (r *Reader) Null() bool {
	if r.peek() != 'n' || len(r.b)-r.i < 4 || string(r.b[r.i:r.i+4]) != "null" {
		return false
	}
	r.i += 4
	return true
}

// Skip reads any value of the subset and returns its bytes, which alias
// the input.
func (r *Reader) Skip() []byte {
	r.space()
	start := r.i
	r.skip(0)
	if r.failed {
		return nil
	}
	return r.b[start:r.i]
}

func (r *Reader) skip(depth int) {
	switch c := r.peek(); {
	case c == '{':
		if depth == maxDepth {
			r.Fail()
			return
		}
		o := r.Object()
		for _, ok := o.Next(); ok; _, ok = o.Next() {
			r.skip(depth + 1)
		}
	case c == '"':
		r.String()
	case c >= '0' && c <= '9':
		r.Uint(^uint64(0) / 10)
	case !r.Null():
		r.Fail() // arrays, booleans, signs: the slow path's
	}
}
