package transport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

// ErrNotFound is returned by queries about routes a tenant does not have.
var ErrNotFound = actors.ErrNotFound

// ErrNotLocal is returned by queries about an actor another replica runs:
// this replica cannot answer them.
var ErrNotLocal = errors.New("run by another replica")

// StartRide is the REST twin of the START command. When the character's
// directory shard runs here, it returns once the ride answered: nil once
// the warp and STARTED are committed (also when the character already
// rides this route), or the refusal. When another replica runs it, the
// START is forwarded to it through the internal topic and StartRide
// returns queued = true once that is committed, without waiting for the
// answer (which another replica decides); the REST layer answers 202.
func (s *Subsystem) StartRide(ctx context.Context, t tenant.Tenant, routeID uuid.UUID, world byte, character uint32, channel byte) (queued bool, err error) {
	if character == 0 {
		return false, messages.Reject(messages.ReasonMissingField, "characterId is missing or zero")
	}
	if !s.hasRide(s.tenants[t], routeID) {
		return false, messages.Reject(messages.ReasonUnknownTarget, "instance route %s not found", routeID)
	}
	key := riderKey(t, character)
	if shard := s.shardOf(t, key); shard != nil {
		refusal, err := actors.Ask(ctx, s.parts.Mailbox(shard), func(reply chan<- error) any {
			return dirStart{o: actors.Origin{Tenant: t, Reply: reply}, world: world, character: character,
				channel: channel, route: routeID}
		})
		if err != nil {
			return false, err
		}
		return false, refusal
	}
	cmd, err := json.Marshal(messages.CharacterEvent[messages.StartTransportBody]{WorldID: world, CharacterID: character,
		Type: messages.TypeStart, Body: messages.StartTransportBody{RouteID: routeID, ChannelID: channel}})
	if err != nil {
		return false, err
	}
	done := make(chan struct{})
	rec := internal(key, typeStart, json.RawMessage(cmd))
	if err := s.env.Effects.Emit(t, kafka.Trace{}, []messages.Record{rec}, nil, func() { close(done) }); err != nil {
		return false, err
	}
	select {
	case <-done:
		return true, nil
	case <-ctx.Done():
		return false, fmt.Errorf("forward START: %w", ctx.Err())
	}
}

// RouteView is a scheduled route as the read API shows it.
type RouteView struct {
	Route schedule.Route
	State schedule.State
	Trips []schedule.Trip
}

// Routes lists a tenant's scheduled routes (sorted by name) with their state
// and today's trips. They come from the timetable, which every replica has,
// so any replica answers for every route.
func (s *Subsystem) Routes(ctx context.Context, t tenant.Tenant) ([]RouteView, error) {
	tc := s.tenants[t]
	if tc == nil {
		return nil, nil
	}
	out := make([]RouteView, 0, len(tc.routeIDs))
	for _, id := range tc.routeIDs {
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
// The state depends only on the timetable and the time, not on how far the
// route's actor has ticked.
func (s *Subsystem) Route(_ context.Context, t tenant.Tenant, id uuid.UUID) (RouteView, error) {
	tc := s.tenants[t]
	if tc == nil {
		return RouteView{}, ErrNotFound
	}
	r, ok := tc.timetable.Route(id)
	if !ok {
		return RouteView{}, ErrNotFound
	}
	now := s.deps.Clock.Now()
	st, _ := tc.timetable.StateAt(id, now)
	return RouteView{Route: r, State: st, Trips: tc.timetable.Trips(id, now)}, nil
}

// InstanceRoutes lists a tenant's instance routes, sorted by name.
func (s *Subsystem) InstanceRoutes(t tenant.Tenant) []ride.Route {
	tc := s.tenants[t]
	if tc == nil {
		return nil
	}
	out := append([]ride.Route(nil), tc.cfg.InstanceRoutes...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// InstanceRoute returns one instance route.
func (s *Subsystem) InstanceRoute(t tenant.Tenant, id uuid.UUID) (ride.Route, bool) {
	tc := s.tenants[t]
	if tc == nil {
		return ride.Route{}, false
	}
	r, ok := tc.rides[id]
	return r, ok
}

// Instances returns the live transport instances of an instance route, if
// this replica runs it (ErrNotLocal otherwise).
func (s *Subsystem) Instances(ctx context.Context, t tenant.Tenant, id uuid.UUID) ([]ride.Instance, error) {
	if !s.hasRide(s.tenants[t], id) {
		return nil, ErrNotFound
	}
	key := rideKey(t, id)
	if !s.parts.Has(key) {
		return nil, fmt.Errorf("instance route %s: %w", id, ErrNotLocal)
	}
	ins, err := actors.Ask(ctx, s.parts.Mailbox(key), func(reply chan<- []ride.Instance) any {
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

// RouteRiders counts, per scheduled route of the tenant that this replica
// runs, the characters waiting in its staging map and aboard its en-route
// maps; each route keeps the presence of its own maps. Routes another
// replica runs are absent.
func (s *Subsystem) RouteRiders(ctx context.Context, t tenant.Tenant) (map[uuid.UUID]RouteRiders, error) {
	if !s.Known(t) {
		return nil, ErrNotFound
	}
	out := map[uuid.UUID]RouteRiders{}
	tc := s.tenants[t]
	if tc == nil {
		return out, nil
	}
	for _, id := range tc.routeIDs {
		key := routeKey(t, id)
		if !s.parts.Has(key) {
			continue
		}
		n, err := actors.Ask(ctx, s.parts.Mailbox(key), func(reply chan<- RouteRiders) any { return ridersQuery{reply: reply} })
		if err != nil {
			return nil, fmt.Errorf("route riders of %s: %w", id, err)
		}
		out[id] = n
	}
	return out, nil
}
