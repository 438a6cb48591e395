package schedule

import (
	"math/rand"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTripIDMatchesNewSHA1(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for range 200 {
		route := uuid.New()
		open := time.Unix(rng.Int63n(1<<34)-1<<33, rng.Int63n(1e9)).UTC()
		data := make([]byte, tripIDDataLen)
		putTripIDData(data, open)
		want := uuid.NewSHA1(route, data)
		got := TripID(route, open)
		require.Equal(t, want, got)
		assert.Equal(t, uuid.Version(5), got.Version())
		assert.Equal(t, uuid.RFC4122, got.Variant())
	}
}

func TestTripIDStableAndDistinct(t *testing.T) {
	route := uuid.MustParse("24bb11dd-44aa-48c2-998e-a1f1644b9130")
	open := at(0, 40, 0)
	assert.Equal(t, TripID(route, open), TripID(route, open.In(time.FixedZone("x", 3600))), "zone must not matter")
	assert.NotEqual(t, TripID(route, open), TripID(route, open.Add(time.Nanosecond)))
	assert.NotEqual(t, TripID(route, open), TripID(uuid.New(), open))
}

func TestMidnightMatchesCalendar(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	for range 1000 {
		// 1950 .. 2250, in a random zone
		ts := time.Unix(rng.Int63n(300*365*86400)-20*365*86400, rng.Int63n(1e9)).In(time.FixedZone("z", (rng.Intn(49)-24)*1800))
		u := ts.UTC()
		want := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
		require.True(t, want.Equal(midnight(ts)), "%v", ts)
		require.Equal(t, time.UTC, midnight(ts).Location())
	}
}
