package transport

import (
	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/presence"
	"github.com/gamehost/transitquest/transport/ride"
	"github.com/gamehost/transitquest/transport/route"
)

// rideRef is the hub's record of a character's ride: the route always, the
// instance once the ride actor confirmed boarding (nil while pending).
type rideRef struct {
	route    uuid.UUID
	instance uuid.UUID
}

// hub is the per-tenant actor that every character-keyed transport event
// goes through: it keeps who is where (presence, channels) and who rides
// what (the directory), and forwards to the ride actor that owns a ride.
// One hub per tenant means events about one character are handled in
// order without any shared lock.
//
// It is not an actors.Snapshotter: it keeps its live state across a
// restart. Copying a tenant's whole presence index after every event would
// cost more than the rare restart it protects, and its updates are single
// map writes that a panic cannot leave half-done.
type hub struct {
	env        actors.Env
	tenant     tenant.Tenant
	routes     []schedule.Route // scheduled routes, for the logout warp
	instRoutes []ride.Route     // instance routes, for login recovery

	rides     map[uuid.UUID]*actor.PID
	presence  *presence.Index
	directory map[uint32]rideRef
}

func newHub(env actors.Env, t tenant.Tenant, routes []schedule.Route, instRoutes []ride.Route) *hub {
	return &hub{env: env, tenant: t, routes: routes, instRoutes: instRoutes,
		presence: presence.New(), directory: map[uint32]rideRef{}, rides: map[uuid.UUID]*actor.PID{}}
}

func (h *hub) Handle(ctx actor.Context, msg any) {
	switch m := msg.(type) {
	case routesReady:
		h.rides = m.rides
	case ridersQuery:
		out := make(map[uuid.UUID]RouteRiders, len(h.routes))
		for _, r := range h.routes {
			out[r.ID] = RouteRiders{Waiting: h.presence.Count([]uint32{r.StagingMapID}), Aboard: h.presence.Count(r.EnRouteMapIDs)}
		}
		m.reply <- out
	case mapStatus:
		h.mapStatus(ctx, m)
	case characterStatus:
		h.characterStatus(ctx, m)
	case channelStatus:
		if m.ev.Type == messages.TypeChannelStarted {
			h.presence.ChannelStarted(m.ev.WorldID, m.ev.ChannelID)
		} else {
			h.presence.ChannelShutdown(m.ev.WorldID, m.ev.ChannelID)
		}
		m.o.Emit(h.env, nil)
	case startRide:
		h.start(ctx, m)
	case sweep:
		h.sweep(m.effect)
	case boarded:
		if ref, ok := h.directory[m.character]; m.restored || (ok && ref.route == m.route) {
			h.directory[m.character] = rideRef{route: m.route, instance: m.instance}
		}
	case rideEnded:
		if ref, ok := h.directory[m.character]; ok && ref.route == m.route && ref.instance == m.instance {
			delete(h.directory, m.character)
		}
	}
}

func (h *hub) start(ctx actor.Context, m startRide) {
	pid, ok := h.rides[m.route]
	if !ok {
		m.o.Reject(h.env, messages.Reject(messages.ReasonUnknownTarget, "instance route %s not found", m.route))
		return
	}
	if ref, riding := h.directory[m.character]; riding && ref.route != m.route {
		m.o.Reject(h.env, messages.Reject(messages.ReasonConflict,
			"character %d already rides route %s", m.character, ref.route))
		return
	} else if !riding {
		h.directory[m.character] = rideRef{route: m.route}
	}
	ctx.Send(pid, rideStart{o: m.o, world: m.world, character: m.character, channel: m.channel})
}

func (h *hub) mapStatus(ctx actor.Context, m mapStatus) {
	ev := m.ev
	at := presence.Location{WorldID: ev.WorldID, ChannelID: ev.ChannelID, MapID: ev.MapID, Instance: ev.Instance}
	c := ev.Body.CharacterID
	if ev.Type == messages.TypeCharacterEnter {
		h.presence.Enter(c, at)
		m.o.Emit(h.env, nil)
		return
	}
	h.presence.Exit(c, at)
	// Only an exit from the rider's own transit instance cancels a ride; the
	// exit from the start map that boarding itself causes does not.
	if ref, ok := h.directory[c]; ok && ref.instance != uuid.Nil && ref.instance == ev.Instance {
		ctx.Send(h.rides[ref.route], rideExit{o: m.o, world: ev.WorldID, character: c, instance: ev.Instance})
		return
	}
	m.o.Emit(h.env, nil)
}

func (h *hub) characterStatus(ctx actor.Context, m characterStatus) {
	ev := m.ev
	c := ev.CharacterID
	at := presence.Location{WorldID: ev.WorldID, ChannelID: ev.Body.ChannelID, MapID: ev.Body.MapID, Instance: ev.Body.Instance}
	ref, riding := h.directory[c]
	if ev.Type == messages.TypeLogin {
		h.presence.Login(c, at)
		var recs []messages.Record
		if !riding {
			if r, ok := ride.LoginRecovery(h.instRoutes, ev.WorldID, c, ev.Body.ChannelID, ev.Body.MapID); ok {
				recs = append(recs, r)
			}
		}
		m.o.Emit(h.env, recs)
		return
	}
	h.presence.Logout(c)
	var extra []messages.Record
	if r, ok := route.LogoutWarp(h.routes, ev.WorldID, c, ev.Body.ChannelID, ev.Body.MapID); ok {
		extra = append(extra, r)
	}
	if riding {
		ctx.Send(h.rides[ref.route], rideLogout{o: m.o, world: ev.WorldID, character: c, extra: extra})
		return
	}
	m.o.Emit(h.env, extra)
}

// sweep turns a route transition into warps over every active channel and
// emits them in one transaction with the route's event: warps first, as the
// reference buffers them.
func (h *hub) sweep(e route.Effect) {
	var recs []messages.Record
	if e.Sweep != nil {
		recs = h.presence.Sweep(e.Sweep.From, e.Sweep.To, e.Sweep.Portal)
	}
	recs = append(recs, e.Records...)
	if len(recs) == 0 {
		return
	}
	actors.EmitTimer(h.env, h.tenant, recs, nil)
}

func (h *hub) GiveUp(ctx actor.Context, msg any, cause any) {
	err := messages.Reject(messages.ReasonPanic, "%v", cause)
	switch m := msg.(type) {
	case mapStatus:
		m.o.Reject(h.env, err)
	case characterStatus:
		m.o.Reject(h.env, err)
	case channelStatus:
		m.o.Reject(h.env, err)
	case startRide:
		m.o.Reject(h.env, err)
	}
}
