package transport

import (
	"fmt"

	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/transport/ride"
)

var _ kafka.Owner = (*Subsystem)(nil)

// Assign starts the actors of newly assigned internal partitions, from the
// changelog state restored for them, before any of their records is
// handled: per configured tenant, every scheduled route and instance route
// whose key hashes to one of them, and a directory shard per partition.
// Their timers are armed as they start, so what fell due while nobody ran
// them fires at once (each route's catch-up rules apply).
//
// State of tenants or routes the configuration no longer has is logged and
// left alone: their riders recover at their next login.
func (s *Subsystem) Assign(a kafka.Assignment) error {
	byTenant, errs := changelog.Restore(a.State)
	for _, err := range errs {
		s.env.Log.Warn("state record skipped", zap.Error(err))
	}
	s.parts.Assign(a.Count, a.Partitions)
	for t, tc := range s.tenants {
		ts := byTenant[t.Key()]
		delete(byTenant, t.Key())
		if ts == nil {
			ts = &changelog.TenantState{Tenant: tc.cfg.Tenant}
		}
		if err := s.startTenant(a, tc, ts); err != nil {
			return fmt.Errorf("start transport actors of %s: %w", tc.cfg.Tenant, err)
		}
	}
	for key, ts := range byTenant {
		s.env.Log.Warn("state of an unconfigured tenant not restored; its riders recover at their next login",
			zap.String("tenant", key), zap.Int("instances", len(ts.Kinds[changelogKind])), zap.Int("riders", len(ts.Kinds[keyRider])))
	}
	return nil
}

// startTenant starts one tenant's actors of the assignment's partitions.
func (s *Subsystem) startTenant(a kafka.Assignment, tc *tenantConfig, ts *changelog.TenantState) error {
	t := tc.cfg.Tenant
	routes, errs := restoredRoutes(ts.Kinds[keyRoute], ts.Kinds[keyPresence])
	rides, rerrs := restoredRides(ts.Kinds[changelogKind])
	riders, derrs := restoredRiders(ts.Kinds[keyRider])
	for _, err := range append(append(errs, rerrs...), derrs...) {
		s.env.Log.Warn("transport state not restored", zap.Stringer("tenant", t), zap.Error(err))
	}
	started := 0
	for _, id := range tc.routeIDs {
		key := routeKey(t, id)
		if !a.Owns(key) {
			continue
		}
		restored := routes[id]
		delete(routes, id)
		if err := s.parts.Spawn(key, s.env.LeadShell(kindRoute, s.deps.TimerLead), func() actors.Actor {
			return &routeActor{env: s.env, tenant: t, tt: tc.timetable, id: id, portals: tc.cfg.SpawnPortals, restored: restored}
		}); err != nil {
			return err
		}
		started++
	}
	for _, r := range tc.cfg.InstanceRoutes {
		key := rideKey(t, r.ID)
		if !a.Owns(key) {
			continue
		}
		var initial *ride.State
		if st, ok := rides[r.ID]; ok {
			initial = &st
			delete(rides, r.ID)
		}
		if err := s.parts.Spawn(key, s.env.LeadShell(kindRide, s.deps.TimerLead), func() actors.Actor {
			return &rideActor{env: s.env, newID: s.deps.NewID, tenant: t, route: r, initial: initial}
		}); err != nil {
			return err
		}
		started++
	}
	shards := map[int32]map[uint32]riderEntry{}
	for c, e := range riders {
		p := kafka.PartitionFor(riderKey(t, c), a.Count)
		if shards[p] == nil {
			shards[p] = map[uint32]riderEntry{}
		}
		shards[p][c] = e
	}
	for _, p := range a.Partitions {
		restored := shards[p]
		if err := s.parts.Spawn(s.shardKey(t, p, a.Count), s.env.Shell(kindDirectory), func() actors.Actor {
			return newDirectory(s.env, t, tc, restored)
		}); err != nil {
			return err
		}
	}
	for id := range routes {
		s.env.Log.Warn("state of an unscheduled route not restored", zap.Stringer("tenant", t), zap.Stringer("route", id))
	}
	for id, st := range rides {
		s.env.Log.Warn("state of an unconfigured instance route not restored", zap.Stringer("tenant", t),
			zap.Stringer("route", id), zap.Int("instances", len(st.Instances)))
	}
	s.env.Log.Info("transport actors started", zap.Stringer("tenant", t), zap.Int32s("partitions", a.Partitions),
		zap.Int("routes", started), zap.Int("restoredRiders", len(riders)))
	return nil
}

// Revoke stops the actors of revoked partitions once their mailboxes are
// drained, and waits: nothing of theirs is emitted afterwards. Their state
// stays in the changelog for the partitions' next owner. REST callers
// waiting on a stopped directory shard get no answer (their request times
// out).
func (s *Subsystem) Revoke(partitions []int32) { s.parts.Revoke(partitions) }
