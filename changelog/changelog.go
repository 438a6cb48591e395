// Package changelog encodes actor state for the compacted state topics and
// groups what a restore read back. A record's key is the actor identity
// (tenant, kind, id); its value carries the tenant and the state, so a
// restore needs nothing but the topic.
package changelog

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gamehost/transitquest/jsonbytes"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// Entry is one actor's restored state.
type Entry struct {
	Tenant tenant.Tenant   `json:"tenant"`
	Kind   string          `json:"kind"`
	ID     string          `json:"id"`
	State  json.RawMessage `json:"state"`
}

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
		var e Entry
		if err := json.Unmarshal(v, &e); err != nil {
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
