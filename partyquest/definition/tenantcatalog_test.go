package definition

import (
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/tenant"
)

// samples are the shipped definitions (a copy of testdata/, see TestSamples).
func samples(t testing.TB) []Definition {
	t.Helper()
	defs, problems := LoadDir("../testdata")
	for _, p := range problems {
		require.True(t, p.Warning, p.String())
	}
	require.Len(t, defs, 2)
	return defs
}

func TestTenantCatalogReadAPI(t *testing.T) {
	c, problems := NewTenantCatalog(tn, samples(t))
	require.Empty(t, problems)
	assert.Equal(t, tn, c.Tenant())
	defs := c.List()
	require.Len(t, defs, 2)
	assert.Equal(t, 2, c.Len())
	assert.Equal(t, []string{kerning, sharenian}, []string{defs[0].Definition.QuestID, defs[1].Definition.QuestID})
	assert.Equal(t, ID(tn, kerning), defs[0].ID)

	d, ok := c.ByID(defs[1].ID)
	require.True(t, ok)
	assert.Equal(t, sharenian, d.Definition.QuestID)
	_, ok = c.ByID(uuid.New())
	assert.False(t, ok)
	d, ok = c.ByQuest(kerning)
	require.True(t, ok)
	assert.Equal(t, defs[0], d)
	_, ok = c.ByQuest("dragon_rider_pq")
	assert.False(t, ok)
	g, ok := c.Get(kerning)
	require.True(t, ok)
	assert.Equal(t, defs[0].Definition, g)
	_, ok = c.Get("dragon_rider_pq")
	assert.False(t, ok)

	other := tenant.Tenant{ID: uuid.New(), Region: "EMS"}
	empty, problems := NewTenantCatalog(other, nil)
	require.Empty(t, problems)
	assert.Empty(t, empty.List(), "tenants are isolated")
	_, ok = empty.ByQuest(kerning)
	assert.False(t, ok)
	_, ok = empty.ByID(defs[0].ID)
	assert.False(t, ok)
}

// Default definitions built for another tenant get that tenant's ids.
func TestTenantCatalogIDsAreTheTenantsOwn(t *testing.T) {
	other := tenant.Tenant{ID: uuid.New(), Region: "EMS"}
	c, problems := NewTenantCatalog(other, samples(t))
	require.Empty(t, problems)
	defs := c.List()
	require.Len(t, defs, 2)
	assert.Equal(t, ID(other, kerning), defs[0].ID, "ids are the tenant's own")
	_, ok := c.ByID(ID(tn, kerning))
	assert.False(t, ok, "another tenant's id does not resolve")
}

func TestTenantCatalogRejectsInvalidAndRepeated(t *testing.T) {
	a, bad, b, dup := valid(), valid(), valid(), valid()
	a.QuestID, bad.QuestID, b.QuestID, dup.QuestID = "b_pq", "c_pq", "a_pq", "b_pq"
	bad.Stages = nil
	dup.Name = "later"
	c, problems := NewTenantCatalog(tn, []Definition{a, bad, b, dup})
	require.Equal(t, []LoadProblem{
		{QuestID: "c_pq", Reason: "definition #1 invalid: no stages: the quest could never start"},
		{QuestID: "b_pq", Reason: `duplicate questId "b_pq" (definition #3, first is #0) rejected`},
	}, problems)
	require.Equal(t, 2, c.Len())
	list := c.List()
	assert.Equal(t, []Identified{{ID: ID(tn, "a_pq"), Definition: b}, {ID: ID(tn, "b_pq"), Definition: a}}, list)
	got, ok := c.Get("b_pq")
	require.True(t, ok)
	assert.Equal(t, "Q", got.Name, "the first definition wins")
	_, ok = c.Get("c_pq")
	assert.False(t, ok, "an invalid definition is never served")
	_, ok = c.ByID(ID(tn, "c_pq"))
	assert.False(t, ok)
}

// An invalid definition does not claim its questId: a later valid one with
// the same questId loads, as LoadDir and ValidateFiles behave.
func TestTenantCatalogInvalidDoesNotClaimQuestID(t *testing.T) {
	bad, good := valid(), valid()
	bad.Name = ""
	c, problems := NewTenantCatalog(tn, []Definition{bad, good})
	require.Len(t, problems, 1)
	assert.Equal(t, "definition #0 invalid: name is empty", problems[0].Reason)
	got, ok := c.Get("q")
	require.True(t, ok)
	assert.Equal(t, "Q", got.Name)
}

func TestTenantCatalogListIsTheCallers(t *testing.T) {
	c, _ := NewTenantCatalog(tn, samples(t))
	l := c.List()
	l[0] = Identified{}
	assert.Equal(t, ID(tn, kerning), c.List()[0].ID, "changing a returned list leaves the catalog as built")
}

func TestNilTenantCatalogIsEmpty(t *testing.T) {
	var c *TenantCatalog
	assert.Zero(t, c.Tenant())
	assert.Zero(t, c.Len())
	assert.Nil(t, c.List())
	_, ok := c.Get(kerning)
	assert.False(t, ok)
	_, ok = c.ByQuest(kerning)
	assert.False(t, ok)
	_, ok = c.ByID(ID(tn, kerning))
	assert.False(t, ok)
}

// A cached catalog is read by many goroutines at once (run with -race).
func TestTenantCatalogConcurrentReads(t *testing.T) {
	c, _ := NewTenantCatalog(tn, samples(t))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, e := range c.List() {
				got, ok := c.ByID(e.ID)
				assert.True(t, ok)
				assert.Equal(t, e.Definition.QuestID, got.Definition.QuestID)
				_, ok = c.ByQuest(e.Definition.QuestID)
				assert.True(t, ok)
			}
		}()
	}
	wg.Wait()
}
