package transport

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/presence"
	"github.com/gamehost/transitquest/transport/route"
)

// routeActor runs one scheduled route from its own timer, and keeps the
// presence of the maps its sweeps warp from (its staging and en-route maps)
// and its own copy of the channel registry, so it computes its sweeps
// itself: a departure's warps and its DEPARTED commit in one transaction
// with the route's state record, which says how far it has walked its
// timetable. Whoever runs the route next (after a crash or a rebalance)
// resumes from that record: it neither repeats a transition nor misses one.
//
// It is a Snapshotter of its machine only (a position in an immutable
// timetable): a tick that panics is rolled back and applied again. The
// presence index keeps its live state across a restart:
// copying it after every event would cost more than the rare restart, its
// updates are single map writes, and each event's presence record is
// computed from the index after the update, so a retried event writes the
// same record.
type routeActor struct {
	env      actors.Env
	tenant   tenant.Tenant
	tt       *schedule.Timetable
	id       uuid.UUID
	portals  map[uint32]uint32
	restored *routeRestored // nil: nothing was persisted for this route
	r        schedule.Route
	m        *route.Machine
	presence *presence.Index
}

func (a *routeActor) Start(_ actor.Context) {
	a.r, _ = a.tt.Route(a.id)
	now := a.env.Clock.Now()
	opts := []route.Option{route.WithSpawnPortals(a.portals)}
	a.presence = presence.New()
	if rs := a.restored; rs != nil {
		a.presence = presence.Restore(presence.State{Characters: rs.presence, Channels: rs.channels()})
		if rs.state != nil {
			// Resumed: the previous owner announced what it committed; the
			// timer (armed at NextDeadline) fires what is overdue now.
			a.m = route.Restore(a.tt, a.id, rs.state.Position, now, opts...)
			a.restored = nil
			return
		}
		a.restored = nil
	}
	// Nothing was ever committed for this route: a fresh start, which
	// announces a docked vessel.
	m, effects := route.New(a.tt, a.id, now, opts...)
	a.m = m
	a.emit(nil, effects, false)
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
	if len(skipped) > 0 {
		a.env.Log.Warn("route transition skipped: handled too late to act on",
			zap.Stringer("route", a.id), zap.Int("skipped", len(skipped)),
			zap.Stringer("firstKind", skipped[0].Kind), zap.Time("firstDue", skipped[0].At),
			zap.Time("lastDue", skipped[len(skipped)-1].At), zap.Time("now", now))
	}
	a.emit(ctx, effects, len(skipped) > 0)
}

// emit commits the effects of a tick in one transaction with the route's
// state record: for each transition its sweep's warps (over every active
// channel), then its records, and the state record last. The state record
// ties the batch to the route's partition, so it commits only while this
// replica runs the route. Without effects nothing is written (the next
// owner replays what emits nothing harmlessly), unless force. A tick's
// (ctx not nil) may be prepared ahead of its deadline: see EmitDue.
func (a *routeActor) emit(ctx actor.Context, effects []route.Effect, force bool) {
	if len(effects) == 0 && !force {
		return
	}
	var recs []messages.Record
	for _, e := range effects {
		if e.Sweep != nil {
			recs = append(recs, a.presence.Sweep(e.Sweep.From, e.Sweep.To, e.Sweep.Portal)...)
		}
		recs = append(recs, e.Records...)
	}
	st, err := routeStateRecord(a.tenant, a.id, routeState{Position: a.m.Position(), Channels: a.presence.StartedChannels()})
	if err != nil {
		a.env.Log.Error("route state not recorded", zap.Stringer("route", a.id), zap.Error(err))
	} else {
		recs = append(recs, st)
	}
	actors.EmitDue(ctx, a.env, a.tenant, recs)
}

func (a *routeActor) Handle(_ actor.Context, msg any) {
	switch m := msg.(type) {
	case routeMapStatus:
		ev := m.ev
		at := presence.Location{WorldID: ev.WorldID, ChannelID: ev.ChannelID, MapID: ev.MapID, Instance: ev.Instance}
		if ev.Type == messages.TypeCharacterEnter {
			a.presence.Enter(ev.Body.CharacterID, at)
		} else {
			a.presence.Exit(ev.Body.CharacterID, at)
		}
		m.o.Emit(a.env, a.presenceRecords(ev.Body.CharacterID))
	case routeCharacterStatus:
		ev := m.ev
		if ev.Type == messages.TypeLogin {
			a.presence.Login(ev.CharacterID, presence.Location{WorldID: ev.WorldID, ChannelID: ev.Body.ChannelID,
				MapID: ev.Body.MapID, Instance: ev.Body.Instance})
		} else {
			a.presence.Logout(ev.CharacterID)
		}
		m.o.Emit(a.env, a.presenceRecords(ev.CharacterID))
	case routeChannelStatus:
		if m.ev.Type == messages.TypeChannelStarted {
			a.presence.ChannelStarted(m.ev.WorldID, m.ev.ChannelID)
		} else {
			a.presence.ChannelShutdown(m.ev.WorldID, m.ev.ChannelID)
		}
		st, err := routeStateRecord(a.tenant, a.id, routeState{Position: a.m.Position(), Channels: a.presence.StartedChannels()})
		if err != nil {
			m.o.Reject(a.env, err)
			return
		}
		m.o.Emit(a.env, []messages.Record{st})
	case ridersQuery:
		m.reply <- RouteRiders{Waiting: a.presence.Count([]uint32{a.r.StagingMapID}), Aboard: a.presence.Count(a.r.EnRouteMapIDs)}
	}
}

// presenceRecords is the character's presence record as the index has it
// now: where it is in the route's maps, or a tombstone once it left them.
func (a *routeActor) presenceRecords(character uint32) []messages.Record {
	var at *presence.Location
	if loc, ok := a.presence.Where(character); ok {
		at = &loc
	}
	rec, err := presenceRecord(a.tenant, a.id, character, at)
	if err != nil {
		a.env.Log.Error("route presence not recorded", zap.Stringer("route", a.id), zap.Error(err))
		return nil
	}
	return []messages.Record{rec}
}

func (a *routeActor) GiveUp(_ actor.Context, msg any, cause any) {
	err := messages.Reject(messages.ReasonPanic, "%v", cause)
	switch m := msg.(type) {
	case routeMapStatus:
		m.o.Reject(a.env, err)
	case routeCharacterStatus:
		m.o.Reject(a.env, err)
	case routeChannelStatus:
		m.o.Reject(a.env, err)
	}
}
