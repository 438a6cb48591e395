package changelog

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/binbytes"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// rawState appends fixed bytes as a binary state.
type rawState []byte

func (s rawState) AppendBinary(b []byte) ([]byte, error) { return append(b, s...), nil }

// failingState cannot encode.
type failingState struct{}

func (failingState) AppendBinary(b []byte) ([]byte, error) { return b, errors.New("no") }

// A binary value decodes to the same identity as a JSON one, its state
// the bytes its AppendBinary wrote; both forms sit side by side in one
// restore, and Entry.Value gives back each value's bytes.
func TestBinaryRecordRoundTrip(t *testing.T) {
	tn := tenant.Tenant{ID: uuid.New(), Region: "GMS", MajorVersion: 83, MinorVersion: 65535}
	state := rawState{1, 0, 0xff, '{'}
	value, snap, err := BinaryValue(tn, "instance", "i1", state, 0)
	require.NoError(t, err)
	key := Key(tn, "instance", "i1")
	assert.Equal(t, byte(binaryV1), value[0])
	assert.Equal(t, []byte(state), snap, "the state's bytes")
	assert.True(t, bytes.HasSuffix(value, snap))
	assert.Same(t, &value[len(value)-len(snap)], &snap[0], "within the value, not a copy")

	j, err := Record(messages.ChangelogTopicPartyQuest, tn, "instance", "i2", map[string]int{"a": 1})
	require.NoError(t, err)
	jv := []byte(j.Value.(json.RawMessage))
	entries, errs := Decode(map[string][]byte{string(key): value, string(j.Key): jv})
	require.Empty(t, errs)
	require.Len(t, entries, 2)
	for _, e := range entries {
		assert.Equal(t, tn, e.Tenant)
		assert.Equal(t, "instance", e.Kind)
		if e.ID == "i1" {
			assert.True(t, e.Binary)
			assert.Equal(t, []byte(state), e.State)
			assert.Equal(t, value, e.Value())
		} else {
			assert.False(t, e.Binary)
			assert.JSONEq(t, `{"a":1}`, string(e.State))
			assert.Equal(t, jv, e.Value())
		}
	}
}

// A state that cannot encode is an error, not a record.
func TestBinaryRecordRefusesAFailingState(t *testing.T) {
	_, _, err := BinaryValue(tenant.Tenant{ID: uuid.New()}, "instance", "i1", failingState{}, 0)
	assert.Error(t, err)
}

// A corrupt binary value is reported and skipped like corrupt JSON, never
// a panic: every cut of a valid value, a value without state, a tenant
// version out of range, and a value whose identity is not its key's.
func TestCorruptBinaryValuesAreReported(t *testing.T) {
	tn := tenant.Tenant{ID: uuid.New(), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	value, _, err := BinaryValue(tn, "instance", "i1", rawState{1, 2, 3}, 0)
	require.NoError(t, err)
	key := string(Key(tn, "instance", "i1"))
	for n := 1; n < len(value)-3; n++ {
		entries, errs := Decode(map[string][]byte{key: value[:n]})
		assert.Empty(t, entries, "cut at %d", n)
		assert.Len(t, errs, 1, "cut at %d", n)
	}
	noState := value[:len(value)-3]
	_, errs := Decode(map[string][]byte{key: noState})
	assert.Len(t, errs, 1, "no state")

	big := binbytes.AppendString(append([]byte{binaryV1}, tn.ID[:]...), tn.Region)
	big = binbytes.AppendUvarint(binbytes.AppendUvarint(big, 1<<16), 1) // major version 65536
	big = binbytes.AppendString(binbytes.AppendString(big, "instance"), "i1")
	big = append(big, 1, 2, 3)
	_, errs = Decode(map[string][]byte{key: big})
	assert.Len(t, errs, 1, "version out of range")

	_, errs = Decode(map[string][]byte{string(Key(tenant.Tenant{ID: uuid.New()}, "instance", "i1")): value})
	assert.Len(t, errs, 1, "another tenant's key")
}
