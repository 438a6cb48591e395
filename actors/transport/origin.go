// Package transport runs the Transport Service's actors: per tenant one hub
// (presence index, channel registry and character→ride directory), one actor
// per scheduled route and one per instance route, all under a per-tenant
// supervisor.
package transport

import (
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// origin is where an operation came from: a consumed record (whose offset
// commits with the effects) or a REST call (answered once the effects are
// committed), or nothing (timer-driven effects).
type origin struct {
	tenant tenant.Tenant
	trace  kafka.Trace
	in     *kafka.Input
	reply  chan error // buffered(1); nil unless from REST
}

func fromInput(in *kafka.Input) origin {
	return origin{tenant: in.Tenant, trace: in.Trace, in: in}
}

// emit commits recs together with the origin's offset, or answers the REST
// caller after the commit.
func (o origin) emit(em *kafka.Emitter, recs []messages.Record) {
	var done func()
	if o.reply != nil {
		reply := o.reply
		done = func() { reply <- nil }
	}
	if o.in == nil && len(recs) == 0 {
		if done != nil {
			done()
		}
		return
	}
	if err := em.Emit(o.tenant, o.trace, recs, o.in, done); err != nil && o.reply != nil {
		o.reply <- err
	}
}

// reject refuses the operation: a record is dead-lettered with the reason,
// a REST caller gets the error.
func (o origin) reject(em *kafka.Emitter, err error) {
	switch {
	case o.in != nil:
		em.Reject(o.in, err)
	case o.reply != nil:
		o.reply <- err
	}
}
