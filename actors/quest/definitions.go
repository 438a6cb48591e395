package quest

import (
	"github.com/google/uuid"

	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/gamehost/transitquest/tenant"
)

// QuestDefinition is a definition with its derived id, as the read API
// serves it.
type QuestDefinition = definition.Identified

// DefinitionID is the stable id of a tenant's definition (definition.ID).
func DefinitionID(t tenant.Tenant, questID string) uuid.UUID { return definition.ID(t, questID) }

// ValidationResult is the verdict on one definition file.
type ValidationResult = definition.ValidationResult

// Validate checks definition files without loading them anywhere
// (definition.ValidateFiles).
func (s *Subsystem) Validate(files [][]byte) []ValidationResult {
	return definition.ValidateFiles(files)
}

// catalogOf is the tenant's catalog, or the default definitions' for a
// tenant not seen yet (nil when there are none), built once per tenant.
func (s *Subsystem) catalogOf(t tenant.Tenant) *definition.TenantCatalog {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.known[t]; ok {
		return c
	}
	if len(s.deps.DefaultDefinitions) == 0 {
		return nil
	}
	c, ok := s.defaultCatalogs[t]
	if !ok {
		c, _ = definition.NewTenantCatalog(t, s.deps.DefaultDefinitions) // problems are logged when the tenant is seen
		s.defaultCatalogs[t] = c
	}
	return c
}

// Definitions lists the tenant's definitions in questId order. Values share
// slices with the catalog: treat them as read-only.
func (s *Subsystem) Definitions(t tenant.Tenant) []QuestDefinition {
	return s.catalogOf(t).List()
}

// Definition returns the tenant's definition with the given id.
func (s *Subsystem) Definition(t tenant.Tenant, id uuid.UUID) (QuestDefinition, bool) {
	return s.catalogOf(t).ByID(id)
}

// DefinitionByQuest returns the tenant's definition of a questId.
func (s *Subsystem) DefinitionByQuest(t tenant.Tenant, questID string) (QuestDefinition, bool) {
	return s.catalogOf(t).ByQuest(questID)
}
