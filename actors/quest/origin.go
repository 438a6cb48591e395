package quest

import (
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

var emptyTrace kafka.Trace

// origin is where an operation came from: a consumed record, whose offset
// commits together with the operation's effects. Timer-driven effects have
// no origin.
type origin struct {
	tenant tenant.Tenant
	trace  kafka.Trace
	in     *kafka.Input
}

func fromInput(in *kafka.Input) origin {
	return origin{tenant: in.Tenant, trace: in.Trace, in: in}
}

// emit commits recs together with the input's offset (recs may be empty:
// the input is then just completed).
func (o origin) emit(d Deps, recs []messages.Record) {
	if err := d.Emitter.Emit(o.tenant, o.trace, recs, o.in, nil); err != nil {
		// Either the outbox is closed (the input is read again after the
		// restart) or the effects did not encode (Emit dead-lettered it).
		d.Log.Error("party-quest effects not emitted",
			zap.Error(err), zap.Stringer("tenant", o.tenant))
	}
}

// reject dead-letters the input with the reason.
func (o origin) reject(d Deps, err error) {
	d.Emitter.Reject(o.in, err)
}

// emitTimer emits effects that no input caused (timers, shutdown); done runs
// once they are committed, or at once when there is nothing to commit or
// the emit failed (so a shutdown never waits forever).
func emitTimer(d Deps, t tenant.Tenant, recs []messages.Record, done func()) {
	if len(recs) == 0 {
		if done != nil {
			done()
		}
		return
	}
	if err := d.Emitter.Emit(t, emptyTrace, recs, nil, done); err != nil {
		d.Log.Error("party-quest timer effects not emitted", zap.Error(err), zap.Stringer("tenant", t))
		if done != nil {
			done()
		}
	}
}
