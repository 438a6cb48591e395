// Package changelog encodes actor state for the compacted state topics and
// groups what a restore read back. A record's key is the actor identity
// (tenant, kind, id); its value carries the tenant and the state, so a
// restore needs nothing but the topic.
//
// A value is JSON ({"tenant":…,"kind":…,"id":…,"state":…}, see Record), or
// binary (see BinaryValue): a version byte that JSON never starts with,
// the same identity, then the state in its kind's own binary form. Decode
// reads both, so a topic may hold either, record by record.
package changelog

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/gamehost/transitquest/binbytes"
	"github.com/gamehost/transitquest/jsonbytes"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// Entry is one actor's restored state.
type Entry struct {
	Tenant tenant.Tenant
	Kind   string
	ID     string
	// State is the state's JSON, or, when Binary, the bytes its kind's
	// AppendBinary wrote.
	State  []byte
	Binary bool
}

// jsonEntry is a JSON value's layout.
type jsonEntry struct {
	Tenant tenant.Tenant   `json:"tenant"`
	Kind   string          `json:"kind"`
	ID     string          `json:"id"`
	State  json.RawMessage `json:"state"`
}

// binaryV1 is the first byte of a binary value. JSON text starts with '{'
// or white space, never with it.
const binaryV1 = 0x01

// Key is the record key of an actor identity.
func Key(t tenant.Tenant, kind, id string) []byte {
	b := t.AppendKey(make([]byte, 0, 36+len(t.Region)+13+2+len(kind)+len(id)))
	b = append(b, '|')
	b = append(b, kind...)
	b = append(b, '|')
	return append(b, id...)
}

// Record is the state record of one actor; a nil state is a tombstone
// (the actor's state is gone, compaction drops the key).
func Record(topic messages.Topic, t tenant.Tenant, kind, id string, state any) (messages.Record, error) {
	r := messages.Record{Topic: topic, Key: Key(t, kind, id)}
	if state == nil {
		return r, nil
	}
	if raw, ok := state.(json.RawMessage); ok {
		r.Value = json.RawMessage(append(append(head(t, kind, id, len(raw)), raw...), '}'))
		return r, nil
	}
	if a, ok := state.(jsonbytes.Appender); ok {
		if b, err := a.AppendJSON(head(t, kind, id, 256)); err == nil {
			r.Value = json.RawMessage(append(b, '}'))
			return r, nil
		} // encoding/json below names the error
	}
	// One encoding pass: going through a json.RawMessage would make
	// encoding/json validate and compact the state a second time.
	v, err := json.Marshal(struct {
		Tenant tenant.Tenant `json:"tenant"`
		Kind   string        `json:"kind"`
		ID     string        `json:"id"`
		State  any           `json:"state"`
	}{t, kind, id, state})
	if err != nil {
		return r, fmt.Errorf("encode %s %s state: %w", kind, id, err)
	}
	r.Value = json.RawMessage(v)
	return r, nil
}

// BinaryValue is the value of an actor's state record in the binary form,
// with state written by its AppendBinary; size is room for it (0: a
// default). The record's key is Key(t, kind, id), which an actor usually
// keeps as its identity already. It also returns the state's bytes within
// the value, which the actor may keep as its snapshot (the value is never
// written to once produced); their capacity runs to the value's, so the
// caller sees the room left unused.
func BinaryValue(t tenant.Tenant, kind, id string, state encoding.BinaryAppender, size int) (value, stateBytes []byte, err error) {
	if size <= 0 {
		size = 256
	}
	b := binaryHead(t, kind, id, size)
	start := len(b)
	b, err = state.AppendBinary(b)
	if err != nil {
		return nil, nil, fmt.Errorf("encode %s %s state: %w", kind, id, err)
	}
	return b, b[start:], nil
}

// binaryHead writes a binary value up to its state, with room for size
// bytes of state.
func binaryHead(t tenant.Tenant, kind, id string, size int) []byte {
	// Lengths up to 127 take a byte, a tenant's versions up to three each.
	b := make([]byte, 0, 1+16+1+len(t.Region)+3+3+1+len(kind)+1+len(id)+size)
	b = append(b, binaryV1)
	b = binbytes.AppendUUID(b, t.ID)
	b = binbytes.AppendString(b, t.Region)
	b = binbytes.AppendUvarint(b, uint64(t.MajorVersion))
	b = binbytes.AppendUvarint(b, uint64(t.MinorVersion))
	b = binbytes.AppendString(b, kind)
	return binbytes.AppendString(b, id)
}

// decodeBinary reads a binary value.
func decodeBinary(v []byte) (Entry, error) {
	r := binbytes.NewReader(v[1:])
	var e Entry
	e.Tenant.ID = r.UUID()
	e.Tenant.Region = r.String()
	major, minor := r.Uvarint(), r.Uvarint()
	if (major > 1<<16-1 || minor > 1<<16-1) && r.Err() == nil {
		r.Fail(fmt.Errorf("tenant version %d.%d out of range", major, minor))
	}
	e.Tenant.MajorVersion, e.Tenant.MinorVersion = uint16(major), uint16(minor)
	e.Kind, e.ID = r.String(), r.String()
	if err := r.Err(); err != nil {
		return Entry{}, fmt.Errorf("binary changelog value: %w", err)
	}
	e.State, e.Binary = r.Rest(), true
	if len(e.State) == 0 {
		return Entry{}, errors.New("binary changelog value: no state")
	}
	return e, nil
}

// head writes the record value up to its state, as encoding/json would
// write it, with room for size bytes of state: the state is appended
// (already encoded by an actor's own encoder, or by its AppendJSON), which
// spares the validation and compaction encoding/json runs on raw JSON.
func head(t tenant.Tenant, kind, id string, size int) []byte {
	// A tenant takes at most 100 bytes plus its region.
	b := make([]byte, 0, len(`{"tenant":,"kind":"","id":"","state":}`)+100+len(t.Region)+len(kind)+len(id)+size)
	b = append(b, `{"tenant":`...)
	b = t.AppendJSON(b)
	b = append(b, `,"kind":`...)
	b = jsonbytes.AppendString(b, kind)
	b = append(b, `,"id":`...)
	b = jsonbytes.AppendString(b, id)
	return append(b, `,"state":`...)
}

// Decode turns what ReadChangelog returned into entries, skipping (and
// reporting) values that do not decode.
func Decode(raw map[string][]byte) ([]Entry, []error) {
	out := make([]Entry, 0, len(raw))
	var errs []error
	for k, v := range raw {
		e, err := decodeEntry(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("changelog key %q: %w", k, err))
			continue
		}
		if !strings.HasPrefix(k, e.Tenant.Key()+"|") {
			errs = append(errs, fmt.Errorf("changelog key %q does not match its tenant %s", k, e.Tenant))
			continue
		}
		out = append(out, e)
	}
	return out, errs
}

// Value is the changelog value e holds, in e's form: the bytes Decode read
// it from, for a value this package wrote.
func (e Entry) Value() []byte {
	if e.Binary {
		return append(binaryHead(e.Tenant, e.Kind, e.ID, len(e.State)), e.State...)
	}
	return append(append(head(e.Tenant, e.Kind, e.ID, len(e.State)), e.State...), '}')
}

// decodeEntry reads a value of either form.
func decodeEntry(v []byte) (Entry, error) {
	if len(v) > 0 && v[0] == binaryV1 {
		return decodeBinary(v)
	}
	var j jsonEntry
	if err := json.Unmarshal(v, &j); err != nil {
		return Entry{}, err
	}
	return Entry{Tenant: j.Tenant, Kind: j.Kind, ID: j.ID, State: j.State}, nil
}

// ByTenant groups entries of one kind per tenant key.
func ByTenant(entries []Entry, kind string) map[string][]Entry {
	out := map[string][]Entry{}
	for _, e := range entries {
		if e.Kind == kind {
			out[e.Tenant.Key()] = append(out[e.Tenant.Key()], e)
		}
	}
	return out
}

// TenantState is one tenant's restored entries, by kind.
type TenantState struct {
	Tenant tenant.Tenant
	Kinds  map[string][]Entry
}

// Restore decodes what a partition restore read back (see Decode) and
// groups it by tenant key and kind: what a subsystem's Owner starts its
// actors from.
func Restore(raw map[string][]byte) (map[string]*TenantState, []error) {
	entries, errs := Decode(raw)
	out := map[string]*TenantState{}
	for _, e := range entries {
		ts := out[e.Tenant.Key()]
		if ts == nil {
			ts = &TenantState{Tenant: e.Tenant, Kinds: map[string][]Entry{}}
			out[e.Tenant.Key()] = ts
		}
		ts.Kinds[e.Kind] = append(ts.Kinds[e.Kind], e)
	}
	return out, errs
}
