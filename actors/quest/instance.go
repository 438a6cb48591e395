package quest

import (
	"time"

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

// instanceEnv is what the instance actors of a subsystem share.
type instanceEnv struct {
	env   actors.Env
	deps  Deps
	parts *actors.Partitions
}

// instanceActor owns one live party-quest instance, on the replica that
// owns its identity's partition. It is spawned by a create (internal.go)
// or by Assign with its restored state, and gets its machine from the
// create, so every machine call, New included, runs under the shell's
// supervision.
//
// Every change it makes commits its state record in the same Emit as its
// effects, and its reports to the registrar (started, ended, a refused
// join) ride in that Emit too, after the state record: a timer's batch is
// tied to the partition of its first changelog record, so it commits only
// while this replica owns the instance.
type instanceActor struct {
	// *instanceEnv is shared by every instance of the subsystem: a copy
	// per actor was 160 bytes of each of 100,000 instances.
	*instanceEnv
	tenant tenant.Tenant
	id     uuid.UUID
	key    []byte // its identity: instanceKey
	rnd    partyquest.Random
	m      *partyquest.Machine // nil until create
	// initial is the state restored from the changelog (nil for a new
	// instance, which gets its machine from create).
	initial *partyquest.State
	// def is the interned definition a create brought (nil when restored).
	def *interned
	// definition is the run's definition (shared, read-only), which
	// recorded states leave out.
	definition *definition.Definition
	// recorded is the state last written to the changelog (a persisted
	// value, in the changelog's form): the snapshot a panic restarts from.
	recorded []byte
	// defRef is the changelog key of the definition, once recorded by this
	// actor.
	defRef string
}

// Start resumes a restored instance; the shell then arms its timer at
// NextDeadline, so deadlines that passed during a handover or downtime
// fire at once (Tick catches up in due order).
func (a *instanceActor) Start(actor.Context) {
	if a.initial != nil {
		a.m = partyquest.Restore(*a.initial, a.rnd)
		a.definition, a.initial = a.initial.Definition, nil
	}
}

// instanceSnapshot is what a restart after a panic restores: the state as
// last recorded, kept as its record's bytes (no copy of its own), or a copy
// when nothing was recorded yet (a restored instance before its first
// change). A deep copy after every message cost 6 % of the service's CPU.
type instanceSnapshot struct {
	recorded []byte // a persisted value, either form (readPersisted)
	state    *partyquest.State
}

// Snapshot implements actors.Snapshotter (nil before create).
func (a *instanceActor) Snapshot() any {
	if a.m == nil {
		return nil
	}
	if a.recorded != nil {
		return instanceSnapshot{recorded: a.recorded}
	}
	st := a.m.State()
	return instanceSnapshot{state: &st}
}

// Restore implements actors.Snapshotter.
func (a *instanceActor) Restore(s any) {
	m, recorded, err := a.fromSnapshot(s)
	if err != nil {
		// Never for bytes this actor encoded; the instance is lost.
		a.env.Log.Error("party-quest instance snapshot unreadable", zap.Stringer("instance", a.id), zap.Error(err))
	}
	a.m, a.recorded = m, recorded
}

// fromSnapshot rebuilds the machine a snapshot holds (nil for none) and
// the record it was read from.
func (a *instanceActor) fromSnapshot(s any) (*partyquest.Machine, []byte, error) {
	snap, ok := s.(instanceSnapshot)
	switch {
	case !ok:
		return nil, nil, nil
	case snap.state != nil:
		return partyquest.Restore(*snap.state, a.rnd), nil, nil
	}
	p, err := readPersisted(snap.recorded)
	if err != nil {
		return nil, nil, err
	}
	p.State.Definition = a.definition
	return partyquest.Restore(p.State, a.rnd), snap.recorded, nil
}

// Rest implements actors.Rester. An idle instance keeps its snapshot (the
// bytes of its last state record) and lets go of its machine (its shell
// stops its process); Restore rebuilds the machine when it wakes.
func (a *instanceActor) Rest() bool {
	if a.m == nil {
		return false // waiting for its create
	}
	a.m = nil
	return true
}

// Peek implements actors.Rester: a resting instance answers a state query
// from its snapshot without waking, so a board that lists every instance
// does not keep them all in memory.
func (a *instanceActor) Peek(snapshot any, msg any) bool {
	q, ok := msg.(stateQuery)
	if !ok {
		return false
	}
	m, _, err := a.fromSnapshot(snapshot)
	if err != nil || m == nil {
		return false // woken, it answers as its restore decides
	}
	q.reply <- m.State()
	return true
}

func (a *instanceActor) NextDeadline() (time.Time, bool) {
	if a.m == nil {
		return time.Time{}, false
	}
	return a.m.NextDeadline()
}

func (a *instanceActor) Handle(ctx actor.Context, msg any) {
	if _, isCreate := msg.(create); !isCreate && a.m == nil {
		a.GiveUp(ctx, msg, "instance was never created") // its create was given up
		return
	}
	now := a.env.Clock.Now()
	switch m := msg.(type) {
	case create:
		if a.m != nil { // a duplicate that raced its first: already running
			m.o.Emit(a.env, nil)
			return
		}
		mc, recs := partyquest.New(a.id, &m.def.def, m.reg, a.rnd, now)
		a.m, a.def, a.definition = mc, m.def, &m.def.def
		a.machineCalled(msg)
		// The registrar recorded an instance that starts inside New as
		// started already: only an end inside New is reported.
		m.o.Emit(a.env, a.withReports(ctx, a.withState(recs), partyquest.StateActive))
	case command:
		if a.m.Done() { // queued behind the end that stopped this actor
			m.o.Reject(a.env, messages.Reject(messages.ReasonUnknownTarget, "%s: instance %s is not live", m.cmd.Type, a.id))
			return
		}
		before := a.m.Phase()
		recs, err := a.m.Handle(m.cmd, now)
		a.machineCalled(msg)
		if err != nil {
			m.o.Reject(a.env, err) // a refusal changes nothing: no state record
			return
		}
		m.o.Emit(a.env, a.withReports(ctx, a.withState(recs), before))
	case join:
		recs, err := a.m.Join(m.req.Sender, now)
		a.machineCalled(msg)
		if err != nil {
			// The registrar saw this instance registering, but it had left
			// registering (or ended) meanwhile: its started or ended report
			// is on the registrar's partition already, ahead of this one.
			m.o.Emit(a.env, internal(a.env.Log, registrarKey(a.tenant), msgJoinRefused, a.refusal(m, err)))
			return
		}
		if len(recs) > 0 { // nil: already registered, nothing changed
			recs = a.withState(recs)
		}
		m.o.Emit(a.env, recs)
	case shutdown:
		recs := a.m.Shutdown()
		a.machineCalled(msg)
		if len(recs) > 0 {
			recs = a.withReports(ctx, a.withState(recs), partyquest.StateRegistering)
		}
		actors.EmitTimer(a.env, a.tenant, recs, func() { close(m.done) })
	case stateQuery:
		m.reply <- a.m.State()
	}
}

// refusal is the report of a join this instance did not apply.
func (a *instanceActor) refusal(m join, err error) joinRefusedBody {
	b := joinRefusedBody{ID: a.id, Request: wireOf(m.req), Attempt: m.attempt, Reason: messages.ReasonPanic,
		Detail: err.Error(), Command: originalCommand(m.o)}
	if rej, ok := err.(*messages.Rejection); ok {
		b.Reason, b.Detail = rej.Reason, rej.Detail
	}
	return b
}

func (a *instanceActor) Tick(ctx actor.Context, now time.Time) {
	before := a.m.Phase()
	recs := a.m.Tick(now)
	// A fire prepared ahead and then undone is decided again: its notes
	// are logged once, with the fire that is released.
	if notes := a.m.TakeNotes(); len(notes) > 0 {
		actors.OnRelease(ctx, func() { a.logNotes(notes) })
	}
	a.machineCalled(nil)
	if len(recs) > 0 { // every firing that changes the state emits something
		recs = a.withReports(ctx, a.withState(recs), before)
	}
	actors.EmitDue(ctx, a.env, a.tenant, recs)
}

// Preparable implements actors.Preparer: a fire is prepared ahead only
// once this actor has recorded the run's definition, so a prepared fire
// that is undone never takes a definition record with it (withState
// writes it once, with the first state it records).
func (a *instanceActor) Preparable() bool { return a.defRef != "" }

// machineCalled logs the machine's notes and runs the test hook.
func (a *instanceActor) machineCalled(msg any) {
	a.logNotes(a.m.TakeNotes())
	if h := a.deps.afterMachine; h != nil {
		h(a.m, msg)
	}
}

// logNotes logs the machine's diagnostic notes. Safe from the gate's
// goroutine: it reads only what never changes.
func (a *instanceActor) logNotes(notes []string) {
	for _, n := range notes {
		a.env.Log.Info("party-quest note", zap.Stringer("instance", a.id), zap.String("note", n))
	}
}

// withReports appends what the registrar must hear of the change: ended
// once destroyed, started when the instance left registering. An ended
// instance leaves the registry at once, before its last effects are
// emitted, so nothing is routed to it any more (what its mailbox still
// holds is refused as not live) and it stops once its mailbox is drained.
//
// In a fire prepared ahead of its deadline the actor leaves the registry
// when the fire's effects are released (OnRelease): until then a message
// may still undo the end.
func (a *instanceActor) withReports(ctx actor.Context, recs []messages.Record, before partyquest.InstanceState) []messages.Record {
	switch {
	case a.m.Done():
		actors.OnRelease(ctx, func() { a.parts.Stop(a.key) })
		return append(recs, internal(a.env.Log, registrarKey(a.tenant), msgEnded, reportBody{ID: a.id})...)
	case before == partyquest.StateRegistering && a.m.Phase() != partyquest.StateRegistering:
		return append(recs, internal(a.env.Log, registrarKey(a.tenant), msgStarted, reportBody{ID: a.id})...)
	}
	return recs
}

// withOwnState puts the instance's state record (a tombstone when it has
// no machine) ahead of a report that no input carries: the batch is then
// tied to this instance's partition, which this replica owns, rather than
// to the registrar's.
func (a *instanceActor) withOwnState(report []messages.Record) []messages.Record {
	if a.m == nil {
		tomb, _ := changelog.Record(messages.ChangelogTopicPartyQuest, a.tenant, changelogKind, a.id.String(), nil)
		return append([]messages.Record{tomb}, report...)
	}
	return append(a.withState(nil), report...)
}

// GiveUp settles a message that crashed the actor on every attempt.
func (a *instanceActor) GiveUp(_ actor.Context, msg any, cause any) {
	a.env.Log.Error("party-quest instance input abandoned after repeated panics",
		zap.Stringer("instance", a.id), zap.Any("panic", cause))
	err := messages.Reject(messages.ReasonPanic, "%v", cause)
	switch m := msg.(type) {
	case create:
		// No machine: nothing to run. The registrar frees its characters;
		// its report goes first, so that once the REGISTER is seen refused
		// the index is freed by the time anything after it is decided.
		a.parts.Stop(a.key)
		actors.EmitTimer(a.env, a.tenant, a.withOwnState(internal(a.env.Log, registrarKey(a.tenant), msgEnded, reportBody{ID: a.id})), nil)
		m.o.Reject(a.env, err)
	case command:
		m.o.Reject(a.env, err)
	case join:
		actors.EmitTimer(a.env, a.tenant, a.withOwnState(internal(a.env.Log, registrarKey(a.tenant), msgUnjoin,
			reportBody{ID: a.id, Character: m.req.Sender.ID})), nil)
		m.o.Reject(a.env, err)
	case shutdown:
		close(m.done)
	case stateQuery:
		m.reply <- partyquest.State{}
	}
}
