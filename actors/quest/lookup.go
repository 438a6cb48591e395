package quest

import (
	"context"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/partyquest/clients"
	"github.com/gamehost/transitquest/partyquest/definition"
)

// defaultLookupTimeout bounds one REGISTER's lookups when Deps does not.
const defaultLookupTimeout = 5 * time.Second

// lookups are the registrars' HTTP calls in flight. Each runs on a goroutine
// of its own, so a slow parties service never blocks a registrar's mailbox;
// the result goes back to the registrar's mailbox with the input's origin.
// Stop cancels and waits for them.
type lookups struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newLookups() *lookups {
	ctx, cancel := context.WithCancel(context.Background())
	return &lookups{ctx: ctx, cancel: cancel}
}

func (l *lookups) start(root *actor.RootContext, registrar *actor.PID, d Deps, o actors.Origin, req partyquest.RegisterRequest) {
	timeout := d.LookupTimeout
	if timeout <= 0 {
		timeout = defaultLookupTimeout
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		ctx, cancel := context.WithTimeout(l.ctx, timeout)
		defer cancel()
		ctx = clients.WithTrace(ctx, o.Trace.Parent, o.Trace.State)
		req, err := resolve(ctx, d, o, req)
		root.Send(registrar, resolved{o: o, req: req, err: err})
	}()
}

// stop cancels the calls in flight and waits for their goroutines. Call it
// once no registrar can start another.
func (l *lookups) stop() {
	l.cancel()
	l.wg.Wait()
}

// needsLookup reports whether a REGISTER needs a configured service:
// the party path with a partyId needs the members, the individual path with
// guild or party affinity needs the sender's guild or party. Without the
// service the request goes as is (Members nil, AffinityID 0) and the
// registrar applies the fallbacks.
func needsLookup(d Deps, req partyquest.RegisterRequest) bool {
	def := req.Definition
	if !def.Individual() {
		return req.PartyID != 0 && d.Parties != nil
	}
	switch def.Registration.Affinity {
	case definition.AffinityGuild:
		return d.Guilds != nil
	case definition.AffinityParty:
		return d.Parties != nil
	}
	return false
}

// resolve fills in what needsLookup asked for.
func resolve(ctx context.Context, d Deps, o actors.Origin, req partyquest.RegisterRequest) (partyquest.RegisterRequest, error) {
	var err error
	switch {
	case !req.Definition.Individual():
		req.Members, err = d.Parties.Members(ctx, o.Tenant, req.PartyID)
		if err == nil && req.Members == nil {
			req.Members = []partyquest.Character{} // a service answered: not the no-service fallback
		}
	case req.Definition.Registration.Affinity == definition.AffinityGuild:
		req.AffinityID, err = d.Guilds.GuildOf(ctx, o.Tenant, req.Sender.ID)
	default:
		req.AffinityID, err = d.Parties.PartyOf(ctx, o.Tenant, req.Sender.ID)
	}
	return req, err
}
