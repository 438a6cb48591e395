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

// tenantActors are one tenant's actors and catalog. The registrar and the
// supervisor live until Stop, so their PIDs are safe to cache; instance
// PIDs are known only to the registrar.
type tenantActors struct {
	catalog    *catalog
	supervisor *actor.PID
	registrar  *actor.PID
}

// Subsystem owns every tenant's party-quest actors, routes
// COMMAND_TOPIC_PARTY_QUEST to them and answers the read API.
type Subsystem struct {
	deps     Deps
	sys      *actor.ActorSystem
	lookups  *lookups
	defaults []definition.Definition

	spawnMu sync.Mutex // serialises lazy tenant creation
	mu      sync.RWMutex
	tenants map[string]*tenantActors
}

// New starts the actors of every configured tenant (its definitions are
// config.Tenant.QuestDefinitions) and resumes the live instances restored
// from the changelog (restored may be nil). A tenant seen only in record
// headers gets actors lazily, with Deps.DefaultDefinitions, or has its
// commands rejected when there are none; a tenant with restored instances
// always gets actors, so its runs can finish.
func New(sys *actor.ActorSystem, deps Deps, tenants []config.Tenant, restored []changelog.Entry) (*Subsystem, error) {
	s := &Subsystem{deps: deps, sys: sys, lookups: newLookups(), defaults: deps.DefaultDefinitions,
		tenants: map[string]*tenantActors{}}
	byTenant := changelog.ByTenant(restored, changelogKind)
	defsByTenant := changelog.ByTenant(restored, definitionKind)
	spawn := func(t tenant.Tenant, defs []definition.Definition) error {
		states, errs := restoredInstances(byTenant[t.Key()], defsByTenant[t.Key()])
		delete(byTenant, t.Key())
		for _, err := range errs {
			deps.Log.Warn("party-quest state not restored", zap.Stringer("tenant", t), zap.Error(err))
		}
		_, err := s.spawnTenant(t, defs, states)
		return err
	}
	for _, tc := range tenants {
		if err := spawn(tc.Tenant, tc.QuestDefinitions); err != nil {
			s.Stop()
			return nil, err
		}
	}
	for _, entries := range byTenant {
		if len(entries) == 0 {
			continue
		}
		if err := spawn(entries[0].Tenant, s.defaults); err != nil {
			s.Stop()
			return nil, err
		}
	}
	return s, nil
}

func (s *Subsystem) spawnTenant(tn tenant.Tenant, defs []definition.Definition, initial []partyquest.State) (*tenantActors, error) {
	cat := newCatalog(s.deps.Log, tn, defs)
	root := s.sys.Root
	sup, err := root.SpawnNamed(actors.NewSupervisor(), "quest/"+tn.Key())
	if err != nil {
		return nil, fmt.Errorf("party-quest tenant %s supervisor: %w", tn, err)
	}
	ta := &tenantActors{catalog: cat, supervisor: sup}
	s.mu.Lock()
	s.tenants[tn.Key()] = ta // before the registrar: Stop must find the supervisor
	s.mu.Unlock()
	tmpl := registrar{deps: s.deps, tenant: tn, catalog: cat.byQuest, supervisor: sup, lookups: s.lookups, initial: initial}
	pid, err := actors.SpawnChild(root, sup, "registrar", actors.Props(s.deps.shell(kindRegistrar), func() actors.Behavior {
		r := tmpl
		return &r
	}))
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	ta.registrar = pid
	s.mu.Unlock()
	s.deps.Log.Info("party-quest tenant started", zap.Stringer("tenant", tn),
		zap.Int("definitions", len(cat.list)), zap.Int("restoredInstances", len(initial)))
	return ta, nil
}

// tenant returns the tenant's actors, starting them for a tenant that has
// no configuration when default definitions exist.
func (s *Subsystem) tenant(t tenant.Tenant) (*tenantActors, error) {
	if ta, ok := s.lookup(t); ok {
		return ta, nil
	}
	if len(s.defaults) == 0 {
		return nil, messages.Reject(messages.ReasonUnknownTarget, "tenant %s has no party quests", t)
	}
	s.spawnMu.Lock()
	defer s.spawnMu.Unlock()
	if ta, ok := s.lookup(t); ok {
		return ta, nil
	}
	return s.spawnTenant(t, s.defaults, nil)
}

func (s *Subsystem) lookup(t tenant.Tenant) (*tenantActors, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ta, ok := s.tenants[t.Key()]
	return ta, ok && ta.registrar != nil
}

// Register routes COMMAND_TOPIC_PARTY_QUEST to the tenants' registrars: the
// registrar decides REGISTER and forwards every other command to its
// instance.
func (s *Subsystem) Register(r *kafka.Router) {
	r.Handle(messages.CommandTopicPartyQuest, func(in *kafka.Input) error {
		cmd, err := messages.DecodePartyQuestCommand(in.Value)
		if err != nil {
			return err
		}
		ta, err := s.tenant(in.Tenant)
		if err != nil {
			return err
		}
		s.sys.Root.Send(ta.registrar, command{o: fromInput(in), cmd: cmd})
		return nil
	})
}

// Stop stops every party-quest actor (after Shutdown) and waits for the
// lookups in flight, which it cancels.
func (s *Subsystem) Stop() {
	s.mu.RLock()
	sups := make([]*actor.PID, 0, len(s.tenants))
	for _, ta := range s.tenants {
		sups = append(sups, ta.supervisor)
	}
	s.mu.RUnlock()
	// Registrars first, so none starts a lookup after the wait begins.
	for _, sup := range sups {
		_ = s.sys.Root.PoisonFuture(sup).Wait()
	}
	s.lookups.stop()
}
