package quest

import (
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/gamehost/transitquest/tenant"
)

// definitionNamespace is the UUID namespace of definition ids: the SHA-1
// UUID of this URL in the URL namespace (0bb2b6e0-a668-55c4-a9b0-5e0f3ee10296),
// fixed forever.
var definitionNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/gamehost/transitquest/party-quest-definitions"))

// DefinitionID is the stable id of a tenant's definition. Definition files
// carry no id and there is no database to assign one, so the id is derived:
// uuid.NewSHA1(namespace, tenant id text + questId). The same file gives the
// same id across restarts and replicas; questId is unique per tenant.
func DefinitionID(t tenant.Tenant, questID string) uuid.UUID {
	return uuid.NewSHA1(definitionNamespace, []byte(t.ID.String()+questID))
}

// QuestDefinition is a definition with its derived id, as the read API
// serves it.
type QuestDefinition struct {
	ID         uuid.UUID
	Definition definition.Definition
}

// catalog is one tenant's immutable definitions: by questId for the
// registrar, by id and in questId order for the read API.
type catalog struct {
	byQuest *definition.Catalog
	byID    map[uuid.UUID]QuestDefinition
	list    []QuestDefinition
}

// newCatalog keeps the definitions that pass definition.Validate (the
// loader already checked them; a run must never start from a bad one) and,
// for a repeated questId, the first.
func newCatalog(log *zap.Logger, t tenant.Tenant, defs []definition.Definition) *catalog {
	valid := make([]definition.Definition, 0, len(defs))
	for _, d := range defs {
		if errs, _ := definition.Validate(d); len(errs) > 0 {
			log.Error("party-quest definition rejected", zap.Stringer("tenant", t), zap.String("questId", d.QuestID), zap.Strings("errors", errs))
			continue
		}
		valid = append(valid, d)
	}
	byQuest, problems := definition.NewCatalog(valid)
	for _, p := range problems {
		log.Error("party-quest definition rejected", zap.Stringer("tenant", t), zap.String("problem", p.String()))
	}
	c := &catalog{byQuest: byQuest, byID: map[uuid.UUID]QuestDefinition{}}
	for _, q := range byQuest.QuestIDs() {
		d, _ := byQuest.Get(q)
		qd := QuestDefinition{ID: DefinitionID(t, q), Definition: d}
		c.byID[qd.ID] = qd
		c.list = append(c.list, qd)
	}
	return c
}

// catalogOf is the tenant's catalog, or the defaults' for a tenant without
// configuration (nil when there are none).
func (s *Subsystem) catalogOf(t tenant.Tenant) *catalog {
	s.mu.RLock()
	ta, ok := s.tenants[t.Key()]
	s.mu.RUnlock()
	if ok {
		return ta.catalog
	}
	if len(s.defaults) == 0 {
		return nil
	}
	return newCatalog(zap.NewNop(), t, s.defaults) // logged when the tenant's actors start
}

// Definitions lists the tenant's definitions in questId order. Values share
// slices with the catalog: treat them as read-only.
func (s *Subsystem) Definitions(t tenant.Tenant) []QuestDefinition {
	c := s.catalogOf(t)
	if c == nil {
		return nil
	}
	return append([]QuestDefinition(nil), c.list...)
}

// Definition returns the tenant's definition with the given id.
func (s *Subsystem) Definition(t tenant.Tenant, id uuid.UUID) (QuestDefinition, bool) {
	c := s.catalogOf(t)
	if c == nil {
		return QuestDefinition{}, false
	}
	d, ok := c.byID[id]
	return d, ok
}

// DefinitionByQuest returns the tenant's definition of a questId.
func (s *Subsystem) DefinitionByQuest(t tenant.Tenant, questID string) (QuestDefinition, bool) {
	c := s.catalogOf(t)
	if c == nil {
		return QuestDefinition{}, false
	}
	d, ok := c.byQuest.Get(questID)
	if !ok {
		return QuestDefinition{}, false
	}
	return QuestDefinition{ID: DefinitionID(t, questID), Definition: d}, true
}
