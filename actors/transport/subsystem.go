package transport

import (
	"sync"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
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

// tenantConfig is one configured tenant's static transport configuration:
// what ingress needs to tell which actors an input concerns, and what the
// actors are built from. Built by New, never modified, so it is read
// without locks.
type tenantConfig struct {
	cfg       config.Tenant
	timetable *schedule.Timetable
	// routeIDs are the scheduled routes that run (those of the timetable).
	routeIDs []uuid.UUID
	// byMap lists, per map, the scheduled routes whose presence includes it:
	// their staging and en-route maps, the maps their sweeps warp from.
	byMap map[uint32][]uuid.UUID
	// logoutMaps are the maps a LOGOUT in is warped out of (route.LogoutWarp).
	logoutMaps map[uint32]bool
	rides      map[uuid.UUID]ride.Route
	// transit are the instance routes' transit maps (login recovery).
	transit map[uint32]bool
}

func newTenantConfig(cfg config.Tenant, log *zap.Logger) *tenantConfig {
	tt, problems := schedule.NewTimetable(cfg.Routes, cfg.Vessels)
	for _, p := range problems {
		log.Warn("route not scheduled", zap.Stringer("tenant", cfg.Tenant), zap.Error(p))
	}
	tc := &tenantConfig{cfg: cfg, timetable: tt, routeIDs: tt.RouteIDs(), byMap: map[uint32][]uuid.UUID{},
		logoutMaps: map[uint32]bool{}, rides: map[uuid.UUID]ride.Route{}, transit: map[uint32]bool{}}
	for _, id := range tc.routeIDs {
		r, _ := tt.Route(id)
		seen := map[uint32]bool{}
		for _, m := range append([]uint32{r.StagingMapID}, r.EnRouteMapIDs...) {
			if !seen[m] {
				seen[m] = true
				tc.byMap[m] = append(tc.byMap[m], id)
			}
		}
	}
	for _, r := range cfg.Routes {
		tc.logoutMaps[r.StagingMapID] = true
		for _, m := range r.EnRouteMapIDs {
			tc.logoutMaps[m] = true
		}
	}
	for _, r := range cfg.InstanceRoutes {
		tc.rides[r.ID] = r
		tc.transit[r.TransitMapID] = true
	}
	return tc
}

// Subsystem owns the transport actors of the internal partitions this
// replica is assigned: New declares it, Topology says what it reads and
// writes, Start readies it, and Assign and Revoke (placement.go) start and
// stop the actors of partitions as they come and go.
type Subsystem struct {
	sys     *actor.ActorSystem
	deps    Deps
	env     actors.Env
	tenants map[tenant.Tenant]*tenantConfig // configured tenants
	parts   *actors.Partitions

	mu     sync.Mutex
	seen   map[tenant.Tenant]tenant.Tenant // unconfigured tenants this replica saw in record headers
	shards map[shardID][]byte              // directory shard keys, see shardKey
}

// New prepares the transport subsystem of the configured tenants; nothing
// runs before Start, and no actor before its partition is assigned.
func New(sys *actor.ActorSystem, deps Deps, tenants []config.Tenant) *Subsystem {
	if deps.NewID == nil {
		deps.NewID = uuid.New
	}
	if deps.Log == nil {
		deps.Log = zap.NewNop()
	}
	s := &Subsystem{sys: sys, deps: deps, tenants: map[tenant.Tenant]*tenantConfig{},
		parts: actors.NewPartitions(sys, "transport"), seen: map[tenant.Tenant]tenant.Tenant{}, shards: map[shardID][]byte{}}
	for _, t := range tenants {
		s.tenants[t.Tenant] = newTenantConfig(t, deps.Log)
	}
	return s
}

// Topology declares the transport consumer group: the contract's inputs,
// each with its ingress handler, the internal topic that carries them to
// their actors and the messages between actors, its outputs and its
// changelog; the subsystem itself is the Owner of the internal partitions.
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
		Internal:  kafka.Consumed{Topic: messages.InternalTopicTransport, Handler: s.HandleInternal},
		Owner:     s,
	}
}

// Start readies the subsystem to commit its effects through fx. Its actors
// start when their partitions are assigned (Assign), from the state
// restored for them.
func (s *Subsystem) Start(fx actors.Effects) error {
	s.env = s.deps.env(fx)
	return nil
}

// config is a configured tenant's configuration, or nil; an unconfigured
// tenant is remembered as seen (Known, Tenants).
func (s *Subsystem) config(t tenant.Tenant) *tenantConfig {
	if tc, ok := s.tenants[t]; ok {
		return tc
	}
	s.mu.Lock()
	s.seen[t] = t
	s.mu.Unlock()
	return nil
}

// Stop stops every transport actor of this replica (after Shutdown) once
// its mailbox is drained, and waits for them.
func (s *Subsystem) Stop() {
	s.parts.StopAll()
	s.env.Gate.Stop()
}

// Halt stops every transport actor at once, timers included, dropping
// what their mailboxes still hold: for once effects can no longer be
// committed. It waits for them.
func (s *Subsystem) Halt() {
	s.parts.HaltAll()
	s.env.Gate.Stop()
}
