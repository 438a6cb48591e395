package transport

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/transport/route"
)

// routeActor runs one scheduled route from its own timer: at each
// transition it hands the effect (event and warps) to the tenant's hub,
// which owns the presence index the warps are computed from.
type routeActor struct {
	env     actors.Env
	tt      *schedule.Timetable
	id      uuid.UUID
	hub     *actor.PID
	portals map[uint32]uint32
	m       *route.Machine
}

func (a *routeActor) Start(ctx actor.Context) {
	m, effects := route.New(a.tt, a.id, a.env.Clock.Now(), route.WithSpawnPortals(a.portals))
	a.m = m
	a.send(ctx, effects)
}

// Snapshot is a copy of the machine: a position in an immutable timetable.
func (a *routeActor) Snapshot() any { return *a.m }

func (a *routeActor) Restore(s any) {
	m := s.(route.Machine)
	a.m = &m
}

func (a *routeActor) NextDeadline() (time.Time, bool) { return a.m.NextDeadline() }

func (a *routeActor) Tick(ctx actor.Context, now time.Time) {
	effects, skipped := a.m.Tick(now)
	for _, tr := range skipped {
		a.env.Log.Warn("route transition skipped: handled too late to act on",
			zap.Stringer("route", a.id), zap.Stringer("kind", tr.Kind), zap.Time("due", tr.At), zap.Time("now", now))
	}
	a.send(ctx, effects)
}

func (a *routeActor) send(ctx actor.Context, effects []route.Effect) {
	for _, e := range effects {
		if len(e.Records) > 0 || e.Sweep != nil {
			ctx.Send(a.hub, sweep{effect: e})
		}
	}
}

func (a *routeActor) Handle(_ actor.Context, msg any) {
	if q, ok := msg.(stateQuery); ok {
		q.reply <- a.m.State(q.at)
	}
}
