package partyquest

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestSeededRandomIsDeterministicAndWellFormed(t *testing.T) {
	a, b := NewSeededRandom(7), NewSeededRandom(7)
	seen := map[uuid.UUID]bool{}
	for range 100 {
		u := a.UUID()
		require.Equal(t, u, b.UUID())
		require.Equal(t, uuid.Version(4), u.Version())
		require.Equal(t, uuid.RFC4122, u.Variant())
		require.False(t, seen[u])
		seen[u] = true
		require.Equal(t, a.IntN(10), b.IntN(10))
	}
	require.NotEqual(t, NewSeededRandom(8).UUID(), NewSeededRandom(7).UUID())
}

func TestSystemRandom(t *testing.T) {
	r := NewRandom()
	require.NotEqual(t, r.UUID(), r.UUID())
	for range 100 {
		v := r.IntN(3)
		require.GreaterOrEqual(t, v, 0)
		require.Less(t, v, 3)
	}
}
