package quest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"go.uber.org/zap"

	"github.com/gamehost/transitquest/binbytes"
	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/jsonbytes"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/partyquest/definition"
)

// Kinds of the party-quest identities and changelog records, all
// changelog.Key(tenant, kind, id):
//
//   - changelogKind: an instance (id = instance id), both the actor's
//     identity and its state record;
//   - definitionKind: a definition an instance runs (id = questId@hash),
//     stored on the partition of each instance that runs it (Owner = the
//     instance), once per content and partition, so an instance restores
//     from its own partition alone;
//   - registrarKind: the tenant's registrar (id empty), an identity only;
//   - registrationKind: one registrar index entry per live instance (id =
//     instance id), stored on the registrar's partition (Owner = the
//     registrar) and tombstoned when the instance ends.
const (
	changelogKind    = "instance"
	definitionKind   = "definition"
	registrarKind    = "registrar"
	registrationKind = "registration"
)

// persisted is an instance record: the state without its definition (a
// run keeps the definition it started with, but writing it with every
// command would multiply the changelog's size), plus the definition's key.
type persisted struct {
	partyquest.State
	DefinitionRef string `json:"definitionRef"`
}

// AppendJSON appends the record's state as encoding/json writes
// persisted (the embedded state's fields, then definitionRef), through the
// state's own encoder. It must be persisted's own: the state's, promoted,
// would leave definitionRef out of every record the changelog encodes.
func (p persisted) AppendJSON(b []byte) ([]byte, error) {
	b, err := p.State.AppendJSON(b)
	if err != nil {
		return b, err
	}
	if len(b) == 0 || b[len(b)-1] != '}' {
		return b, errors.New("party-quest state: not a JSON object")
	}
	b = append(b[:len(b)-1], `,"definitionRef":`...)
	b = jsonbytes.AppendString(b, p.DefinitionRef)
	return append(b, '}'), nil
}

// AppendBinary appends the record in its binary form: the state's, then
// definitionRef. readPersisted reads it.
func (p persisted) AppendBinary(b []byte) ([]byte, error) {
	b, err := p.State.AppendBinary(b)
	if err != nil {
		return b, err
	}
	return binbytes.AppendString(b, p.DefinitionRef), nil
}

// readPersisted reads an instance record of either form: JSON (what
// encode writes, and every record of a version before the binary form)
// starts with '{', the binary form with its version byte.
func readPersisted(b []byte) (persisted, error) {
	var p persisted
	if len(b) > 0 && b[0] == '{' {
		err := json.Unmarshal(b, &p)
		return p, err
	}
	r := binbytes.NewReader(b)
	p.State = partyquest.ReadBinary(r)
	p.DefinitionRef = r.String()
	if r.Err() == nil && r.Len() > 0 {
		r.Fail(fmt.Errorf("%d bytes after the record", r.Len()))
	}
	if err := r.Err(); err != nil {
		return persisted{}, fmt.Errorf("binary party-quest record: %w", err)
	}
	return p, nil
}

// encode is the record's state, encoded by AppendJSON; a state that does
// not encode is given to encoding/json, which reports it.
//
// size is the buffer to start with (0: the encoder's default). The record
// stays alive as the instance's snapshot, so a buffer sized from the
// previous record wastes little; the default fits three members.
func (p persisted) encode(size int) any {
	var buf []byte
	if size > 0 {
		buf = make([]byte, 0, size)
	}
	b, err := p.AppendJSON(buf)
	if err != nil {
		return p
	}
	return json.RawMessage(b)
}

// definitionRef names a definition by quest and content, so an edited file
// gets a new record and a running instance keeps the one it started with.
func definitionRef(d definition.Definition) (string, error) {
	raw, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("encode definition %s: %w", d.QuestID, err)
	}
	sum := sha256.Sum256(raw)
	return d.QuestID + "@" + hex.EncodeToString(sum[:8]), nil
}

// withState appends the instance's changelog record to an operation's
// effects, so state, effects and the input's offset commit in one
// transaction: the state once destroyed is a tombstone. The first record
// of an actor also carries its definition's record, ahead of the state
// record (both on the instance's partition).
func (a *instanceActor) withState(recs []messages.Record) []messages.Record {
	if a.m.Done() {
		r, _ := changelog.Record(messages.ChangelogTopicPartyQuest, a.tenant, changelogKind, a.id.String(), nil)
		a.recorded = nil // the snapshot is then a copy of the ended state, not the last live one
		return append(recs, r)
	}
	st := a.m.View()
	if a.defRef == "" && a.def != nil {
		d, err := a.def.changelogRecord(a.tenant, a.key)
		if err != nil {
			a.env.Log.Error("party-quest definition not recorded", zap.Stringer("instance", a.id), zap.Error(err))
			return recs
		}
		a.defRef = a.def.ref
		recs = append(recs, d)
	}
	if a.defRef == "" {
		ref, err := definitionRef(*st.Definition)
		if err != nil {
			a.env.Log.Error("party-quest state not recorded", zap.Stringer("instance", a.id), zap.Error(err))
			return recs
		}
		d, err := changelog.Record(messages.ChangelogTopicPartyQuest, a.tenant, definitionKind, ref, st.Definition)
		if err != nil {
			a.env.Log.Error("party-quest definition not recorded", zap.Stringer("instance", a.id), zap.Error(err))
			return recs
		}
		d.Owner = a.key // restored with the instance
		a.defRef = ref
		recs = append(recs, d)
	}
	st.Definition = nil
	p := persisted{State: st, DefinitionRef: a.defRef}
	r, snap, err := a.stateRecord(p)
	if err != nil {
		a.env.Log.Error("party-quest state not recorded", zap.Stringer("instance", a.id), zap.Error(err))
		return recs
	}
	a.recorded = snap
	return append(recs, r)
}

// stateRecord encodes the instance's state record in the changelog's form
// and returns it with the state's bytes, which stay alive as the snapshot
// (nil falls back to a copy): without room to spare, since there is one
// per live instance.
func (a *instanceActor) stateRecord(p persisted) (messages.Record, []byte, error) {
	// The previous record and a little room: a member joining or a stage's
	// counters growing rarely take more.
	room := 16
	if a.deps.JSONChangelog {
		room = 64
	}
	size := 0
	if a.recorded != nil {
		size = len(a.recorded) + room
	}
	var snap []byte
	var r messages.Record
	var err error
	if a.deps.JSONChangelog {
		enc := p.encode(size)
		r, err = changelog.Record(messages.ChangelogTopicPartyQuest, a.tenant, changelogKind, a.id.String(), enc)
		snap, _ = enc.(json.RawMessage)
	} else {
		var v []byte
		v, snap, err = changelog.BinaryValue(a.tenant, changelogKind, a.id.String(), p, size)
		r = messages.Record{Topic: messages.ChangelogTopicPartyQuest, Key: a.key, Value: v} // a.key is the record's key
	}
	if err != nil {
		return r, nil, err
	}
	if cap(snap)-len(snap) > len(snap)/4 {
		return r, bytes.Clone(snap), nil // a first record's buffer, sized by default
	}
	return r, slices.Clip(snap), nil
}

// restoredInstance is an instance's state read from the changelog, with
// the record it was read from. Its definition is its definition record's,
// shared by every instance of that run definition.
type restoredInstance struct {
	partyquest.State
	raw []byte
}

// restoredInstances decodes one tenant's restored instance states, oldest
// registration first (the registrar's join search prefers the oldest).
// States that Restore could not run safely are skipped and reported.
func restoredInstances(entries, definitions []changelog.Entry) ([]restoredInstance, []error) {
	out := make([]restoredInstance, 0, len(entries))
	var errs []error
	defs := make(map[string]*definition.Definition, len(definitions))
	for _, e := range definitions {
		d := new(definition.Definition)
		if err := json.Unmarshal(e.State, d); err != nil {
			errs = append(errs, fmt.Errorf("party-quest definition %q: %w", e.ID, err))
			continue
		}
		defs[e.ID] = d
	}
	for _, e := range entries {
		p, err := readPersisted(e.State)
		if err != nil {
			errs = append(errs, fmt.Errorf("party-quest state %q: %w", e.ID, err))
			continue
		}
		st := p.State
		if p.DefinitionRef != "" {
			d, ok := defs[p.DefinitionRef]
			if !ok {
				errs = append(errs, fmt.Errorf("party-quest state %q: definition %s is missing", e.ID, p.DefinitionRef))
				continue
			}
			st.Definition = d
		}
		if err := st.Check(); err != nil {
			errs = append(errs, fmt.Errorf("party-quest state %q: %w", e.ID, err))
			continue
		}
		if st.ID.String() != e.ID {
			errs = append(errs, fmt.Errorf("party-quest state %q holds instance %s", e.ID, st.ID))
			continue
		}
		if !st.Destroyed {
			out = append(out, restoredInstance{State: st, raw: e.State})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].RegisteredAt.Before(out[j].RegisteredAt) })
	return out, errs
}
