package loadgen

import (
	"github.com/google/uuid"
)

// scanEffect fills w from value without reflection: the fields the
// loadgen reads, every other value skipped but still checked to be JSON.
// It handles the plain forms the service writes and answers false for
// anything else (escapes or non-ASCII in a string it keeps, a null or a
// differently typed field, a non-ASCII key, deep nesting, invalid JSON …),
// and DecodeEffect then decodes with encoding/json, whose result (or
// error) stands. When it answers true, w is what json.Unmarshal would have
// made of value (checked by TestScanEffectAgreesWithJSON and FuzzScanEffect).
func scanEffect(value []byte, w *effectWire) bool {
	s := scanner{b: value}
	s.ws()
	if !s.object(func(key []byte) bool {
		switch {
		case foldEq(key, "characterId"):
			return s.uint32(&w.CharacterID)
		case foldEq(key, "instanceId"):
			return s.uuid(&w.InstanceID)
		case foldEq(key, "routeId"):
			return s.uuid(&w.RouteID)
		case foldEq(key, "type"):
			return s.str(&w.Type)
		case foldEq(key, "body"):
			return s.object(func(key []byte) bool {
				switch {
				case foldEq(key, "routeId"):
					return s.uuid(&w.Body.RouteID)
				case foldEq(key, "instanceId"):
					return s.uuid(&w.Body.InstanceID)
				case foldEq(key, "partyId"):
					return s.uint32(&w.Body.PartyID)
				case foldEq(key, "stageIndex"):
					return s.uint32(&w.Body.StageIndex)
				case foldEq(key, "reason"):
					return s.str(&w.Body.Reason)
				}
				return s.skip(0)
			})
		}
		return s.skip(0)
	}) {
		return false
	}
	s.ws()
	return s.i == len(s.b)
}

// foldEq is encoding/json's key match for an ASCII key (the scanner gives
// up on any other): equal but for ASCII case.
func foldEq(key []byte, name string) bool {
	if len(key) != len(name) {
		return false
	}
	for i := range key {
		a, b := key[i], name[i]
		if a|0x20 != b|0x20 || (a|0x20) < 'a' || (a|0x20) > 'z' {
			if a != b {
				return false
			}
		}
	}
	return true
}

type scanner struct {
	b []byte
	i int
}

// maxDepth bounds the skipped values' nesting (encoding/json allows 10,000;
// deeper ones go to it).
const maxDepth = 64

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) lit(want byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == want {
		s.i++
		return true
	}
	return false
}

// object reads {"key": value, …}, calling field with the scanner before each
// value; field reads or skips the value.
func (s *scanner) object(field func(key []byte) bool) bool {
	if !s.lit('{') {
		return false
	}
	if s.lit('}') {
		return true
	}
	for {
		s.ws()
		key, ok := s.plain()
		if !ok || !s.lit(':') {
			return false
		}
		s.ws()
		if !field(key) {
			return false
		}
		if s.lit(',') {
			continue
		}
		return s.lit('}')
	}
}

// plain reads a string of printable ASCII without escapes (its bytes, not
// copied); false for any other string.
func (s *scanner) plain() ([]byte, bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false
	}
	start := s.i + 1
	for j := start; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			s.i = j + 1
			return s.b[start:j], true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return nil, false
		}
	}
	return nil, false
}

func (s *scanner) str(dst *string) bool {
	v, ok := s.plain()
	if ok {
		*dst = string(v)
	}
	return ok
}

func (s *scanner) uuid(dst *uuid.UUID) bool {
	v, ok := s.plain()
	if !ok {
		return false
	}
	id, err := uuid.ParseBytes(v) // what uuid.UUID.UnmarshalText does
	if err != nil {
		return false
	}
	*dst = id
	return true
}

// uint32 reads a JSON integer in uint32's range (no sign, fraction or
// exponent: encoding/json refuses those for a uint32).
func (s *scanner) uint32(dst *uint32) bool {
	start := s.i
	var n uint64
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		n = n*10 + uint64(s.b[s.i]-'0')
		if n > 1<<32-1 {
			return false
		}
		s.i++
	}
	digits := s.i - start
	if digits == 0 || (digits > 1 && s.b[start] == '0') {
		return false
	}
	if s.i < len(s.b) {
		switch s.b[s.i] {
		case '.', 'e', 'E':
			return false
		}
	}
	*dst = uint32(n)
	return true
}

// skip passes over any JSON value, checking it.
func (s *scanner) skip(depth int) bool {
	if depth > maxDepth || s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return s.skipString()
	case c == '{':
		return s.object(func([]byte) bool { return s.skip(depth + 1) })
	case c == '[':
		s.i++
		if s.lit(']') {
			return true
		}
		for {
			s.ws()
			if !s.skip(depth + 1) {
				return false
			}
			if s.lit(',') {
				continue
			}
			return s.lit(']')
		}
	case c == '-' || (c >= '0' && c <= '9'):
		return s.skipNumber()
	case c == 't':
		return s.word("true")
	case c == 'f':
		return s.word("false")
	case c == 'n':
		return s.word("null")
	}
	return false
}

func (s *scanner) word(w string) bool {
	if len(s.b)-s.i < len(w) || string(s.b[s.i:s.i+len(w)]) != w {
		return false
	}
	s.i += len(w)
	return true
}

// skipString passes a JSON string: escapes checked, control characters
// refused, other bytes taken as they are (as encoding/json does).
func (s *scanner) skipString() bool {
	for j := s.i + 1; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			s.i = j + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			j++
			if j >= len(s.b) {
				return false
			}
			switch s.b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(s.b) {
					return false
				}
				for _, h := range s.b[j+1 : j+5] {
					if !isHex(h) {
						return false
					}
				}
				j += 4
			default:
				return false
			}
		}
	}
	return false
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// skipNumber passes -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) skipNumber() bool {
	b := s.b
	digits := func() int {
		start := s.i
		for s.i < len(b) && b[s.i] >= '0' && b[s.i] <= '9' {
			s.i++
		}
		return s.i - start
	}
	if b[s.i] == '-' {
		s.i++
	}
	start := s.i
	n := digits()
	if n == 0 || (n > 1 && b[start] == '0') {
		return false
	}
	if s.i < len(b) && b[s.i] == '.' {
		s.i++
		if digits() == 0 {
			return false
		}
	}
	if s.i < len(b) && (b[s.i] == 'e' || b[s.i] == 'E') {
		s.i++
		if s.i < len(b) && (b[s.i] == '+' || b[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}
