package quest

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/gamehost/transitquest/tenant"
)

// registrar is the per-tenant actor that decides every REGISTER, and so
// the rules that span instances: one live instance per character, the
// field locks, which registering instance a REGISTER joins. It owns the
// tenant's partyquest.Registrar. It never talks to an instance actor
// directly (the instance may run on another replica): its creates and
// joins, and the instances' reports back, go through the internal topic.
//
// Its index is persisted one changelog entry per live instance
// (registrationKind, stored on the registrar's partition), written in the
// same Emit as the decision or report that changed it, so a registrar
// restored elsewhere starts from exactly what its predecessor committed.
//
// It is not an actors.Snapshotter: it keeps its live state across a
// restart. Copying the tenant's whole index after every message would cost
// more than the rare restart it protects, and its updates are single map
// writes.
type registrar struct {
	env     actors.Env
	deps    Deps
	tenant  tenant.Tenant
	catalog *definition.TenantCatalog
	lookups *lookups
	// initial is the index read back from the changelog (Assign); Start
	// adopts it.
	initial []partyquest.Tracked
	st      *registrarState
	// defJSON caches the encoded definitions of the catalog, which never
	// changes for a registrar: every create carries one, and encoding it
	// each time was a quarter of a REGISTER's CPU.
	defJSON map[string]json.RawMessage
}

// definitionJSON is def encoded, from the cache.
func (r *registrar) definitionJSON(def definition.Definition) (json.RawMessage, error) {
	if raw, ok := r.defJSON[def.QuestID]; ok {
		return raw, nil
	}
	raw, err := json.Marshal(def)
	if err != nil {
		return nil, fmt.Errorf("encode definition %s: %w", def.QuestID, err)
	}
	if r.defJSON == nil {
		r.defJSON = map[string]json.RawMessage{}
	}
	r.defJSON[def.QuestID] = raw
	return raw, nil
}

type registrarState struct {
	reg *partyquest.Registrar
	// dirty are the instances whose entry the message being handled
	// changed: settle writes them with its effects.
	dirty    map[uuid.UUID]bool
	stopping bool // Shutdown ran: no new instances
}

func (r *registrar) Start(actor.Context) {
	r.st = &registrarState{reg: partyquest.NewRegistrar(r.deps.random()), dirty: map[uuid.UUID]bool{}}
	for _, tr := range r.initial {
		// Its own entries: a conflict would mean a corrupt changelog. The
		// instance is tracked anyway (it is live whatever the index says).
		if err := r.st.reg.Track(tr); err != nil {
			r.env.Log.Warn("restored party-quest registration conflicts with another", zap.Stringer("tenant", r.tenant), zap.Error(err))
		}
	}
	r.initial = nil
}

func (r *registrar) Handle(ctx actor.Context, msg any) {
	switch m := msg.(type) {
	case command:
		r.register(ctx, m)
	case resolved:
		r.resolved(ctx, m)
	case started:
		if tr, ok := r.st.reg.Tracked(m.id); ok && tr.Registering {
			r.st.reg.Started(m.id)
			r.touch(m.id)
		}
		r.settle(m.o, nil, nil)
	case ended:
		if _, ok := r.st.reg.Tracked(m.id); ok {
			r.st.reg.Ended(m.id)
			r.touch(m.id)
		}
		r.settle(m.o, nil, nil)
	case unjoin:
		r.unjoin(m.id, m.character)
		r.settle(m.o, nil, nil)
	case joinRefused:
		r.joinRefused(ctx, m)
	case stopRegistering:
		r.st.stopping = true
		m.reply <- struct{}{}
	}
}

// touch marks an instance's entry as changed by the message at hand.
func (r *registrar) touch(id uuid.UUID) { r.st.dirty[id] = true }

func (r *registrar) unjoin(id uuid.UUID, character uint32) {
	if got, ok := r.st.reg.InstanceOf(character); ok && got == id {
		r.st.reg.Unjoin(id, character)
		r.touch(id)
	}
}

// settle completes the message's input: the changed entries and recs are
// committed with it, or, when err refuses it, the entries are committed
// first (tied to the registrar's partition) and the input dead-lettered.
// Entries first: were the replica to die between the two, the input is
// read again by the next owner, from entries that already hold the
// change, and every change here is idempotent.
func (r *registrar) settle(o actors.Origin, recs []messages.Record, err error) {
	entries := r.entries()
	if err != nil {
		if len(entries) > 0 {
			actors.EmitTimer(r.env, r.tenant, entries, nil)
		}
		o.Reject(r.env, err)
		return
	}
	o.Emit(r.env, append(entries, recs...))
}

// entries are the changelog records of the dirty instances: the entry of a
// live one, a tombstone for one that ended.
func (r *registrar) entries() []messages.Record {
	if len(r.st.dirty) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, 0, len(r.st.dirty))
	for id := range r.st.dirty {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].String() < ids[j].String() })
	clear(r.st.dirty)
	out := make([]messages.Record, 0, len(ids))
	for _, id := range ids {
		var state any
		if tr, ok := r.st.reg.Tracked(id); ok {
			state = tr
		}
		rec, err := changelog.Record(messages.ChangelogTopicPartyQuest, r.tenant, registrationKind, id.String(), state)
		if err != nil {
			r.env.Log.Error("party-quest registration not recorded", zap.Stringer("instance", id), zap.Error(err))
			continue
		}
		rec.Owner = registrarKey(r.tenant) // restored with the registrar
		out = append(out, rec)
	}
	return out
}

func (r *registrar) GiveUp(ctx actor.Context, msg any, cause any) {
	r.env.Log.Error("party-quest registrar input abandoned after repeated panics",
		zap.Stringer("tenant", r.tenant), zap.Any("panic", cause))
	// What the message changed in the index stays (see the type), so it
	// is recorded with the refusal.
	err := messages.Reject(messages.ReasonPanic, "%v", cause)
	switch m := msg.(type) {
	case command:
		r.settle(m.o, nil, err)
	case resolved:
		r.settle(m.o, nil, err)
	case joinRefused:
		r.settle(m.o, nil, err)
	case started:
		r.settle(m.o, nil, err)
	case ended:
		r.settle(m.o, nil, err)
	case unjoin:
		r.settle(m.o, nil, err)
	case stopRegistering:
		m.reply <- struct{}{}
	}
}
