package quest

import (
	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/gamehost/transitquest/tenant"
)

// registrar is the per-tenant actor every party-quest command goes through.
// It owns the tenant's partyquest.Registrar and the map from instance id to
// instance actor; both change only in its mailbox, and together.
//
// It is not an actors.Snapshotter: it keeps its live state across a
// restart. Copying the tenant's whole index after every message would cost
// more than the rare restart it protects, its updates are single map
// writes, and a restart must keep the PIDs of the instance actors, which
// outlive it.
type registrar struct {
	env     actors.Env
	deps    Deps
	tenant  tenant.Tenant
	catalog *definition.TenantCatalog
	sup     *actors.Supervisor
	lookups *lookups
	st      *registrarState
	// initial are the live instances read back from the changelog at
	// start-up; Start adopts them.
	initial []partyquest.State
}

type registrarState struct {
	reg      *partyquest.Registrar
	pids     map[uuid.UUID]*actor.PID
	stopping bool // Shutdown ran: no new instances
}

func (r *registrar) Start(ctx actor.Context) {
	r.st = &registrarState{reg: partyquest.NewRegistrar(r.deps.random()), pids: map[uuid.UUID]*actor.PID{}}
	for _, st := range r.initial {
		r.adopt(ctx, st)
	}
	r.initial = nil
}

// adopt indexes a restored instance and resumes its actor. Index conflicts
// (a character or lock another restored instance holds) are reported; the
// instance runs anyway, because it is live whatever the index says.
func (r *registrar) adopt(ctx actor.Context, st partyquest.State) {
	if err := r.st.reg.Track(st); err != nil {
		r.env.Log.Warn("restored party-quest instance conflicts with another", zap.Stringer("tenant", r.tenant), zap.Error(err))
	}
	tmpl := r.instance(ctx, st.ID)
	tmpl.initial = &st
	pid, err := r.sup.Spawn("instance/"+st.ID.String(), r.instanceProps(tmpl))
	if err != nil {
		r.st.reg.Ended(st.ID)
		r.env.Log.Error("restored party-quest instance not resumed", zap.Stringer("instance", st.ID), zap.Error(err))
		return
	}
	r.st.pids[st.ID] = pid
}

// instance is the template of an instance actor of this registrar.
func (r *registrar) instance(ctx actor.Context, id uuid.UUID) instanceActor {
	return instanceActor{env: r.env, deps: r.deps, tenant: r.tenant, id: id, registrar: ctx.Self(), rnd: r.deps.random()}
}

// instanceProps makes a fresh behaviour from tmpl at every (re)start; the
// shell restores it from its snapshot after a restart.
func (r *registrar) instanceProps(tmpl instanceActor) *actor.Props {
	return actors.Props(r.env.Shell(kindInstance), func() actors.Actor {
		a := tmpl
		return &a
	})
}

func (r *registrar) Handle(ctx actor.Context, msg any) {
	switch m := msg.(type) {
	case command:
		if m.cmd.Type == messages.TypeRegister {
			r.register(ctx, m)
		} else {
			r.forward(ctx, m)
		}
	case resolved:
		r.resolved(ctx, m)
	case started:
		r.st.reg.Started(m.id)
	case ended:
		r.ended(ctx, m.id)
	case joinRefused:
		r.joinRefused(ctx, m)
	case unjoin:
		r.st.reg.Unjoin(m.id, m.character)
	case shutdownAll:
		r.shutdown(ctx, m)
	case statesQuery:
		r.states(ctx, m)
	}
}

// forward hands a command to the live instance it names.
func (r *registrar) forward(ctx actor.Context, c command) {
	id := c.cmd.InstanceID()
	pid, ok := r.st.pids[id]
	if !ok {
		c.o.Reject(r.env, messages.Reject(messages.ReasonUnknownTarget, "%s: instance %s is not live", c.cmd.Type, id))
		return
	}
	ctx.Send(pid, c)
}

// ended forgets a destroyed instance, then stops its actor. The stop
// (Poison) queues behind everything already forwarded to it, which it still
// settles.
func (r *registrar) ended(ctx actor.Context, id uuid.UUID) {
	pid, ok := r.st.pids[id]
	if !ok {
		return
	}
	delete(r.st.pids, id)
	r.st.reg.Ended(id)
	r.sup.Stop(pid)
}

// shutdown destroys every live instance (service shutdown) and answers with
// one channel per instance, closed when its effects are committed.
func (r *registrar) shutdown(ctx actor.Context, m shutdownAll) {
	r.st.stopping = true
	waits := make([]chan struct{}, 0, len(r.st.pids))
	for _, pid := range r.st.pids {
		done := make(chan struct{})
		ctx.Send(pid, shutdown{done: done})
		waits = append(waits, done)
	}
	m.reply <- waits
}

func (r *registrar) GiveUp(ctx actor.Context, msg any, cause any) {
	r.env.Log.Error("party-quest registrar input abandoned after repeated panics",
		zap.Stringer("tenant", r.tenant), zap.Any("panic", cause))
	err := messages.Reject(messages.ReasonPanic, "%v", cause)
	switch m := msg.(type) {
	case command:
		m.o.Reject(r.env, err)
	case resolved:
		m.o.Reject(r.env, err)
	case joinRefused:
		m.o.Reject(r.env, err)
	case shutdownAll:
		m.reply <- nil
	case statesQuery:
		m.answer <- stateAnswer{}
	}
}
