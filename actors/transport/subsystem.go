package transport

import (
	"fmt"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

// Group is the consumer group of the transport subsystem, as the contract
// names it.
const Group = "Transport Service"

// tenantActors are one tenant's transport actors. They are created once and
// live until Stop, so their PIDs are safe to cache.
type tenantActors struct {
	cfg       config.Tenant
	timetable *schedule.Timetable
	hub       *actor.PID
	routes    map[uuid.UUID]*actor.PID
	rides     map[uuid.UUID]*actor.PID
}

// Subsystem owns every tenant's transport actors: New declares it, Topology
// says what it reads and writes, Start runs it.
type Subsystem struct {
	sys        *actor.ActorSystem
	deps       Deps
	env        actors.Env
	configured []config.Tenant
	tenants    *actors.Tenants[*tenantActors]
}

// New prepares the transport subsystem of the configured tenants; nothing
// runs before Start.
func New(sys *actor.ActorSystem, deps Deps, tenants []config.Tenant) *Subsystem {
	if deps.NewID == nil {
		deps.NewID = uuid.New
	}
	return &Subsystem{sys: sys, deps: deps, configured: tenants, tenants: actors.NewTenants[*tenantActors](sys, "transport")}
}

// Topology declares the transport consumer group: the contract's inputs,
// each with its handler, its outputs and its changelog.
func (s *Subsystem) Topology() kafka.Topology {
	return kafka.Topology{
		Name:  "transport",
		Group: Group,
		Inputs: []kafka.Consumed{
			{Topic: messages.EventTopicMapStatus, Handler: s.HandleMapStatus, FromLatest: true},
			{Topic: messages.EventTopicCharacterStatus, Handler: s.HandleCharacterStatus},
			{Topic: messages.EventTopicChannelStatus, Handler: s.HandleChannelStatus},
			{Topic: messages.CommandTopicInstanceTransport, Handler: s.HandleStartCommand},
		},
		Outputs: []messages.Topic{
			messages.EventTopicTransportStatus, messages.EventTopicInstanceTransport, messages.CommandTopicCharacter,
		},
		Changelog: messages.ChangelogTopicTransport,
	}
}

// Start starts the actors of every configured tenant, committing their
// effects through fx: routes begin their timetables at once, and rides
// resume from the state restored from the changelog (restored may be nil).
// Tenants seen only in record headers get a hub lazily.
func (s *Subsystem) Start(fx actors.Effects) error {
	var restored []changelog.Entry // TODO(scale-out): state comes with partition assignment
	s.env = s.deps.env(fx)
	byTenant := changelog.ByTenant(restored, changelogKind)
	for _, t := range s.configured {
		rides, errs := restoredRides(byTenant[t.Tenant.Key()])
		delete(byTenant, t.Tenant.Key())
		for _, err := range errs {
			s.env.Log.Warn("ride state not restored", zap.Error(err))
		}
		if _, err := s.tenants.GetOrStart(t.Tenant, func(sup *actors.Supervisor) (*tenantActors, error) {
			return s.startTenant(sup, t, rides)
		}); err != nil {
			return fmt.Errorf("start transport actors: %w", err)
		}
	}
	for key, entries := range byTenant {
		s.env.Log.Warn("state of an unconfigured tenant not restored; its riders recover at their next login",
			zap.String("tenant", key), zap.Int("instances", len(entries)))
	}
	return nil
}

func (s *Subsystem) startTenant(sup *actors.Supervisor, cfg config.Tenant, restored map[uuid.UUID]ride.State) (*tenantActors, error) {
	tn := cfg.Tenant
	tt, problems := schedule.NewTimetable(cfg.Routes, cfg.Vessels)
	for _, p := range problems {
		s.env.Log.Warn("route not scheduled", zap.Stringer("tenant", tn), zap.Error(p))
	}
	ta := &tenantActors{cfg: cfg, timetable: tt, routes: map[uuid.UUID]*actor.PID{}, rides: map[uuid.UUID]*actor.PID{}}
	var err error
	ta.hub, err = sup.Spawn("hub", actors.Props(s.env.Shell(kindHub), func() actors.Actor {
		return newHub(s.env, tn, cfg.Routes, cfg.InstanceRoutes)
	}))
	if err != nil {
		return nil, err
	}
	for _, r := range cfg.InstanceRoutes {
		var initial *ride.State
		if st, ok := restored[r.ID]; ok {
			initial = &st
			delete(restored, r.ID)
		}
		pid, err := sup.Spawn("ride/"+r.ID.String(), actors.Props(s.env.Shell(kindRide), func() actors.Actor {
			return &rideActor{env: s.env, newID: s.deps.NewID, tenant: tn, route: r, hub: ta.hub, initial: initial}
		}))
		if err != nil {
			return nil, err
		}
		ta.rides[r.ID] = pid
	}
	for id, st := range restored {
		s.env.Log.Warn("state of an unconfigured instance route not restored", zap.Stringer("route", id), zap.Int("instances", len(st.Instances)))
	}
	s.sys.Root.Send(ta.hub, routesReady{rides: ta.rides})
	for _, id := range tt.RouteIDs() {
		pid, err := sup.Spawn("route/"+id.String(), actors.Props(s.env.Shell(kindRoute), func() actors.Actor {
			return &routeActor{env: s.env, tt: tt, id: id, hub: ta.hub, portals: cfg.SpawnPortals}
		}))
		if err != nil {
			return nil, err
		}
		ta.routes[id] = pid
	}
	s.env.Log.Info("transport tenant started", zap.Stringer("tenant", tn),
		zap.Int("routes", len(ta.routes)), zap.Int("instanceRoutes", len(ta.rides)))
	return ta, nil
}

// tenant returns the tenant's actors, starting a bare hub for a tenant that
// has no configuration (its events still keep presence, nothing else).
func (s *Subsystem) tenant(t tenant.Tenant) (*tenantActors, error) {
	return s.tenants.GetOrStart(t, func(sup *actors.Supervisor) (*tenantActors, error) {
		return s.startTenant(sup, config.Tenant{Tenant: t}, nil)
	})
}

// Stop stops every transport actor (after Shutdown) and waits for them.
func (s *Subsystem) Stop() { s.tenants.StopAll() }

// Halt stops every transport actor at once, timers included, dropping
// what their mailboxes still hold: for once effects can no longer be
// committed. It waits for them.
func (s *Subsystem) Halt() { s.tenants.HaltAll() }
