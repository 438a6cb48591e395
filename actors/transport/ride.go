package transport

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

// rideActor owns one instance route of one tenant: its live transport
// instances, their capacity and their timers.
type rideActor struct {
	env    actors.Env
	newID  func() uuid.UUID
	tenant tenant.Tenant
	route  ride.Route
	hub    *actor.PID
	m      *ride.Machine
	// initial is the state read back from the changelog at start-up.
	initial *ride.State
}

func (a *rideActor) Start(ctx actor.Context) {
	if a.initial == nil {
		a.m = ride.New(a.route, a.newID)
		return
	}
	// Resumed after a crash: the hub learns who rides what again, and the
	// timer (armed by the shell at NextDeadline) fires overdue arrivals now.
	a.m = ride.Restore(a.route, a.newID, *a.initial)
	for _, in := range a.m.Instances() {
		for _, r := range in.Riders {
			ctx.Send(a.hub, boarded{character: r.CharacterID, route: a.route.ID, instance: in.ID, restored: true})
		}
	}
}

// withState appends the changelog records of what the operation changed,
// so state and effects commit in one transaction.
func (a *rideActor) withState(before map[uuid.UUID]instanceSig, recs []messages.Record) []messages.Record {
	st, err := stateRecords(a.tenant, a.route.ID, before, a.m.Instances())
	if err != nil {
		a.env.Log.Error("ride state not recorded", zap.Error(err))
	}
	return append(recs, st...)
}

func (a *rideActor) Snapshot() any { return a.m.State() }

func (a *rideActor) Restore(s any) { a.m = ride.Restore(a.route, a.newID, s.(ride.State)) }

func (a *rideActor) NextDeadline() (time.Time, bool) { return a.m.NextDeadline() }

func (a *rideActor) Handle(ctx actor.Context, msg any) {
	now := a.env.Clock.Now()
	before := signatures(a.m.Instances())
	switch m := msg.(type) {
	case rideStart:
		b, recs, err := a.m.Start(m.world, m.character, m.channel, now)
		if err != nil {
			m.o.Reject(a.env, err)
			ctx.Send(a.hub, rideEnded{character: m.character, route: a.route.ID})
			return
		}
		m.o.Emit(a.env, a.withState(before, recs))
		if !b.AlreadyRiding {
			ctx.Send(a.hub, boarded{character: m.character, route: a.route.ID, instance: b.InstanceID})
		}
	case rideExit:
		instance, _ := a.m.Riding(m.character)
		removed, recs := a.m.Exit(m.world, m.character, m.instance, now)
		m.o.Emit(a.env, a.withState(before, recs))
		if removed {
			ctx.Send(a.hub, rideEnded{character: m.character, route: a.route.ID, instance: instance})
		}
	case rideLogout:
		instance, _ := a.m.Riding(m.character)
		removed, recs := a.m.Logout(m.world, m.character, now)
		m.o.Emit(a.env, a.withState(before, append(recs, m.extra...)))
		if removed {
			ctx.Send(a.hub, rideEnded{character: m.character, route: a.route.ID, instance: instance})
		}
	case shutdown:
		riders := a.ridersByCharacter()
		ended, recs := a.m.Shutdown()
		actors.EmitTimer(a.env, a.tenant, a.withState(before, recs), func() { close(m.done) })
		a.ended(ctx, ended, riders)
	case instancesQuery:
		m.reply <- a.m.Instances()
	}
}

func (a *rideActor) Tick(ctx actor.Context, now time.Time) {
	riders := a.ridersByCharacter()
	before := signatures(a.m.Instances())
	ended, recs := a.m.Tick(now)
	actors.EmitTimer(a.env, a.tenant, a.withState(before, recs), nil)
	a.ended(ctx, ended, riders)
}

// ridersByCharacter maps each rider to its instance before a step that may
// end rides, so the hub can tell this ride's end from a newer one.
func (a *rideActor) ridersByCharacter() map[uint32]uuid.UUID {
	out := map[uint32]uuid.UUID{}
	for _, in := range a.m.Instances() {
		for _, r := range in.Riders {
			out[r.CharacterID] = in.ID
		}
	}
	return out
}

func (a *rideActor) ended(ctx actor.Context, chars []uint32, riders map[uint32]uuid.UUID) {
	for _, c := range chars {
		ctx.Send(a.hub, rideEnded{character: c, route: a.route.ID, instance: riders[c]})
	}
}

func (a *rideActor) GiveUp(ctx actor.Context, msg any, cause any) {
	a.env.Log.Error("ride input abandoned after repeated panics", zap.Any("panic", cause))
	switch m := msg.(type) {
	case rideStart:
		m.o.Reject(a.env, messages.Reject(messages.ReasonPanic, "%v", cause))
		ctx.Send(a.hub, rideEnded{character: m.character, route: a.route.ID})
	case rideExit:
		m.o.Reject(a.env, messages.Reject(messages.ReasonPanic, "%v", cause))
	case rideLogout:
		m.o.Reject(a.env, messages.Reject(messages.ReasonPanic, "%v", cause))
	case shutdown:
		close(m.done)
	}
}
