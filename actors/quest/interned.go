package quest

import (
	"encoding/json"
	"sync"

	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/gamehost/transitquest/tenant"
)

// maxInterned bounds the table; a service has a handful of definitions, so
// reaching it means definitions keep changing, and starting over is fine.
const maxInterned = 256

// interned is one definition as creates carry it: decoded once, named once
// (definitionRef) and encoded once per tenant as its changelog record.
type interned struct {
	def definition.Definition // shared by every instance: read-only
	ref string

	mu     sync.Mutex
	record map[tenant.Tenant]json.RawMessage // changelog value by tenant
}

// definitions interns the definitions that creates carry. Every create
// names its definition in full (a replica may run another version of the
// catalog), but tens of thousands of instances run the same few: decoding
// each copy cost a third of a create's CPU and kept a private copy of its
// stages per instance (profiled at 50,000 live instances).
type definitions struct {
	mu    sync.Mutex
	byRaw map[string]*interned // by the definition's JSON as carried
}

func newDefinitions() *definitions { return &definitions{byRaw: map[string]*interned{}} }

// decode returns the interned definition of raw, decoding it on first sight.
func (d *definitions) decode(raw json.RawMessage) (*interned, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if in, ok := d.byRaw[string(raw)]; ok {
		return in, nil
	}
	var def definition.Definition
	if err := json.Unmarshal(raw, &def); err != nil {
		return nil, err
	}
	ref, err := definitionRef(def)
	if err != nil {
		return nil, err
	}
	if len(d.byRaw) >= maxInterned {
		clear(d.byRaw)
	}
	in := &interned{def: def, ref: ref, record: map[tenant.Tenant]json.RawMessage{}}
	d.byRaw[string(raw)] = in
	return in, nil
}

// changelogRecord is the definition's changelog record for tenant t, owned
// by the instance whose key is owner; its value is encoded once per tenant.
func (in *interned) changelogRecord(t tenant.Tenant, owner []byte) (messages.Record, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	v, ok := in.record[t]
	if !ok {
		r, err := changelog.Record(messages.ChangelogTopicPartyQuest, t, definitionKind, in.ref, in.def)
		if err != nil {
			return r, err
		}
		v, _ = r.Value.(json.RawMessage) // changelog.Record encodes to RawMessage
		in.record[t] = v
	}
	return messages.Record{Topic: messages.ChangelogTopicPartyQuest, Key: changelog.Key(t, definitionKind, in.ref), Value: v, Owner: owner}, nil
}
