package quest

import (
	"fmt"
	"sync"

	"github.com/asynkron/protoactor-go/actor"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/gamehost/transitquest/tenant"
)

// Group is the consumer group of the party-quest subsystem.
const Group = "Party Quest Service"

// tenantActors are one tenant's registrar and catalog. The registrar lives
// until Stop, so its PID is safe to cache; instance PIDs are known only to
// the registrar.
type tenantActors struct {
	catalog   *definition.TenantCatalog
	registrar *actor.PID
}

// Subsystem owns every tenant's party-quest actors: New declares it,
// Topology says what it reads and writes, Start runs it.
type Subsystem struct {
	sys        *actor.ActorSystem
	deps       Deps
	env        actors.Env
	configured []config.Tenant
	lookups    *lookups
	tenants    *actors.Tenants[*tenantActors]

	// defaultCatalogs are the default definitions' catalogs of tenants
	// without actors yet, built once per tenant (ids derive from the tenant).
	mu              sync.Mutex
	defaultCatalogs map[string]*definition.TenantCatalog
}

// New prepares the party-quest subsystem of the configured tenants (their
// definitions are config.Tenant.QuestDefinitions); nothing runs before
// Start.
func New(sys *actor.ActorSystem, deps Deps, tenants []config.Tenant) *Subsystem {
	return &Subsystem{sys: sys, deps: deps, configured: tenants, lookups: newLookups(),
		tenants: actors.NewTenants[*tenantActors](sys, "quest"), defaultCatalogs: map[string]*definition.TenantCatalog{}}
}

// Topology declares the party-quest consumer group: its command topic with
// its handler, its outputs and its changelog.
func (s *Subsystem) Topology() kafka.Topology {
	return kafka.Topology{
		Name:  "partyquest",
		Group: Group,
		Inputs: []kafka.Consumed{
			{Topic: messages.CommandTopicPartyQuest, Handler: s.HandleCommand},
		},
		Outputs:   []messages.Topic{messages.EventTopicPartyQuestStatus, messages.CommandTopicCharacter},
		Changelog: messages.ChangelogTopicPartyQuest,
	}
}

// Start starts the actors of every configured tenant, committing their
// effects through fx, and resumes the live instances restored from the
// changelog (restored may be nil). A tenant seen only in record headers
// gets actors lazily, with Deps.DefaultDefinitions, or has its commands
// rejected when there are none; a tenant with restored instances always
// gets actors, so its runs can finish.
func (s *Subsystem) Start(fx actors.Effects) error {
	var restored []changelog.Entry // TODO(scale-out): state comes with partition assignment
	s.env = s.deps.env(fx)
	byTenant := changelog.ByTenant(restored, changelogKind)
	defsByTenant := changelog.ByTenant(restored, definitionKind)
	start := func(t tenant.Tenant, defs []definition.Definition) error {
		states, errs := restoredInstances(byTenant[t.Key()], defsByTenant[t.Key()])
		delete(byTenant, t.Key())
		for _, err := range errs {
			s.env.Log.Warn("party-quest state not restored", zap.Stringer("tenant", t), zap.Error(err))
		}
		_, err := s.tenants.GetOrStart(t, func(sup *actors.Supervisor) (*tenantActors, error) {
			return s.startTenant(sup, t, defs, states)
		})
		return err
	}
	for _, tc := range s.configured {
		if err := start(tc.Tenant, tc.QuestDefinitions); err != nil {
			return fmt.Errorf("start party-quest actors: %w", err)
		}
	}
	for _, entries := range byTenant {
		if len(entries) == 0 {
			continue
		}
		if err := start(entries[0].Tenant, s.deps.DefaultDefinitions); err != nil {
			return fmt.Errorf("start party-quest actors: %w", err)
		}
	}
	return nil
}

func (s *Subsystem) startTenant(sup *actors.Supervisor, tn tenant.Tenant, defs []definition.Definition, initial []partyquest.State) (*tenantActors, error) {
	cat, problems := definition.NewTenantCatalog(tn, defs)
	for _, p := range problems {
		s.env.Log.Error("party-quest definition rejected", zap.Stringer("tenant", tn), zap.String("problem", p.String()))
	}
	tmpl := registrar{env: s.env, deps: s.deps, tenant: tn, catalog: cat, sup: sup, lookups: s.lookups, initial: initial}
	pid, err := sup.Spawn("registrar", actors.Props(s.env.Shell(kindRegistrar), func() actors.Actor {
		r := tmpl
		return &r
	}))
	if err != nil {
		return nil, err
	}
	s.env.Log.Info("party-quest tenant started", zap.Stringer("tenant", tn),
		zap.Int("definitions", cat.Len()), zap.Int("restoredInstances", len(initial)))
	return &tenantActors{catalog: cat, registrar: pid}, nil
}

// tenant returns the tenant's actors, starting them for a tenant that has
// no configuration when default definitions exist.
func (s *Subsystem) tenant(t tenant.Tenant) (*tenantActors, error) {
	if ta, ok := s.tenants.Get(t); ok {
		return ta, nil
	}
	if len(s.deps.DefaultDefinitions) == 0 {
		return nil, messages.Reject(messages.ReasonUnknownTarget, "tenant %s has no party quests", t)
	}
	return s.tenants.GetOrStart(t, func(sup *actors.Supervisor) (*tenantActors, error) {
		return s.startTenant(sup, t, s.deps.DefaultDefinitions, nil)
	})
}

// HandleCommand routes a COMMAND_TOPIC_PARTY_QUEST record to its tenant's
// registrar, which decides REGISTER and forwards every other command to
// its instance.
func (s *Subsystem) HandleCommand(in *kafka.Input) error {
	cmd, err := messages.DecodePartyQuestCommand(in.Value)
	if err != nil {
		return err
	}
	ta, err := s.tenant(in.Tenant)
	if err != nil {
		return err
	}
	s.sys.Root.Send(ta.registrar, command{o: actors.FromInput(in), cmd: cmd})
	return nil
}

// Stop stops every party-quest actor (after Shutdown), registrars first so
// none starts a lookup after the wait begins, then waits for the lookups in
// flight, which it cancels.
func (s *Subsystem) Stop() {
	s.tenants.StopAll()
	s.lookups.stop()
}

// Halt stops every party-quest actor at once, timers included, dropping
// what their mailboxes still hold (for once effects can no longer be
// committed), then cancels the lookups in flight and waits for them.
func (s *Subsystem) Halt() {
	s.tenants.HaltAll()
	s.lookups.stop()
}
