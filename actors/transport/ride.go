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
	// mirror is an immutable copy of m's instances kept from its changes:
	// the snapshot, in O(1) per message.
	mirror *rideMirror
	// initial is the state read back from the changelog at start-up.
	initial *ride.State
}

func (a *rideActor) Start(ctx actor.Context) {
	if a.initial == nil {
		a.m = ride.New(a.route, a.newID)
		a.mirror = newMirror(nil)
		return
	}
	// Resumed after a crash: the hub learns who rides what again, and the
	// timer (armed by the shell at NextDeadline) fires overdue arrivals now.
	a.m = ride.Restore(a.route, a.newID, *a.initial)
	ins := a.m.Instances()
	a.mirror = newMirror(ins)
	for _, in := range ins {
		for _, r := range in.Riders {
			ctx.Send(a.hub, boarded{character: r.CharacterID, route: a.route.ID, instance: in.ID, restored: true})
		}
	}
}

// withState appends the changelog records of what the operation changed,
// so state and effects commit in one transaction, and brings the snapshot
// up to date. Every message that may change the machine goes through it
// once, after the change; it returns the changes it took.
func (a *rideActor) withState(recs []messages.Record) ([]messages.Record, []ride.Change) {
	changes := a.m.TakeChanges()
	a.mirror.apply(changes)
	st, err := stateRecords(a.tenant, a.route.ID, changes)
	if err != nil {
		a.env.Log.Error("ride state not recorded", zap.Error(err))
	}
	return append(recs, st...), changes
}

// Snapshot is an immutable copy of the instances (a rideCopy), kept up to
// date by withState: taking it copies nothing.
func (a *rideActor) Snapshot() any { return a.mirror.copy }

// Restore rebuilds the machine from a Snapshot, in creation order, with no
// changes pending (the changelog already holds that state).
func (a *rideActor) Restore(s any) {
	a.m = ride.Restore(a.route, a.newID, s.(rideCopy).state())
	a.mirror = newMirror(a.m.Instances())
}

func (a *rideActor) NextDeadline() (time.Time, bool) { return a.m.NextDeadline() }

func (a *rideActor) Handle(ctx actor.Context, msg any) {
	now := a.env.Clock.Now()
	switch m := msg.(type) {
	case rideStart:
		b, recs, err := a.m.Start(m.world, m.character, m.channel, now)
		if err != nil {
			m.o.Reject(a.env, err)
			ctx.Send(a.hub, rideEnded{character: m.character, route: a.route.ID})
			return
		}
		recs, _ = a.withState(recs)
		m.o.Emit(a.env, recs)
		if !b.AlreadyRiding {
			ctx.Send(a.hub, boarded{character: m.character, route: a.route.ID, instance: b.InstanceID})
		}
	case rideExit:
		instance, _ := a.m.Riding(m.character)
		removed, recs := a.m.Exit(m.world, m.character, m.instance, now)
		recs, _ = a.withState(recs)
		m.o.Emit(a.env, recs)
		if removed {
			ctx.Send(a.hub, rideEnded{character: m.character, route: a.route.ID, instance: instance})
		}
	case rideLogout:
		instance, _ := a.m.Riding(m.character)
		removed, recs := a.m.Logout(m.world, m.character, now)
		recs, _ = a.withState(append(recs, m.extra...))
		m.o.Emit(a.env, recs)
		if removed {
			ctx.Send(a.hub, rideEnded{character: m.character, route: a.route.ID, instance: instance})
		}
	case shutdown:
		ended, recs := a.m.Shutdown()
		recs, changes := a.withState(recs)
		actors.EmitTimer(a.env, a.tenant, recs, func() { close(m.done) })
		a.ended(ctx, ended, changes)
	case instancesQuery:
		m.reply <- a.m.Instances()
	}
}

func (a *rideActor) Tick(ctx actor.Context, now time.Time) {
	ended, recs := a.m.Tick(now)
	recs, changes := a.withState(recs)
	actors.EmitTimer(a.env, a.tenant, recs, nil)
	a.ended(ctx, ended, changes)
}

// ended tells the hub whose rides a Tick or Shutdown ended and in which
// instance, so it can tell this ride's end from a newer one. Those steps
// release every instance whose rides they end, so the released instances
// among the step's changes name them all.
func (a *rideActor) ended(ctx actor.Context, chars []uint32, changes []ride.Change) {
	if len(chars) == 0 {
		return
	}
	riders := endedIn(changes)
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
