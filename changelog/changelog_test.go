package changelog

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/jsonbytes"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

func TestRecordRoundTrip(t *testing.T) {
	tn := tenant.Tenant{ID: uuid.New(), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	r, err := Record(messages.ChangelogTopicTransport, tn, "ride", "r1/i1", map[string]int{"a": 1})
	require.NoError(t, err)
	tomb, err := Record(messages.ChangelogTopicTransport, tn, "ride", "r1/i2", nil)
	require.NoError(t, err)
	assert.Nil(t, tomb.Value)
	entries, errs := Decode(map[string][]byte{
		string(r.Key): r.Value.(json.RawMessage),
		"garbage":     []byte("{"),
	})
	assert.Len(t, errs, 1)
	require.Len(t, entries, 1)
	assert.Equal(t, tn, entries[0].Tenant)
	assert.JSONEq(t, `{"a":1}`, string(entries[0].State))
	assert.Len(t, ByTenant(entries, "ride")[tn.Key()], 1)
	assert.Empty(t, ByTenant(entries, "quest"))
}

func TestRestoreGroupsByTenantAndKind(t *testing.T) {
	a := tenant.Tenant{ID: uuid.New(), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	b := tenant.Tenant{ID: uuid.New(), Region: "KMS", MajorVersion: 1, MinorVersion: 2}
	raw := map[string][]byte{}
	for _, r := range []struct {
		t        tenant.Tenant
		kind, id string
	}{{a, "ride", "r1/i1"}, {a, "ride", "r1/i2"}, {a, "route", "r2"}, {b, "ride", "r3/i1"}} {
		rec, err := Record(messages.ChangelogTopicTransport, r.t, r.kind, r.id, map[string]int{"n": 1})
		require.NoError(t, err)
		raw[string(rec.Key)] = rec.Value.(json.RawMessage)
	}
	raw["garbage"] = []byte("{")
	got, errs := Restore(raw)
	assert.Len(t, errs, 1, "the record that does not decode is reported")
	require.Len(t, got, 2)
	assert.Equal(t, a, got[a.Key()].Tenant)
	assert.Len(t, got[a.Key()].Kinds["ride"], 2)
	assert.Len(t, got[a.Key()].Kinds["route"], 1)
	assert.Len(t, got[b.Key()].Kinds["ride"], 1)
}

// appending is a state with its own AppendJSON, which may fail; calls,
// when set, counts its uses.
type appending struct {
	A     string `json:"a"`
	fail  bool
	calls *int
}

func (s appending) AppendJSON(b []byte) ([]byte, error) {
	if s.calls != nil {
		*s.calls++
	}
	if s.fail {
		return b, errors.New("cannot append")
	}
	b = append(b, `{"a":`...)
	return append(jsonbytes.AppendString(b, s.A), '}'), nil
}

// TestRecordWritesOneEncoding checks a state is written the same, byte for
// byte, whichever way it is encoded: by encoding/json, by its AppendJSON,
// or already encoded (json.RawMessage).
func TestRecordWritesOneEncoding(t *testing.T) {
	tn := tenant.Tenant{ID: uuid.New(), Region: "G<M>S", MajorVersion: 83, MinorVersion: 1}
	want, err := json.Marshal(map[string]any{"tenant": tn, "kind": "ride", "id": "r\"1", "state": map[string]string{"a": "x&y"}})
	require.NoError(t, err)
	calls := 0
	for _, state := range []any{
		map[string]string{"a": "x&y"},
		appending{A: "x&y", calls: &calls},
		json.RawMessage(`{"a":"x\u0026y"}`),
	} {
		r, err := Record(messages.ChangelogTopicTransport, tn, "ride", "r\"1", state)
		require.NoError(t, err)
		assert.JSONEq(t, string(want), string(r.Value.(json.RawMessage)), "%T", state)
		again, _ := Record(messages.ChangelogTopicTransport, tn, "ride", "r\"1", map[string]string{"a": "x&y"})
		assert.Equal(t, string(again.Value.(json.RawMessage)), string(r.Value.(json.RawMessage)), "%T", state)
	}
	assert.Equal(t, 1, calls, "a state with its own AppendJSON is written by it, not by encoding/json")
	// A state whose AppendJSON fails is encoded by encoding/json.
	r, err := Record(messages.ChangelogTopicTransport, tn, "ride", "r\"1", appending{A: "x&y", fail: true})
	require.NoError(t, err)
	assert.Contains(t, string(r.Value.(json.RawMessage)), `"state":{"a":"x\u0026y"}`)
}
