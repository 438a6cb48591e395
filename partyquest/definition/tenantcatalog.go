package definition

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/tenant"
)

// Identified is a definition with its derived id (see ID), as the read API
// serves it.
type Identified struct {
	ID         uuid.UUID
	Definition Definition
}

// TenantCatalog is one tenant's usable definitions: by questId for
// registration, by id and in questId order for the read API. It is immutable
// once built, so any number of goroutines may read it and callers may cache
// it (for instance one per tenant served only by default definitions, instead
// of rebuilding it on every read). A nil *TenantCatalog is an empty one.
type TenantCatalog struct {
	tenant  tenant.Tenant
	byQuest *Catalog
	byID    map[uuid.UUID]Identified
	list    []Identified // questId order
}

// NewTenantCatalog builds t's catalog from defs. It keeps the definitions
// that pass Validate (a run must never start from a bad one, even if the
// caller skipped LoadDir) and, for a repeated questId, the first. Each
// rejected definition is returned as a problem, with its index in defs, for
// the caller to log; warnings are not reported, since LoadDir already did.
func NewTenantCatalog(t tenant.Tenant, defs []Definition) (*TenantCatalog, []LoadProblem) {
	var problems []LoadProblem
	kept := make([]Definition, 0, len(defs))
	seen := make(map[string]int, len(defs)) // questId → index in defs
	for i, d := range defs {
		if errs, _ := Validate(d); len(errs) > 0 {
			problems = append(problems, LoadProblem{QuestID: d.QuestID, Reason: fmt.Sprintf("definition #%d invalid: %s", i, strings.Join(errs, "; "))})
			continue
		}
		// Checked here rather than left to NewCatalog so the index reported is
		// the one in defs, not in the filtered slice.
		if first, dup := seen[d.QuestID]; dup {
			problems = append(problems, LoadProblem{QuestID: d.QuestID, Reason: fmt.Sprintf("duplicate questId %q (definition #%d, first is #%d) rejected", d.QuestID, i, first)})
			continue
		}
		seen[d.QuestID] = i
		kept = append(kept, d)
	}
	byQuest, more := NewCatalog(kept)
	problems = append(problems, more...)

	c := &TenantCatalog{tenant: t, byQuest: byQuest, byID: make(map[uuid.UUID]Identified, byQuest.Len())}
	for _, q := range byQuest.QuestIDs() {
		d, _ := byQuest.Get(q)
		e := Identified{ID: ID(t, q), Definition: d}
		c.byID[e.ID] = e
		c.list = append(c.list, e)
	}
	return c, problems
}

// Tenant is the tenant the catalog was built for; its ids derive from it.
func (c *TenantCatalog) Tenant() tenant.Tenant {
	if c == nil {
		return tenant.Tenant{}
	}
	return c.tenant
}

// Get returns the definition of questID, as Catalog.Get does. The returned
// value shares slices with the catalog; treat it as read-only.
func (c *TenantCatalog) Get(questID string) (Definition, bool) {
	if c == nil {
		return Definition{}, false
	}
	return c.byQuest.Get(questID)
}

// ByQuest returns the definition of questID with its id. The returned value
// shares slices with the catalog; treat it as read-only.
func (c *TenantCatalog) ByQuest(questID string) (Identified, bool) {
	d, ok := c.Get(questID)
	if !ok {
		return Identified{}, false
	}
	return Identified{ID: ID(c.tenant, questID), Definition: d}, true
}

// ByID returns the definition with the given id. The returned value shares
// slices with the catalog; treat it as read-only.
func (c *TenantCatalog) ByID(id uuid.UUID) (Identified, bool) {
	if c == nil {
		return Identified{}, false
	}
	e, ok := c.byID[id]
	return e, ok
}

// List returns the definitions in questId order. The slice is the caller's;
// the definitions in it share slices with the catalog and are read-only.
func (c *TenantCatalog) List() []Identified {
	if c == nil {
		return nil
	}
	return append([]Identified(nil), c.list...)
}

// Len is the number of definitions.
func (c *TenantCatalog) Len() int {
	if c == nil {
		return 0
	}
	return len(c.list)
}
