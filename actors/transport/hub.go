package transport

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/presence"
	"github.com/gamehost/transitquest/transport/ride"
	"github.com/gamehost/transitquest/transport/route"
)

var emptyTrace kafka.Trace

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
type hub struct {
	deps       Deps
	tenant     tenant.Tenant
	routes     []schedule.Route // scheduled routes, for the logout warp
	instRoutes []ride.Route     // instance routes, for login recovery
	portal     func(mapID uint32) uint32

	rides     map[uuid.UUID]*actor.PID
	presence  *presence.Index
	directory map[uint32]rideRef
}

func (h *hub) Start(ctx actor.Context, restored bool) {
	if !restored {
		h.presence = presence.New()
		h.directory = map[uint32]rideRef{}
		h.rides = map[uuid.UUID]*actor.PID{}
	}
}

// Snapshot shares the live index: copying a tenant's whole presence index on
// every event would cost more than the rare restart it protects, and its
// updates are single map writes that a panic cannot leave half-done.
func (h *hub) Snapshot() any { return h }

func (h *hub) Restore(s any) {
	prev := s.(*hub)
	h.presence, h.directory, h.rides = prev.presence, prev.directory, prev.rides
}

func (h *hub) NextDeadline() (time.Time, bool) { return time.Time{}, false }

func (h *hub) Tick(actor.Context, time.Time) {}

func (h *hub) Handle(ctx actor.Context, msg any) {
	switch m := msg.(type) {
	case routesReady:
		h.rides = m.rides
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
		m.o.emit(h.deps.Emitter, nil)
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
		m.o.reject(h.deps.Emitter, messages.Reject(messages.ReasonUnknownTarget, "instance route %s not found", m.route))
		return
	}
	if ref, riding := h.directory[m.character]; riding && ref.route != m.route {
		m.o.reject(h.deps.Emitter, messages.Reject(messages.ReasonConflict,
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
		m.o.emit(h.deps.Emitter, nil)
		return
	}
	h.presence.Exit(c, at)
	// Only an exit from the rider's own transit instance cancels a ride; the
	// exit from the start map that boarding itself causes does not.
	if ref, ok := h.directory[c]; ok && ref.instance != uuid.Nil && ref.instance == ev.Instance {
		ctx.Send(h.rides[ref.route], rideExit{o: m.o, world: ev.WorldID, character: c, instance: ev.Instance})
		return
	}
	m.o.emit(h.deps.Emitter, nil)
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
		m.o.emit(h.deps.Emitter, recs)
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
	m.o.emit(h.deps.Emitter, extra)
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
	if err := h.deps.Emitter.Emit(h.tenant, emptyTrace, recs, nil, nil); err != nil {
		h.deps.Log.Error("route transition not emitted", zap.Error(err), zap.Stringer("tenant", h.tenant))
	}
}

func (h *hub) GiveUp(ctx actor.Context, msg any, cause any) {
	err := messages.Reject(messages.ReasonPanic, "%v", cause)
	switch m := msg.(type) {
	case mapStatus:
		m.o.reject(h.deps.Emitter, err)
	case characterStatus:
		m.o.reject(h.deps.Emitter, err)
	case channelStatus:
		m.o.reject(h.deps.Emitter, err)
	case startRide:
		m.o.reject(h.deps.Emitter, err)
	}
}
