package quest

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/tenant"
)

var _ kafka.Owner = (*Subsystem)(nil)

// Assign starts the actors of newly assigned internal partitions from the
// changelog state restored for them, before any of their records is
// handled: every live instance whose identity hashes there (its state and
// definition records are stored there), with its timer armed at its next
// deadline, so a deadline that passed during the handover fires at once;
// and the registrar of every tenant whose registrar key hashes there, with
// its index rebuilt from its registration entries. A registrar without
// entries starts with its first record.
func (s *Subsystem) Assign(a kafka.Assignment) error {
	s.parts.Assign(a.Count, a.Partitions)
	byTenant, errs := changelog.Restore(a.State)
	for _, err := range errs {
		s.env.Log.Warn("party-quest state record skipped", zap.Error(err))
	}
	for _, r := range byTenant {
		t := r.Tenant
		s.see(t, true) // its runs finish even without definitions of its own
		states, errs := restoredInstances(r.Kinds[changelogKind], r.Kinds[definitionKind])
		for _, err := range errs {
			s.env.Log.Warn("party-quest instance not restored", zap.Stringer("tenant", t), zap.Error(err))
		}
		for _, st := range states {
			if err := s.resumeInstance(t, st); err != nil {
				return fmt.Errorf("resume party-quest instance %s: %w", st.ID, err)
			}
		}
		tracked, errs := restoredRegistrations(r.Kinds[registrationKind])
		for _, err := range errs {
			s.env.Log.Warn("party-quest registration not restored", zap.Stringer("tenant", t), zap.Error(err))
		}
		if len(tracked) > 0 {
			if _, err := s.registrar(t, tracked); err != nil {
				return fmt.Errorf("resume party-quest registrar of %s: %w", t, err)
			}
		}
		s.env.Log.Info("party-quest actors placed", zap.Stringer("tenant", t),
			zap.Int("instances", len(states)), zap.Int("registrations", len(tracked)))
	}
	return nil
}

// Revoke stops the actors of revoked partitions, each once its mailbox is
// drained; their state stays in the changelog for the next owner.
func (s *Subsystem) Revoke(partitions []int32) { s.parts.Revoke(partitions) }

// registrar returns the key of the tenant's registrar, starting it with
// the given index when it does not run yet. It fails when this replica
// does not own the registrar's partition.
func (s *Subsystem) registrar(t tenant.Tenant, initial []partyquest.Tracked) ([]byte, error) {
	key := registrarKey(t)
	if s.parts.Has(key) {
		return key, nil
	}
	cat, _ := s.see(t, true)
	tmpl := registrar{env: s.env, deps: s.deps, tenant: t, catalog: cat, lookups: s.lookups, initial: initial}
	return key, s.parts.Spawn(key, s.env.Shell(kindRegistrar), func() actors.Actor {
		r := tmpl
		return &r
	})
}

// spawnInstance starts an instance actor: a restored one from initial, a
// new one (initial nil) waiting for its create.
func (s *Subsystem) spawnInstance(t tenant.Tenant, id uuid.UUID, initial *partyquest.State) error {
	key := instanceKey(t, id)
	shared, rnd := s.instances, s.deps.random()
	// The shell makes a fresh behaviour at every first start (a template
	// copied would stay alive beside the actor, 576 bytes each) and
	// restores it from its snapshot after a restart.
	return s.parts.Spawn(key, s.env.LeadShell(kindInstance, s.deps.TimerLead), func() actors.Actor {
		return &instanceActor{instanceEnv: shared, tenant: t, id: id, key: key, rnd: rnd, initial: initial}
	})
}

// resumeInstance places a restored instance. Where instances may rest it
// is placed at rest, its record its snapshot and its timer armed: a
// handover of many idle instances then costs their records, and each one
// wakes, restored from its record, at its first input or deadline (one
// that passed during the handover fires at once). Otherwise it runs.
func (s *Subsystem) resumeInstance(t tenant.Tenant, st restoredInstance) error {
	if s.deps.PassivateAfter <= 0 {
		return s.spawnInstance(t, st.ID, &st.State)
	}
	key := instanceKey(t, st.ID)
	a := &instanceActor{instanceEnv: s.instances, tenant: t, id: st.ID, key: key, rnd: s.deps.random(), definition: st.Definition}
	at, armed := st.NextDeadline()
	return s.parts.SpawnResting(key, s.env.LeadShell(kindInstance, s.deps.TimerLead), a, instanceSnapshot{recorded: st.raw}, at, armed)
}

// restoredRegistrations decodes a registrar's entries, oldest first.
func restoredRegistrations(entries []changelog.Entry) ([]partyquest.Tracked, []error) {
	out := make([]partyquest.Tracked, 0, len(entries))
	var errs []error
	for _, e := range entries {
		var tr partyquest.Tracked
		if err := json.Unmarshal(e.State, &tr); err != nil {
			errs = append(errs, fmt.Errorf("party-quest registration %q: %w", e.ID, err))
			continue
		}
		if tr.ID.String() != e.ID {
			errs = append(errs, fmt.Errorf("party-quest registration %q holds instance %s", e.ID, tr.ID))
			continue
		}
		out = append(out, tr)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, errs
}
