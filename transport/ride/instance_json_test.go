package ride_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/transport/ride"
)

// TestInstanceAppendJSONWritesWhatEncodingJSONWrites holds the changelog's
// fast encoding of an instance to encoding/json's, over random instances:
// riders nil, empty or several, times in any zone, with or without
// nanoseconds, zero, and read from the clock (monotonic reading).
func TestInstanceAppendJSONWritesWhatEncodingJSONWrites(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 9))
	zones := []*time.Location{time.UTC, time.Local, time.FixedZone("", -(3*3600 + 1800)), time.FixedZone("X", 5*3600)}
	at := func() time.Time {
		switch rnd.IntN(6) {
		case 0:
			return time.Time{}
		case 1:
			return time.Now()
		}
		return time.Unix(rnd.Int64N(4e9), rnd.Int64N(1e9)*int64(rnd.IntN(2))).In(zones[rnd.IntN(len(zones))])
	}
	for range 3000 {
		in := ride.Instance{ID: uuid.New(), BoardingUntil: at(), ArrivalAt: at(), CreatedAt: at(),
			Phase: []ride.Phase{ride.PhaseBoarding, ride.PhaseInTransit, "", "odd\"phase"}[rnd.IntN(4)]}
		switch n := rnd.IntN(4); n {
		case 0:
		case 1:
			in.Riders = []ride.Rider{}
		default:
			for range n {
				in.Riders = append(in.Riders, ride.Rider{CharacterID: rnd.Uint32(), WorldID: byte(rnd.IntN(256)), ChannelID: byte(rnd.IntN(256))})
			}
		}
		want, err := json.Marshal(in)
		require.NoError(t, err)
		got, err := in.AppendJSON(nil)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
	}
	// A time encoding/json refuses is refused alike.
	_, err := ride.Instance{CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}.AppendJSON(nil)
	require.Error(t, err)
}
