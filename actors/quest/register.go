package quest

import (
	"errors"

	"github.com/asynkron/protoactor-go/actor"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/partyquest/clients"
	"github.com/gamehost/transitquest/partyquest/definition"
)

// register starts deciding a REGISTER: the definition is looked up here;
// a party or guild that needs an HTTP lookup is resolved off the mailbox
// and comes back as resolved.
func (r *registrar) register(ctx actor.Context, c command) {
	if r.st.stopping {
		r.leaveForNextOwner(c.o)
		return
	}
	body := c.cmd.Register
	def, ok := r.catalog.Get(body.QuestID)
	if !ok {
		c.o.Reject(r.env, messages.Reject(messages.ReasonUnknownTarget, "REGISTER: quest %q is not defined", body.QuestID))
		return
	}
	req := partyquest.RegisterRequest{
		Definition: def,
		Sender:     partyquest.Character{ID: c.cmd.CharacterID, WorldID: c.cmd.WorldID, ChannelID: body.ChannelID},
		PartyID:    body.PartyID,
		MapID:      body.MapID,
	}
	if !needsLookup(r.deps, req) {
		r.decide(ctx, c.o, req, 0)
		return
	}
	r.lookups.start(ctx.ActorSystem().Root, ctx.Self(), r.deps, c.o, req)
}

// resolved decides a REGISTER whose lookup finished.
func (r *registrar) resolved(ctx actor.Context, m resolved) {
	if r.st.stopping {
		r.leaveForNextOwner(m.o)
		return
	}
	if m.err != nil {
		m.o.Reject(r.env, lookupRejection(m.err))
		return
	}
	r.decide(ctx, m.o, m.req, 0)
}

// leaveForNextOwner leaves a REGISTER that raced the shutdown uncompleted:
// its offset is not committed, so whoever owns the partition next reads it
// again and creates the instance there (at least once). The wiring avoids
// the race by waiting for the pipeline to be idle before Shutdown.
func (r *registrar) leaveForNextOwner(o actors.Origin) {
	r.env.Log.Warn("REGISTER after shutdown left uncommitted for the partition's next owner",
		zap.Stringer("tenant", r.tenant), zap.Int32("partition", o.In.Partition), zap.Int64("offset", o.In.Offset))
}

func lookupRejection(err error) error {
	if errors.Is(err, clients.ErrNotFound) {
		return messages.Reject(messages.ReasonUnknownTarget, "REGISTER: %v", err)
	}
	return messages.Reject(messages.ReasonLookupFailed, "REGISTER: %v", err)
}

// decide applies the registrar's rules and carries out the decision.
// attempt counts the times this REGISTER lost the Join race.
func (r *registrar) decide(ctx actor.Context, o actors.Origin, req partyquest.RegisterRequest, attempt int) {
	d := r.st.reg.Register(req)
	switch d.Kind {
	case partyquest.DecisionReject:
		o.Reject(r.env, d.Rejection)
	case partyquest.DecisionCreate:
		r.create(ctx, o, req.Definition, d)
	case partyquest.DecisionJoin:
		pid, ok := r.st.pids[d.InstanceID]
		if !ok { // the index and the map change together; guard anyway
			r.st.reg.Unjoin(d.InstanceID, d.Character.ID)
			o.Reject(r.env, messages.Reject(messages.ReasonPanic, "REGISTER: instance %s has no actor", d.InstanceID))
			return
		}
		req.Sender = d.Character
		ctx.Send(pid, join{o: o, req: req, attempt: attempt})
	}
}

// create spawns the instance actor under the tenant supervisor and hands it
// the REGISTER, which it completes with INSTANCE_CREATED and the rest.
func (r *registrar) create(ctx actor.Context, o actors.Origin, def definition.Definition, d partyquest.Decision) {
	pid, err := r.sup.Spawn("instance/"+d.InstanceID.String(), r.instanceProps(r.instance(ctx, d.InstanceID)))
	if err != nil {
		r.st.reg.Ended(d.InstanceID)
		o.Reject(r.env, messages.Reject(messages.ReasonPanic, "REGISTER: %v", err))
		return
	}
	r.st.pids[d.InstanceID] = pid
	ctx.Send(pid, create{o: o, def: def, reg: d.Registration})
}

// joinRefused handles the Join race: the instance had left registering when
// the join reached it. Its started (or ended) report was queued before the
// refusal, so deciding again cannot pick it: the REGISTER then joins another
// instance or creates one, as if it had arrived after the start.
func (r *registrar) joinRefused(ctx actor.Context, m joinRefused) {
	r.st.reg.Unjoin(m.id, m.req.Sender.ID)
	var rej *messages.Rejection
	if m.attempt == 0 && !r.st.stopping && errors.As(m.err, &rej) && rej.Reason == messages.ReasonWrongState {
		r.decide(ctx, m.o, m.req, m.attempt+1)
		return
	}
	m.o.Reject(r.env, m.err)
}
