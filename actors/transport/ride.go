package transport

import (
	"errors"
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
// instances, their capacity and their timers. It hears about characters
// only from the ride directory (rider keys), which claimed the ride before
// asking, and answers each character's rider key through the internal
// topic in the transaction of its effects: boarded, refused, ended.
type rideActor struct {
	env    actors.Env
	newID  func() uuid.UUID
	tenant tenant.Tenant
	route  ride.Route
	m      *ride.Machine
	// mirror is an immutable copy of m's instances kept from its changes:
	// the snapshot, in O(1) per message.
	mirror *rideMirror
	// initial is the state restored from the changelog for its partition.
	initial *ride.State
}

func (a *rideActor) Start(_ actor.Context) {
	if a.initial == nil {
		a.m = ride.New(a.route, a.newID)
		a.mirror = newMirror(nil)
		return
	}
	// Resumed after a crash or a rebalance: the directory has its own
	// record of who rides what, and the timer (armed by the shell at
	// NextDeadline) fires overdue arrivals now.
	a.m = ride.Restore(a.route, a.newID, *a.initial)
	a.mirror = newMirror(a.m.Instances())
	a.initial = nil
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

// tell is a message to a character's rider key.
func (a *rideActor) tell(character uint32, typ string, body any) messages.Record {
	return internal(riderKey(a.tenant, character), typ, body)
}

func (a *rideActor) Handle(_ actor.Context, msg any) {
	now := a.env.Clock.Now()
	switch m := msg.(type) {
	case rideStart:
		b := m.body
		boarding, recs, err := a.m.Start(b.World, b.Character, b.Channel, now)
		if err != nil {
			a.refuse(m, err)
			return
		}
		// Records: the warp and STARTED, the instance's state, then the
		// answer to the directory (also for a START of a rider already
		// aboard: it confirms the claim).
		recs, _ = a.withState(recs)
		recs = append(recs, a.tell(b.Character, typeBoarded,
			boardedBody{Route: a.route.ID, Instance: boarding.InstanceID, Claim: b.Claim}))
		m.o.Emit(a.env, recs)
	case rideExit:
		b := m.body
		instance, _ := a.m.Riding(b.Character)
		removed, recs := a.m.Exit(b.World, b.Character, b.Instance, now)
		recs, _ = a.withState(recs)
		if removed {
			recs = append(recs, a.tell(b.Character, typeEnded, endedBody{Route: a.route.ID, Instance: instance}))
		}
		m.o.Emit(a.env, recs)
	case rideLogout:
		b := m.body
		instance, _ := a.m.Riding(b.Character)
		removed, recs := a.m.Logout(b.World, b.Character, now)
		if b.Warp != nil {
			recs = append(recs, messages.ChangeMap(b.World, b.Character, *b.Warp))
		}
		recs, _ = a.withState(recs)
		if removed {
			recs = append(recs, a.tell(b.Character, typeEnded, endedBody{Route: a.route.ID, Instance: instance}))
		}
		m.o.Emit(a.env, recs)
	case shutdown:
		ended, recs := a.m.Shutdown()
		recs, changes := a.withState(recs)
		recs = append(recs, a.endedNotices(ended, changes)...)
		actors.EmitTimer(a.env, a.tenant, recs, func() { close(m.done) })
	case instancesQuery:
		m.reply <- a.m.Instances()
	}
}

// refuse answers a START the machine refused: the directory drops the
// claim and dead-letters the answer with the refusal's reason.
func (a *rideActor) refuse(m rideStart, err error) {
	body := refusedBody{Route: a.route.ID, Claim: m.body.Claim, Reason: messages.ReasonPanic, Detail: err.Error()}
	var rej *messages.Rejection
	if errors.As(err, &rej) {
		body.Reason, body.Detail = rej.Reason, rej.Detail
	}
	m.o.Emit(a.env, []messages.Record{a.tell(m.body.Character, typeRefused, body)})
}

func (a *rideActor) Tick(ctx actor.Context, now time.Time) {
	ended, recs := a.m.Tick(now)
	recs, changes := a.withState(recs)
	recs = append(recs, a.endedNotices(ended, changes)...)
	actors.EmitDue(ctx, a.env, a.tenant, recs)
}

// endedNotices tell the directory whose rides a Tick or Shutdown ended and
// in which instance, so it can tell this ride's end from a newer one. Those
// steps release every instance whose rides they end, so the released
// instances among the step's changes name them all. They follow the state
// records, whose first ties a timer's batch to this ride's partition.
func (a *rideActor) endedNotices(chars []uint32, changes []ride.Change) []messages.Record {
	if len(chars) == 0 {
		return nil
	}
	riders := endedIn(changes)
	out := make([]messages.Record, 0, len(chars))
	for _, c := range chars {
		out = append(out, a.tell(c, typeEnded, endedBody{Route: a.route.ID, Instance: riders[c]}))
	}
	return out
}

func (a *rideActor) GiveUp(_ actor.Context, msg any, cause any) {
	a.env.Log.Error("ride input abandoned after repeated panics", zap.Any("panic", cause))
	err := messages.Reject(messages.ReasonPanic, "%v", cause)
	switch m := msg.(type) {
	case rideStart:
		a.refuse(m, err) // the directory must drop the claim: an answer, not a dead letter here
	case rideExit:
		m.o.Reject(a.env, err)
	case rideLogout:
		m.o.Reject(a.env, err)
	case shutdown:
		close(m.done)
	}
}
