package transport

import (
	"context"
	"fmt"
	"sort"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

// ErrNotFound is returned by queries about routes a tenant does not have.
var ErrNotFound = actors.ErrNotFound

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
	refusal, err := actors.Ask(ctx, s.sys.Root, ta.hub, func(reply chan<- error) any {
		return startRide{o: actors.Origin{Tenant: t, Reply: reply}, world: world, character: character,
			channel: channel, route: routeID}
	})
	if err != nil {
		return err
	}
	return refusal
}

// RouteView is a scheduled route as the read API shows it.
type RouteView struct {
	Route schedule.Route
	State schedule.State
	Trips []schedule.Trip
}

// Routes lists a tenant's scheduled routes (sorted by name) with their state
// and today's trips.
func (s *Subsystem) Routes(ctx context.Context, t tenant.Tenant) ([]RouteView, error) {
	ta, ok := s.tenants.Get(t)
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
	ta, ok := s.tenants.Get(t)
	if !ok {
		return RouteView{}, ErrNotFound
	}
	pid, ok := ta.routes[id]
	if !ok {
		return RouteView{}, ErrNotFound
	}
	r, _ := ta.timetable.Route(id)
	now := s.deps.Clock.Now()
	st, err := actors.Ask(ctx, s.sys.Root, pid, func(reply chan<- schedule.State) any {
		return stateQuery{at: now, reply: reply}
	})
	if err != nil {
		return RouteView{}, fmt.Errorf("route %s state: %w", id, err)
	}
	return RouteView{Route: r, State: st, Trips: ta.timetable.Trips(id, now)}, nil
}

// InstanceRoutes lists a tenant's instance routes, sorted by name.
func (s *Subsystem) InstanceRoutes(t tenant.Tenant) []ride.Route {
	ta, ok := s.tenants.Get(t)
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
	ta, ok := s.tenants.Get(t)
	if !ok {
		return nil, ErrNotFound
	}
	pid, ok := ta.rides[id]
	if !ok {
		return nil, ErrNotFound
	}
	ins, err := actors.Ask(ctx, s.sys.Root, pid, func(reply chan<- []ride.Instance) any {
		return instancesQuery{reply: reply}
	})
	if err != nil {
		return nil, fmt.Errorf("instance route %s status: %w", id, err)
	}
	return ins, nil
}

// RouteRiders is who a scheduled route concerns right now, from presence:
// the characters in its staging map (boarded, waiting to depart) and in its
// en-route maps (riding).
type RouteRiders struct {
	Waiting int
	Aboard  int
}

// RouteRiders counts, per scheduled route of the tenant, the characters
// waiting in its staging map and aboard its en-route maps.
func (s *Subsystem) RouteRiders(ctx context.Context, t tenant.Tenant) (map[uuid.UUID]RouteRiders, error) {
	ta, ok := s.tenants.Get(t)
	if !ok {
		return nil, ErrNotFound
	}
	riders, err := actors.Ask(ctx, s.sys.Root, ta.hub, func(reply chan<- map[uuid.UUID]RouteRiders) any {
		return ridersQuery{reply: reply}
	})
	if err != nil {
		return nil, fmt.Errorf("route riders of %s: %w", t, err)
	}
	return riders, nil
}
