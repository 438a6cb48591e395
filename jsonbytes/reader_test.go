package jsonbytes_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/gamehost/transitquest/jsonbytes"
)

// readAll reads an object of the given fields: "u" fields as uint32, "s" as
// strings, "id" as UUIDs, "o" skipped. It reports whether the reader kept
// to the subset.
func readAll(in string) (map[string]any, bool) {
	r := jsonbytes.NewReader([]byte(in))
	got := map[string]any{}
	obj := r.Object()
	for key, more := obj.Next(); more; key, more = obj.Next() {
		switch k := string(key); k {
		case "u":
			got[k] = r.Uint(1<<32 - 1)
		case "s":
			got[k] = string(r.String())
		case "id":
			got[k] = r.UUID()
		case "o":
			got[k] = string(r.Skip())
		case "n":
			got[k] = r.Null()
		default:
			r.Fail()
		}
	}
	return got, r.End()
}

func TestReaderReadsItsSubset(t *testing.T) {
	id := uuid.MustParse("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d")
	got, ok := readAll(" {\n\"u\" : 4294967295 ,\"s\":\"PQ 1\",\"id\":\"" + id.String() + "\",\"o\":{\"a\":{\"b\":null},\"c\":\"d\",\"e\":0},\"n\":null}\t")
	assert.True(t, ok)
	assert.Equal(t, map[string]any{"u": uint64(1<<32 - 1), "s": "PQ 1", "id": id, "o": `{"a":{"b":null},"c":"d","e":0}`, "n": true}, got)

	_, ok = readAll(`{}`)
	assert.True(t, ok, "an empty object")
}

// TestReaderGivesUpOutsideItsSubset lists what the fast paths leave to
// encoding/json: not JSON, or JSON the subset does not take.
func TestReaderGivesUpOutsideItsSubset(t *testing.T) {
	for _, in := range []string{
		``, ` `, `null`, `[]`, `{`, `{"u":1`, `{"u":1,}`, `{,}`, `{"u" 1}`, `{"u":1 "s":"x"}`, `{"u":1}x`, `{"u":1}{}`,
		"{\"u\":1}\x00", "\ufeff{}",
		`{"u":-1}`, `{"u":01}`, `{"u":1.0}`, `{"u":1e2}`, `{"u":4294967296}`, `{"u":99999999999999999999}`, `{"u":"1"}`, `{"u":null}`,
		`{"s":"a\"b"}`, `{"s":"a\nb"}`, "{\"s\":\"a\nb\"}", `{"s":"é"}`, "{\"s\":\"\xff\"}", `{"s":"x}`,
		`{"id":"not-a-uuid"}`, `{"id":null}`, `{"id":7}`,
		`{"o":[1]}`, `{"o":true}`, `{"o":-1}`, `{"o":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{}}}}}}}}}}`,
		`{"n":nul}`, `{"x":1}`, `{"\u0075":1}`,
	} {
		_, ok := readAll(in)
		assert.False(t, ok, "%q", in)
	}
}

func TestReaderMembersTakesEachKnownKeyOnce(t *testing.T) {
	read := func(in string) ([]string, bool) {
		r := jsonbytes.NewReader([]byte(in))
		var got []string
		r.Members([]string{"a", "b"}, func(key string) {
			got = append(got, key)
			r.Uint(9)
		})
		return got, r.End()
	}
	got, ok := read(`{"b":1,"a":2}`)
	assert.True(t, ok)
	assert.Equal(t, []string{"b", "a"}, got)
	_, ok = read(`{}`)
	assert.True(t, ok)
	for _, in := range []string{`{"a":1,"a":2}`, `{"c":1}`, `{"A":1}`, `{"a":10}`} {
		_, ok := read(in)
		assert.False(t, ok, in)
	}
}
