package ride

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
)

func TestLoginRecovery(t *testing.T) {
	a := testRoute()
	b := testRoute()
	b.ID, b.StartMapID, b.TransitMapID = uuid.New(), 1, 2
	c := testRoute() // same transit map as b, later in the list
	c.StartMapID, c.TransitMapID = 3, 2
	routes := []Route{a, b, c}

	rec, ok := LoginRecovery(routes, 1, 7, 4, transitMap)
	assert.True(t, ok)
	assert.Equal(t, wantWarp(1, 7, 4, startMap, uuid.Nil), rec)

	rec, ok = LoginRecovery(routes, 1, 7, 4, 2)
	assert.True(t, ok)
	assert.Equal(t, wantWarp(1, 7, 4, 1, uuid.Nil), rec, "first matching route wins")

	for _, mapID := range []uint32{startMap, destMap, 0} {
		_, ok = LoginRecovery(routes, 1, 7, 4, mapID)
		assert.False(t, ok, "map %d is no transit map", mapID)
	}
	_, ok = LoginRecovery(nil, 1, 7, 4, transitMap)
	assert.False(t, ok)
}
