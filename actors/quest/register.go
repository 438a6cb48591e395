package quest

import (
	"errors"

	"github.com/asynkron/protoactor-go/actor"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/partyquest/clients"
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
		r.settle(c.o, nil, messages.Reject(messages.ReasonUnknownTarget, "REGISTER: quest %q is not defined", body.QuestID))
		return
	}
	req := partyquest.RegisterRequest{
		Definition: def,
		Sender:     partyquest.Character{ID: c.cmd.CharacterID, WorldID: c.cmd.WorldID, ChannelID: body.ChannelID},
		PartyID:    body.PartyID,
		MapID:      body.MapID,
	}
	if !needsLookup(r.deps, req) {
		r.decide(c.o, req, 0)
		return
	}
	r.lookups.start(ctx.ActorSystem().Root, ctx.Self(), r.deps, c.o, req)
}

// resolved decides a REGISTER whose lookup finished.
func (r *registrar) resolved(_ actor.Context, m resolved) {
	if r.st.stopping {
		r.leaveForNextOwner(m.o)
		return
	}
	if m.err != nil {
		r.settle(m.o, nil, lookupRejection(m.err))
		return
	}
	r.decide(m.o, m.req, 0)
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

// decide applies the registrar's rules and commits the decision with the
// input: the index entry it changed and, for the instance, a create or a
// join through the internal topic. attempt counts the times this REGISTER
// lost the Join race.
func (r *registrar) decide(o actors.Origin, req partyquest.RegisterRequest, attempt int) {
	d := r.st.reg.Register(req)
	switch d.Kind {
	case partyquest.DecisionReject:
		r.settle(o, nil, d.Rejection)
	case partyquest.DecisionCreate:
		r.touch(d.InstanceID)
		def, err := r.definitionJSON(req.Definition)
		if err != nil { // never for a definition that validated
			r.st.reg.Ended(d.InstanceID)
			r.settle(o, nil, messages.Reject(messages.ReasonPanic, "REGISTER: %v", err))
			return
		}
		r.settle(o, internal(r.env.Log, instanceKey(r.tenant, d.InstanceID), msgCreate,
			createBody{ID: d.InstanceID, Definition: def, Registration: d.Registration, Command: originalCommand(o)}), nil)
	case partyquest.DecisionJoin:
		r.touch(d.InstanceID)
		req.Sender = d.Character
		r.settle(o, internal(r.env.Log, instanceKey(r.tenant, d.InstanceID), msgJoin,
			joinBody{Request: wireOf(req), Attempt: attempt, Command: originalCommand(o)}), nil)
	}
}

// joinRefused handles the Join race: the instance had left registering when
// the join reached it. Its started (or ended) report was committed to this
// registrar's partition before the refusal, so it was handled first and
// deciding again cannot pick the instance: the REGISTER then joins another
// instance or creates one, as if it had arrived after the start.
func (r *registrar) joinRefused(_ actor.Context, m joinRefused) {
	r.unjoin(m.id, m.req.Sender.ID)
	var rej *messages.Rejection
	if m.attempt == 0 && !r.st.stopping && errors.As(m.err, &rej) && rej.Reason == messages.ReasonWrongState {
		def, ok := r.catalog.Get(m.req.Definition.QuestID)
		if !ok {
			r.settle(m.o, nil, messages.Reject(messages.ReasonUnknownTarget, "REGISTER: quest %q is not defined", m.req.Definition.QuestID))
			return
		}
		m.req.Definition = def
		r.decide(m.o, m.req, m.attempt+1)
		return
	}
	r.settle(m.o, nil, m.err)
}
