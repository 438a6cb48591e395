package transport

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

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

// Consumer group of the transport subsystem, as the contract names it.
const Group = "Transport Service"

// tenantActors are one tenant's transport actors. They are created once and
// live until shutdown, so their PIDs are safe to cache.
type tenantActors struct {
	cfg        config.Tenant
	timetable  *schedule.Timetable
	supervisor *actor.PID
	hub        *actor.PID
	routes     map[uuid.UUID]*actor.PID
	rides      map[uuid.UUID]*actor.PID
}

// Subsystem owns every tenant's transport actors and routes the transport
// topics to them.
type Subsystem struct {
	deps Deps
	sys  *actor.ActorSystem

	spawnMu sync.Mutex // serialises lazy tenant creation
	mu      sync.RWMutex
	tenants map[string]*tenantActors
}

// New starts the actors of every configured tenant: routes begin their
// timetables at once, and rides resume from the state restored from the
// changelog (restored may be nil). Tenants seen only in record headers get
// a hub lazily.
func New(sys *actor.ActorSystem, deps Deps, tenants []config.Tenant, restored []changelog.Entry) (*Subsystem, error) {
	if deps.NewID == nil {
		deps.NewID = uuid.New
	}
	s := &Subsystem{deps: deps, sys: sys, tenants: map[string]*tenantActors{}}
	byTenant := changelog.ByTenant(restored, changelogKind)
	for _, t := range tenants {
		rides, errs := restoredRides(byTenant[t.Tenant.Key()])
		delete(byTenant, t.Tenant.Key())
		for _, err := range errs {
			deps.Log.Warn("ride state not restored", zap.Error(err))
		}
		if _, err := s.spawnTenant(t, rides); err != nil {
			return nil, err
		}
	}
	for key, entries := range byTenant {
		deps.Log.Warn("state of an unconfigured tenant not restored; its riders recover at their next login",
			zap.String("tenant", key), zap.Int("instances", len(entries)))
	}
	return s, nil
}

func (s *Subsystem) spawnTenant(cfg config.Tenant, restored map[uuid.UUID]ride.State) (*tenantActors, error) {
	tn := cfg.Tenant
	tt, problems := schedule.NewTimetable(cfg.Routes, cfg.Vessels)
	for _, p := range problems {
		s.deps.Log.Warn("route not scheduled", zap.Stringer("tenant", tn), zap.Error(p))
	}
	root := s.sys.Root
	sup, err := root.SpawnNamed(actors.NewSupervisor(), "transport/"+tn.Key())
	if err != nil {
		return nil, fmt.Errorf("tenant %s supervisor: %w", tn, err)
	}
	ta := &tenantActors{cfg: cfg, timetable: tt, supervisor: sup,
		routes: map[uuid.UUID]*actor.PID{}, rides: map[uuid.UUID]*actor.PID{}}
	h := &hub{deps: s.deps, tenant: tn, routes: cfg.Routes, instRoutes: cfg.InstanceRoutes}
	ta.hub, err = actors.SpawnChild(root, sup, "hub", actors.Props(s.deps.shell("transport-hub"), func() actors.Behavior {
		c := *h
		return &c
	}))
	if err != nil {
		return nil, err
	}
	for _, r := range cfg.InstanceRoutes {
		r := r
		var initial *ride.State
		if st, ok := restored[r.ID]; ok {
			initial = &st
			delete(restored, r.ID)
		}
		pid, err := actors.SpawnChild(root, sup, "ride/"+r.ID.String(), actors.Props(s.deps.shell("instance-route"), func() actors.Behavior {
			return &rideActor{deps: s.deps, tenant: tn, route: r, hub: ta.hub, initial: initial}
		}))
		if err != nil {
			return nil, err
		}
		ta.rides[r.ID] = pid
	}
	for id, st := range restored {
		s.deps.Log.Warn("state of an unconfigured instance route not restored", zap.Stringer("route", id), zap.Int("instances", len(st.Instances)))
	}
	root.Send(ta.hub, routesReady{rides: ta.rides})
	for _, id := range tt.RouteIDs() {
		id := id
		pid, err := actors.SpawnChild(root, sup, "route/"+id.String(), actors.Props(s.deps.shell("route"), func() actors.Behavior {
			return &routeActor{deps: s.deps, tt: tt, id: id, hub: ta.hub, portals: cfg.SpawnPortals}
		}))
		if err != nil {
			return nil, err
		}
		ta.routes[id] = pid
	}
	s.mu.Lock()
	s.tenants[tn.Key()] = ta
	s.mu.Unlock()
	s.deps.Log.Info("transport tenant started", zap.Stringer("tenant", tn),
		zap.Int("routes", len(ta.routes)), zap.Int("instanceRoutes", len(ta.rides)))
	return ta, nil
}

// tenant returns the tenant's actors, creating a bare hub for a tenant that
// has no configuration (its events still keep presence, nothing else).
func (s *Subsystem) tenant(t tenant.Tenant) (*tenantActors, error) {
	if ta, ok := s.lookup(t); ok {
		return ta, nil
	}
	s.spawnMu.Lock()
	defer s.spawnMu.Unlock()
	if ta, ok := s.lookup(t); ok {
		return ta, nil
	}
	return s.spawnTenant(config.Tenant{Tenant: t}, nil)
}

// Register routes the transport topics to the tenants' hubs.
func (s *Subsystem) Register(r *kafka.Router) {
	r.Handle(messages.EventTopicMapStatus, func(in *kafka.Input) error {
		ev, err := messages.DecodeMapStatus(in.Value)
		if err != nil {
			return err
		}
		return s.toHub(in.Tenant, mapStatus{o: fromInput(in), ev: ev})
	})
	r.Handle(messages.EventTopicCharacterStatus, func(in *kafka.Input) error {
		ev, err := messages.DecodeCharacterStatus(in.Value)
		if err != nil {
			return err
		}
		return s.toHub(in.Tenant, characterStatus{o: fromInput(in), ev: ev})
	})
	r.Handle(messages.EventTopicChannelStatus, func(in *kafka.Input) error {
		ev, err := messages.DecodeChannelStatus(in.Value)
		if err != nil {
			return err
		}
		return s.toHub(in.Tenant, channelStatus{o: fromInput(in), ev: ev})
	})
	r.Handle(messages.CommandTopicInstanceTransport, func(in *kafka.Input) error {
		cmd, err := messages.DecodeStartTransport(in.Value)
		if err != nil {
			return err
		}
		return s.toHub(in.Tenant, startRide{o: fromInput(in), world: cmd.WorldID, character: cmd.CharacterID,
			channel: cmd.Body.ChannelID, route: cmd.Body.RouteID})
	})
}

func (s *Subsystem) toHub(t tenant.Tenant, msg any) error {
	ta, err := s.tenant(t)
	if err != nil {
		return messages.Reject(messages.ReasonUnknownTarget, "tenant %s: %v", t, err)
	}
	s.sys.Root.Send(ta.hub, msg)
	return nil
}

// StartRide is the REST twin of the START command: it returns once the
// warp and STARTED event are committed, or with the refusal.
func (s *Subsystem) StartRide(ctx context.Context, t tenant.Tenant, routeID uuid.UUID, world byte, character uint32, channel byte) error {
	if character == 0 {
		return messages.Reject(messages.ReasonMissingField, "characterId is missing or zero")
	}
	ta, err := s.tenant(t)
	if err != nil {
		return err
	}
	reply := make(chan error, 1)
	s.sys.Root.Send(ta.hub, startRide{o: origin{tenant: t, reply: reply}, world: world, character: character,
		channel: channel, route: routeID})
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ErrNotFound is returned by queries about routes a tenant does not have.
var ErrNotFound = errors.New("not found")

// RouteView is a scheduled route as the read API shows it.
type RouteView struct {
	Route schedule.Route
	State schedule.State
	Trips []schedule.Trip
}

// Routes lists a tenant's scheduled routes (sorted by name) with their state
// and today's trips.
func (s *Subsystem) Routes(ctx context.Context, t tenant.Tenant) ([]RouteView, error) {
	ta, ok := s.lookup(t)
	if !ok {
		return nil, nil
	}
	out := make([]RouteView, 0, len(ta.routes))
	for id := range ta.routes {
		v, err := s.Route(ctx, t, id)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Route.Name < out[j].Route.Name })
	return out, nil
}

// Route is one scheduled route with its current state and today's trips.
func (s *Subsystem) Route(ctx context.Context, t tenant.Tenant, id uuid.UUID) (RouteView, error) {
	ta, ok := s.lookup(t)
	if !ok {
		return RouteView{}, ErrNotFound
	}
	pid, ok := ta.routes[id]
	if !ok {
		return RouteView{}, ErrNotFound
	}
	r, _ := ta.timetable.Route(id)
	now := s.deps.Clock.Now()
	res, err := s.sys.Root.RequestFuture(pid, stateQuery{at: now}, timeout(ctx)).Result()
	if err != nil {
		return RouteView{}, fmt.Errorf("route %s state: %w", id, err)
	}
	return RouteView{Route: r, State: res.(schedule.State), Trips: ta.timetable.Trips(id, now)}, nil
}

// InstanceRoutes lists a tenant's instance routes, sorted by name.
func (s *Subsystem) InstanceRoutes(t tenant.Tenant) []ride.Route {
	ta, ok := s.lookup(t)
	if !ok {
		return nil
	}
	out := append([]ride.Route(nil), ta.cfg.InstanceRoutes...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// InstanceRoute returns one instance route.
func (s *Subsystem) InstanceRoute(t tenant.Tenant, id uuid.UUID) (ride.Route, bool) {
	for _, r := range s.InstanceRoutes(t) {
		if r.ID == id {
			return r, true
		}
	}
	return ride.Route{}, false
}

// Instances returns the live transport instances of an instance route.
func (s *Subsystem) Instances(ctx context.Context, t tenant.Tenant, id uuid.UUID) ([]ride.Instance, error) {
	ta, ok := s.lookup(t)
	if !ok {
		return nil, ErrNotFound
	}
	pid, ok := ta.rides[id]
	if !ok {
		return nil, ErrNotFound
	}
	res, err := s.sys.Root.RequestFuture(pid, instancesQuery{}, timeout(ctx)).Result()
	if err != nil {
		return nil, fmt.Errorf("instance route %s status: %w", id, err)
	}
	return res.(instancesReply).instances, nil
}

func (s *Subsystem) lookup(t tenant.Tenant) (*tenantActors, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ta, ok := s.tenants[t.Key()]
	return ta, ok
}

// timeout bounds an actor query by ctx's deadline. It is never zero or
// negative: protoactor only arms a future's timeout for a positive one, and
// an actor that gives up on a query never answers.
func timeout(ctx context.Context) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return max(time.Until(d), time.Millisecond)
	}
	return 5 * time.Second
}

// Shutdown runs the graceful-shutdown behaviour: every rider of every
// instance route is warped back to the route's start map. It returns once
// those warps are committed or ctx ends.
func (s *Subsystem) Shutdown(ctx context.Context) error {
	s.mu.RLock()
	var waits []chan struct{}
	for _, ta := range s.tenants {
		for _, pid := range ta.rides {
			done := make(chan struct{})
			s.sys.Root.Send(pid, shutdown{done: done})
			waits = append(waits, done)
		}
	}
	s.mu.RUnlock()
	for _, w := range waits {
		select {
		case <-w:
		case <-ctx.Done():
			return fmt.Errorf("transport shutdown: %w", ctx.Err())
		}
	}
	return nil
}

// Stop stops every transport actor (after Shutdown).
func (s *Subsystem) Stop() {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, ta := range s.tenants {
		_ = s.sys.Root.PoisonFuture(ta.supervisor).Wait()
	}
}
