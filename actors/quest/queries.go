package quest

import (
	"github.com/asynkron/protoactor-go/actor"

	"github.com/gamehost/transitquest/partyquest"
)

// states asks the targeted instance actors for their state. The requests
// are sent from the registrar's mailbox, so they reach only live actors and
// queue ahead of any later Poison: each one is answered.
func (r *registrar) states(ctx actor.Context, q statesQuery) {
	var targets []*actor.PID
	switch {
	case q.all:
		for _, pid := range r.st.pids {
			targets = append(targets, pid)
		}
	case q.character != 0:
		if id, ok := r.st.reg.InstanceOf(q.character); ok {
			if pid, ok := r.st.pids[id]; ok {
				targets = append(targets, pid)
			}
		}
	default:
		if pid, ok := r.st.pids[q.id]; ok {
			targets = append(targets, pid)
		}
	}
	ch := make(chan partyquest.State, len(targets))
	for _, pid := range targets {
		ctx.Send(pid, stateQuery{reply: ch})
	}
	q.answer <- stateAnswer{n: len(targets), states: ch}
}
