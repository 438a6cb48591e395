package definition

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCatalog(t *testing.T) {
	a, b, dup := valid(), valid(), valid()
	a.QuestID, b.QuestID, dup.QuestID = "b_pq", "a_pq", "b_pq"
	dup.Name = "later"
	c, problems := NewCatalog([]Definition{a, b, dup})
	require.Equal(t, []LoadProblem{{QuestID: "b_pq", Reason: `duplicate questId "b_pq" (definition #2) rejected`}}, problems)
	require.Equal(t, 2, c.Len())
	require.Equal(t, []string{"a_pq", "b_pq"}, c.QuestIDs())
	got, ok := c.Get("b_pq")
	require.True(t, ok)
	require.Equal(t, "Q", got.Name, "the first definition wins")
	_, ok = c.Get("nope")
	require.False(t, ok)

	var none *Catalog
	_, ok = none.Get("a_pq")
	require.False(t, ok)
	require.Zero(t, none.Len())
	require.Nil(t, none.QuestIDs())
}
