package quest

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/tenant"
)

// instanceActor owns one live party-quest instance. It is created by the
// registrar and gets its machine from the first message (create), so every
// machine call, New included, runs under the shell's supervision.
type instanceActor struct {
	env       actors.Env
	deps      Deps
	tenant    tenant.Tenant
	id        uuid.UUID
	registrar *actor.PID
	rnd       partyquest.Random
	m         *partyquest.Machine // nil until create
	// initial is the state read back from the changelog at start-up (nil
	// for a new instance, which gets its machine from create).
	initial *partyquest.State
	// defRef is the changelog key of the definition, once recorded.
	defRef string
}

// Start resumes a restored instance; the shell then arms its timer at
// NextDeadline, so deadlines that passed while the service was down fire
// at once (Tick catches up in due order).
func (a *instanceActor) Start(actor.Context) {
	if a.initial != nil {
		a.m = partyquest.Restore(*a.initial, a.rnd)
	}
}

// Snapshot is a deep copy of the machine's state (nil before create).
func (a *instanceActor) Snapshot() any {
	if a.m == nil {
		return nil
	}
	return a.m.State()
}

func (a *instanceActor) Restore(s any) {
	if st, ok := s.(partyquest.State); ok {
		a.m = partyquest.Restore(st, a.rnd)
	} else {
		a.m = nil
	}
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
		mc, recs := partyquest.New(a.id, m.def, m.reg, a.rnd, now)
		a.m = mc
		a.machineCalled(msg)
		m.o.Emit(a.env, a.withState(recs))
		// The registrar already knows an instance that started inside New;
		// a repeated started report is a no-op for it.
		a.report(ctx, partyquest.StateRegistering)
	case command:
		before := a.m.Phase()
		recs, err := a.m.Handle(m.cmd, now)
		a.machineCalled(msg)
		if err != nil {
			m.o.Reject(a.env, err) // a refusal changes nothing: no state record
			return
		}
		m.o.Emit(a.env, a.withState(recs))
		a.report(ctx, before)
	case join:
		recs, err := a.m.Join(m.req.Sender, now)
		a.machineCalled(msg)
		if err != nil {
			// The registrar saw this instance registering, but it had left
			// registering (or ended) meanwhile: the registrar has the started
			// or ended report already, queued before this refusal.
			ctx.Send(a.registrar, joinRefused{o: m.o, id: a.id, req: m.req, attempt: m.attempt, err: err})
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
			recs = a.withState(recs)
		}
		actors.EmitTimer(a.env, a.tenant, recs, func() { close(m.done) })
		a.report(ctx, partyquest.StateRegistering)
	case stateQuery:
		m.reply <- a.m.State()
	}
}

func (a *instanceActor) Tick(ctx actor.Context, now time.Time) {
	before := a.m.Phase()
	recs := a.m.Tick(now)
	a.machineCalled(nil)
	if len(recs) > 0 { // every firing that changes the state emits something
		recs = a.withState(recs)
	}
	actors.EmitTimer(a.env, a.tenant, recs, nil)
	a.report(ctx, before)
}

// machineCalled logs the machine's notes and runs the test hook.
func (a *instanceActor) machineCalled(msg any) {
	for _, n := range a.m.TakeNotes() {
		a.env.Log.Info("party-quest note", zap.Stringer("instance", a.id), zap.String("note", n))
	}
	if h := a.deps.afterMachine; h != nil {
		h(a.m, msg)
	}
}

// report tells the registrar what changed: ended once destroyed (it then
// removes and stops this actor), started when the instance left
// registering.
func (a *instanceActor) report(ctx actor.Context, before partyquest.InstanceState) {
	switch {
	case a.m.Done():
		ctx.Send(a.registrar, ended{id: a.id})
	case before == partyquest.StateRegistering && a.m.Phase() != partyquest.StateRegistering:
		ctx.Send(a.registrar, started{id: a.id})
	}
}

// GiveUp settles a message that crashed the actor on every attempt.
func (a *instanceActor) GiveUp(ctx actor.Context, msg any, cause any) {
	a.env.Log.Error("party-quest instance input abandoned after repeated panics",
		zap.Stringer("instance", a.id), zap.Any("panic", cause))
	err := messages.Reject(messages.ReasonPanic, "%v", cause)
	switch m := msg.(type) {
	case create:
		m.o.Reject(a.env, err)
		ctx.Send(a.registrar, ended{id: a.id}) // no machine: nothing to run
	case command:
		m.o.Reject(a.env, err)
	case join:
		m.o.Reject(a.env, err)
		ctx.Send(a.registrar, unjoin{id: a.id, character: m.req.Sender.ID})
	case shutdown:
		close(m.done)
	case stateQuery:
		m.reply <- partyquest.State{}
	}
}
