package quest

import (
	"sync"

	"github.com/asynkron/protoactor-go/actor"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/gamehost/transitquest/tenant"
)

// Group is the consumer group of the party-quest subsystem.
const Group = "Party Quest Service"

// Subsystem owns the party-quest actors this replica runs: New declares
// it, Topology says what it reads and writes, Start readies it to emit,
// and its Owner side (placement.go) starts and stops the actors of the
// internal partitions this replica is assigned.
type Subsystem struct {
	sys     *actor.ActorSystem
	deps    Deps
	env     actors.Env
	lookups *lookups
	// parts is the registry of every actor running here, registrars and
	// instances, by identity (registrarKey, instanceKey).
	parts *actors.Partitions
	// defs interns the definitions creates carry.
	defs *definitions
	// instances is what every instance actor shares (set by Start).
	instances *instanceEnv

	mu sync.Mutex
	// known are the catalogs of the tenants this subsystem serves: the
	// configured ones, and those seen in a record or in restored state.
	known map[tenant.Tenant]*definition.TenantCatalog
	// defaultCatalogs are the default definitions' catalogs of tenants not
	// seen yet, for the read API, built once per tenant (ids derive from
	// the tenant).
	defaultCatalogs map[tenant.Tenant]*definition.TenantCatalog
}

// New prepares the party-quest subsystem of the configured tenants (their
// definitions are config.Tenant.QuestDefinitions); nothing runs before
// Start and Assign.
func New(sys *actor.ActorSystem, deps Deps, tenants []config.Tenant) *Subsystem {
	if deps.Log == nil {
		deps.Log = zap.NewNop()
	}
	s := &Subsystem{sys: sys, deps: deps, lookups: newLookups(), parts: actors.NewPartitions(sys, "quest"), defs: newDefinitions(),
		known: map[tenant.Tenant]*definition.TenantCatalog{}, defaultCatalogs: map[tenant.Tenant]*definition.TenantCatalog{}}
	for _, tc := range tenants {
		s.known[tc.Tenant] = s.catalog(tc.Tenant, tc.QuestDefinitions)
	}
	return s
}

// catalog builds a tenant's catalog, logging the definitions it rejects.
func (s *Subsystem) catalog(t tenant.Tenant, defs []definition.Definition) *definition.TenantCatalog {
	cat, problems := definition.NewTenantCatalog(t, defs)
	for _, p := range problems {
		s.deps.Log.Error("party-quest definition rejected", zap.Stringer("tenant", t), zap.String("problem", p.String()))
	}
	return cat
}

// Topology declares the party-quest consumer group: its command topic
// (ingress.go), its internal topic (internal.go) and the owner of its
// partitions (placement.go), its outputs and its changelog.
func (s *Subsystem) Topology() kafka.Topology {
	return kafka.Topology{
		Name:  "partyquest",
		Group: Group,
		Inputs: []kafka.Consumed{
			{Topic: messages.CommandTopicPartyQuest, Handler: s.HandleCommand},
		},
		Outputs:   []messages.Topic{messages.EventTopicPartyQuestStatus, messages.CommandTopicCharacter},
		Changelog: messages.ChangelogTopicPartyQuest,
		Internal:  kafka.Consumed{Topic: messages.InternalTopicPartyQuest, Handler: s.HandleInternal},
		Owner:     s,
	}
}

// Start readies the subsystem to commit its effects through fx. Actors
// start when their partitions are assigned (Assign), or with their first
// record.
func (s *Subsystem) Start(fx actors.Effects) error {
	s.env = s.deps.env(fx)
	s.instances = &instanceEnv{env: s.env, deps: s.deps, parts: s.parts}
	s.parts.RestIdle(s.env.Clock, s.deps.PassivateAfter)
	return nil
}

// see returns the catalog of a tenant the subsystem serves: a configured
// one, or one seen before. A tenant seen for the first time is served with
// Deps.DefaultDefinitions when there are some; without, it is refused
// (ok false) unless force, which serves it with no definitions at all
// (restored state: its runs finish, it registers nothing new).
func (s *Subsystem) see(t tenant.Tenant, force bool) (*definition.TenantCatalog, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.known[t]; ok {
		return c, true
	}
	if len(s.deps.DefaultDefinitions) == 0 && !force {
		return nil, false
	}
	delete(s.defaultCatalogs, t)
	c := s.catalog(t, s.deps.DefaultDefinitions)
	s.known[t] = c
	s.deps.Log.Info("party-quest tenant started", zap.Stringer("tenant", t), zap.Int("definitions", c.Len()))
	return c, true
}

// Stop stops every party-quest actor (after Shutdown), each once its
// mailbox is drained, then waits for the lookups in flight, which it
// cancels.
func (s *Subsystem) Stop() {
	s.parts.StopAll()
	s.lookups.stop()
	s.env.Gate.Stop()
}

// Halt stops every party-quest actor at once, timers included, dropping
// what their mailboxes still hold (for once effects can no longer be
// committed), then cancels the lookups in flight and waits for them.
func (s *Subsystem) Halt() {
	s.parts.HaltAll()
	s.lookups.stop()
	s.env.Gate.Stop()
}
