package definition

import (
	"fmt"
	"sort"
)

// Catalog is one tenant's definitions by questId. It is immutable once built,
// so any number of goroutines may read it; reloading builds a new Catalog and
// running instances keep the Definition they started with.
type Catalog struct {
	byQuest map[string]Definition
	ids     []string
}

// NewCatalog builds a catalog. Definitions are expected to have passed
// Validate. A questId already taken by an earlier definition is rejected with
// a problem, so the first one wins (LoadDir's file order makes that
// deterministic).
func NewCatalog(defs []Definition) (*Catalog, []LoadProblem) {
	c := &Catalog{byQuest: make(map[string]Definition, len(defs))}
	var problems []LoadProblem
	for i, d := range defs {
		if _, dup := c.byQuest[d.QuestID]; dup {
			problems = append(problems, LoadProblem{QuestID: d.QuestID, Reason: fmt.Sprintf("duplicate questId %q (definition #%d) rejected", d.QuestID, i)})
			continue
		}
		c.byQuest[d.QuestID] = d
		c.ids = append(c.ids, d.QuestID)
	}
	sort.Strings(c.ids)
	return c, problems
}

// Get returns the definition of questID. The returned value shares slices
// with the catalog; treat it as read-only.
func (c *Catalog) Get(questID string) (Definition, bool) {
	if c == nil {
		return Definition{}, false
	}
	d, ok := c.byQuest[questID]
	return d, ok
}

// QuestIDs lists the quest ids in sorted order.
func (c *Catalog) QuestIDs() []string {
	if c == nil {
		return nil
	}
	return append([]string(nil), c.ids...)
}

// Len is the number of definitions.
func (c *Catalog) Len() int {
	if c == nil {
		return 0
	}
	return len(c.ids)
}
